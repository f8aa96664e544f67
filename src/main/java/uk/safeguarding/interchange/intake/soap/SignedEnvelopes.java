package uk.safeguarding.interchange.intake.soap;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSConfig;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Builds SOAP 1.2 requests as DOM and signs them with WSS4J the way a conforming client does (BST, Timestamp,
 * exclusive C14N, SHA-256, RSA-SHA256 or ECDSA-SHA256 by key), so tests and the conformance kit can then tamper with
 * them. Stateless; a {@link Spec} is a mutable description used by one caller.
 */
public final class SignedEnvelopes {
    static {
        WSSConfig.init();
    }

    /** What to sign and how. */
    public static final class Spec {
        /** A dev certificate name ({@code certs-dev/NAME.p12}), used when {@link #keyStore} is null. */
        public String signer = "acme-safeguard";
        /** The signer's PKCS#12 key store; null means the dev certificate {@link #signer}. */
        public Path keyStore = null;

        public char[] password = "dev-only".toCharArray();

        public boolean signBody = true;
        public boolean signTimestamp = true;
        public boolean signAddressing = true;
        public boolean timestamp = true;
        public Instant created = null;
        public int ttlSeconds = 300;
        public String signatureAlgorithm = null;
        public String messageId = "urn:uuid:" + UUID.randomUUID();
        public String action = null;
    }

    private SignedEnvelopes() {}

    /** An unsigned envelope with WS-Addressing headers around {@code operationXml}. */
    public static Document envelope(String operationXml, Spec spec) {
        Document body = SoapXml.parse(operationXml.getBytes(StandardCharsets.UTF_8));
        Document doc = SoapXml.newDocument();
        Element envelope = doc.createElementNS(SoapXml.SOAP12_NS, "soap:Envelope");
        doc.appendChild(envelope);
        Element header = doc.createElementNS(SoapXml.SOAP12_NS, "soap:Header");
        envelope.appendChild(header);
        String action = spec.action != null
                ? spec.action
                : SoapXml.SERVICE_NS + ":" + body.getDocumentElement().getLocalName();
        add(header, "Action", action);
        if (spec.messageId != null) {
            add(header, "MessageID", spec.messageId);
        }
        add(header, "To", "https://localhost/soap/v1");
        Element soapBody = doc.createElementNS(SoapXml.SOAP12_NS, "soap:Body");
        envelope.appendChild(soapBody);
        soapBody.appendChild(doc.importNode(body.getDocumentElement(), true));
        return doc;
    }

    public static Document signed(String operationXml, Spec spec) {
        Document doc = envelope(operationXml, spec);
        sign(doc, spec);
        return doc;
    }

    public static void sign(Document doc, Spec spec) {
        doc.normalizeDocument();
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            Path store = spec.keyStore != null ? spec.keyStore : Path.of("certs-dev", spec.signer + ".p12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, spec.password);
            }
            String alias = keyStore.aliases().nextElement();
            Merlin crypto = new Merlin();
            crypto.setKeyStore(keyStore);
            WSSecHeader header = new WSSecHeader(doc);
            header.setMustUnderstand(true);
            header.insertSecurityHeader();
            if (spec.timestamp) {
                WSSecTimestamp timestamp = new WSSecTimestamp(header);
                timestamp.setTimeToLive(spec.ttlSeconds);
                if (spec.created != null) {
                    Instant created = spec.created;
                    timestamp.setWsTimeSource(() -> created);
                }
                timestamp.build();
            }
            WSSecSignature signature = new WSSecSignature(header);
            signature.setUserInfo(alias, new String(spec.password));
            signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
            String keyAlgorithm = keyStore.getCertificate(alias).getPublicKey().getAlgorithm();
            signature.setSignatureAlgorithm(
                    spec.signatureAlgorithm != null
                            ? spec.signatureAlgorithm
                            : keyAlgorithm.equals("EC") ? SoapSecurity.ECDSA_SHA256 : SoapSecurity.RSA_SHA256);
            signature.setDigestAlgo(SoapSecurity.SHA256);
            signature.setSigCanonicalization(SoapXml.EXC_C14N);
            List<WSEncryptionPart> parts = signature.getParts();
            if (spec.signTimestamp && spec.timestamp) {
                parts.add(new WSEncryptionPart("Timestamp", SoapXml.WSU_NS, "Element"));
            }
            if (spec.signAddressing) {
                Element soapHeader = SoapXml.children(doc.getDocumentElement(), SoapXml.SOAP12_NS, "Header")
                        .get(0);
                for (Element h : SoapXml.children(soapHeader)) {
                    if (SoapXml.WSA_NS.equals(h.getNamespaceURI())) {
                        parts.add(new WSEncryptionPart(h.getLocalName(), SoapXml.WSA_NS, "Element"));
                    }
                }
            }
            if (spec.signBody) {
                parts.add(new WSEncryptionPart("Body", SoapXml.SOAP12_NS, "Element"));
            }
            signature.build(crypto);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void add(Element header, String name, String value) {
        Element e = header.getOwnerDocument().createElementNS(SoapXml.WSA_NS, "wsa:" + name);
        e.setTextContent(value);
        header.appendChild(e);
    }

    public static Element header(Document doc) {
        return SoapXml.children(doc.getDocumentElement(), SoapXml.SOAP12_NS, "Header")
                .get(0);
    }

    public static Element body(Document doc) {
        return SoapXml.children(doc.getDocumentElement(), SoapXml.SOAP12_NS, "Body")
                .get(0);
    }

    public static byte[] bytes(Document doc) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TransformerFactory.newDefaultInstance()
                    .newTransformer()
                    .transform(new DOMSource(doc), new StreamResult(out));
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
