package uk.safeguarding.interchange.canonical;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.ValidatorHandler;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXNotRecognizedException;
import org.xml.sax.SAXNotSupportedException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.ext.DefaultHandler2;
import org.xml.sax.helpers.DefaultHandler;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * Hardened XML parsing and XML Schema validation shared by the canonical and SOAP contracts.
 *
 * <p>Schemas load only from the classpath ({@code /schemas/...}), never from the network or file system. Documents are
 * parsed with no DTD (rejected with {@link ErrorCode#SCHEMA_DTD_FORBIDDEN}), no external entities, bounded depth and
 * element count, and validated in the same pass. Violations become a {@link GatewayException} whose message names the
 * line, column and element path but never the offending value (it may be personal data). All methods are thread-safe.
 */
public final class SecureXml {
    /** Deepest element nesting accepted; the contracts need fewer than 10 levels. */
    public static final int MAX_DEPTH = 64;
    /** Most elements plus attributes accepted in one document. */
    public static final int MAX_NODES = 50_000;

    /** Ends parsing or validation at the first error, not only at a fatal one; warnings are ignored. Stateless. */
    static final ErrorHandler FAIL_FAST = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private static final String CLASSPATH_BASE = "https://classpath.interchange.invalid";
    private static final Pattern CVC_KEY = Pattern.compile("^(cvc-[A-Za-z0-9.\\-]+):");
    private static final Pattern TYPE_NAME = Pattern.compile("for type '([^']+)'");
    /** Validator messages that carry only element and attribute names, never content, so they are safe to return. */
    private static final Set<String> STRUCTURAL_KEYS = Set.of(
            "cvc-complex-type.2.1",
            "cvc-complex-type.2.2",
            "cvc-complex-type.2.3",
            "cvc-complex-type.2.4.a",
            "cvc-complex-type.2.4.b",
            "cvc-complex-type.2.4.c",
            "cvc-complex-type.2.4.d",
            "cvc-complex-type.2.4.e",
            "cvc-complex-type.3.2.2",
            "cvc-complex-type.4",
            "cvc-elt.1.a",
            "cvc-elt.1.b");

    private SecureXml() {}

    /**
     * Loads a schema from the classpath; its imports and includes resolve relative to it, on the classpath only.
     *
     * @param classpathResource absolute resource path, e.g. {@code /schemas/canonical/interchange-canonical.xsd}
     */
    public static Schema loadSchema(String classpathResource) {
        if (!classpathResource.startsWith("/schemas/")) {
            throw new IllegalArgumentException("Schemas load from /schemas/ on the classpath: " + classpathResource);
        }
        SchemaFactory factory = SchemaFactory.newDefaultInstance();
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setResourceResolver(new ClasspathResolver());
            StreamSource source = new StreamSource(open(classpathResource), CLASSPATH_BASE + classpathResource);
            return factory.newSchema(source);
        } catch (SAXException e) {
            throw new IllegalStateException("Cannot load schema " + classpathResource + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses and validates {@code xml} against {@code schema}, passing the validated SAX events to {@code downstream}
     * (for example a JAXB unmarshaller handler), or to nothing when it is null. With a null {@code schema} only the
     * parsing rules and limits apply (a pre-check before another XML stack reads the document).
     *
     * @throws GatewayException SCHEMA_DTD_FORBIDDEN, SCHEMA_MALFORMED, SCHEMA_XSD, LIMIT_TOO_DEEP or
     *     LIMIT_TOO_MANY_ELEMENTS
     */
    public static void parse(byte[] xml, Schema schema, ContentHandler downstream) {
        Objects.requireNonNull(xml, "xml");
        ContentHandler sink = downstream == null ? new DefaultHandler() : downstream;
        Tracker tracker;
        if (schema == null) {
            tracker = new Tracker(sink);
        } else {
            ValidatorHandler validator = schema.newValidatorHandler();
            tracker = new Tracker(validator);
            validator.setErrorHandler(new ValidationErrors(tracker));
            validator.setResourceResolver((type, ns, publicId, systemId, baseUri) -> {
                throw new IllegalStateException("no external resources while validating");
            });
            setIfSupported(validator, "http://apache.org/xml/properties/locale", Locale.ENGLISH);
            validator.setContentHandler(sink);
        }
        try {
            XMLReader reader = newReader();
            reader.setContentHandler(tracker);
            reader.setErrorHandler(FAIL_FAST);
            reader.setProperty("http://xml.org/sax/properties/lexical-handler", new DtdRejecter());
            reader.parse(new InputSource(new ByteArrayInputStream(xml)));
        } catch (SAXException e) {
            throw translate(e);
        } catch (IOException e) {
            throw new GatewayException(ErrorCode.SCHEMA_MALFORMED, "The XML cannot be read: " + e.getMessage(), e);
        }
    }

    /** A validator error message with any value removed: the cvc key, the schema type if named, and nothing else. */
    static String sanitise(String validatorMessage) {
        if (validatorMessage == null) {
            return "invalid";
        }
        Matcher key = CVC_KEY.matcher(validatorMessage);
        if (!key.find()) {
            return "invalid content";
        }
        if (STRUCTURAL_KEYS.contains(key.group(1))) {
            return validatorMessage;
        }
        Matcher type = TYPE_NAME.matcher(validatorMessage);
        return key.group(1) + ": the value is not valid"
                + (type.find() ? " for type '" + type.group(1) + "'" : "")
                + " (value withheld)";
    }

    private static XMLReader newReader() throws SAXException {
        SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setValidating(false);
        factory.setXIncludeAware(false);
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            XMLReader reader = factory.newSAXParser().getXMLReader();
            reader.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            reader.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return reader;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("The JDK XML parser lacks a required security feature", e);
        }
    }

    private static GatewayException translate(SAXException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Rejection rejection) {
                return rejection.rejection;
            }
            if (t instanceof GatewayException gatewayException) {
                return gatewayException;
            }
        }
        if (e instanceof SAXParseException parse) {
            return new GatewayException(
                    ErrorCode.SCHEMA_MALFORMED,
                    "The XML is not well-formed at line " + parse.getLineNumber() + ", column "
                            + parse.getColumnNumber() + ": " + parse.getMessage(),
                    e);
        }
        return new GatewayException(ErrorCode.SCHEMA_MALFORMED, "The XML cannot be parsed: " + e.getMessage(), e);
    }

    private static void setIfSupported(ValidatorHandler validator, String property, Object value) {
        try {
            validator.setProperty(property, value);
        } catch (SAXNotRecognizedException | SAXNotSupportedException e) {
            // The message language is a nicety; validation is unaffected.
        }
    }

    private static InputStream open(String resource) {
        InputStream in = SecureXml.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("Schema resource missing from the classpath: " + resource);
        }
        return in;
    }

    /** Carries a decided rejection through the SAX machinery unchanged. */
    private static final class Rejection extends SAXException {
        private final transient GatewayException rejection;

        Rejection(GatewayException rejection) {
            super(rejection.getMessage());
            this.rejection = rejection;
        }
    }

    /** A DOCTYPE is refused before its internal subset (entity declarations) is read. */
    private static final class DtdRejecter extends DefaultHandler2 {
        @Override
        public void startDTD(String name, String publicId, String systemId) throws SAXException {
            throw new Rejection(new GatewayException(
                    ErrorCode.SCHEMA_DTD_FORBIDDEN,
                    "The XML has a DOCTYPE declaration; DTDs and entities are not accepted."));
        }
    }

    /** Turns the first validation error into SCHEMA_XSD, located by line, column and element path. */
    private static final class ValidationErrors implements ErrorHandler {
        private final Tracker tracker;

        ValidationErrors(Tracker tracker) {
            this.tracker = tracker;
        }

        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw new Rejection(new GatewayException(
                    ErrorCode.SCHEMA_XSD,
                    "The XML violates the schema at line " + e.getLineNumber() + ", column " + e.getColumnNumber()
                            + ", element " + tracker.path() + ": " + sanitise(e.getMessage())));
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            error(e);
        }
    }

    /** Counts and bounds elements, and remembers the element path for error messages. */
    private static final class Tracker implements ContentHandler {
        private final ContentHandler next;
        private final Deque<String> path = new ArrayDeque<>();
        private int nodes;

        Tracker(ContentHandler next) {
            this.next = next;
        }

        String path() {
            if (path.isEmpty()) {
                return "/";
            }
            StringBuilder sb = new StringBuilder();
            path.descendingIterator().forEachRemaining(name -> sb.append('/').append(name));
            return sb.toString();
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            path.push(localName);
            if (path.size() > MAX_DEPTH) {
                throw new Rejection(new GatewayException(
                        ErrorCode.LIMIT_TOO_DEEP, "The XML nests elements deeper than " + MAX_DEPTH + " levels."));
            }
            nodes += 1 + atts.getLength();
            if (nodes > MAX_NODES) {
                throw new Rejection(new GatewayException(
                        ErrorCode.LIMIT_TOO_MANY_ELEMENTS,
                        "The XML has more than " + MAX_NODES + " elements and attributes."));
            }
            next.startElement(uri, localName, qName, atts);
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            next.endElement(uri, localName, qName);
            path.pop();
        }

        @Override
        public void setDocumentLocator(Locator locator) {
            next.setDocumentLocator(locator);
        }

        @Override
        public void startDocument() throws SAXException {
            next.startDocument();
        }

        @Override
        public void endDocument() throws SAXException {
            next.endDocument();
        }

        @Override
        public void startPrefixMapping(String prefix, String uri) throws SAXException {
            next.startPrefixMapping(prefix, uri);
        }

        @Override
        public void endPrefixMapping(String prefix) throws SAXException {
            next.endPrefixMapping(prefix);
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            next.characters(ch, start, length);
        }

        @Override
        public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
            next.ignorableWhitespace(ch, start, length);
        }

        @Override
        public void processingInstruction(String target, String data) throws SAXException {
            next.processingInstruction(target, data);
        }

        @Override
        public void skippedEntity(String name) throws SAXException {
            throw new Rejection(new GatewayException(
                    ErrorCode.SCHEMA_DTD_FORBIDDEN, "The XML references an entity; entities are not accepted."));
        }
    }

    /** Resolves schema imports and includes to classpath resources under /schemas/, and nothing else. */
    private static final class ClasspathResolver implements LSResourceResolver {
        @Override
        public LSInput resolveResource(
                String type, String namespaceUri, String publicId, String systemId, String baseUri) {
            if (systemId == null || baseUri == null || !baseUri.startsWith(CLASSPATH_BASE + "/")) {
                throw new IllegalStateException("Schema reference outside the classpath schemas: " + systemId);
            }
            String resolved;
            try {
                resolved =
                        new URI(baseUri).resolve(new URI(systemId)).normalize().toString();
            } catch (URISyntaxException e) {
                throw new IllegalStateException("Bad schema reference: " + systemId, e);
            }
            if (!resolved.startsWith(CLASSPATH_BASE + "/schemas/")) {
                throw new IllegalStateException("Schema reference outside the classpath schemas: " + systemId);
            }
            String resource = resolved.substring(CLASSPATH_BASE.length());
            return new ClasspathInput(publicId, resolved, baseUri, open(resource));
        }
    }

    private record ClasspathInput(String publicId, String systemId, String baseUri, InputStream stream)
            implements LSInput {
        @Override
        public Reader getCharacterStream() {
            return null;
        }

        @Override
        public void setCharacterStream(Reader characterStream) {}

        @Override
        public InputStream getByteStream() {
            return stream;
        }

        @Override
        public void setByteStream(InputStream byteStream) {}

        @Override
        public String getStringData() {
            return null;
        }

        @Override
        public void setStringData(String stringData) {}

        @Override
        public String getSystemId() {
            return systemId;
        }

        @Override
        public void setSystemId(String systemId) {}

        @Override
        public String getPublicId() {
            return publicId;
        }

        @Override
        public void setPublicId(String publicId) {}

        @Override
        public String getBaseURI() {
            return baseUri;
        }

        @Override
        public void setBaseURI(String baseURI) {}

        @Override
        public String getEncoding() {
            return null;
        }

        @Override
        public void setEncoding(String encoding) {}

        @Override
        public boolean getCertifiedText() {
            return false;
        }

        @Override
        public void setCertifiedText(boolean certifiedText) {}
    }
}
