package uk.safeguarding.interchange.intake.soap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.QueueContents;

/** Raw SOAP over mutual TLS to a running gateway, and what the tests inspect afterwards (ledger, routing queue). */
final class SoapGatewayClient {
    private final GatewayRuntime gateway;

    SoapGatewayClient(GatewayRuntime gateway) {
        this.gateway = gateway;
    }

    URI endpoint() {
        return URI.create(gateway.baseUri() + "/soap/v1");
    }

    HttpResponse<byte[]> post(String tlsClient, byte[] envelope) throws Exception {
        return DevCerts.httpClient(tlsClient)
                .send(
                        HttpRequest.newBuilder(endpoint())
                                .header("Content-Type", "application/soap+xml; charset=UTF-8")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
    }

    static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    /** The gateway error code in a SOAP Fault response, or null when it is not a fault. */
    static String faultCode(byte[] response) throws Exception {
        NodeList codes = parse(response).getElementsByTagNameNS(SoapXml.SERVICE_NS, "code");
        return codes.getLength() == 0 ? null : ((Element) codes.item(0)).getTextContent();
    }

    /** The newest ledger entry: "EVENT ERROR_CODE ACTOR". */
    String lastLedgerEntry() throws Exception {
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT event, error_code, actor FROM ledger_entry ORDER BY seq DESC LIMIT 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) : "";
        }
    }

    int ledgerSize() throws Exception {
        try (Connection c = gateway.dataSource().getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM ledger_entry")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    int routingQueueDepth() throws Exception {
        return QueueContents.routingQueue(gateway).size();
    }

    /** Posts, then asserts a fault with {@code code}, a REJECTED ledger entry with it, and an unchanged queue. */
    void assertRejected(String tlsClient, byte[] envelope, String code) throws Exception {
        int queued = routingQueueDepth();
        int ledger = ledgerSize();

        HttpResponse<byte[]> response = post(tlsClient, envelope);

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/soap+xml"));
        assertThat(faultCode(response.body())).isEqualTo(code);
        assertThat(ledgerSize()).isEqualTo(ledger + 1);
        assertThat(lastLedgerEntry()).isEqualTo("REJECTED " + code + " urn:interchange:" + orgOf(tlsClient));
        assertThat(routingQueueDepth()).isEqualTo(queued);
    }

    static String orgOf(String certName) {
        return switch (certName) {
            case "acme-safeguard" -> "system:acme-safeguard";
            case "school-100001" -> "school:100001";
            case "police-dorset" -> "police:dorset";
            default -> throw new IllegalArgumentException(certName);
        };
    }
}
