package uk.safeguarding.interchange.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's runtime settings, resolved once at start and immutable afterwards.
 *
 * <p>Sources, later wins: {@code application.properties} on the classpath, {@code config/gateway.properties}
 * (if present), environment variables ({@code GATEWAY_HTTPS_PORT} for {@code gateway.https.port}: upper case,
 * dots and dashes as underscores), Java system properties, then explicit overrides (tests). {@code ${key}}
 * placeholders refer to other keys. {@link #properties()} holds the merged set, which Camel Main also sees,
 * so {@code camel.*} keys can be overridden the same way.
 *
 * @param dataDir root of the broker journal ({@code artemis/}) and the embedded database ({@code db/})
 * @param httpsHost the address the HTTPS connector binds to (loopback by default)
 * @param httpsPort the HTTPS port; 0 picks a free port (tests)
 * @param tlsKeystore PKCS#12 holding the gateway's TLS server key and certificate chain
 * @param tlsTruststore PKCS#12 holding the interchange trust anchors for client certificates
 * @param crlFiles PEM or DER CRLs used for client-certificate revocation checks; empty disables them
 * @param dbUrl JDBC URL (H2 file by default; PostgreSQL in production)
 * @param fhirSchemasDir directory of FHIR conformance resources (StructureDefinitions) named in metadata
 */
public record GatewaySettings(
        Path dataDir,
        String httpsHost,
        int httpsPort,
        Path tlsKeystore,
        char[] tlsKeystorePassword,
        Path tlsTruststore,
        char[] tlsTruststorePassword,
        List<Path> crlFiles,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int dbPoolSize,
        Path fhirSchemasDir,
        Properties properties) {

    public static final String CONFIG_FILE = "config/gateway.properties";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)}");

    public GatewaySettings {
        Objects.requireNonNull(dataDir);
        Objects.requireNonNull(httpsHost);
        crlFiles = List.copyOf(crlFiles);
        Properties copy = new Properties();
        copy.putAll(properties);
        properties = copy;
    }

    /** Loads the settings from the standard sources (see the type's documentation). */
    public static GatewaySettings load() {
        return load(Map.of());
    }

    /** Loads the settings from the standard sources, then applies {@code overrides} last. */
    public static GatewaySettings load(Map<String, String> overrides) {
        Properties merged = new Properties();
        try (InputStream in = GatewaySettings.class.getResourceAsStream("/application.properties")) {
            if (in == null) {
                throw new StartupException("application.properties is missing from the classpath: the build is broken");
            }
            merged.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StartupException("Cannot read application.properties: " + e.getMessage());
        }
        Path configFile = Path.of(CONFIG_FILE);
        if (Files.isRegularFile(configFile)) {
            try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                merged.load(reader);
            } catch (IOException e) {
                throw new StartupException("Cannot read " + CONFIG_FILE + ": " + e.getMessage());
            }
        }
        Map<String, String> env = System.getenv();
        for (String key : merged.stringPropertyNames()) {
            String value = env.get(envName(key));
            if (value != null) {
                merged.setProperty(key, value);
            }
        }
        System.getProperties().stringPropertyNames().stream()
                .filter(key -> key.startsWith("gateway.") || key.startsWith("camel."))
                .forEach(key -> merged.setProperty(key, System.getProperty(key)));
        overrides.forEach(merged::setProperty);
        // Absolute before it is substituted anywhere: H2 refuses a database URL with a path relative to the working
        // directory unless it starts with "./", so GATEWAY_DATA_DIR=target/x would otherwise stop the start.
        String dataDir = merged.getProperty("gateway.data.dir");
        if (dataDir != null && !dataDir.contains("${")) {
            merged.setProperty(
                    "gateway.data.dir",
                    Path.of(dataDir).toAbsolutePath().normalize().toString());
        }
        return fromProperties(resolvePlaceholders(merged));
    }

    /** {@code gateway.https.port} → {@code GATEWAY_HTTPS_PORT}. */
    static String envName(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Properties resolvePlaceholders(Properties in) {
        Properties out = new Properties();
        for (String key : in.stringPropertyNames()) {
            out.setProperty(key, resolve(in, in.getProperty(key), 0));
        }
        return out;
    }

    private static String resolve(Properties props, String value, int depth) {
        if (depth > 10) {
            throw new StartupException("Configuration placeholders nest too deeply (a cycle?) in: " + value);
        }
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String ref = props.getProperty(m.group(1));
            // Unknown keys are left for Camel's own property placeholders to resolve.
            String replacement = ref == null ? m.group() : resolve(props, ref, depth + 1);
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static GatewaySettings fromProperties(Properties p) {
        Path dataDir = Path.of(required(p, "gateway.data.dir")).toAbsolutePath().normalize();
        List<Path> crls = new ArrayList<>();
        Arrays.stream(p.getProperty("gateway.tls.crl.files", "").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(Path::of)
                .forEach(crls::add);
        String dbUrl = required(p, "gateway.db.url");
        return new GatewaySettings(
                dataDir,
                required(p, "gateway.https.host"),
                intValue(p, "gateway.https.port"),
                Path.of(required(p, "gateway.tls.keystore")),
                p.getProperty("gateway.tls.keystore.password", "").toCharArray(),
                Path.of(required(p, "gateway.tls.truststore")),
                p.getProperty("gateway.tls.truststore.password", "").toCharArray(),
                crls,
                dbUrl,
                p.getProperty("gateway.db.user", ""),
                p.getProperty("gateway.db.password", ""),
                intValue(p, "gateway.db.pool.size"),
                Path.of(required(p, "gateway.fhir.schemas.dir")),
                p);
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new StartupException("Configuration property " + key + " is not set");
        }
        return value.trim();
    }

    private static int intValue(Properties p, String key) {
        String value = required(p, key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new StartupException("Configuration property " + key + " must be a number, not '" + value + "'");
        }
    }

    /** Fails with a one-line message naming the property to set when a certificate file is missing. */
    public void requireCertificateFilesPresent() {
        requireFile(tlsKeystore, "gateway.tls.keystore");
        requireFile(tlsTruststore, "gateway.tls.truststore");
        for (Path crl : crlFiles) {
            requireFile(crl, "gateway.tls.crl.files");
        }
    }

    private static void requireFile(Path file, String property) {
        if (!Files.isRegularFile(file)) {
            throw new StartupException(
                    "Certificate file " + file + " not found: run ./gateway dev-pki or set " + property);
        }
    }

    /** Redacts the passwords: settings may be logged. */
    @Override
    public String toString() {
        return "GatewaySettings[dataDir=" + dataDir + ", https=" + httpsHost + ":" + httpsPort + ", keystore="
                + tlsKeystore + ", truststore=" + tlsTruststore + ", crls=" + crlFiles + ", db=" + redactedDbUrl()
                + "]";
    }

    private String redactedDbUrl() {
        return dbUrl.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }
}
