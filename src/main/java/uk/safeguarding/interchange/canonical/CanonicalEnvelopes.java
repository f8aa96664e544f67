package uk.safeguarding.interchange.canonical;

import java.util.Optional;
import uk.safeguarding.interchange.canonical.xml.Envelope;
import uk.safeguarding.interchange.canonical.xml.EventCode;
import uk.safeguarding.interchange.canonical.xml.Identifier;
import uk.safeguarding.interchange.canonical.xml.OrganisationRef;
import uk.safeguarding.interchange.canonical.xml.Priority;
import uk.safeguarding.interchange.canonical.xml.Sender;
import uk.safeguarding.interchange.canonical.xml.SignatureEvidence;
import uk.safeguarding.interchange.directory.OrganisationKind;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.trust.OrganisationIds;

/**
 * The envelope rules both inbound bindings share, so that the same message over FHIR and over SOAP yields the same
 * envelope: identity, time and signature come from {@link EnvelopeFacts}; organisation names are never taken from
 * the message (the directory is the authority on names); {@code submittedBy} is set only when the authenticated
 * system is not the sender. Stateless and thread-safe.
 */
public final class CanonicalEnvelopes {
    private CanonicalEnvelopes() {}

    /** A new envelope with the facts, event, priority (may be null) and sender org id filled in. */
    public static Envelope envelope(EnvelopeFacts facts, EventCode event, Priority priority, String senderOrgId) {
        Envelope envelope = new Envelope();
        envelope.setTrackingId(facts.trackingId());
        envelope.setSenderMessageId(facts.senderMessageId());
        envelope.setEvent(event);
        envelope.setBinding(facts.binding());
        envelope.setReceivedAt(facts.receivedAt());
        envelope.setPriority(priority);
        envelope.setSender(sender(senderOrgId));
        if (!facts.submittedBy().equals(senderOrgId)) {
            envelope.setSubmittedBy(organisation(facts.submittedBy()));
        }
        SignatureEvidence signature = new SignatureEvidence();
        signature.setSignerCertificate(facts.signature().signerCertificateDer());
        signature.setSignerOrgId(facts.signature().signerOrgId());
        signature.setAlgorithm(facts.signature().algorithm());
        signature.setSignedDigest(facts.signature().signedDigestSha256());
        signature.setSigningTime(facts.signature().signingTime());
        envelope.setSignature(signature);
        return envelope;
    }

    /** The canonical sender for an org id: the id and its identifier (decision 0001), no name. */
    public static Sender sender(String orgId) {
        OrganisationKind kind = kindOf(orgId);
        Sender sender = new Sender();
        sender.setOrgId(orgId);
        Identifier identifier = new Identifier();
        identifier.setSystem(kind.identifierSystem());
        identifier.setValue(OrganisationIds.value(orgId).orElseThrow());
        sender.setIdentifier(identifier);
        return sender;
    }

    /** An organisation reference with the org id only. */
    public static OrganisationRef organisation(String orgId) {
        OrganisationRef ref = new OrganisationRef();
        ref.setOrgId(orgId);
        return ref;
    }

    /** The kind named by a well-formed org id; SCHEMA-005 for anything else. */
    public static OrganisationKind kindOf(String orgId) {
        if (orgId == null || !OrganisationIds.isValid(orgId)) {
            throw new GatewayException(ErrorCode.SCHEMA_XSD, "not an organisation id");
        }
        return OrganisationIds.kind(orgId)
                .flatMap(OrganisationKind::fromCode)
                .orElseThrow(() -> new GatewayException(ErrorCode.SCHEMA_XSD, "unknown organisation kind"));
    }

    /**
     * The org id for a FHIR-style identifier (system + value), e.g. {@code urn:interchange:la-code|850} →
     * {@code urn:interchange:la:850}; empty when the system is not an interchange identifier system.
     * {@code urn:interchange:system-id} names a vendor system (the gateway never submits).
     */
    public static Optional<String> orgIdFor(String system, String value) {
        if (system == null || value == null) {
            return Optional.empty();
        }
        for (OrganisationKind kind : OrganisationKind.values()) {
            if (kind != OrganisationKind.GATEWAY && kind.identifierSystem().equals(system)) {
                String orgId = OrganisationIds.PREFIX + kind.code() + ":" + value;
                return OrganisationIds.isValid(orgId) ? Optional.of(orgId) : Optional.empty();
            }
        }
        return Optional.empty();
    }
}
