package uk.safeguarding.interchange.ledger.checkpoint;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A c2sp.org/signed-note split into its text and signature lines: {@code text} (ending in a newline), a blank line,
 * then lines {@code — <key name> <base64(4-byte key id || signature)>}. Parsing checks the syntax only; {@link
 * CheckpointVerifier} checks the signatures. Immutable.
 */
public record SignedNote(String text, List<Signature> signatures) {
    /** More signatures than this and the note is rejected (signed-note requires at least 16 to be accepted). */
    public static final int MAX_SIGNATURES = 100;

    private static final String DASH = "\u2014 ";

    /** One signature line: key name, key id and the signature bytes after the id. */
    public record Signature(String keyName, int keyId, byte[] signature) {
        public Signature {
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        String line() {
            byte[] blob = new byte[4 + signature.length];
            blob[0] = (byte) (keyId >>> 24);
            blob[1] = (byte) (keyId >>> 16);
            blob[2] = (byte) (keyId >>> 8);
            blob[3] = (byte) keyId;
            System.arraycopy(signature, 0, blob, 4, signature.length);
            return DASH + keyName + " " + Base64.getEncoder().encodeToString(blob) + "\n";
        }
    }

    public SignedNote {
        signatures = List.copyOf(signatures);
    }

    /** The whole note: text, blank line, signature lines. */
    public String encode() {
        StringBuilder out = new StringBuilder(text).append('\n');
        signatures.forEach(signature -> out.append(signature.line()));
        return out.toString();
    }

    /**
     * Splits a note. The text ends at the last blank line; every line after it must be a well-formed signature line.
     *
     * @throws IllegalArgumentException saying what is malformed
     */
    public static SignedNote parse(String note) {
        if (note == null || !note.endsWith("\n")) {
            throw new IllegalArgumentException("Note does not end with a newline");
        }
        for (int i = 0; i < note.length(); i++) {
            char c = note.charAt(i);
            if ((c < 0x20 && c != '\n') || Character.isSurrogate(c) && !validSurrogateAt(note, i)) {
                throw new IllegalArgumentException("Note has a control character or is not valid UTF-8");
            }
        }
        int blank = note.lastIndexOf("\n\n");
        if (blank < 0) {
            throw new IllegalArgumentException("Note has no blank line before its signatures");
        }
        String text = note.substring(0, blank + 1);
        String[] lines = note.substring(blank + 2, note.length() - 1).split("\n", -1);
        if (lines.length == 1 && lines[0].isEmpty()) {
            throw new IllegalArgumentException("Note has no signature");
        }
        if (lines.length > MAX_SIGNATURES) {
            throw new IllegalArgumentException("Note has more than " + MAX_SIGNATURES + " signatures");
        }
        List<Signature> signatures = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith(DASH)) {
                throw new IllegalArgumentException("Malformed signature line");
            }
            String rest = line.substring(DASH.length());
            int space = rest.indexOf(' ');
            if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
                throw new IllegalArgumentException("Malformed signature line");
            }
            String name = NoteKeys.checkName(rest.substring(0, space));
            byte[] blob;
            try {
                blob = Base64.getDecoder().decode(rest.substring(space + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Signature is not base64");
            }
            if (blob.length < 5) {
                throw new IllegalArgumentException("Signature is too short");
            }
            int keyId =
                    ((blob[0] & 0xFF) << 24) | ((blob[1] & 0xFF) << 16) | ((blob[2] & 0xFF) << 8) | (blob[3] & 0xFF);
            signatures.add(new Signature(name, keyId, java.util.Arrays.copyOfRange(blob, 4, blob.length)));
        }
        return new SignedNote(text, signatures);
    }

    /** The UTF-8 bytes that signatures cover: the text, final newline included. */
    public byte[] signedBytes() {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
