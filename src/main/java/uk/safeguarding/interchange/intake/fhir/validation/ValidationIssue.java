package uk.safeguarding.interchange.intake.fhir.validation;

import java.util.Objects;

/**
 * One finding of the profile validator. {@code message} is HAPI's text and may quote values from the message:
 * never log it; use {@link ProfileValidationResult#redactedSummary(int)} for anything leaving the gateway.
 *
 * @param severity ERROR, WARNING or INFORMATION (HAPI's FATAL is reported as ERROR)
 * @param location a FHIRPath-like location in the validated resource
 * @param messageId HAPI's stable message id, or the constraint key for invariant failures (may be empty)
 * @param message the human-readable message
 */
public record ValidationIssue(Severity severity, String location, String messageId, String message) {
    /** How bad a finding is; only {@link #ERROR} makes a message invalid. */
    public enum Severity {
        ERROR,
        WARNING,
        INFORMATION
    }

    public ValidationIssue {
        Objects.requireNonNull(severity);
        location = location == null ? "" : location;
        messageId = messageId == null ? "" : messageId;
        message = message == null ? "" : message;
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }
}
