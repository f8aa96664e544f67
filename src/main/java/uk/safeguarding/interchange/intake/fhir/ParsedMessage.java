package uk.safeguarding.interchange.intake.fhir;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;

/**
 * A message Bundle parsed from a {@link RawMessage}: the JSON tree its signature covers and the same content as a
 * HAPI Bundle whose first entry is the MessageHeader.
 *
 * @param messageId {@code Bundle.id}, the sender's idempotency key
 * @param eventCode {@code MessageHeader.eventCoding.code} as sent (not yet checked), or null
 */
public record ParsedMessage(RawMessage raw, ObjectNode tree, Bundle bundle, String messageId, String eventCode) {
    public MessageHeader header() {
        return (MessageHeader) bundle.getEntryFirstRep().getResource();
    }
}
