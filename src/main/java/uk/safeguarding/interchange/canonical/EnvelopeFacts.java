package uk.safeguarding.interchange.canonical;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;

/**
 * What the intake knows about a message beyond its business content: the gateway's tracking id, when and over
 * which binding it arrived, the sender's idempotency key, the authenticated system that submitted it and the
 * verified signature. The translators copy these into the canonical envelope unchanged; they never read them from
 * the message body. All components are required (non-null); byte arrays are copied in and out, so instances are
 * immutable and thread-safe.
 *
 * @param trackingId the gateway-assigned tracking id, a lower-case UUID
 * @param receivedAt when the gateway received the message
 * @param binding the binding it arrived over
 * @param senderMessageId the sender's idempotency key (FHIR {@code Bundle.id}, SOAP WS-Addressing MessageID)
 * @param submittedBy the organisation id of the authenticated system (TLS client certificate) that submitted it
 * @param signature the verified signature evidence
 */
public record EnvelopeFacts(
        String trackingId,
        Instant receivedAt,
        Binding binding,
        String senderMessageId,
        String submittedBy,
        Signature signature) {

    public EnvelopeFacts {
        Objects.requireNonNull(trackingId, "trackingId");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(senderMessageId, "senderMessageId");
        Objects.requireNonNull(submittedBy, "submittedBy");
        Objects.requireNonNull(signature, "signature");
    }

    /** The same facts for another binding (used to compare the bindings' translations of one message). */
    public EnvelopeFacts withBinding(Binding other) {
        return new EnvelopeFacts(trackingId, receivedAt, other, senderMessageId, submittedBy, signature);
    }

    /**
     * The signature the trust layer verified.
     *
     * @param signerCertificateDer the signer's X.509 certificate, DER
     * @param signerOrgId the organisation id the certificate names (SAN URI)
     * @param algorithm the signature algorithm (JWS name for FHIR, XML Signature name for SOAP)
     * @param signedDigestSha256 SHA-256 of exactly the bytes that were signed (32 octets)
     * @param signingTime the signing time (FHIR {@code Bundle.signature.when}, SOAP {@code wsu:Timestamp/Created})
     */
    public record Signature(
            byte[] signerCertificateDer,
            String signerOrgId,
            SignatureAlgorithm algorithm,
            byte[] signedDigestSha256,
            Instant signingTime) {

        public Signature {
            signerCertificateDer = Objects.requireNonNull(signerCertificateDer, "signerCertificateDer")
                    .clone();
            Objects.requireNonNull(signerOrgId, "signerOrgId");
            Objects.requireNonNull(algorithm, "algorithm");
            signedDigestSha256 = Objects.requireNonNull(signedDigestSha256, "signedDigestSha256")
                    .clone();
            Objects.requireNonNull(signingTime, "signingTime");
            if (signedDigestSha256.length != 32) {
                throw new IllegalArgumentException("a SHA-256 digest has 32 octets");
            }
        }

        @Override
        public byte[] signerCertificateDer() {
            return signerCertificateDer.clone();
        }

        @Override
        public byte[] signedDigestSha256() {
            return signedDigestSha256.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Signature s
                    && Arrays.equals(signerCertificateDer, s.signerCertificateDer)
                    && signerOrgId.equals(s.signerOrgId)
                    && algorithm == s.algorithm
                    && Arrays.equals(signedDigestSha256, s.signedDigestSha256)
                    && signingTime.equals(s.signingTime);
        }

        @Override
        public int hashCode() {
            return Objects.hash(
                    Arrays.hashCode(signerCertificateDer),
                    signerOrgId,
                    algorithm,
                    Arrays.hashCode(signedDigestSha256),
                    signingTime);
        }

        @Override
        public String toString() {
            return "Signature[signerOrgId=" + signerOrgId + ", algorithm=" + algorithm + ", signingTime=" + signingTime
                    + "]";
        }
    }
}
