package uk.safeguarding.interchange.testsupport;

import org.flywaydb.core.Flyway;

/** Brings an empty database to an earlier schema version, so a migration test can fill it as the gateway did then. */
public final class MigratedTo {
    private MigratedTo() {}

    /** Applies the gateway's migrations up to and including {@code version}. */
    public static void version(String version, String jdbcUrl, String user, String password) {
        Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/migration")
                .target(version)
                .load()
                .migrate();
    }
}
