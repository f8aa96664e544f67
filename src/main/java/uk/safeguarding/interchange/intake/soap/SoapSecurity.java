package uk.safeguarding.interchange.intake.soap;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.WSDataRef;
import org.apache.wss4j.dom.engine.WSSConfig;
import org.apache.wss4j.dom.engine.WSSecurityEngine;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import uk.safeguarding.interchange.canonical.xml.SignatureAlgorithm;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.trust.CertificateValidator;
import uk.safeguarding.interchange.trust.JwsAlgorithm;
import uk.safeguarding.interchange.trust.ValidatedCertificate;

/**
 * Verifies the WS-Security header of a SOAP 1.2 request (spec §6, docs/soap-binding.md) and returns the verified
 * Body content, or throws a {@link GatewayException} with the exact code.
 *
 * <p>Checks, in order: one {@code wsse:Security} header with one {@code ds:Signature} (SIG-001 / SIG-002) and one
 * {@code wsu:Timestamp} (SIG-011); the algorithms (exclusive C14N, SHA-256 digests, RSA-SHA256 or ECDSA-SHA256:
 * SIG-003); no two elements sharing an id (an ambiguous reference is a wrapping attempt: SIG-010); the timestamp
 * against the injected clock (TTL, expiry, future skew: SIG-011); the XML signature itself by WSS4J with the key of
 * the {@code BinarySecurityToken} (SIG-004); coverage, by node identity, of THE {@code soap:Body} child of the
 * envelope, THE timestamp in the security header and every WS-Addressing header (SIG-010); the signer certificate by
 * the gateway's one {@link CertificateValidator} at the signing time and now (SIG-005..008); and finally the
 * signature value against the {@link ReplayCache} (DUP-002). WSS4J's own trust and timestamp validators are replaced:
 * the gateway's validator and clock decide. Thread-safe.
 */
public final class SoapSecurity {
    public static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    public static final String ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
    public static final String SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    /**
     * The WS-Security signature method the interchange signs with for {@code key} (public or private): {@link
     * #ECDSA_SHA256} for EC P-256, {@link #RSA_SHA256} for RSA of at least 2048 bits (as {@link JwsAlgorithm#forKey}).
     *
     * @throws IllegalArgumentException for any other key
     */
    public static String signatureMethod(Key key) {
        return switch (JwsAlgorithm.forKey(key)) {
            case ES256 -> ECDSA_SHA256;
            case RS256, PS256 -> RSA_SHA256;
        };
    }

    /** The longest timestamp lifetime accepted (spec §6). */
    public static final Duration MAX_TTL = Duration.ofMinutes(5);

    static {
        WSSConfig.init();
    }

    private final CertificateValidator validator;
    private final List<X509Certificate> intermediates;
    private final ReplayCache replays;
    private final Clock clock;
    private final Duration futureSkew;
    private final WSSConfig wssConfig;
    private final Merlin certificateParser;

    /**
     * @param validator the gateway's one certificate validator (anchors, CRLs)
     * @param intermediates CA certificates (not anchors) offered alongside a signer that sends only its own certificate
     * @param replays where verified signature values are remembered
     * @param clock the gateway clock
     * @param futureSkew how far in the future a timestamp's Created may be (sender clock ahead)
     */
    public SoapSecurity(
            CertificateValidator validator,
            List<X509Certificate> intermediates,
            ReplayCache replays,
            Clock clock,
            Duration futureSkew) {
        this.validator = Objects.requireNonNull(validator);
        this.intermediates = List.copyOf(intermediates);
        this.replays = Objects.requireNonNull(replays);
        this.clock = Objects.requireNonNull(clock);
        this.futureSkew = Objects.requireNonNull(futureSkew);
        this.wssConfig = WSSConfig.getNewInstance();
        // Trust is decided by CertificateValidator after WSS4J has verified the signature cryptographically, and
        // freshness by this class with the injected clock: WSS4J's own checks would use other rules and codes.
        wssConfig.setValidator(WSConstants.SIGNATURE, (credential, data) -> credential);
        wssConfig.setValidator(WSConstants.TIMESTAMP, (credential, data) -> credential);
        this.certificateParser = new Merlin();
        try {
            KeyStore empty = KeyStore.getInstance("PKCS12");
            empty.load(null, null);
            // Used only to decode certificates from BinarySecurityTokens: it trusts nothing.
            certificateParser.setKeyStore(empty);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("Cannot create an empty key store", e);
        }
    }

    /**
     * Verifies the request. The document must come from {@link SoapXml#parse} and be used by one thread.
     *
     * @throws GatewayException with a SIG-*, SCHEMA-* or DUP-002 code
     */
    public VerifiedEnvelope verify(Document document) {
        Element envelope = document.getDocumentElement();
        if (!SoapXml.is(envelope, SoapXml.SOAP12_NS, "Envelope")) {
            throw new GatewayException(ErrorCode.SCHEMA_MALFORMED, "The request is not a SOAP 1.2 envelope.");
        }
        Element body = theBody(envelope);
        Element operation = theOperation(body);
        Element header = optionalSingle(envelope, SoapXml.SOAP12_NS, "Header", ErrorCode.SCHEMA_MALFORMED);
        if (header == null) {
            throw new GatewayException(ErrorCode.SIG_MISSING, "The request has no wsse:Security header.");
        }
        List<Element> securityHeaders = SoapXml.children(header, SoapXml.WSSE_NS, "Security");
        if (securityHeaders.isEmpty()) {
            throw new GatewayException(ErrorCode.SIG_MISSING, "The request has no wsse:Security header.");
        }
        if (securityHeaders.size() > 1) {
            throw new GatewayException(ErrorCode.SIG_MALFORMED, "The request has more than one wsse:Security header.");
        }
        Element security = securityHeaders.get(0);
        List<Element> signatures = SoapXml.children(security, SoapXml.DSIG_NS, "Signature");
        if (signatures.isEmpty()) {
            throw new GatewayException(ErrorCode.SIG_MISSING, "The wsse:Security header holds no ds:Signature.");
        }
        if (signatures.size() > 1) {
            throw new GatewayException(
                    ErrorCode.SIG_MALFORMED, "The wsse:Security header holds more than one ds:Signature.");
        }
        Element signature = signatures.get(0);
        List<Element> timestamps = SoapXml.children(security, SoapXml.WSU_NS, "Timestamp");
        if (timestamps.size() != 1) {
            throw new GatewayException(
                    ErrorCode.SIG_TIMESTAMP, "The wsse:Security header must hold exactly one wsu:Timestamp.");
        }
        Element timestamp = timestamps.get(0);
        Element signedInfo = single(signature, SoapXml.DSIG_NS, "SignedInfo", ErrorCode.SIG_MALFORMED);
        SignatureAlgorithm algorithm = checkAlgorithms(signedInfo);
        rejectDuplicateIds(envelope);
        Instant created = checkTimestamp(timestamp);
        Instant expires = instant(single(timestamp, SoapXml.WSU_NS, "Expires", ErrorCode.SIG_TIMESTAMP));

        WSSecurityEngineResult result = verifySignature(document);
        checkCoverage(result, body, timestamp, header);

        List<X509Certificate> chain = new ArrayList<>();
        Object certificates = result.get(WSSecurityEngineResult.TAG_X509_CERTIFICATES);
        if (certificates instanceof X509Certificate[] array && array.length > 0) {
            chain.addAll(Arrays.asList(array));
        } else if (result.get(WSSecurityEngineResult.TAG_X509_CERTIFICATE) instanceof X509Certificate single) {
            chain.add(single);
        } else {
            throw new GatewayException(
                    ErrorCode.SIG_CERT_UNTRUSTED, "The signature is not made with an X.509 BinarySecurityToken.");
        }
        chain.addAll(intermediates);
        ValidatedCertificate signer = validator.validateSigner(chain, created);

        byte[] signatureValue = (byte[]) result.get(WSSecurityEngineResult.TAG_SIGNATURE_VALUE);
        String replayKey = HexFormat.of().formatHex(sha256(signatureValue));
        if (!replays.firstSeen(replayKey, expires.plus(futureSkew))) {
            throw new GatewayException(ErrorCode.DUP_REPLAY, "This signed request was already received.");
        }
        return new VerifiedEnvelope(
                operation,
                headerText(header, "MessageID"),
                headerText(header, "Action"),
                signer,
                created,
                algorithm,
                sha256(SoapXml.exclusiveC14n(signedInfo)));
    }

    /** The one soap:Body, which must be the envelope's last element child (SOAP 1.2 §5). */
    static Element theBody(Element envelope) {
        List<Element> children = SoapXml.children(envelope);
        List<Element> bodies = SoapXml.children(envelope, SoapXml.SOAP12_NS, "Body");
        if (bodies.size() != 1 || children.get(children.size() - 1) != bodies.get(0)) {
            throw new GatewayException(ErrorCode.SCHEMA_MALFORMED, "The envelope must end with exactly one soap:Body.");
        }
        return bodies.get(0);
    }

    /** The Body's single element child: the operation. */
    static Element theOperation(Element body) {
        List<Element> children = SoapXml.children(body);
        if (children.size() != 1) {
            throw new GatewayException(
                    ErrorCode.SCHEMA_UNKNOWN_OPERATION, "The soap:Body must hold exactly one operation element.");
        }
        return children.get(0);
    }

    private WSSecurityEngineResult verifySignature(Document document) {
        RequestData data = new RequestData();
        data.setWssConfig(wssConfig);
        data.setSigVerCrypto(certificateParser);
        data.setCallbackHandler(callbacks -> {
            throw new UnsupportedCallbackException(callbacks[0], "no secrets here");
        });
        WSHandlerResult handlerResult;
        try {
            handlerResult = new WSSecurityEngine().processSecurityHeader(document, data);
        } catch (WSSecurityException e) {
            ErrorCode code = e.getErrorCode() == WSSecurityException.ErrorCode.FAILED_CHECK
                    ? ErrorCode.SIG_INVALID
                    : ErrorCode.SIG_MALFORMED;
            throw new GatewayException(
                    code, "The WS-Security signature does not verify (" + e.getErrorCode() + ").", e);
        }
        List<WSSecurityEngineResult> signed = handlerResult == null
                ? List.of()
                : handlerResult.getActionResults().getOrDefault(WSConstants.SIGN, List.of());
        if (signed.size() != 1) {
            throw new GatewayException(ErrorCode.SIG_MISSING, "The request carries no verified signature.");
        }
        return signed.get(0);
    }

    /**
     * The signed elements must BE the envelope's Body, the security header's Timestamp and each WS-Addressing header:
     * compared by identity, so an element with the same id moved elsewhere (signature wrapping) does not count.
     */
    private static void checkCoverage(WSSecurityEngineResult result, Element body, Element timestamp, Element header) {
        @SuppressWarnings("unchecked")
        List<WSDataRef> refs = (List<WSDataRef>) result.get(WSSecurityEngineResult.TAG_DATA_REF_URIS);
        Set<Element> covered = Collections.newSetFromMap(new IdentityHashMap<>());
        if (refs != null) {
            for (WSDataRef ref : refs) {
                if (ref.getProtectedElement() != null) {
                    covered.add(ref.getProtectedElement());
                }
            }
        }
        if (!covered.contains(body)) {
            throw new GatewayException(ErrorCode.SIG_COVERAGE, "The signature does not cover the soap:Body.");
        }
        if (!covered.contains(timestamp)) {
            throw new GatewayException(ErrorCode.SIG_COVERAGE, "The signature does not cover the wsu:Timestamp.");
        }
        for (Element h : SoapXml.children(header)) {
            if (SoapXml.WSA_NS.equals(h.getNamespaceURI()) && !covered.contains(h)) {
                throw new GatewayException(
                        ErrorCode.SIG_COVERAGE,
                        "The signature does not cover the wsa:" + h.getLocalName() + " header.");
            }
        }
    }

    private static SignatureAlgorithm checkAlgorithms(Element signedInfo) {
        Element c14n = single(signedInfo, SoapXml.DSIG_NS, "CanonicalizationMethod", ErrorCode.SIG_MALFORMED);
        if (!SoapXml.EXC_C14N.equals(c14n.getAttribute("Algorithm"))) {
            throw new GatewayException(ErrorCode.SIG_ALG_NOT_ALLOWED, "SignedInfo must use exclusive C14N.");
        }
        Element method = single(signedInfo, SoapXml.DSIG_NS, "SignatureMethod", ErrorCode.SIG_MALFORMED);
        SignatureAlgorithm algorithm =
                switch (method.getAttribute("Algorithm")) {
                    case RSA_SHA256 -> SignatureAlgorithm.RSA_SHA_256;
                    case ECDSA_SHA256 -> SignatureAlgorithm.ECDSA_SHA_256;
                    default ->
                        throw new GatewayException(
                                ErrorCode.SIG_ALG_NOT_ALLOWED,
                                "The signature method must be rsa-sha256 or ecdsa-sha256.");
                };
        if (!SoapXml.children(method).isEmpty()) {
            // e.g. ds:HMACOutputLength: not part of either allowed method.
            throw new GatewayException(ErrorCode.SIG_ALG_NOT_ALLOWED, "The signature method takes no parameters.");
        }
        List<Element> references = SoapXml.children(signedInfo, SoapXml.DSIG_NS, "Reference");
        if (references.isEmpty()) {
            throw new GatewayException(ErrorCode.SIG_COVERAGE, "The signature references nothing.");
        }
        for (Element reference : references) {
            Element digest = single(reference, SoapXml.DSIG_NS, "DigestMethod", ErrorCode.SIG_MALFORMED);
            if (!SHA256.equals(digest.getAttribute("Algorithm"))) {
                throw new GatewayException(ErrorCode.SIG_ALG_NOT_ALLOWED, "Every reference must use a SHA-256 digest.");
            }
            String uri = reference.getAttribute("URI");
            if (!uri.startsWith("#") || uri.length() < 2) {
                throw new GatewayException(
                        ErrorCode.SIG_COVERAGE, "Every reference must point to an element of the envelope by id.");
            }
            for (Element transforms : SoapXml.children(reference, SoapXml.DSIG_NS, "Transforms")) {
                for (Element transform : SoapXml.children(transforms)) {
                    if (!SoapXml.EXC_C14N.equals(transform.getAttribute("Algorithm"))) {
                        throw new GatewayException(
                                ErrorCode.SIG_ALG_NOT_ALLOWED, "The only transform allowed is exclusive C14N.");
                    }
                }
            }
        }
        return algorithm;
    }

    /** Two elements answering to one id make a reference ambiguous: the classic wrapping set-up. */
    private static void rejectDuplicateIds(Element root) {
        Set<String> ids = new HashSet<>();
        Node node = root;
        while (node != null) {
            if (node instanceof Element e) {
                NamedNodeMap attributes = e.getAttributes();
                for (int i = 0; i < attributes.getLength(); i++) {
                    Attr a = (Attr) attributes.item(i);
                    String local = a.getLocalName() == null ? a.getName() : a.getLocalName();
                    boolean isId = (SoapXml.WSU_NS.equals(a.getNamespaceURI()) && "Id".equals(local))
                            || (a.getNamespaceURI() == null && ("Id".equals(local) || "ID".equals(local)));
                    if (isId && !ids.add(a.getValue())) {
                        throw new GatewayException(
                                ErrorCode.SIG_COVERAGE, "Two elements carry the same id: the reference is ambiguous.");
                    }
                }
            }
            node = next(node, root);
        }
    }

    private static Node next(Node node, Node root) {
        if (node.getFirstChild() != null) {
            return node.getFirstChild();
        }
        while (node != root) {
            if (node.getNextSibling() != null) {
                return node.getNextSibling();
            }
            node = node.getParentNode();
        }
        return null;
    }

    private Instant checkTimestamp(Element timestamp) {
        Instant created = instant(single(timestamp, SoapXml.WSU_NS, "Created", ErrorCode.SIG_TIMESTAMP));
        Instant expires = instant(single(timestamp, SoapXml.WSU_NS, "Expires", ErrorCode.SIG_TIMESTAMP));
        Instant now = clock.instant();
        if (!expires.isAfter(created) || Duration.between(created, expires).compareTo(MAX_TTL) > 0) {
            throw new GatewayException(
                    ErrorCode.SIG_TIMESTAMP, "The wsu:Timestamp lifetime must be positive and at most 5 minutes.");
        }
        if (created.isAfter(now.plus(futureSkew))) {
            throw new GatewayException(ErrorCode.SIG_TIMESTAMP, "The wsu:Timestamp is too far in the future.");
        }
        if (!now.isBefore(expires) || Duration.between(created, now).compareTo(MAX_TTL) > 0) {
            throw new GatewayException(ErrorCode.SIG_TIMESTAMP, "The wsu:Timestamp has expired.");
        }
        return created;
    }

    private static Instant instant(Element element) {
        try {
            return Instant.parse(element.getTextContent().trim());
        } catch (DateTimeParseException e) {
            throw new GatewayException(
                    ErrorCode.SIG_TIMESTAMP, "wsu:" + element.getLocalName() + " is not a UTC date-time.", e);
        }
    }

    private static Element single(Element parent, String namespace, String localName, ErrorCode code) {
        List<Element> found = SoapXml.children(parent, namespace, localName);
        if (found.size() != 1) {
            throw new GatewayException(
                    code, "Expected exactly one " + localName + " in " + parent.getLocalName() + ".");
        }
        return found.get(0);
    }

    private static Element optionalSingle(Element parent, String namespace, String localName, ErrorCode code) {
        List<Element> found = SoapXml.children(parent, namespace, localName);
        if (found.size() > 1) {
            throw new GatewayException(code, "More than one " + localName + ".");
        }
        return found.isEmpty() ? null : found.get(0);
    }

    private static String headerText(Element header, String localName) {
        List<Element> found = SoapXml.children(header, SoapXml.WSA_NS, localName);
        if (found.size() > 1) {
            throw new GatewayException(ErrorCode.SCHEMA_MALFORMED, "More than one wsa:" + localName + " header.");
        }
        return found.isEmpty() ? null : found.get(0).getTextContent().trim();
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
