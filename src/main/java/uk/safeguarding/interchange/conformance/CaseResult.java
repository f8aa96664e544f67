package uk.safeguarding.interchange.conformance;

/** The result of one case: passed or not, and why (the first unmet expectation, or a summary of what was seen). */
public record CaseResult(ConformanceCase conformanceCase, boolean passed, String detail, long millis) {}
