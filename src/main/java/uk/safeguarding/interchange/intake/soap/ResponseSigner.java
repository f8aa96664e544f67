package uk.safeguarding.interchange.intake.soap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.Collections;
import java.util.Objects;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSConfig;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import uk.safeguarding.interchange.config.StartupException;

/**
 * Signs the gateway's SOAP responses (and faults) with its signing key, in the profile it demands of requests:
 * X.509 BinarySecurityToken, a 5-minute {@code wsu:Timestamp}, exclusive C14N, SHA-256, ECDSA-SHA256 (EC P-256) or
 * RSA-SHA256 (RSA) by key type ({@link SoapSecurity#signatureMethod}), covering the Body, the Timestamp and every WS-Addressing header. The security header is not
 * {@code mustUnderstand}, so a client that does not verify it still reads the response. Thread-safe.
 */
public final class ResponseSigner {
    static {
        WSSConfig.init();
    }

    private final Merlin crypto;
    private final String alias;
    private final String password;
    private final String signatureAlgorithm;
    private final Clock clock;

    private ResponseSigner(Merlin crypto, String alias, String password, String signatureAlgorithm, Clock clock) {
        this.crypto = crypto;
        this.alias = alias;
        this.password = password;
        this.signatureAlgorithm = signatureAlgorithm;
        this.clock = clock;
    }

    /**
     * Loads the signing key from a PKCS#12 file: its only key entry, or {@code alias} when given.
     *
     * @throws StartupException when the file cannot be read or holds no usable key
     */
    public static ResponseSigner fromPkcs12(Path file, char[] password, String alias, Clock clock) {
        Objects.requireNonNull(clock);
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password);
            String chosen = alias;
            if (chosen == null || chosen.isBlank()) {
                for (String a : Collections.list(keyStore.aliases())) {
                    if (keyStore.isKeyEntry(a)) {
                        chosen = a;
                        break;
                    }
                }
            }
            if (chosen == null || !keyStore.isKeyEntry(chosen)) {
                throw new StartupException("The SOAP signing key store " + file + " holds no key entry");
            }
            Certificate certificate = keyStore.getCertificate(chosen);
            String method;
            try {
                method = SoapSecurity.signatureMethod(certificate.getPublicKey());
            } catch (IllegalArgumentException e) {
                throw new StartupException("The SOAP signing key in " + file + " is not usable: " + e.getMessage());
            }
            Merlin merlin = new Merlin();
            merlin.setKeyStore(keyStore);
            return new ResponseSigner(merlin, chosen, new String(password), method, clock);
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException("Cannot read the SOAP signing key store " + file + ": " + e.getMessage());
        }
    }

    /** The signature method URI this signer uses (follows the key type). */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** Adds a signed {@code wsse:Security} header to {@code envelope} (a SOAP 1.2 envelope with a Header). */
    public void sign(Document envelope) {
        // Namespace declarations as attributes: C14N of a DOM built with createElementNS reads them from there, and
        // without them the digests would not match the serialised bytes.
        envelope.normalizeDocument();
        try {
            WSSecHeader header = new WSSecHeader(envelope);
            header.setMustUnderstand(false);
            header.insertSecurityHeader();
            WSSecTimestamp timestamp = new WSSecTimestamp(header);
            timestamp.setTimeToLive((int) SoapSecurity.MAX_TTL.toSeconds());
            timestamp.setWsTimeSource(clock::instant);
            timestamp.build();

            WSSecSignature signature = new WSSecSignature(header);
            signature.setUserInfo(alias, password);
            signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
            signature.setSignatureAlgorithm(signatureAlgorithm);
            signature.setDigestAlgo(SoapSecurity.SHA256);
            signature.setSigCanonicalization(SoapXml.EXC_C14N);
            signature.setAddInclusivePrefixes(false);
            signature.getParts().add(new WSEncryptionPart("Timestamp", SoapXml.WSU_NS, "Element"));
            Element soapHeader = SoapXml.children(envelope.getDocumentElement(), SoapXml.SOAP12_NS, "Header")
                    .get(0);
            for (Element h : SoapXml.children(soapHeader)) {
                if (SoapXml.WSA_NS.equals(h.getNamespaceURI())) {
                    signature.getParts().add(new WSEncryptionPart(h.getLocalName(), SoapXml.WSA_NS, "Element"));
                }
            }
            signature.getParts().add(new WSEncryptionPart("Body", SoapXml.SOAP12_NS, "Element"));
            signature.build(crypto);
        } catch (WSSecurityException e) {
            throw new IllegalStateException("The gateway could not sign its response", e);
        }
    }
}
