package uk.safeguarding.interchange.directory;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import uk.safeguarding.interchange.canonical.EventCode;

/**
 * One directory entry, validated and immutable.
 *
 * @param id organisation id, {@code urn:interchange:<kind>:<value>}
 * @param identifiers business identifiers, the one implied by the id first
 * @param coverage 3-digit LA codes of the areas this organisation serves (empty for schools, systems...)
 * @param receives events it may be sent, as a routed or explicit destination (gateway-originated events about
 *     its own messages are implicit)
 * @param sends events it may send: its kind's table, or a narrower list from the file
 * @param escalationContact an organisation id or an e-mail address to escalate missed deadlines to
 * @param actsFor organisation ids this system may submit for (kind {@code system} only)
 * @param rateLimit its own request quota, when it differs from the gateway's default
 */
public record Organisation(
        String id,
        String name,
        OrganisationKind kind,
        List<Identifier> identifiers,
        Set<String> coverage,
        Set<EventCode> receives,
        Set<EventCode> sends,
        Delivery delivery,
        Optional<String> escalationContact,
        Set<String> actsFor,
        Optional<Location> location,
        Optional<RateLimit> rateLimit) {
    public Organisation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        identifiers = List.copyOf(identifiers);
        coverage = Set.copyOf(coverage);
        receives = Set.copyOf(receives);
        sends = Set.copyOf(sends);
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(escalationContact, "escalationContact");
        actsFor = Set.copyOf(actsFor);
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(rateLimit, "rateLimit");
    }

    public boolean maySend(EventCode event) {
        return sends.contains(event);
    }

    public boolean receives(EventCode event) {
        return receives.contains(event);
    }

    public boolean covers(String laCode) {
        return coverage.contains(laCode);
    }
}
