package uk.safeguarding.interchange.intake.soap;

import javax.xml.namespace.QName;
import org.apache.camel.component.cxf.common.DataFormat;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.cxf.Bus;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;
import uk.safeguarding.interchange.intake.soap.ws.InterchangePortType;

/**
 * Wiring of the SOAP binding onto the gateway's one HTTPS server: a CXF {@link Bus} shared by a
 * {@link CXFNonSpringServlet} mounted at {@link #SERVLET_PATH} and the Camel CXF consumer endpoint published on it
 * with the relative address {@link #ADDRESS} (servlet transport), so SOAP gets the same port, TLS and
 * {@code ClientCertificateFilter} as everything else. The endpoint uses the RAW data format: CXF serves the WSDL
 * ({@code ?wsdl}) and hands over the request bytes untouched, and {@link SoapIntake} is the one place that parses,
 * verifies and decides.
 */
public final class SoapBinding {
    /** Registry name of the Camel CXF endpoint bean ({@code cxf:bean:soapEndpoint}). */
    public static final String ENDPOINT_BEAN = "soapEndpoint";
    /** Registry name of the {@link SoapRequestAdapter} bean the route calls. */
    public static final String REQUESTS_BEAN = "soapRequests";
    /** Servlet path spec of the CXF servlet. */
    public static final String SERVLET_PATH = "/soap/*";
    /** Endpoint address relative to the servlet: the service is at {@code https://host:port/soap/v1}. */
    public static final String ADDRESS = "/v1";

    private SoapBinding() {}

    /** The Camel CXF consumer endpoint for {@code bus} (the WSDL from the classpath, RAW data format). */
    public static CxfEndpoint endpoint(Bus bus) {
        CxfEndpoint endpoint = new CxfEndpoint();
        endpoint.setBus(bus);
        endpoint.setAddress(ADDRESS);
        endpoint.setWsdlURL("classpath:schemas/soap/interchange.wsdl");
        endpoint.setServiceClass(InterchangePortType.class);
        endpoint.setServiceNameAsQName(new QName(SoapXml.SERVICE_NS, "InterchangeService"));
        endpoint.setPortNameAsQName(new QName(SoapXml.SERVICE_NS, "InterchangePort"));
        endpoint.setDataFormat(DataFormat.RAW);
        return endpoint;
    }

    /** The servlet that serves every endpoint published on {@code bus} with a relative address. */
    public static CXFNonSpringServlet servlet(Bus bus) {
        CXFNonSpringServlet servlet = new CXFNonSpringServlet();
        servlet.setBus(bus);
        return servlet;
    }
}
