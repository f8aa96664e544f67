package uk.safeguarding.interchange.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.ledger.merkle.MerkleTree;
import uk.safeguarding.interchange.trust.OrganisationIds;

/**
 * One ledger entry (spec §10): an immutable record of a state change, a rejection or an auditor access.
 *
 * <p><b>No personal data, ever.</b> Every field is an identifier, a code or a hash: organisation ids, the gateway's
 * tracking id, the sender's message id, an event code, the SHA-256 of the payload and a reason/error token. The
 * constructor enforces it as far as syntax can: {@code reason} and the ids must be tokens (no spaces, bounded
 * length), so a name, an address or free text from a message cannot be recorded. Anything about the child stays in
 * the encrypted payload store, which erasure can destroy while the ledger stays verifiable.
 *
 * <p>Fields: {@code seq} from 0, gap-free, below 2^53 (exact in JSON); {@code time} UTC, truncated to milliseconds;
 * {@code event}; {@code actor} the organisation id acting (or the gateway's); nullable: {@code trackingId} (a
 * rejection may have none), {@code senderMessageId}, {@code counterparty} (organisation id), {@code messageType} (an
 * event code such as {@code safeguarding-referral}), {@code payloadSha256} (64 lower-case hex), {@code reason} (a
 * token, e.g. an outcome code or audit operation), {@code errorCode} (an {@link ErrorCode#code()}, e.g. {@code
 * SIG-004}).
 *
 * <p>{@link #canonicalBytes()} is the RFC 8785 (JCS) JSON of these fields with nulls omitted; its Merkle leaf hash is
 * {@link #leafHash()}. {@link #toJson()} / {@link #fromJson(JsonNode)} are that same object as a tree, so an export
 * line carries exactly what recomputes the leaf.
 */
public record LedgerEntry(
        long seq,
        Instant time,
        LedgerEvent event,
        String trackingId,
        String senderMessageId,
        String actor,
        String counterparty,
        String messageType,
        String payloadSha256,
        String reason,
        String errorCode) {

    /** The largest seq JSON numbers carry exactly (2^53 - 1). */
    public static final long MAX_SEQ = (1L << 53) - 1;

    static final Set<String> FIELDS = Set.of(
            "seq",
            "time",
            "event",
            "trackingId",
            "senderMessageId",
            "actor",
            "counterparty",
            "messageType",
            "payloadSha256",
            "reason",
            "errorCode");

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
    private static final Pattern MESSAGE_ID = Pattern.compile("[\\x21-\\x7E]{1,256}");
    private static final Pattern EVENT_CODE = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Z]{2,10}-[0-9]{3}");
    // Always three fraction digits, so one instant has one text form.
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withResolverStyle(ResolverStyle.STRICT)
            .withZone(ZoneOffset.UTC);

    /** Validates every field; {@code time} is truncated to milliseconds. */
    public LedgerEntry {
        if (seq < 0 || seq > MAX_SEQ) {
            throw new IllegalArgumentException("seq out of range: " + seq);
        }
        Objects.requireNonNull(time, "time");
        time = time.truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(event, "event");
        if (!OrganisationIds.isValid(actor)) {
            throw new IllegalArgumentException("actor is not an organisation id");
        }
        if (counterparty != null && !OrganisationIds.isValid(counterparty)) {
            throw new IllegalArgumentException("counterparty is not an organisation id");
        }
        check("trackingId", trackingId, TOKEN);
        check("senderMessageId", senderMessageId, MESSAGE_ID);
        check("messageType", messageType, EVENT_CODE);
        check("payloadSha256", payloadSha256, SHA256_HEX);
        check("reason", reason, TOKEN);
        check("errorCode", errorCode, ERROR_CODE);
    }

    private static void check(String field, String value, Pattern pattern) {
        // The value is not echoed: a rejected value could be exactly the personal data that must not be logged.
        if (value != null && !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " is not of the allowed form " + pattern.pattern());
        }
    }

    /** The same entry with the seq and time the ledger gives it when it writes it. */
    public LedgerEntry numbered(long newSeq, Instant newTime) {
        return new LedgerEntry(
                newSeq,
                newTime,
                event,
                trackingId,
                senderMessageId,
                actor,
                counterparty,
                messageType,
                payloadSha256,
                reason,
                errorCode);
    }

    /** The entry as a JSON object: the fields by name, nulls omitted, {@code time} as {@code 2026-01-31T08:15:00.000Z}. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("seq", seq);
        node.put("time", TIME.format(time));
        node.put("event", event.name());
        putIfPresent(node, "trackingId", trackingId);
        putIfPresent(node, "senderMessageId", senderMessageId);
        node.put("actor", actor);
        putIfPresent(node, "counterparty", counterparty);
        putIfPresent(node, "messageType", messageType);
        putIfPresent(node, "payloadSha256", payloadSha256);
        putIfPresent(node, "reason", reason);
        putIfPresent(node, "errorCode", errorCode);
        return node;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    /**
     * The canonical form: RFC 8785 JCS of {@link #toJson()}, UTF-8. Deterministic and unambiguous: keys are sorted,
     * no whitespace, absent fields are omitted (never {@code null}), {@code seq} is an integer below 2^53.
     */
    public byte[] canonicalBytes() {
        // Written out rather than through Jcs.canonicalize(toJson()) (the ledger writes nine entries per referral):
        // the members in JCS order (sorted by UTF-16 code units), and every value is printable ASCII by the checks
        // above, so JCS's string escaping reduces to '"' and '\\'. LedgerEntryTest compares the two on many entries.
        StringBuilder json = new StringBuilder(320).append('{');
        member(json, "actor", actor);
        member(json, "counterparty", counterparty);
        member(json, "errorCode", errorCode);
        member(json, "event", event.name());
        member(json, "messageType", messageType);
        member(json, "payloadSha256", payloadSha256);
        member(json, "reason", reason);
        member(json, "senderMessageId", senderMessageId);
        json.append(",\"seq\":").append(seq);
        member(json, "time", TIME.format(time));
        member(json, "trackingId", trackingId);
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void member(StringBuilder json, String name, String value) {
        if (value == null) {
            return;
        }
        if (json.length() > 1) {
            json.append(',');
        }
        json.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\');
            }
            json.append(c);
        }
        json.append('"');
    }

    /** The RFC 9162 leaf hash: SHA-256(0x00 || canonical form). */
    public byte[] leafHash() {
        return MerkleTree.leafHash(canonicalBytes());
    }

    /**
     * Reads an entry from the JSON object {@link #toJson()} writes. Strict: every member must be a known field with
     * a value of the right JSON type (no {@code null}s, seq an integer, time with exactly millisecond precision), so
     * one entry has exactly one JSON form. {@code extra} names members the caller handles itself (e.g. {@code
     * leafHash} on an export line).
     *
     * @throws IllegalArgumentException naming the field (never its value) when the object is not an entry
     */
    public static LedgerEntry fromJson(JsonNode node, Set<String> extra) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("entry is not a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name) && !extra.contains(name)) {
                throw new IllegalArgumentException("unknown field " + name);
            }
        }
        JsonNode seqNode = node.get("seq");
        if (seqNode == null || !seqNode.isIntegralNumber() || !seqNode.canConvertToLong()) {
            throw new IllegalArgumentException("seq is missing or not an integer");
        }
        String timeText = text(node, "time", true);
        Instant time;
        try {
            time = Instant.from(TIME.parse(timeText));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time is not of the form 2026-01-31T08:15:00.000Z");
        }
        LedgerEvent event;
        try {
            event = LedgerEvent.valueOf(text(node, "event", true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("event is not a ledger event");
        }
        return new LedgerEntry(
                seqNode.longValue(),
                time,
                event,
                text(node, "trackingId", false),
                text(node, "senderMessageId", false),
                text(node, "actor", true),
                text(node, "counterparty", false),
                text(node, "messageType", false),
                text(node, "payloadSha256", false),
                text(node, "reason", false),
                text(node, "errorCode", false));
    }

    /** {@link #fromJson(JsonNode, Set)} with no extra members allowed. */
    public static LedgerEntry fromJson(JsonNode node) {
        return fromJson(node, Set.of());
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException(field + " is missing");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " is not a string");
        }
        return value.textValue();
    }
}
