package uk.safeguarding.interchange.ledger.checkpoint;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import uk.safeguarding.interchange.ledger.merkle.MerkleTree;

/**
 * A ledger checkpoint (tree head): origin, tree size, RFC 9162 root hash and the time the gateway signed it.
 *
 * <p>{@link #body()} is the c2sp.org/tlog-checkpoint note text: the origin line, the decimal size, the base64 root,
 * then one extension line {@code time <UTC, millisecond precision, e.g. 2026-01-31T08:15:00.000Z>} (the spec wants
 * the time signed; C2SP allows opaque extension lines). Each line ends with a newline. {@link #parseBody(String)}
 * accepts exactly that form and nothing else. Immutable.
 */
public record Checkpoint(String origin, long size, byte[] rootHash, Instant time) {
    /** The default origin of the gateway's ledger. */
    public static final String DEFAULT_ORIGIN = "interchange.safeguarding.uk/ledger/v1";

    static final String TIME_PREFIX = "time ";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withResolverStyle(ResolverStyle.STRICT)
            .withZone(ZoneOffset.UTC);

    public Checkpoint {
        checkOrigin(origin);
        if (size < 0) {
            throw new IllegalArgumentException("Negative tree size");
        }
        if (rootHash == null || rootHash.length != MerkleTree.HASH_SIZE) {
            throw new IllegalArgumentException("Root hash is not 32 bytes");
        }
        rootHash = rootHash.clone();
        time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MILLIS);
    }

    static String checkOrigin(String origin) {
        if (origin == null || origin.isEmpty() || origin.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new IllegalArgumentException("Origin is empty or has a control character");
        }
        return origin;
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** The note text that is signed. */
    public String body() {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n" + TIME_PREFIX
                + TIME.format(time) + "\n";
    }

    /**
     * Parses a note text written by {@link #body()}: exactly four lines, a canonical size (no sign, no leading
     * zeros), a 32-byte root in standard padded base64, a {@code time} line.
     *
     * @throws IllegalArgumentException saying which line is wrong
     */
    public static Checkpoint parseBody(String body) {
        if (body == null || !body.endsWith("\n")) {
            throw new IllegalArgumentException("Checkpoint text does not end with a newline");
        }
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        if (lines.length != 4) {
            throw new IllegalArgumentException("Checkpoint text has " + lines.length + " lines, expected 4");
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new IllegalArgumentException("Checkpoint size line is not a canonical decimal");
        }
        long size;
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Checkpoint size is out of range");
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Checkpoint root line is not base64");
        }
        if (root.length != MerkleTree.HASH_SIZE
                || !Base64.getEncoder().encodeToString(root).equals(lines[2])) {
            throw new IllegalArgumentException("Checkpoint root line is not a canonical base64 32-byte hash");
        }
        if (!lines[3].startsWith(TIME_PREFIX)) {
            throw new IllegalArgumentException("Checkpoint has no time line");
        }
        Instant time;
        try {
            time = Instant.from(TIME.parse(lines[3].substring(TIME_PREFIX.length())));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Checkpoint time is not of the form 2026-01-31T08:15:00.000Z");
        }
        return new Checkpoint(lines[0], size, root, time);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Checkpoint that
                && origin.equals(that.origin)
                && size == that.size
                && Arrays.equals(rootHash, that.rootHash)
                && time.equals(that.time);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, size, Arrays.hashCode(rootHash), time);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + origin + ", size=" + size + ", root="
                + HexFormat.of().formatHex(rootHash) + ", time=" + TIME.format(time) + "]";
    }
}
