package uk.safeguarding.interchange.intake.fhir.validation;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The outcome of validating one resource against the interchange profiles: every issue HAPI reported.
 * Immutable.
 */
public record ProfileValidationResult(List<ValidationIssue> issues) {
    // Quoted or bracketed text in HAPI's messages may be a value from the message (a name, an NHS number).
    private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"|\\([^()]*\\)");

    public ProfileValidationResult {
        issues = List.copyOf(issues);
    }

    public List<ValidationIssue> errors() {
        return issues.stream().filter(ValidationIssue::isError).toList();
    }

    public List<ValidationIssue> warnings() {
        return issues.stream()
                .filter(i -> i.severity() == ValidationIssue.Severity.WARNING)
                .toList();
    }

    public boolean isValid() {
        return issues.stream().noneMatch(ValidationIssue::isError);
    }

    /**
     * A summary of the first {@code max} errors that is safe to return to a caller and to log: location and
     * message with every quoted or bracketed fragment replaced by {@code '…'}, so no value from the message
     * (which may be personal data) is repeated. Constraint keys (e.g. {@code isg-pat-1}) are kept.
     */
    public String redactedSummary(int max) {
        List<ValidationIssue> errors = errors();
        String summary = errors.stream()
                .limit(max)
                .map(i -> i.location() + ": " + redact(i.message()))
                .collect(Collectors.joining("; "));
        return errors.size() > max ? summary + "; and " + (errors.size() - max) + " more" : summary;
    }

    static String redact(String message) {
        return QUOTED.matcher(message).replaceAll("'…'");
    }
}
