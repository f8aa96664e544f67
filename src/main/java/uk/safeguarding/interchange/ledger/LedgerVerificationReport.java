package uk.safeguarding.interchange.ledger;

import java.util.List;
import uk.safeguarding.interchange.ledger.checkpoint.Checkpoint;

/**
 * The outcome of {@link LedgerVerifier#verify}: {@code ok} when at least one checkpoint verified and nothing is
 * wrong. {@code entries} lines were read; {@code verifiedSize} is the largest checkpoint size whose root the export's
 * entries reproduce (0 if none); {@code notCovered} entries lie beyond the largest valid checkpoint (normal: appended
 * since it was signed, not evidence of tampering, but not proven either). {@code problems} lists what is wrong, in
 * the order found, at most {@link LedgerVerifier#MAX_PROBLEMS}; {@code problemsOmitted} counts the rest. Immutable.
 */
public record LedgerVerificationReport(
        boolean ok,
        long entries,
        long verifiedSize,
        long notCovered,
        List<Checkpoint> checkpoints,
        List<Problem> problems,
        long problemsOmitted) {

    public LedgerVerificationReport {
        checkpoints = List.copyOf(checkpoints);
        problems = List.copyOf(problems);
    }

    /** What kind of thing is wrong. */
    public enum Kind {
        /** A checkpoint note is malformed, of another origin, or not validly signed by the trusted key. */
        CHECKPOINT_INVALID,
        /** Two valid checkpoints of the same size name different roots: the gateway signed a fork. */
        CHECKPOINTS_INCONSISTENT,
        /** A line is not a valid ledger entry. */
        MALFORMED_LINE,
        /** Seqs are absent from the export (removed entries). */
        MISSING_SEQ,
        /** A seq appears after a larger one, or twice (reordered or duplicated entries). */
        OUT_OF_ORDER,
        /** An entry's seq is not its position in the export (so it is not the tree leaf at that index). */
        SEQ_NOT_POSITION,
        /** The entry's fields do not hash to the leaf hash the gateway recorded: the entry was altered. */
        ENTRY_ALTERED,
        /** The entries up to a checkpoint's size do not reproduce its signed root. */
        ROOT_MISMATCH,
        /** A checkpoint covers more entries than the export holds (entries removed at the end). */
        EXPORT_TRUNCATED
    }

    /** One problem; {@code seq} is the entry it names, null when it concerns no single entry. */
    public record Problem(Long seq, Kind kind, String detail) {}

    /** A human-readable summary, one problem per line. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append(ok ? "OK" : "FAILED")
                .append(": ")
                .append(entries)
                .append(" entries read, ")
                .append(verifiedSize)
                .append(" verified against a signed checkpoint");
        if (notCovered > 0) {
            out.append(", ").append(notCovered).append(" after the last checkpoint (not covered)");
        }
        out.append('\n');
        for (Problem problem : problems) {
            out.append("  ")
                    .append(problem.kind())
                    .append(problem.seq() == null ? "" : " seq " + problem.seq())
                    .append(": ")
                    .append(problem.detail())
                    .append('\n');
        }
        if (problemsOmitted > 0) {
            out.append("  ... and ").append(problemsOmitted).append(" more problems\n");
        }
        return out.toString();
    }
}
