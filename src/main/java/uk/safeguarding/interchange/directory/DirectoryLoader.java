package uk.safeguarding.interchange.directory;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.trust.OrganisationIds;

/**
 * Reads and validates the directory file (config/directory.yaml, format in docs/directory.md). Every problem
 * found is reported in one {@link DirectoryException} whose message names the file and each offending entry
 * (by position and id). Stateless and thread-safe.
 */
public final class DirectoryLoader {
    /** The format version this loader reads. */
    public static final int VERSION = 1;

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern LA_CODE = Pattern.compile("[0-9]{3}");
    private static final Pattern POSTCODE = Pattern.compile("[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private DirectoryLoader() {}

    record DirectoryFile(Integer version, List<Entry> organisations) {}

    record Entry(
            String id,
            String name,
            String kind,
            List<IdentifierEntry> identifiers,
            List<String> coverage,
            List<String> receives,
            List<String> sends,
            DeliveryEntry delivery,
            String escalationContact,
            List<String> actsFor,
            LocationEntry location,
            RateLimitEntry rateLimit) {}

    record IdentifierEntry(String system, String value) {}

    record DeliveryEntry(String mode, String endpoint, Integer maxAttempts) {}

    record RateLimitEntry(Double perSecond, Double burst) {}

    record LocationEntry(String postcode, String la) {}

    /** Loads and validates the directory file; throws {@link DirectoryException} naming the file and entries. */
    public static Directory load(Path file) {
        DirectoryFile parsed;
        try (InputStream in = Files.newInputStream(file)) {
            parsed = YAML.readValue(in, DirectoryFile.class);
        } catch (JacksonException e) {
            throw new DirectoryException(
                    file + ": not a valid directory file: " + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " (line " + e.getLocation().getLineNr() + ", column "
                                            + e.getLocation().getColumnNr() + ")"),
                    e);
        } catch (IOException e) {
            throw new DirectoryException(file + ": cannot read the directory file", e);
        }
        return validate(file, parsed);
    }

    private static Directory validate(Path file, DirectoryFile parsed) {
        if (parsed == null) {
            throw new DirectoryException(file + ": the directory file is empty");
        }
        List<String> problems = new ArrayList<>();
        if (parsed.version() == null || parsed.version() != VERSION) {
            problems.add("version must be " + VERSION + ", was " + parsed.version());
        }
        List<Entry> entries = parsed.organisations() == null ? List.of() : parsed.organisations();
        if (entries.isEmpty()) {
            problems.add("organisations is missing or empty");
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry != null && entry.id() != null && !ids.add(entry.id())) {
                problems.add(where(i, entry) + ": duplicate organisation id");
            }
        }
        List<Organisation> organisations = new ArrayList<>();
        Set<Identifier> identifiers = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry == null) {
                problems.add("organisations[" + i + "]: empty entry");
                continue;
            }
            List<String> entryProblems = new ArrayList<>();
            Organisation organisation = organisation(entry, ids, entryProblems);
            if (organisation != null) {
                for (Identifier identifier : organisation.identifiers()) {
                    if (!identifiers.add(identifier)) {
                        entryProblems.add(
                                "identifier " + identifier.system() + "|" + identifier.value() + " is already used");
                    }
                }
            }
            String prefix = where(i, entry);
            entryProblems.forEach(problem -> problems.add(prefix + ": " + problem));
            if (entryProblems.isEmpty()) {
                organisations.add(organisation);
            }
        }
        if (!problems.isEmpty()) {
            throw new DirectoryException(file + ": invalid directory:\n  - " + String.join("\n  - ", problems));
        }
        return new Directory(organisations);
    }

    private static String where(int index, Entry entry) {
        return "organisations[" + index + "]" + (entry.id() == null ? "" : " (" + entry.id() + ")");
    }

    /** The entry as an organisation, or null with the reasons added to {@code problems}. */
    private static Organisation organisation(Entry entry, Set<String> knownIds, List<String> problems) {
        OrganisationKind kind = null;
        if (entry.kind() == null) {
            problems.add("kind is missing");
        } else {
            kind = OrganisationKind.fromCode(entry.kind()).orElse(null);
            if (kind == null) {
                problems.add("unknown kind '" + entry.kind() + "' (expected one of " + kindCodes() + ")");
            }
        }
        if (entry.id() == null || !OrganisationIds.isValid(entry.id())) {
            problems.add("id must be urn:interchange:<kind>:<value>, was " + entry.id());
        } else if (kind != null
                && !OrganisationIds.kind(entry.id()).orElseThrow().equals(kind.code())) {
            problems.add("id does not match kind '" + kind.code() + "'");
        }
        if (entry.name() == null || entry.name().isBlank()) {
            problems.add("name is missing");
        }
        List<Identifier> identifiers = new ArrayList<>();
        if (kind != null && OrganisationIds.isValid(entry.id())) {
            identifiers.add(new Identifier(
                    kind.identifierSystem(), OrganisationIds.value(entry.id()).orElseThrow()));
        }
        for (IdentifierEntry identifier : orEmpty(entry.identifiers())) {
            if (identifier == null || blank(identifier.system()) || blank(identifier.value())) {
                problems.add("an identifier needs a system and a value");
            } else if (identifiers.contains(new Identifier(identifier.system(), identifier.value()))) {
                problems.add("identifier " + identifier.system() + "|" + identifier.value()
                        + " is listed twice (the one implied by the id is added automatically)");
            } else {
                identifiers.add(new Identifier(identifier.system(), identifier.value()));
            }
        }
        Set<String> coverage = new LinkedHashSet<>();
        for (String laCode : orEmpty(entry.coverage())) {
            if (laCode == null || !LA_CODE.matcher(laCode).matches()) {
                problems.add("coverage entry '" + laCode + "' is not a 3-digit LA code");
            } else {
                coverage.add(laCode);
            }
        }
        Set<EventCode> receives = events(entry.receives(), "receives", problems);
        receives.stream()
                .filter(OrganisationKind.GATEWAY_ORIGINATED::contains)
                .forEach(event -> problems.add("receives lists gateway-originated event '" + event.code()
                        + "', which every organisation receives implicitly"));
        Set<EventCode> sends = kind == null ? Set.of() : kind.maySend();
        if (entry.sends() != null) {
            sends = events(entry.sends(), "sends", problems);
            if (kind != null) {
                for (EventCode event : sends) {
                    if (!kind.maySend().contains(event)) {
                        problems.add("sends '" + event.code() + "', which kind '" + kind.code() + "' may not send");
                    }
                }
            }
        }
        Delivery delivery = delivery(entry.delivery(), problems);
        Optional<String> escalation = Optional.ofNullable(entry.escalationContact());
        escalation.ifPresent(contact -> {
            if (contact.startsWith(OrganisationIds.PREFIX)) {
                if (!knownIds.contains(contact)) {
                    problems.add("escalationContact " + contact + " is not an organisation in the directory");
                }
            } else if (!EMAIL.matcher(contact).matches()) {
                problems.add(
                        "escalationContact must be an organisation id or an e-mail address, was '" + contact + "'");
            }
        });
        Set<String> actsFor = new LinkedHashSet<>(orEmpty(entry.actsFor()));
        if (!actsFor.isEmpty() && kind != null && kind != OrganisationKind.SYSTEM) {
            problems.add("actsFor is allowed for kind 'system' only");
        }
        for (String delegator : actsFor) {
            if (delegator == null || !knownIds.contains(delegator)) {
                problems.add("actsFor names " + delegator + ", which is not an organisation in the directory");
            } else if (delegator.equals(entry.id())) {
                problems.add("actsFor names the organisation itself");
            }
        }
        Optional<Location> location = Optional.empty();
        if (entry.location() != null) {
            LocationEntry given = entry.location();
            if (given.postcode() == null || !POSTCODE.matcher(given.postcode()).matches()) {
                problems.add("location.postcode must be a UK postcode in capitals with one space, was '"
                        + given.postcode() + "'");
            } else if (given.la() == null || !LA_CODE.matcher(given.la()).matches()) {
                problems.add("location.la must be a 3-digit LA code, was '" + given.la() + "'");
            } else {
                location = Optional.of(new Location(given.postcode(), given.la()));
            }
        }
        Optional<RateLimit> rateLimit = Optional.empty();
        if (entry.rateLimit() != null) {
            RateLimitEntry given = entry.rateLimit();
            if (given.perSecond() == null
                    || !(given.perSecond() > 0)
                    || given.burst() == null
                    || !(given.burst() >= 1)) {
                problems.add("rateLimit needs perSecond > 0 and burst >= 1, was " + given.perSecond() + " / "
                        + given.burst());
            } else {
                rateLimit = Optional.of(new RateLimit(given.perSecond(), given.burst()));
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new Organisation(
                entry.id(),
                entry.name(),
                kind,
                identifiers,
                coverage,
                receives,
                sends,
                delivery,
                escalation,
                actsFor,
                location,
                rateLimit);
    }

    private static Set<EventCode> events(List<String> codes, String field, List<String> problems) {
        Set<EventCode> events = EnumSet.noneOf(EventCode.class);
        for (String code : orEmpty(codes)) {
            EventCode.fromCode(code)
                    .ifPresentOrElse(
                            events::add, () -> problems.add(field + " lists unknown event code '" + code + "'"));
        }
        return events;
    }

    private static Delivery delivery(DeliveryEntry entry, List<String> problems) {
        if (entry == null) {
            return Delivery.MAILBOX;
        }
        Optional<DeliveryMode> mode = DeliveryMode.fromCode(entry.mode());
        if (mode.isEmpty()) {
            problems.add("unknown delivery mode '" + entry.mode() + "' (expected mailbox, fhir-push or soap-push)");
            return null;
        }
        if (mode.get() == DeliveryMode.MAILBOX) {
            if (entry.endpoint() != null) {
                problems.add("delivery mode mailbox takes no endpoint");
            }
            if (entry.maxAttempts() != null) {
                problems.add("delivery mode mailbox takes no maxAttempts");
            }
            return Delivery.MAILBOX;
        }
        URI endpoint = null;
        try {
            endpoint = entry.endpoint() == null ? null : new URI(entry.endpoint());
        } catch (URISyntaxException e) {
            // reported below
        }
        if (endpoint == null || !"https".equals(endpoint.getScheme()) || endpoint.getHost() == null) {
            problems.add("delivery mode " + mode.get().code() + " needs an absolute https endpoint, was '"
                    + entry.endpoint() + "'");
            return null;
        }
        if (entry.maxAttempts() != null && entry.maxAttempts() < 1) {
            problems.add("delivery maxAttempts must be at least 1, was " + entry.maxAttempts());
            return null;
        }
        return new Delivery(
                mode.get(),
                Optional.of(endpoint),
                entry.maxAttempts() == null ? OptionalInt.empty() : OptionalInt.of(entry.maxAttempts()));
    }

    private static String kindCodes() {
        return String.join(
                ", ",
                java.util.Arrays.stream(OrganisationKind.values())
                        .map(OrganisationKind::code)
                        .toList());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
