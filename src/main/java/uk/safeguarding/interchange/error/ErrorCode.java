package uk.safeguarding.interchange.error;

/**
 * The gateway's one catalogue of error codes, shared by the FHIR and SOAP bindings and the ledger.
 *
 * <p>Codes are stable strings: a code, once published, never changes meaning. {@code retryable} says
 * whether resending the same message unchanged can succeed. {@code httpStatus} is the status the FHIR
 * binding answers with. docs/error-codes.md documents every code with an example; a test keeps the two
 * in step.
 */
public enum ErrorCode {
    SIG_MISSING("SIG-001", 400, false, "The message carries no signature (Bundle.signature or WS-Security)."),
    SIG_MALFORMED(
            "SIG-002",
            400,
            false,
            "The signature cannot be parsed (not a compact detached JWS, bad base64, bad header)."),
    SIG_ALG_NOT_ALLOWED(
            "SIG-003", 400, false, "The signature algorithm is not on the allow-list (RS256, PS256, ES256)."),
    SIG_INVALID(
            "SIG-004",
            400,
            false,
            "The signature does not verify: the signed content was changed or the key does not match."),
    SIG_CERT_UNTRUSTED("SIG-005", 400, false, "The signer certificate does not chain to the gateway's trust anchors."),
    SIG_CERT_EXPIRED("SIG-006", 400, false, "The signer certificate is not valid at the signing time or now."),
    SIG_CERT_REVOKED("SIG-007", 400, false, "The signer certificate is revoked (listed in the issuing CA's CRL)."),
    SIG_CERT_KEY_USAGE("SIG-008", 400, false, "The signer certificate lacks the digitalSignature key usage."),
    SIG_SIGNER_NOT_SENDER(
            "SIG-009",
            403,
            false,
            "The signing organisation is neither the sender nor a system delegated to act for it."),
    SIG_COVERAGE(
            "SIG-010",
            400,
            false,
            "The signature does not cover every required part (SOAP Body, Timestamp, WS-Addressing headers)."),
    SIG_TIMESTAMP("SIG-011", 400, false, "The WS-Security timestamp is missing, expired or too far in the future."),
    SIG_SIGNING_TIME(
            "SIG-012",
            400,
            false,
            "The FHIR signing time (Bundle.signature.when) is in the future beyond the allowed skew or older than the"
                    + " acceptance window."),
    AUTH_NO_CLIENT_CERT("AUTH-001", 401, false, "The connection presented no TLS client certificate."),
    AUTH_CLIENT_CERT_UNTRUSTED(
            "AUTH-002", 401, false, "The TLS client certificate does not chain to the interchange's trust anchors."),
    AUTH_CLIENT_CERT_INVALID(
            "AUTH-003", 401, false, "The TLS client certificate is expired, not yet valid or revoked."),
    AUTH_UNKNOWN_SYSTEM("AUTH-004", 403, false, "The TLS client certificate names no system in the directory."),
    AUTH_EVENT_NOT_PERMITTED("AUTH-005", 403, false, "The sender's kind of organisation may not send this event."),
    AUTH_NOT_PERMITTED(
            "AUTH-006", 403, false, "The calling system may not perform this operation or read this resource."),
    AUTH_NOT_ACTING_FOR_SENDER(
            "AUTH-007", 403, false, "The calling system may not submit on behalf of the message's sender."),
    SCHEMA_MALFORMED("SCHEMA-001", 400, false, "The body is not well-formed JSON or XML."),
    SCHEMA_DUPLICATE_KEY(
            "SCHEMA-002",
            400,
            false,
            "The JSON has a duplicate object key: a signature must cover exactly what is parsed."),
    SCHEMA_DTD_FORBIDDEN(
            "SCHEMA-003", 400, false, "The XML has a DTD, entity declaration or external entity reference."),
    SCHEMA_PROFILE("SCHEMA-004", 422, false, "The FHIR content violates the interchange profiles."),
    SCHEMA_XSD("SCHEMA-005", 400, false, "The XML content violates the interchange XML Schema."),
    SCHEMA_NOT_MESSAGE("SCHEMA-006", 400, false, "The body is not a message Bundle with its MessageHeader first."),
    SCHEMA_UNKNOWN_EVENT("SCHEMA-007", 400, false, "The event code is not one of the interchange's events."),
    SCHEMA_MEDIA_TYPE(
            "SCHEMA-008", 415, false, "The content type is not application/fhir+json or application/fhir+xml."),
    SCHEMA_UNKNOWN_OPERATION("SCHEMA-009", 400, false, "The SOAP operation or HTTP resource does not exist."),
    RULE_REFERENCE_UNRESOLVED(
            "RULE-001", 422, false, "A reference in the message points to no resource in the Bundle."),
    RULE_DATE_INVALID("RULE-002", 422, false, "A date is impossible (birth date in the future, event before birth)."),
    RULE_DECLINE_REASON_REQUIRED("RULE-003", 422, false, "A declined outcome carries no reason."),
    RULE_UNKNOWN_CORRELATION(
            "RULE-004", 422, false, "An update, withdrawal or outcome refers to a message the gateway does not hold."),
    RULE_TRANSFER_TARGET_REQUIRED(
            "RULE-005", 422, false, "A transferred outcome names no other local authority to transfer to."),
    ROUTE_NO_RECIPIENT("ROUTE-001", 422, false, "No recipient can be resolved for the message."),
    ROUTE_AMBIGUOUS("ROUTE-002", 422, false, "More than one organisation matches where exactly one is required."),
    ROUTE_UNKNOWN_DESTINATION(
            "ROUTE-003", 422, false, "An explicit destination names no organisation in the directory."),
    ROUTE_DESTINATION_NOT_PERMITTED("ROUTE-004", 422, false, "An explicit destination does not receive this event."),
    DUP_CONFLICT("DUP-001", 409, false, "The message id was already used by this sender for different content."),
    DUP_REPLAY("DUP-002", 409, false, "The same signed SOAP request was replayed (WS-Security replay detection)."),
    LIMIT_BODY_TOO_LARGE("LIMIT-001", 413, false, "The request body is over the size limit."),
    LIMIT_TOO_DEEP("LIMIT-002", 400, false, "The JSON or XML nesting is deeper than the limit."),
    LIMIT_TOO_MANY_ELEMENTS("LIMIT-003", 400, false, "The XML has more elements or attributes than the limit."),
    LIMIT_RATE("LIMIT-004", 429, true, "The calling system is over its rate limit; resend later."),
    DELIVERY_FAILED(
            "DLV-001",
            502,
            true,
            "Delivery to a recipient failed after every retry; the message is parked for replay."),
    SYS_UNAVAILABLE(
            "SYS-001",
            503,
            true,
            "The gateway cannot accept messages just now (its database is unavailable); resend later."),
    SYS_INTERNAL("SYS-002", 500, true, "An unexpected internal error; the message was not accepted; resend later.");

    private final String code;
    private final int httpStatus;
    private final boolean retryable;
    private final String meaning;

    ErrorCode(String code, int httpStatus, boolean retryable, String meaning) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.retryable = retryable;
        this.meaning = meaning;
    }

    /** The stable string code, e.g. {@code SIG-004}. */
    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public boolean retryable() {
        return retryable;
    }

    public String meaning() {
        return meaning;
    }

    /** The FHIR code system under which the codes are published (schemas/fhir). */
    public static final String SYSTEM = "https://interchange.safeguarding.uk/fhir/CodeSystem/gateway-error";
}
