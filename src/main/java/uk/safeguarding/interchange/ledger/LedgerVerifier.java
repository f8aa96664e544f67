package uk.safeguarding.interchange.ledger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import uk.safeguarding.interchange.ledger.LedgerVerificationReport.Kind;
import uk.safeguarding.interchange.ledger.LedgerVerificationReport.Problem;
import uk.safeguarding.interchange.ledger.checkpoint.Checkpoint;
import uk.safeguarding.interchange.ledger.checkpoint.CheckpointVerifier;
import uk.safeguarding.interchange.ledger.checkpoint.InvalidCheckpointException;
import uk.safeguarding.interchange.ledger.checkpoint.NoteVerifierKey;
import uk.safeguarding.interchange.ledger.merkle.CompactRange;

/**
 * The offline ledger verifier (spec §10, decision 0004): checks an export (JSON lines of {@link LedgerExportLine},
 * in seq order) against signed checkpoints and one trusted verifier key, and names the entries that break.
 *
 * <p>It verifies each checkpoint's signature and origin; that seqs run 0, 1, 2, ... with no gap, repeat or reordering
 * and equal each line's position; that each line parses to an entry; that each entry's recomputed leaf hash equals
 * the leaf hash recorded at append time (else {@link Kind#ENTRY_ALTERED} at that seq); and, at every checkpoint
 * size, that the tree over the recomputed leaf hashes has the signed root. Because the recorded hashes are checked
 * against the signed root too, a mismatch between an entry and its recorded hash names the altered entry exactly;
 * an entry altered together with its recorded hash is located between the last checkpoint that still matches and
 * the first that does not (publish checkpoints often). Streams the export: memory is O(log n) hashes plus one bit
 * per entry. Immutable and thread-safe.
 */
public final class LedgerVerifier {
    /** Problems listed in full; the rest are counted. */
    public static final int MAX_PROBLEMS = 1000;

    private final CheckpointVerifier checkpointVerifier;

    /** A verifier trusting {@code key}, expecting checkpoints whose origin is the key name. */
    public LedgerVerifier(NoteVerifierKey key) {
        this.checkpointVerifier = new CheckpointVerifier(key);
    }

    public LedgerVerifier(NoteVerifierKey key, String origin) {
        this.checkpointVerifier = new CheckpointVerifier(key, origin);
    }

    /** Verifies an export file against checkpoint note files. Reads the files as strict UTF-8. */
    public LedgerVerificationReport verify(Path export, List<Path> checkpointFiles) throws IOException {
        List<String> notes = new ArrayList<>();
        for (Path file : checkpointFiles) {
            notes.add(Files.readString(file, StandardCharsets.UTF_8));
        }
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(export), decoder))) {
            return verify(reader, notes);
        }
    }

    /** Verifies an export, read line by line, against checkpoint notes (any order, one or more). */
    public LedgerVerificationReport verify(BufferedReader export, List<String> checkpointNotes) throws IOException {
        Problems problems = new Problems();
        List<Checkpoint> checkpoints = validCheckpoints(checkpointNotes, problems);
        Map<Long, Checkpoint> bySize = new HashMap<>();
        checkpoints.forEach(checkpoint -> bySize.put(checkpoint.size(), checkpoint));
        long largest = checkpoints.isEmpty()
                ? 0
                : checkpoints.get(checkpoints.size() - 1).size();

        CompactRange recomputed = CompactRange.empty();
        CompactRange recorded = CompactRange.empty();
        BitSet seen = new BitSet();
        long previousSeq = -1;
        long maxSeq = -1;
        long position = 0;
        long lineNumber = 0;
        long blankLine = 0;
        long lastMatchingSize = 0;
        String line;
        while ((line = export.readLine()) != null) {
            lineNumber++;
            if (line.isEmpty()) {
                blankLine = blankLine == 0 ? lineNumber : blankLine;
                continue;
            }
            if (blankLine != 0) {
                // Only trailing blank lines are harmless.
                problems.add(null, Kind.MALFORMED_LINE, "line " + blankLine + ": blank line");
                blankLine = 0;
            }
            byte[] leaf;
            byte[] recordedLeaf;
            try {
                LedgerExportLine parsed = LedgerExportLine.parse(line);
                long seq = parsed.entry().seq();
                leaf = parsed.entry().leafHash();
                recordedLeaf = parsed.recordedLeafHash();
                if (seq < previousSeq) {
                    problems.add(seq, Kind.OUT_OF_ORDER, "appears after seq " + previousSeq);
                } else if (seq == previousSeq || (seq < Integer.MAX_VALUE && seen.get((int) seq))) {
                    problems.add(seq, Kind.OUT_OF_ORDER, "appears more than once");
                } else if (seq != position) {
                    problems.add(seq, Kind.SEQ_NOT_POSITION, "is at line " + lineNumber + ", leaf " + position);
                }
                if (seq >= Integer.MAX_VALUE) {
                    problems.add(seq, Kind.MALFORMED_LINE, "seq beyond what this verifier tracks");
                } else {
                    seen.set((int) seq);
                }
                previousSeq = seq;
                maxSeq = Math.max(maxSeq, seq);
                if (!MessageDigest.isEqual(leaf, recordedLeaf)) {
                    problems.add(
                            seq,
                            Kind.ENTRY_ALTERED,
                            "the entry's fields do not hash to the leaf hash recorded when it was appended");
                }
            } catch (IllegalArgumentException e) {
                // The line still stands for one leaf: the tree positions after it stay aligned.
                problems.add(position, Kind.MALFORMED_LINE, "line " + lineNumber + ": " + e.getMessage());
                leaf = new byte[32];
                recordedLeaf = leaf;
            }
            recomputed = recomputed.append(leaf);
            recorded = recorded.append(recordedLeaf);
            position++;
            Checkpoint checkpoint = bySize.get(position);
            if (checkpoint != null) {
                lastMatchingSize = checkRoots(checkpoint, recomputed, recorded, lastMatchingSize, problems);
            }
        }
        for (Checkpoint checkpoint : checkpoints) {
            if (checkpoint.size() > position) {
                problems.add(
                        position,
                        Kind.EXPORT_TRUNCATED,
                        "checkpoint of size " + checkpoint.size() + " covers seqs up to " + (checkpoint.size() - 1)
                                + " but the export ends after " + position + " entries");
            }
        }
        int gap = seen.nextClearBit(0);
        while (gap <= maxSeq) {
            int end = seen.nextSetBit(gap);
            problems.add(
                    (long) gap,
                    Kind.MISSING_SEQ,
                    end - 1 == gap ? "missing" : "seqs " + gap + ".." + (end - 1) + " missing");
            gap = seen.nextClearBit(end);
        }
        long notCovered = Math.max(0, position - largest);
        boolean ok = !checkpoints.isEmpty() && problems.isEmpty();
        return new LedgerVerificationReport(
                ok, position, lastMatchingSize, notCovered, checkpoints, problems.list, problems.omitted);
    }

    /**
     * Compares the trees at a checkpoint's size with its root; returns the new last matching size. When the entries
     * do not reproduce the root but their recorded leaf hashes do, the recorded hashes are authentic and the
     * ENTRY_ALTERED problems already name every altered entry; otherwise only the range is known.
     */
    private static long checkRoots(
            Checkpoint checkpoint,
            CompactRange recomputed,
            CompactRange recorded,
            long lastMatchingSize,
            Problems problems) {
        if (MessageDigest.isEqual(recomputed.root(), checkpoint.rootHash())) {
            return recomputed.size();
        }
        String range = "seqs " + lastMatchingSize + ".." + (recomputed.size() - 1);
        String prefix = "the first " + recomputed.size() + " entries do not reproduce the signed root of the"
                + " checkpoint of size " + checkpoint.size() + "; ";
        if (MessageDigest.isEqual(recorded.root(), checkpoint.rootHash())) {
            problems.add(
                    null,
                    Kind.ROOT_MISMATCH,
                    prefix + "the recorded leaf hashes do reproduce it, so the entries reported as ENTRY_ALTERED"
                            + " are exactly the altered ones");
        } else {
            problems.add(
                    null,
                    Kind.ROOT_MISMATCH,
                    prefix + "nor do the recorded leaf hashes: entries were altered together with their recorded"
                            + " hashes, removed, inserted or reordered among " + range);
        }
        return lastMatchingSize;
    }

    private List<Checkpoint> validCheckpoints(List<String> notes, Problems problems) {
        List<Checkpoint> valid = new ArrayList<>();
        for (int i = 0; i < notes.size(); i++) {
            try {
                valid.add(checkpointVerifier.verify(notes.get(i)));
            } catch (InvalidCheckpointException e) {
                problems.add(null, Kind.CHECKPOINT_INVALID, "checkpoint " + (i + 1) + ": " + e.getMessage());
            }
        }
        valid.sort(Comparator.comparingLong(Checkpoint::size));
        List<Checkpoint> distinct = new ArrayList<>();
        for (Checkpoint checkpoint : valid) {
            Checkpoint last = distinct.isEmpty() ? null : distinct.get(distinct.size() - 1);
            if (last != null && last.size() == checkpoint.size()) {
                if (!MessageDigest.isEqual(last.rootHash(), checkpoint.rootHash())) {
                    problems.add(
                            null,
                            Kind.CHECKPOINTS_INCONSISTENT,
                            "two signed checkpoints of size " + checkpoint.size() + " have different roots");
                }
                continue;
            }
            distinct.add(checkpoint);
        }
        if (notes.isEmpty()) {
            problems.add(null, Kind.CHECKPOINT_INVALID, "no checkpoint given");
        }
        return distinct;
    }

    private static final class Problems {
        private final List<Problem> list = new ArrayList<>();
        private long omitted;

        void add(Long seq, Kind kind, String detail) {
            if (list.size() < MAX_PROBLEMS) {
                list.add(new Problem(seq, kind, detail));
            } else {
                omitted++;
            }
        }

        boolean isEmpty() {
            return list.isEmpty() && omitted == 0;
        }
    }
}
