package uk.safeguarding.interchange.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * The mailbox and status REST API ({@code /api/v1/mailbox...}, {@code /api/v1/messages/{trackingId}}) as JSON replies;
 * routes/mailbox-api.yaml wires HTTP to it. Errors use the gateway's JSON error shape
 * ({@code {"error":{"code","system","message","retryable"}}}) and status. {@code callerId} is the organisation the
 * mutual-TLS client certificate authenticated (null only if the route was wired without the filter: refused).
 * Thread-safe.
 */
public final class DeliveryApi {
    private static final Logger log = LoggerFactory.getLogger(DeliveryApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern MAILBOX_ITEM = Pattern.compile("/api/v1/mailbox/(" + UUID + ")(/ack)?");
    private static final Pattern MESSAGE = Pattern.compile("/api/v1/messages/(" + UUID + ")");

    private final Mailbox mailbox;
    private final MessageStatusService status;

    public DeliveryApi(Mailbox mailbox, MessageStatusService status) {
        this.mailbox = Objects.requireNonNull(mailbox);
        this.status = Objects.requireNonNull(status);
    }

    /**
     * A request under {@code /api/v1/mailbox}, by method and path: {@code GET /api/v1/mailbox} lists, {@code GET
     * /api/v1/mailbox/{trackingId}} fetches, {@code POST /api/v1/mailbox/{trackingId}/ack} acknowledges; anything else
     * is {@link #unknown}. Decided here, with patterns compiled once, rather than by the route's predicates.
     */
    public ApiReply mailbox(String callerId, String method, String requestUri) {
        String uri = requestUri == null ? "" : requestUri;
        if (uri.equals("/api/v1/mailbox")) {
            return "GET".equals(method) ? list(callerId) : unknown(callerId);
        }
        Matcher item = MAILBOX_ITEM.matcher(uri);
        if (!item.matches()) {
            return unknown(callerId);
        }
        boolean ack = item.group(2) != null;
        if (!ack && "GET".equals(method)) {
            return fetch(callerId, item.group(1));
        }
        if (ack && "POST".equals(method)) {
            return acknowledge(callerId, item.group(1));
        }
        return unknown(callerId);
    }

    /** {@code GET /api/v1/mailbox}: unacknowledged messages, minimal fields, no personal data. */
    private ApiReply list(String callerId) {
        return answer(() -> {
            ObjectNode root = JSON.createObjectNode();
            ArrayNode messages = root.putArray("messages");
            for (MailboxEntry e : mailbox.list(requireCaller(callerId))) {
                ObjectNode m = messages.addObject();
                m.put("trackingId", e.trackingId());
                m.put("recipient", e.recipient());
                m.put("event", e.event());
                m.put("sender", e.sender());
                m.put("priority", e.priority());
                m.put("receivedAt", e.receivedAt().toString());
            }
            return json(200, root);
        });
    }

    /** {@code GET /api/v1/mailbox/{trackingId}}: the canonical XML document. */
    private ApiReply fetch(String callerId, String trackingId) {
        return answer(() -> {
            byte[] xml = mailbox.fetch(requireCaller(callerId), trackingId);
            return new ApiReply(200, "application/xml", xml);
        });
    }

    /** {@code POST /api/v1/mailbox/{trackingId}/ack}: acknowledge; answers the delivery's state. */
    private ApiReply acknowledge(String callerId, String trackingId) {
        return answer(() -> {
            Mailbox.Acknowledged ack = mailbox.acknowledge(requireCaller(callerId), trackingId);
            ObjectNode root = JSON.createObjectNode();
            root.put("trackingId", ack.trackingId());
            root.put("recipient", ack.recipient());
            root.put("state", ack.state().name());
            ack.receipt().ifPresent(r -> root.put("receiptTrackingId", r));
            return json(200, root);
        });
    }

    /** {@code GET /api/v1/messages/{trackingId}}: per-recipient states, for the sender only. */
    public ApiReply status(String callerId, String requestUri) {
        Matcher message = MESSAGE.matcher(requestUri == null ? "" : requestUri);
        if (!message.matches()) {
            return unknown(callerId);
        }
        return answer(() -> {
            MessageStatus s = status.status(requireCaller(callerId), message.group(1));
            ObjectNode root = JSON.createObjectNode();
            root.put("trackingId", s.trackingId());
            root.put("event", s.event());
            root.put("sender", s.sender());
            root.put("acceptedAt", s.acceptedAt().toString());
            root.put("routed", s.routed());
            if (s.routingError() != null) {
                root.put("routingError", s.routingError());
            }
            ArrayNode recipients = root.putArray("recipients");
            for (MessageStatus.RecipientStatus r : s.recipients()) {
                ObjectNode n = recipients.addObject();
                n.put("recipient", r.recipient());
                n.put("role", r.role());
                n.put("state", r.state().name());
                if (r.outcome() != null) {
                    n.put("outcome", r.outcome());
                }
                n.put("attempts", r.attempts());
                if (r.lastError() != null) {
                    n.put("lastError", r.lastError());
                }
                n.put("updatedAt", r.updatedAt().toString());
            }
            ArrayNode derived = root.putArray("derived");
            s.derived().forEach(derived::add);
            return json(200, root);
        });
    }

    /**
     * SCHEMA-009 for a path or method the API does not have, recorded in the ledger like every other rejection (spec
     * §10): the caller is authenticated, so a probe of the API is attributable.
     */
    private ApiReply unknown(String callerId) {
        mailbox.recordRefusal(
                callerId == null || callerId.isBlank() ? "unauthenticated" : callerId,
                null,
                ErrorCode.SCHEMA_UNKNOWN_OPERATION);
        return error(ErrorCode.SCHEMA_UNKNOWN_OPERATION, "No such resource or method.");
    }

    private interface Handler {
        ApiReply handle() throws Exception;
    }

    private static ApiReply answer(Handler handler) {
        try {
            return handler.handle();
        } catch (GatewayException e) {
            return error(e.errorCode(), e.getMessage());
        } catch (Exception e) {
            log.error("The delivery API failed", e);
            return error(ErrorCode.SYS_INTERNAL, "An unexpected internal error.");
        }
    }

    private static String requireCaller(String callerId) {
        if (callerId == null || callerId.isBlank()) {
            throw new GatewayException(ErrorCode.AUTH_NO_CLIENT_CERT, "No authenticated client.");
        }
        return callerId;
    }

    private static ApiReply json(int status, ObjectNode body) throws Exception {
        return new ApiReply(status, "application/json", JSON.writeValueAsBytes(body));
    }

    static ApiReply error(ErrorCode code, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code.code());
        error.put("system", ErrorCode.SYSTEM);
        error.put("message", message);
        error.put("retryable", code.retryable());
        try {
            return new ApiReply(code.httpStatus(), "application/json", JSON.writeValueAsBytes(root));
        } catch (Exception e) {
            return new ApiReply(500, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        }
    }
}
