package uk.safeguarding.interchange.intake.fhir;

import java.util.List;
import uk.safeguarding.interchange.canonical.EventCode;

/**
 * A verified message whose sender, signer, submitting system, event and explicit destinations passed the
 * directory's checks (spec §7).
 *
 * @param senderId the sender's organisation id (from MessageHeader.sender, resolved through the directory)
 * @param destinations explicit destination organisation ids, possibly empty
 */
public record AuthorisedMessage(VerifiedMessage verified, String senderId, EventCode event, List<String> destinations) {
    public AuthorisedMessage {
        destinations = List.copyOf(destinations);
    }

    public ParsedMessage parsed() {
        return verified.parsed();
    }
}
