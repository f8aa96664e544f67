package uk.safeguarding.interchange.intake.soap;

import java.time.Instant;
import java.util.Objects;
import org.w3c.dom.Element;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;
import uk.safeguarding.interchange.trust.ValidatedCertificate;

/**
 * A SOAP request whose WS-Security signature verified and covers the Body, the Timestamp and every WS-Addressing
 * header; business data may be read from {@link #operation()} and nothing else.
 *
 * @param operation the single element child of the verified {@code soap:Body} (e.g. {@code SubmitMessage})
 * @param messageId the signed {@code wsa:MessageID}, or null when absent
 * @param action the signed {@code wsa:Action}, or null when absent
 * @param signer the signer certificate, validated against the gateway's anchors at the signing time and now
 * @param signingTime the signed {@code wsu:Timestamp/wsu:Created}
 * @param algorithm the XML Signature method
 * @param signedInfoSha256 SHA-256 of the exclusive C14N of {@code ds:SignedInfo}: exactly the bytes signed
 */
public record VerifiedEnvelope(
        Element operation,
        String messageId,
        String action,
        ValidatedCertificate signer,
        Instant signingTime,
        SignatureAlgorithm algorithm,
        byte[] signedInfoSha256) {
    public VerifiedEnvelope {
        Objects.requireNonNull(operation);
        Objects.requireNonNull(signer);
        Objects.requireNonNull(signingTime);
        Objects.requireNonNull(algorithm);
        signedInfoSha256 = signedInfoSha256.clone();
    }

    @Override
    public byte[] signedInfoSha256() {
        return signedInfoSha256.clone();
    }
}
