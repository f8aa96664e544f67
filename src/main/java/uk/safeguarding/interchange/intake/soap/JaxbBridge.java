package uk.safeguarding.interchange.intake.soap;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * Copies business content between the SOAP and canonical JAXB types. The two schemas keep the business content
 * types textually identical in two namespaces (a contract test checks this), so a copy is: marshal in one namespace,
 * rename the elements, unmarshal as the other type. This keeps the two bindings from drifting field by field.
 * Thread-safe: the contexts are shared, marshallers are per call.
 */
final class JaxbBridge {
    static final String SOAP_NS = "urn:interchange:soap:v1";

    private static final JAXBContext SOAP = context(uk.safeguarding.interchange.intake.soap.ws.ObjectFactory.class);
    private static final JAXBContext CANONICAL = context(uk.safeguarding.interchange.canonical.xml.ObjectFactory.class);

    private JaxbBridge() {}

    static <T> T toCanonical(Object soapValue, Class<T> canonicalType) {
        return copy(soapValue, SOAP, SOAP_NS, CANONICAL, CanonicalXml.NAMESPACE, canonicalType);
    }

    static <T> T toSoap(Object canonicalValue, Class<T> soapType) {
        return copy(canonicalValue, CANONICAL, CanonicalXml.NAMESPACE, SOAP, SOAP_NS, soapType);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> T copy(
            Object value, JAXBContext from, String fromNs, JAXBContext to, String toNs, Class<T> targetType) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            Document document = factory.newDocumentBuilder().newDocument();
            Marshaller marshaller = from.createMarshaller();
            marshaller.marshal(new JAXBElement(new QName(fromNs, "value"), value.getClass(), value), document);
            rename(document, document.getDocumentElement(), fromNs, toNs);
            return to.createUnmarshaller()
                    .unmarshal(document.getDocumentElement(), targetType)
                    .getValue();
        } catch (JAXBException | ParserConfigurationException e) {
            throw new GatewayException(ErrorCode.SYS_INTERNAL, "content copy between bindings failed", e);
        }
    }

    private static void rename(Document document, Element element, String fromNs, String toNs) {
        if ("name".equals(element.getLocalName())
                && element.getElementsByTagNameNS(fromNs, "family").getLength() > 0
                && !element.hasAttribute("use")) {
            // A person name's use defaults to official; schema-validating readers fill the default in, so the
            // canonical form states it explicitly and reads back identically.
            element.setAttribute("use", "official");
        }
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child) {
                rename(document, child, fromNs, toNs);
            }
        }
        if (fromNs.equals(element.getNamespaceURI())) {
            Node renamed = document.renameNode(element, toNs, element.getLocalName());
            if (renamed != element) {
                throw new IllegalStateException("DOM renamed by replacement");
            }
        }
    }

    private static JAXBContext context(Class<?> objectFactory) {
        try {
            return JAXBContext.newInstance(objectFactory);
        } catch (JAXBException e) {
            throw new IllegalStateException(e);
        }
    }
}
