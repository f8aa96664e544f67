package uk.safeguarding.interchange.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.ledger.LedgerVerificationReport.Kind;
import uk.safeguarding.interchange.ledger.LedgerVerificationReport.Problem;
import uk.safeguarding.interchange.ledger.checkpoint.Checkpoint;
import uk.safeguarding.interchange.ledger.checkpoint.CheckpointSigner;
import uk.safeguarding.interchange.ledger.checkpoint.NoteSigningKey;
import uk.safeguarding.interchange.ledger.merkle.CompactRange;

class LedgerVerifierTest {
    private static final NoteSigningKey KEY = NoteSigningKey.generate(Checkpoint.DEFAULT_ORIGIN);
    private static final CheckpointSigner SIGNER =
            new CheckpointSigner(KEY, Clock.fixed(Instant.parse("2026-03-02T09:00:00Z"), ZoneOffset.UTC));
    private static final LedgerVerifier VERIFIER = new LedgerVerifier(KEY.verifierKey());

    /** An honest ledger of {@code count} entries: its export lines and a checkpoint signed at every size. */
    private static List<String> exportOf(int count) {
        List<String> lines = new ArrayList<>();
        for (int seq = 0; seq < count; seq++) {
            lines.add(LedgerExportLine.of(LedgerEntryTest.accepted(seq)).toJsonLine());
        }
        return lines;
    }

    private static String checkpoint(int size) {
        CompactRange range = CompactRange.empty();
        for (int seq = 0; seq < size; seq++) {
            range = range.append(LedgerEntryTest.accepted(seq).leafHash());
        }
        return SIGNER.sign(size, range.root());
    }

    private static LedgerVerificationReport verify(List<String> lines, String... checkpoints) throws IOException {
        String export = String.join("\n", lines) + "\n";
        return VERIFIER.verify(new BufferedReader(new StringReader(export)), List.of(checkpoints));
    }

    @Test
    void honestExportVerifies() throws IOException {
        LedgerVerificationReport report = verify(exportOf(20), checkpoint(20));
        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.verifiedSize()).isEqualTo(20);
        assertThat(report.notCovered()).isZero();
    }

    @Test
    void namesTheSeqOfAnAlteredEntry() throws IOException {
        List<String> lines = exportOf(20);
        lines.set(11, lines.get(11).replace("school:100001", "school:100002"));
        LedgerVerificationReport report = verify(lines, checkpoint(20));
        assertThat(report.ok()).isFalse();
        assertThat(report.problems())
                .filteredOn(problem -> problem.kind() == Kind.ENTRY_ALTERED)
                .extracting(Problem::seq)
                .containsExactly(11L);
        assertThat(report.problems())
                .filteredOn(problem -> problem.kind() == Kind.ROOT_MISMATCH)
                .singleElement()
                .extracting(Problem::detail)
                .asString()
                .contains("recorded leaf hashes do reproduce it");
    }

    @Test
    void locatesAnEntryAlteredTogetherWithItsRecordedHashBetweenCheckpoints() throws IOException {
        List<String> lines = exportOf(20);
        LedgerEntry original = LedgerEntryTest.accepted(13);
        LedgerEntry forged = new LedgerEntry(
                13,
                original.time(),
                LedgerEvent.REJECTED,
                original.trackingId(),
                original.senderMessageId(),
                original.actor(),
                null,
                original.messageType(),
                original.payloadSha256(),
                null,
                "SIG-004");
        lines.set(13, LedgerExportLine.of(forged).toJsonLine());
        LedgerVerificationReport report = verify(lines, checkpoint(8), checkpoint(16), checkpoint(20));
        assertThat(report.ok()).isFalse();
        assertThat(report.verifiedSize()).isEqualTo(8);
        assertThat(report.problems())
                .filteredOn(problem -> problem.kind() == Kind.ROOT_MISMATCH)
                .first()
                .extracting(Problem::detail)
                .asString()
                .contains("among seqs 8..15");
    }

    @Test
    void reportsARemovedEntry() throws IOException {
        List<String> lines = exportOf(20);
        lines.remove(5);
        LedgerVerificationReport report = verify(lines, checkpoint(20));
        assertThat(report.ok()).isFalse();
        assertThat(report.problems())
                .filteredOn(problem -> problem.kind() == Kind.MISSING_SEQ)
                .extracting(Problem::seq)
                .containsExactly(5L);
        assertThat(report.problems()).extracting(Problem::kind).contains(Kind.EXPORT_TRUNCATED);
    }

    @Test
    void reportsEntriesRemovedAtTheEnd() throws IOException {
        LedgerVerificationReport report = verify(exportOf(18), checkpoint(20));
        assertThat(report.ok()).isFalse();
        assertThat(report.problems())
                .filteredOn(problem -> problem.kind() == Kind.EXPORT_TRUNCATED)
                .extracting(Problem::seq)
                .containsExactly(18L);
    }

    @Test
    void reportsAReorderedPair() throws IOException {
        List<String> lines = exportOf(20);
        Collections.swap(lines, 3, 4);
        LedgerVerificationReport report = verify(lines, checkpoint(20));
        assertThat(report.ok()).isFalse();
        assertThat(report.problems())
                .filteredOn(problem -> problem.kind() == Kind.OUT_OF_ORDER || problem.kind() == Kind.SEQ_NOT_POSITION)
                .extracting(Problem::seq)
                .containsExactly(4L, 3L);
        assertThat(report.problems()).extracting(Problem::kind).doesNotContain(Kind.MISSING_SEQ);
    }

    @Test
    void entriesAfterTheCheckpointAreNotCoveredRatherThanTampered() throws IOException {
        LedgerVerificationReport report = verify(exportOf(23), checkpoint(20));
        assertThat(report.ok()).isTrue();
        assertThat(report.verifiedSize()).isEqualTo(20);
        assertThat(report.notCovered()).isEqualTo(3);
        assertThat(report.describe()).contains("3 after the last checkpoint (not covered)");
    }

    @Test
    void rejectsACheckpointSignedByAnotherKey() throws IOException {
        NoteSigningKey other = NoteSigningKey.generate(Checkpoint.DEFAULT_ORIGIN);
        CompactRange range = CompactRange.empty();
        for (int seq = 0; seq < 20; seq++) {
            range = range.append(LedgerEntryTest.accepted(seq).leafHash());
        }
        String foreign = new CheckpointSigner(other, Clock.systemUTC()).sign(20, range.root());
        LedgerVerificationReport report = verify(exportOf(20), foreign);
        assertThat(report.ok()).isFalse();
        assertThat(report.verifiedSize()).isZero();
        assertThat(report.problems()).extracting(Problem::kind).containsExactly(Kind.CHECKPOINT_INVALID);
    }

    @Test
    void reportsAMalformedLineAtItsPosition() throws IOException {
        List<String> lines = exportOf(10);
        lines.set(6, "{\"seq\":6}");
        LedgerVerificationReport report = verify(lines, checkpoint(10));
        assertThat(report.problems())
                .filteredOn(problem -> problem.kind() == Kind.MALFORMED_LINE)
                .extracting(Problem::seq)
                .containsExactly(6L);
    }

    @Test
    void commandVerifiesFilesAndExitsNonZeroOnTampering(@TempDir Path dir) throws IOException {
        Path export = dir.resolve("ledger.jsonl");
        Path note = dir.resolve("checkpoint.txt");
        Path key = dir.resolve("ledger.vkey");
        Files.write(export, exportOf(12), StandardCharsets.UTF_8);
        Files.writeString(note, checkpoint(12), StandardCharsets.UTF_8);
        Files.writeString(key, KEY.verifierKey().encode() + "\n", StandardCharsets.UTF_8);
        String[] args = {"--export", export.toString(), "--checkpoint", note.toString(), "--key", key.toString()};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(LedgerVerifierCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8)))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK: 12 entries read, 12 verified");

        List<String> lines = exportOf(12);
        lines.set(2, lines.get(2).replace("trk-2", "trk-X"));
        Files.write(export, lines, StandardCharsets.UTF_8);
        out.reset();
        assertThat(LedgerVerifierCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8)))
                .isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("ENTRY_ALTERED seq 2");
        assertThat(LedgerVerifierCommand.run(new String[] {"--export"}, new PrintStream(out)))
                .isEqualTo(2);
    }

    @Test
    void committedDevKeyPairMatches() throws IOException {
        NoteSigningKey dev = NoteSigningKey.parse(Files.readString(Path.of("certs-dev/ledger-signing.key")));
        assertThat(dev.verifierKey().encode())
                .isEqualTo(Files.readString(Path.of("certs-dev/ledger-signing.vkey"))
                        .strip());
    }
}
