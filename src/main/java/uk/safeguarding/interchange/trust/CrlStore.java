package uk.safeguarding.interchange.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * The certificate revocation lists the gateway checks against, loaded from local files only (never fetched from
 * distribution points). Every CA in a path, intermediates included, needs a current CRL here or validation fails
 * closed. Immutable and thread-safe.
 */
public final class CrlStore {
    private final List<X509CRL> crls;

    private CrlStore(Collection<X509CRL> crls) {
        this.crls = List.copyOf(crls);
    }

    public static CrlStore of(Collection<X509CRL> crls) {
        return new CrlStore(crls);
    }

    public static CrlStore empty() {
        return new CrlStore(List.of());
    }

    /** Every CRL in the given PEM files. */
    public static CrlStore fromPemFiles(Collection<Path> files) throws IOException {
        List<X509CRL> crls = new ArrayList<>();
        for (Path file : files) {
            crls.addAll(Pem.readCrls(file));
        }
        return new CrlStore(crls);
    }

    /** Every CRL in the {@code *.crl} and {@code *.crl.pem} PEM files directly in {@code directory}. */
    public static CrlStore fromDirectory(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return fromPemFiles(files.filter(f -> {
                        String name = f.getFileName().toString();
                        return name.endsWith(".crl") || name.endsWith(".crl.pem");
                    })
                    .sorted()
                    .toList());
        }
    }

    public List<X509CRL> crls() {
        return crls;
    }
}
