package uk.safeguarding.interchange.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.ledger.LedgerCheckpoints;
import uk.safeguarding.interchange.ledger.LedgerEvent;
import uk.safeguarding.interchange.ledger.LedgerQuery;
import uk.safeguarding.interchange.ledger.LedgerReader;
import uk.safeguarding.interchange.ledger.NewLedgerEntry;
import uk.safeguarding.interchange.ledger.StoredCheckpoint;
import uk.safeguarding.interchange.server.HttpRequestFacts;
import uk.safeguarding.interchange.trust.OrganisationIds;

/**
 * The auditor API under {@code /audit/v1/} (spec §10, docs/auditor-api.md): search, a message's trail, export,
 * checkpoints and RFC 9162 proofs. Only organisations of kind {@code auditor} may use it; anyone else gets {@link
 * ErrorCode#AUTH_NOT_PERMITTED} and a {@code REJECTED} ledger entry. Every auditor request is itself ledgered
 * ({@code AUDIT_ACCESS}, {@code reason} = the operation) <em>before</em> it is answered; when that entry cannot be
 * written the request is refused ({@link ErrorCode#SYS_UNAVAILABLE}). Thread-safe.
 */
public final class AuditApi {
    /** The path prefix this API answers. */
    public static final String PREFIX = "/audit/v1";
    /** Response header naming the checkpoint size an export is consistent with. */
    public static final String CHECKPOINT_SIZE_HEADER = "Ledger-Checkpoint-Size";

    private static final Logger log = LoggerFactory.getLogger(AuditApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Pattern TRAIL_PATH = Pattern.compile("/messages/([^/]+)/trail");
    private static final Pattern CHECKPOINT_AT = Pattern.compile("/checkpoints/([0-9]{1,16})");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
    private static final int DEFAULT_LIMIT = 100;

    private final DataSource dataSource;
    private final LedgerAppender ledger;
    private final LedgerReader reader;
    private final LedgerCheckpoints checkpoints;

    public AuditApi(DataSource dataSource, LedgerAppender ledger, LedgerCheckpoints checkpoints) {
        this.dataSource = Objects.requireNonNull(dataSource);
        this.ledger = Objects.requireNonNull(ledger);
        this.reader = new LedgerReader(dataSource);
        this.checkpoints = Objects.requireNonNull(checkpoints);
    }

    /** Answers one request. Never throws: every failure is an error response with a gateway error code. */
    public AuditResponse handle(HttpRequestFacts request) {
        String path = request.path().startsWith(PREFIX) ? request.path().substring(PREFIX.length()) : request.path();
        Operation operation = Operation.of(request.method(), path);
        if (!OrganisationIds.kind(request.orgId()).filter("auditor"::equals).isPresent()) {
            recordRefusal(request.orgId());
            return error(ErrorCode.AUTH_NOT_PERMITTED, "Only auditors may use the auditor API.");
        }
        try {
            recordAccess(request, operation, path);
        } catch (SQLException | RuntimeException e) {
            log.error("Could not ledger an auditor access; refusing it", e);
            return error(ErrorCode.SYS_UNAVAILABLE, "The ledger is unavailable.");
        }
        try {
            return answer(operation, path, request.query());
        } catch (GatewayException e) {
            return error(e.errorCode(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(ErrorCode.SCHEMA_UNKNOWN_OPERATION, e.getMessage());
        } catch (SQLException | RuntimeException e) {
            log.error("Auditor API {} failed", operation.reason, e);
            return error(ErrorCode.SYS_INTERNAL, "The auditor API failed; try again.");
        }
    }

    /** What an auditor request does; the reason token is what its AUDIT_ACCESS entry records. */
    enum Operation {
        SEARCH("search"),
        TRAIL("trail"),
        EXPORT("export"),
        CHECKPOINTS("checkpoints"),
        CHECKPOINT("checkpoint"),
        ISSUE_CHECKPOINT("checkpoint-issue"),
        INCLUSION_PROOF("inclusion-proof"),
        CONSISTENCY_PROOF("consistency-proof"),
        UNKNOWN("unknown-resource");

        final String reason;

        Operation(String reason) {
            this.reason = reason;
        }

        static Operation of(String method, String path) {
            boolean get = method.equals("GET");
            if (get && path.equals("/entries")) {
                return SEARCH;
            }
            if (get && TRAIL_PATH.matcher(path).matches()) {
                return TRAIL;
            }
            if (get && path.equals("/export")) {
                return EXPORT;
            }
            if (get && path.equals("/checkpoints")) {
                return CHECKPOINTS;
            }
            if (get
                    && (path.equals("/checkpoints/latest")
                            || CHECKPOINT_AT.matcher(path).matches())) {
                return CHECKPOINT;
            }
            if (method.equals("POST") && path.equals("/checkpoints")) {
                return ISSUE_CHECKPOINT;
            }
            if (get && path.equals("/proofs/inclusion")) {
                return INCLUSION_PROOF;
            }
            if (get && path.equals("/proofs/consistency")) {
                return CONSISTENCY_PROOF;
            }
            return UNKNOWN;
        }
    }

    private AuditResponse answer(Operation operation, String path, Map<String, List<String>> query)
            throws SQLException {
        Params params = new Params(query);
        return switch (operation) {
            case SEARCH -> search(params);
            case TRAIL -> trail(path, params);
            case EXPORT -> export(params);
            case CHECKPOINTS -> checkpointList(params);
            case CHECKPOINT -> checkpoint(path, params);
            case ISSUE_CHECKPOINT -> {
                params.allow();
                yield AuditResponse.text(checkpoints.issue().note());
            }
            case INCLUSION_PROOF -> inclusionProof(params);
            case CONSISTENCY_PROOF -> consistencyProof(params);
            case UNKNOWN ->
                throw new GatewayException(
                        ErrorCode.SCHEMA_UNKNOWN_OPERATION, "No such auditor API resource: see docs/auditor-api.md.");
        };
    }

    private AuditResponse search(Params params) throws SQLException {
        params.allow("trackingId", "senderMessageId", "organisation", "event", "from", "to", "afterSeq", "limit");
        LedgerEvent event = params.text("event")
                .map(name -> {
                    try {
                        return LedgerEvent.valueOf(name);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("event is not a ledger event name");
                    }
                })
                .orElse(null);
        int limit = params.number("limit", 1, LedgerQuery.MAX_LIMIT)
                .orElse((long) DEFAULT_LIMIT)
                .intValue();
        LedgerQuery query = new LedgerQuery(
                params.text("trackingId").orElse(null),
                params.text("senderMessageId").orElse(null),
                params.text("organisation").orElse(null),
                event,
                params.instant("from").orElse(null),
                params.instant("to").orElse(null),
                params.number("afterSeq", -1, Long.MAX_VALUE).orElse(-1L),
                limit);
        List<ObjectNode> entries = reader.search(query);
        ObjectNode body = JSON.createObjectNode();
        body.putArray("entries").addAll(entries);
        if (entries.size() == limit) {
            body.put("nextAfterSeq", entries.get(entries.size() - 1).get("seq").longValue());
        }
        return AuditResponse.json(write(body));
    }

    private AuditResponse trail(String path, Params params) throws SQLException {
        params.allow();
        String trackingId = trackingIdOf(path).orElseThrow(() -> new IllegalArgumentException("bad tracking id"));
        ObjectNode body = JSON.createObjectNode();
        body.put("trackingId", trackingId);
        body.putArray("entries").addAll(reader.trail(trackingId));
        return AuditResponse.json(write(body));
    }

    private AuditResponse export(Params params) throws SQLException {
        params.allow("from", "to");
        long from = params.number("from", 0, Long.MAX_VALUE).orElse(0L);
        Optional<Long> to = params.number("to", 0, Long.MAX_VALUE);
        long end;
        Optional<StoredCheckpoint> covering;
        if (to.isPresent()) {
            end = to.get();
            covering = checkpoints.latestAtOrBelow(end);
        } else {
            // Without an end, export exactly the tree a fresh checkpoint signs, so the export verifies offline.
            StoredCheckpoint checkpoint = checkpoints.issue();
            end = checkpoint.size();
            covering = Optional.of(checkpoint);
        }
        StringWriter out = new StringWriter();
        reader.export(from, end, out);
        return new AuditResponse(
                200,
                "application/x-ndjson",
                out.toString(),
                covering.map(c -> Map.of(CHECKPOINT_SIZE_HEADER, Long.toString(c.size())))
                        .orElse(Map.of()));
    }

    private AuditResponse checkpointList(Params params) throws SQLException {
        params.allow("afterSize", "limit");
        long afterSize = params.number("afterSize", -1, Long.MAX_VALUE).orElse(-1L);
        int limit = params.number("limit", 1, LedgerQuery.MAX_LIMIT)
                .orElse((long) DEFAULT_LIMIT)
                .intValue();
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("checkpoints");
        for (StoredCheckpoint c : checkpoints.list(afterSize, limit)) {
            ObjectNode item = list.addObject();
            item.put("treeSize", c.size());
            item.put("rootHash", B64.encodeToString(c.rootHash()));
            item.put("time", c.issuedAt().toString());
            item.put("note", c.note());
        }
        return AuditResponse.json(write(body));
    }

    private AuditResponse checkpoint(String path, Params params) throws SQLException {
        params.allow();
        if (path.equals("/checkpoints/latest")) {
            Optional<StoredCheckpoint> latest = checkpoints.latest();
            return AuditResponse.text(
                    latest.isPresent()
                            ? latest.get().note()
                            : checkpoints.issue().note());
        }
        Matcher m = CHECKPOINT_AT.matcher(path);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad checkpoint size");
        }
        return checkpoints
                .at(Long.parseLong(m.group(1)))
                .map(c -> AuditResponse.text(c.note()))
                .orElseThrow(() -> new GatewayException(
                        ErrorCode.SCHEMA_UNKNOWN_OPERATION, "No checkpoint was issued at that tree size."));
    }

    private AuditResponse inclusionProof(Params params) throws SQLException {
        params.allow("seq", "treeSize");
        long seq = params.number("seq", 0, Long.MAX_VALUE).orElseThrow(() -> missing("seq"));
        long size = params.number("treeSize", 1, Long.MAX_VALUE).orElseThrow(() -> missing("treeSize"));
        List<byte[]> proof = reader.inclusionProof(seq, size);
        ObjectNode body = JSON.createObjectNode();
        body.put("leaf_index", seq);
        body.put("tree_size", size);
        body.put("leaf_hash", B64.encodeToString(reader.leafHash(seq)));
        ArrayNode path = body.putArray("inclusion_path");
        proof.forEach(hash -> path.add(B64.encodeToString(hash)));
        return AuditResponse.json(write(body));
    }

    private AuditResponse consistencyProof(Params params) throws SQLException {
        params.allow("first", "second");
        long first = params.number("first", 0, Long.MAX_VALUE).orElseThrow(() -> missing("first"));
        long second = params.number("second", 0, Long.MAX_VALUE).orElseThrow(() -> missing("second"));
        List<byte[]> proof = reader.consistencyProof(first, second);
        ObjectNode body = JSON.createObjectNode();
        body.put("first", first);
        body.put("second", second);
        ArrayNode path = body.putArray("consistency_path");
        proof.forEach(hash -> path.add(B64.encodeToString(hash)));
        return AuditResponse.json(write(body));
    }

    private static IllegalArgumentException missing(String name) {
        return new IllegalArgumentException("query parameter " + name + " is required");
    }

    private static Optional<String> trackingIdOf(String path) {
        Matcher m = TRAIL_PATH.matcher(path);
        return m.matches() && TOKEN.matcher(m.group(1)).matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private void recordAccess(HttpRequestFacts request, Operation operation, String path) throws SQLException {
        String trackingId = operation == Operation.TRAIL
                ? trackingIdOf(path).orElse(null)
                : single(request.query(), "trackingId")
                        .filter(t -> TOKEN.matcher(t).matches())
                        .orElse(null);
        String organisation = single(request.query(), "organisation")
                .filter(OrganisationIds::isValid)
                .orElse(null);
        append(new NewLedgerEntry(
                LedgerEvent.AUDIT_ACCESS.name(),
                trackingId,
                null,
                request.orgId(),
                organisation,
                null,
                null,
                null,
                operation.reason));
    }

    private void recordRefusal(String orgId) {
        try {
            append(new NewLedgerEntry(
                    LedgerEvent.REJECTED.name(),
                    null,
                    null,
                    orgId,
                    null,
                    null,
                    null,
                    ErrorCode.AUTH_NOT_PERMITTED.code(),
                    "audit-api"));
        } catch (SQLException | RuntimeException e) {
            // The refusal stands whether or not it could be recorded.
            log.error("Could not ledger a refused auditor API request", e);
        }
    }

    private void append(NewLedgerEntry entry) throws SQLException {
        ledger.appendAlone(dataSource, entry);
    }

    private static Optional<String> single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values != null && values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
    }

    private static AuditResponse error(ErrorCode code, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code.code());
        error.put("system", ErrorCode.SYSTEM);
        error.put("message", message);
        error.put("retryable", code.retryable());
        return new AuditResponse(code.httpStatus(), "application/json", write(root), Map.of());
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Strict query parameters: only the names an operation knows, each at most once. */
    private static final class Params {
        private final Map<String, List<String>> query;

        Params(Map<String, List<String>> query) {
            this.query = query;
        }

        void allow(String... names) {
            Set<String> allowed = Set.of(names);
            for (var e : query.entrySet()) {
                if (!allowed.contains(e.getKey())) {
                    throw new IllegalArgumentException("unknown query parameter " + e.getKey());
                }
                if (e.getValue().size() != 1) {
                    throw new IllegalArgumentException("query parameter " + e.getKey() + " is repeated");
                }
            }
        }

        Optional<String> text(String name) {
            List<String> values = query.get(name);
            if (values == null) {
                return Optional.empty();
            }
            if (values.get(0).isEmpty()) {
                throw new IllegalArgumentException("query parameter " + name + " is empty");
            }
            return Optional.of(values.get(0));
        }

        Optional<Long> number(String name, long min, long max) {
            return text(name).map(value -> {
                long n;
                try {
                    n = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("query parameter " + name + " is not a number");
                }
                if (n < min || n > max) {
                    throw new IllegalArgumentException("query parameter " + name + " is out of range");
                }
                return n;
            });
        }

        Optional<Instant> instant(String name) {
            return text(name).map(value -> {
                try {
                    return Instant.parse(value);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(
                            "query parameter " + name + " is not a UTC time like 2026-01-31T08:15:00Z");
                }
            });
        }
    }
}
