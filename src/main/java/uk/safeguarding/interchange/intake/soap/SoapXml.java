package uk.safeguarding.interchange.intake.soap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.c14n.InvalidCanonicalizerException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import uk.safeguarding.interchange.canonical.SecureXml;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * XML plumbing for the SOAP binding: the one hardened way a request becomes a DOM, element navigation that never
 * searches by id or XPath (so a moved or duplicated element cannot be picked up by accident), and exclusive C14N.
 * Stateless and thread-safe.
 */
public final class SoapXml {
    public static final String SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope";
    public static final String WSSE_NS =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    public static final String WSU_NS =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    public static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
    public static final String WSA_NS = "http://www.w3.org/2005/08/addressing";
    public static final String SERVICE_NS = "urn:interchange:soap:v1";
    public static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";

    private SoapXml() {}

    /**
     * Parses a request with the gateway's hardened rules: first {@link SecureXml} (no DTD or entities, bounded depth
     * and element count), then a namespace-aware DOM builder that refuses DTDs too.
     *
     * @throws GatewayException SCHEMA_DTD_FORBIDDEN, SCHEMA_MALFORMED, LIMIT_TOO_DEEP or LIMIT_TOO_MANY_ELEMENTS
     */
    public static Document parse(byte[] xml) {
        SecureXml.parse(xml, null, null);
        try {
            return builder().parse(new ByteArrayInputStream(xml));
        } catch (SAXException | IOException e) {
            throw new GatewayException(ErrorCode.SCHEMA_MALFORMED, "The SOAP request is not well-formed XML.", e);
        }
    }

    /** A new empty namespace-aware document. */
    public static Document newDocument() {
        return builder().newDocument();
    }

    private static DocumentBuilder builder() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("The JDK XML parser lacks a required security feature", e);
        }
    }

    /** The element children of {@code parent}, in document order. */
    public static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    /** The element children of {@code parent} with this namespace and local name. */
    public static List<Element> children(Element parent, String namespace, String localName) {
        List<Element> out = new ArrayList<>();
        for (Element e : children(parent)) {
            if (is(e, namespace, localName)) {
                out.add(e);
            }
        }
        return out;
    }

    public static boolean is(Element e, String namespace, String localName) {
        return namespace.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName());
    }

    /** Exclusive C14N (without comments) of {@code node}: the bytes a signature or a content hash covers. */
    public static byte[] exclusiveC14n(Node node) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Canonicalizer.getInstance(Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS)
                    .canonicalizeSubtree(node, out);
            return out.toByteArray();
        } catch (InvalidCanonicalizerException | org.apache.xml.security.c14n.CanonicalizationException e) {
            throw new IllegalStateException("Exclusive C14N is unavailable", e);
        }
    }
}
