package uk.safeguarding.interchange.ledger.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.ledger.merkle.MerkleTree;

class CheckpointTest {
    /**
     * The signed-note example of golang.org/x/mod/sumdb/note (package documentation and note_test.go): an
     * independent implementation's key, text and signature. Ed25519 is deterministic, so ours must match byte for
     * byte.
     */
    private static final String GO_SKEY =
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

    private static final String GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private static final String GO_TEXT =
            "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private static final String GO_SIGNATURE =
            "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T08:15:30.123456Z"), ZoneOffset.UTC);
    private static final NoteSigningKey KEY =
            NoteSigningKey.generate(Checkpoint.DEFAULT_ORIGIN, new SecureRandom(new byte[] {1}));
    private static final byte[] ROOT = MerkleTree.leafHash("root".getBytes(StandardCharsets.UTF_8));

    @Test
    void reproducesTheGoNoteExampleByteForByte() {
        NoteSigningKey key = NoteSigningKey.parse(GO_SKEY);
        assertThat(key.verifierKey().encode()).isEqualTo(GO_VKEY);
        assertThat(key.encode()).isEqualTo(GO_SKEY);
        byte[] signature = key.sign(GO_TEXT.getBytes(StandardCharsets.UTF_8));
        byte[] blob = Base64.getDecoder().decode(GO_SIGNATURE);
        assertThat(blob).startsWith(0xc7, 0x4f, 0x20, 0xa3);
        assertThat(signature).isEqualTo(java.util.Arrays.copyOfRange(blob, 4, blob.length));
        SignedNote note = SignedNote.parse(GO_TEXT + "\n\u2014 PeterNeumann " + GO_SIGNATURE + "\n");
        assertThat(note.text()).isEqualTo(GO_TEXT);
        assertThat(NoteVerifierKey.parse(GO_VKEY)
                        .verify(note.signedBytes(), note.signatures().get(0).signature()))
                .isTrue();
    }

    @Test
    void signsAndVerifiesACheckpointInTheC2spFormat() {
        String note = new CheckpointSigner(KEY, CLOCK).sign(42, ROOT);
        assertThat(note)
                .startsWith("interchange.safeguarding.uk/ledger/v1\n42\n"
                        + Base64.getEncoder().encodeToString(ROOT)
                        + "\ntime 2026-03-02T08:15:30.123Z\n\n\u2014 interchange.safeguarding.uk/ledger/v1 ");
        Checkpoint checkpoint = new CheckpointVerifier(KEY.verifierKey()).verify(note);
        assertThat(checkpoint.size()).isEqualTo(42);
        assertThat(checkpoint.rootHash()).isEqualTo(ROOT);
        assertThat(checkpoint.time()).isEqualTo(Instant.parse("2026-03-02T08:15:30.123Z"));
        assertThat(checkpoint.origin()).isEqualTo(Checkpoint.DEFAULT_ORIGIN);
    }

    @Test
    void verifierKeyRoundTripsThroughItsTextForm() {
        NoteVerifierKey parsed = NoteVerifierKey.parse(KEY.verifierKey().encode());
        assertThat(parsed).isEqualTo(KEY.verifierKey());
        assertThat(NoteSigningKey.parse(KEY.encode()).verifierKey()).isEqualTo(KEY.verifierKey());
        assertThat(KEY.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void rejectsAChangedSize() {
        String note = new CheckpointSigner(KEY, CLOCK).sign(42, ROOT);
        assertRejected(note.replaceFirst("\n42\n", "\n43\n"), "does not verify");
    }

    @Test
    void rejectsAChangedRoot() {
        String note = new CheckpointSigner(KEY, CLOCK).sign(42, ROOT);
        byte[] other = ROOT.clone();
        other[0] ^= 1;
        assertRejected(
                note.replace(
                        Base64.getEncoder().encodeToString(ROOT),
                        Base64.getEncoder().encodeToString(other)),
                "does not verify");
    }

    @Test
    void rejectsAChangedTime() {
        String note = new CheckpointSigner(KEY, CLOCK).sign(42, ROOT);
        assertRejected(note.replace("08:15:30.123", "08:15:31.123"), "does not verify");
    }

    @Test
    void rejectsAChangedSignature() {
        String note = new CheckpointSigner(KEY, CLOCK).sign(42, ROOT);
        int at = note.lastIndexOf(' ') + 10;
        char c = note.charAt(at);
        String tampered = note.substring(0, at) + (c == 'A' ? 'B' : 'A') + note.substring(at + 1);
        assertRejected(tampered, "does not verify");
    }

    @Test
    void rejectsASignatureUnderAnotherKeyName() {
        String note = new CheckpointSigner(KEY, CLOCK).sign(42, ROOT);
        assertRejected(
                note.replace("\u2014 interchange.safeguarding.uk/ledger/v1 ", "\u2014 other.example/log "),
                "no signature by");
    }

    @Test
    void rejectsACheckpointSignedByAnotherKeyOfTheSameName() {
        NoteSigningKey impostor = NoteSigningKey.generate(Checkpoint.DEFAULT_ORIGIN);
        assertRejected(new CheckpointSigner(impostor, CLOCK).sign(42, ROOT), "no signature by");
    }

    @Test
    void rejectsAnotherOrigin() {
        String note = new CheckpointSigner(KEY, "example.com/other", CLOCK).sign(42, ROOT);
        assertThatThrownBy(() -> new CheckpointVerifier(KEY.verifierKey()).verify(note))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining("origin");
    }

    @Test
    void ignoresUnknownCosignaturesButNotMalformedText() {
        String note = new CheckpointSigner(KEY, CLOCK).sign(7, ROOT);
        String cosigned =
                note + "\u2014 witness.example/w1 " + Base64.getEncoder().encodeToString(new byte[68]) + "\n";
        assertThat(new CheckpointVerifier(KEY.verifierKey()).verify(cosigned).size())
                .isEqualTo(7);
        assertRejected("no blank line\n", "Malformed");
        assertRejected(note.replace("\n\n", "\nextra\n\n"), "does not verify");
    }

    @Test
    void rejectsBodiesThatAreNotCanonical() {
        String root = Base64.getEncoder().encodeToString(ROOT);
        assertThatThrownBy(() -> Checkpoint.parseBody("o\n042\n" + root + "\ntime 2026-03-02T08:15:30.123Z\n"))
                .hasMessageContaining("size");
        assertThatThrownBy(() -> Checkpoint.parseBody("o\n42\n" + root + "\n")).hasMessageContaining("lines");
        assertThatThrownBy(() -> Checkpoint.parseBody("o\n42\n" + root + "\ntime 2026-03-02T08:15:30Z\n"))
                .hasMessageContaining("time");
        assertThat(Checkpoint.parseBody("o\n42\n" + root + "\ntime 2026-03-02T08:15:30.123Z\n")
                        .size())
                .isEqualTo(42);
    }

    @Test
    void rejectsMalformedKeys() {
        String vkey = KEY.verifierKey().encode();
        assertThatThrownBy(() -> NoteVerifierKey.parse(vkey.replaceFirst("\\+[0-9a-f]{8}\\+", "+00000000+")))
                .hasMessageContaining("hash");
        assertThatThrownBy(() -> NoteVerifierKey.parse("name+12345678+AQ=="))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NoteSigningKey.generate("has space")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRejected(String note, String reason) {
        assertThatThrownBy(() -> new CheckpointVerifier(KEY.verifierKey()).verify(note))
                .isInstanceOf(InvalidCheckpointException.class)
                .hasMessageContaining(reason);
    }
}
