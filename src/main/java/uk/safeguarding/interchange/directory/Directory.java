package uk.safeguarding.interchange.directory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uk.safeguarding.interchange.canonical.EventCode;

/**
 * The organisations the interchange knows (spec §8): who they are, what they may send and receive, how they
 * are delivered to, and which vendor systems act for them. Immutable and thread-safe; build it with
 * {@link DirectoryLoader}, which validates what this class assumes (unique ids and identifiers, known
 * delegation targets). Queries never return null and accept unknown ids (answering empty or false).
 */
public final class Directory {
    private final List<Organisation> organisations;
    private final Map<String, Organisation> byId;
    private final Map<Identifier, Organisation> byIdentifier;

    public Directory(List<Organisation> organisations) {
        this.organisations = List.copyOf(organisations);
        Map<String, Organisation> ids = new LinkedHashMap<>();
        Map<Identifier, Organisation> identifiers = new LinkedHashMap<>();
        for (Organisation organisation : this.organisations) {
            if (ids.put(organisation.id(), organisation) != null) {
                throw new IllegalArgumentException("Duplicate organisation id " + organisation.id());
            }
            for (Identifier identifier : organisation.identifiers()) {
                if (identifiers.put(identifier, organisation) != null) {
                    throw new IllegalArgumentException(
                            "Duplicate identifier " + identifier.system() + "|" + identifier.value());
                }
            }
        }
        this.byId = Map.copyOf(ids);
        this.byIdentifier = Map.copyOf(identifiers);
    }

    /** Every organisation, in file order. */
    public List<Organisation> organisations() {
        return organisations;
    }

    /** The organisation with this organisation id. */
    public Optional<Organisation> find(String organisationId) {
        return Optional.ofNullable(organisationId == null ? null : byId.get(organisationId));
    }

    /** The organisation with this business identifier, e.g. ({@code urn:interchange:school-urn}, {@code 100001}). */
    public Optional<Organisation> byIdentifier(String system, String value) {
        if (system == null || value == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(byIdentifier.get(new Identifier(system, value)));
    }

    /**
     * Whether a message signed (or submitted over mutual TLS) by {@code signerOrgId} may carry
     * {@code senderOrgId} as its sender: the same organisation, or a system whose entry says it acts for the
     * sender. Both must be in the directory.
     */
    public boolean mayActFor(String signerOrgId, String senderOrgId) {
        Optional<Organisation> signer = find(signerOrgId);
        if (signer.isEmpty() || find(senderOrgId).isEmpty()) {
            return false;
        }
        return signerOrgId.equals(senderOrgId) || signer.get().actsFor().contains(senderOrgId);
    }

    /** Whether this organisation may send this event in its own name (its {@link Organisation#sends()}). */
    public boolean maySend(String organisationId, EventCode event) {
        return find(organisationId).map(org -> org.maySend(event)).orElse(false);
    }

    /**
     * Organisations that receive this event and cover this LA code, in file order; e.g. a
     * {@code safeguarding-referral} for LA 850 yields the LA's children's services and its MASH, and routing
     * picks by {@link Organisation#kind()} (copies to the MASH for urgent referrals only).
     */
    public List<Organisation> receivers(EventCode event, String laCode) {
        return organisations.stream()
                .filter(org -> org.receives(event) && org.covers(laCode))
                .toList();
    }

    /** As {@link #receivers(EventCode, String)}, only organisations of this kind. */
    public List<Organisation> receivers(EventCode event, String laCode, OrganisationKind kind) {
        return receivers(event, laCode).stream()
                .filter(org -> org.kind() == kind)
                .toList();
    }
}
