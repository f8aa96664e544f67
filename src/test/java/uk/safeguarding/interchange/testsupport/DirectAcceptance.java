package uk.safeguarding.interchange.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import uk.safeguarding.interchange.GatewayRuntime;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;
import uk.safeguarding.interchange.intake.Acceptance;
import uk.safeguarding.interchange.intake.Submission;

/**
 * Accepts a canonical message straight into a running gateway's {@link Acceptance}, as intake does once a submission
 * passed its checks, so routing and delivery tests need not sign and post FHIR. The envelope's tracking id and
 * sender's message id are used as they are.
 */
public final class DirectAcceptance {
    private static final CanonicalXml CANONICAL = new CanonicalXml();

    private DirectAcceptance() {}

    /**
     * @param handOver whether the bound document goes to routing with it (as from intake) or routing reads the stored
     *     one
     * @return the message's tracking id
     */
    public static String accept(
            GatewayRuntime gateway, InterchangeMessage message, String sender, String submittedBy, boolean handOver)
            throws Exception {
        byte[] xml = CANONICAL.marshal(message);
        Acceptance acceptance =
                gateway.camelContext().getRegistry().lookupByNameAndType(GatewayRuntime.ACCEPTANCE, Acceptance.class);
        String trackingId = message.getEnvelope().getTrackingId();
        acceptance.accept(
                new Submission(
                        trackingId,
                        sender,
                        message.getEnvelope().getSenderMessageId(),
                        HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(xml)),
                        EventCode.fromCode(message.getEnvelope().getEvent().value())
                                .orElseThrow(),
                        submittedBy,
                        message.getEnvelope().getBinding().value(),
                        xml,
                        handOver ? message : null),
                (id, at) -> ("ack " + id).getBytes(StandardCharsets.UTF_8));
        return trackingId;
    }
}
