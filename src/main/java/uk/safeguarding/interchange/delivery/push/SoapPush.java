package uk.safeguarding.interchange.delivery.push;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.ws.Dispatch;
import jakarta.xml.ws.Service;
import jakarta.xml.ws.WebServiceException;
import jakarta.xml.ws.soap.SOAPBinding;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.xml.namespace.QName;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.jaxws.DispatchImpl;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.apache.cxf.ws.security.wss4j.WSS4JOutInterceptor;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.apache.wss4j.dom.handler.WSHandlerConstants;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.delivery.PushTransport;
import uk.safeguarding.interchange.intake.soap.CanonicalToSoap;
import uk.safeguarding.interchange.intake.soap.SoapSecurity;
import uk.safeguarding.interchange.intake.soap.ws.DeliverMessage;

/**
 * {@code soap-push}: calls the recipient's SOAP 1.2 endpoint with {@code <DeliverMessage
 * xmlns="urn:interchange:soap:v1"><message>…</message></DeliverMessage>} — the same {@code DeliveredMessage} a
 * mailbox recipient fetches ({@link CanonicalToSoap}) — signed with WS-Security by the gateway (X.509
 * BinarySecurityToken, ECDSA-SHA256 or RSA-SHA256 by the key's type over Body and Timestamp, exclusive C14N, timestamp TTL 300 s) over mutual TLS with
 * the gateway's client certificate. Any non-fault response is a delivery; an HTTP 5xx, no connection or a timeout is
 * transient; a SOAP fault is permanent unless its code is {@code soap:Receiver} (the recipient's own trouble).
 * Thread-safe.
 */
public final class SoapPush implements PushTransport {
    public static final String NS = "urn:interchange:soap:v1";
    public static final QName DELIVER = new QName(NS, "DeliverMessage");
    private static final String SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    private static final String EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
    private static final String WSU_NS =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    private static final String SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope";

    private final GatewayCredentials credentials;
    private final long timeoutMillis;
    private final CanonicalToSoap toSoap = new CanonicalToSoap();
    private final JAXBContext jaxb;
    private final Merlin crypto;
    private final String signatureMethod;
    private final String alias = "gateway";

    public SoapPush(GatewayCredentials credentials, java.time.Duration timeout) {
        this.credentials = Objects.requireNonNull(credentials);
        this.timeoutMillis = timeout.toMillis();
        this.signatureMethod = SoapSecurity.signatureMethod(credentials.key());
        try {
            this.jaxb = JAXBContext.newInstance(DeliverMessage.class);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(
                    alias, credentials.key(), PASSWORD, credentials.chain().toArray(new Certificate[0]));
            this.crypto = new Merlin();
            crypto.setKeyStore(ks);
        } catch (JAXBException | java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("Cannot prepare the SOAP push client", e);
        }
    }

    /** The in-memory keystore's password: it never leaves this object. */
    private static final char[] PASSWORD = "in-memory".toCharArray();

    /** The WS-Security signature method URI this transport signs with (follows the gateway key's type). */
    public String signatureMethod() {
        return signatureMethod;
    }

    /** The unsigned request payload (the Body's child) for {@code recipientId}. */
    public byte[] payload(InterchangeMessage message, String recipientId) {
        DeliverMessage request = new DeliverMessage();
        request.setMessage(toSoap.toDelivered(message, recipientId));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            jaxb.createMarshaller().marshal(request, out);
        } catch (JAXBException e) {
            throw new IllegalStateException("Cannot write the SOAP payload", e);
        }
        return out.toByteArray();
    }

    @Override
    public Result push(URI endpoint, InterchangeMessage message, String recipientId) {
        byte[] payload = payload(message, recipientId);
        QName serviceName = new QName(NS, "RecipientService");
        QName portName = new QName(NS, "RecipientPort");
        Service service = Service.create(serviceName);
        service.addPort(portName, SOAPBinding.SOAP12HTTP_BINDING, endpoint.toString());
        Dispatch<Source> dispatch = service.createDispatch(portName, Source.class, Service.Mode.PAYLOAD);
        dispatch.getRequestContext().put(Dispatch.SOAPACTION_USE_PROPERTY, Boolean.TRUE);
        dispatch.getRequestContext().put(Dispatch.SOAPACTION_URI_PROPERTY, NS + ":DeliverMessage");
        @SuppressWarnings("unchecked")
        Client client = ((DispatchImpl<Source>) dispatch).getClient();
        HTTPConduit conduit = (HTTPConduit) client.getConduit();
        TLSClientParameters tls = new TLSClientParameters();
        tls.setSslContext(credentials.tlsTo(recipientId));
        // The endpoint's identity is the recipient organisation in its certificate (checked by the trust manager).
        tls.setDisableCNCheck(true);
        conduit.setTlsClientParameters(tls);
        HTTPClientPolicy policy = new HTTPClientPolicy();
        policy.setConnectionTimeout(timeoutMillis);
        policy.setReceiveTimeout(timeoutMillis);
        policy.setAllowChunking(false);
        conduit.setClient(policy);
        client.getOutInterceptors().add(new WSS4JOutInterceptor(securityProperties()));
        try {
            dispatch.invoke(new StreamSource(new java.io.ByteArrayInputStream(payload)));
            return Result.delivered(200);
        } catch (SOAPFaultException e) {
            // CXF reports a failure of its own transport (TLS handshake, broken connection) as a SOAPFaultException
            // with code Sender too: that is not the recipient refusing the message, so it is transient.
            java.io.IOException transport = transportFailure(e);
            if (transport != null) {
                return Result.transientFailure(0, transport.getClass().getSimpleName() + ": " + transport.getMessage());
            }
            String code = e.getFault() == null
                    ? ""
                    : e.getFault().getFaultCodeAsQName().getLocalPart();
            // The reason is the recipient's own text about its trouble (a protocol error, never the message content);
            // kept short because it goes to the log.
            String detail = "SOAP fault " + code + reason(e);
            return "Receiver".equals(code) ? Result.transientFailure(0, detail) : Result.permanentFailure(0, detail);
        } catch (WebServiceException e) {
            return classify(e);
        } finally {
            client.destroy();
        }
    }

    private static java.io.IOException transportFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException io) {
                return io;
            }
        }
        return null;
    }

    private static String reason(SOAPFaultException e) {
        String text = e.getFault() == null ? null : e.getFault().getFaultString();
        if (text == null || text.isBlank()) {
            return "";
        }
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return ": " + (oneLine.length() > 200 ? oneLine.substring(0, 200) : oneLine);
    }

    private static Result classify(WebServiceException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.cxf.transport.http.HTTPException http) {
                return Result.ofHttpStatus(http.getResponseCode());
            }
        }
        return Result.transientFailure(0, e.getClass().getSimpleName());
    }

    private Map<String, Object> securityProperties() {
        Map<String, Object> out = new HashMap<>();
        out.put(WSHandlerConstants.ACTION, WSHandlerConstants.TIMESTAMP + " " + WSHandlerConstants.SIGNATURE);
        out.put(WSHandlerConstants.USER, alias);
        out.put(WSHandlerConstants.SIG_PROP_REF_ID, "gatewayCrypto");
        out.put("gatewayCrypto", crypto);
        out.put(WSHandlerConstants.PW_CALLBACK_REF, (CallbackHandler) callbacks -> {
            for (Callback callback : callbacks) {
                ((WSPasswordCallback) callback).setPassword(new String(PASSWORD));
            }
        });
        out.put(WSHandlerConstants.SIG_KEY_ID, "DirectReference");
        out.put(WSHandlerConstants.SIG_ALGO, signatureMethod);
        out.put(WSHandlerConstants.SIG_DIGEST_ALGO, SHA256);
        out.put(WSHandlerConstants.SIG_C14N_ALGO, EXC_C14N);
        out.put(WSHandlerConstants.TTL_TIMESTAMP, "300");
        out.put(
                WSHandlerConstants.SIGNATURE_PARTS,
                "{Element}{" + WSU_NS + "}Timestamp;{Element}{" + SOAP12_NS + "}Body");
        return out;
    }
}
