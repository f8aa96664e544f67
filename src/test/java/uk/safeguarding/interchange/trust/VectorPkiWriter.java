package uk.safeguarding.interchange.trust;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Writes the PKI of the committed signature vectors (src/test/resources/vectors/pki/): run once, by hand, as the
 * README next to src/test/node/sign-vector.mjs says. Not a test.
 */
final class VectorPkiWriter {
    /** The instant the vector PKI and its CRLs are valid at; NodeSignedVectorTest's clock. */
    static final Instant VECTOR_TIME = Instant.parse("2026-03-01T12:00:00Z");

    private VectorPkiWriter() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/vectors/pki");
        Files.createDirectories(dir);
        TestPki pki = new TestPki(VECTOR_TIME, Duration.ofDays(3650));
        TestPki.write(dir.resolve("root.pem"), pem(List.of(pki.root.certificate())));
        TestPki.write(dir.resolve("root.crl.pem"), TestPki.pem("X509 CRL", pki.rootCrl.getEncoded()));
        TestPki.write(dir.resolve("issuing-ca.crl.pem"), TestPki.pem("X509 CRL", pki.issuingCaCrl.getEncoded()));
        TestPki.write(dir.resolve("rsa-signer.chain.pem"), pem(pki.rsaSigner.chain()));
        TestPki.write(
                dir.resolve("rsa-signer.key.pem"),
                TestPki.pem("PRIVATE KEY", pki.rsaSigner.key().getEncoded()));
        TestPki.write(dir.resolve("ec-signer.chain.pem"), pem(pki.ecSigner.chain()));
        TestPki.write(
                dir.resolve("ec-signer.key.pem"),
                TestPki.pem("PRIVATE KEY", pki.ecSigner.key().getEncoded()));
    }

    private static String pem(List<X509Certificate> certificates) throws Exception {
        StringBuilder out = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            out.append(TestPki.pem("CERTIFICATE", certificate.getEncoded()));
        }
        return out.toString();
    }
}
