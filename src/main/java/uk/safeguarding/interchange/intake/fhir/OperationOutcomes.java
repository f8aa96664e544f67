package uk.safeguarding.interchange.intake.fhir;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.OperationOutcome;
import uk.safeguarding.interchange.error.ErrorCode;

/** Builds the FHIR form of a gateway error: one issue whose details carry the gateway error code. */
public final class OperationOutcomes {
    private OperationOutcomes() {}

    /** An error {@code OperationOutcome} for {@code code}; {@code detail} goes to diagnostics (no personal data). */
    public static OperationOutcome error(ErrorCode code, String detail) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(issueType(code))
                .setDetails(new CodeableConcept()
                        .addCoding(new org.hl7.fhir.r4.model.Coding(ErrorCode.SYSTEM, code.code(), code.meaning())))
                .setDiagnostics(detail);
        return outcome;
    }

    private static OperationOutcome.IssueType issueType(ErrorCode code) {
        String prefix = code.code().substring(0, code.code().indexOf('-'));
        return switch (prefix) {
            case "AUTH" ->
                code.httpStatus() == 401 ? OperationOutcome.IssueType.LOGIN : OperationOutcome.IssueType.FORBIDDEN;
            case "SIG" -> OperationOutcome.IssueType.SECURITY;
            case "SCHEMA" -> OperationOutcome.IssueType.STRUCTURE;
            case "RULE", "ROUTE" -> OperationOutcome.IssueType.BUSINESSRULE;
            case "DUP" -> OperationOutcome.IssueType.DUPLICATE;
            case "LIMIT" -> OperationOutcome.IssueType.TOOCOSTLY;
            case "DLV", "SYS" -> OperationOutcome.IssueType.TRANSIENT;
            default -> OperationOutcome.IssueType.EXCEPTION;
        };
    }
}
