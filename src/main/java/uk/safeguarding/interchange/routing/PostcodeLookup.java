package uk.safeguarding.interchange.routing;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Postcode → DfE LA code (spec §8: the child's home LA from the address). Entries are full postcodes
 * ({@code SP10 1AB}), sectors ({@code SP10 1}) or districts ({@code SP10}); a lookup tries the full postcode, then its
 * sector, then its district, so a full ONS directory and a hand-written district table work the same way. Immutable
 * and thread-safe; build it with {@link PostcodeTables}.
 */
public final class PostcodeLookup {
    private static final Pattern POSTCODE = Pattern.compile("([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])([A-Z]{2})");

    private final Map<String, String> entries;

    /** {@code entries} keys must already be {@link #normaliseKey(String) normalised}. */
    PostcodeLookup(Map<String, String> entries) {
        this.entries = Map.copyOf(entries);
    }

    /** The LA code for {@code postcode}, or empty when the postcode is malformed or in no known area. */
    public Optional<String> laFor(String postcode) {
        if (postcode == null) {
            return Optional.empty();
        }
        var m = POSTCODE.matcher(postcode.strip().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        String district = m.group(1);
        String sector = district + " " + m.group(2);
        String full = sector + m.group(3);
        for (String key : new String[] {full, sector, district}) {
            String la = entries.get(key);
            if (la != null) {
                return Optional.of(la);
            }
        }
        return Optional.empty();
    }

    /** How many entries (postcodes, sectors, districts) the lookup holds. */
    public int size() {
        return entries.size();
    }

    /**
     * The canonical key of a postcode, sector or district: upper case, inward part separated by one space
     * ({@code so231ab} → {@code SO23 1AB}, {@code sp10 1} → {@code SP10 1}, {@code bh1} → {@code BH1}).
     *
     * @throws IllegalArgumentException when it is none of the three shapes
     */
    static String normaliseKey(String raw) {
        Objects.requireNonNull(raw);
        String s = raw.replace(" ", "").toUpperCase(Locale.ROOT);
        if (s.matches("[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")) {
            return s.substring(0, s.length() - 3) + " " + s.substring(s.length() - 3);
        }
        if (s.matches("[A-Z]{1,2}[0-9][A-Z0-9]?[0-9]") && raw.strip().contains(" ")) {
            return s.substring(0, s.length() - 1) + " " + s.substring(s.length() - 1);
        }
        if (s.matches("[A-Z]{1,2}[0-9][A-Z0-9]?")) {
            return s;
        }
        throw new IllegalArgumentException("not a postcode, sector or district: '" + raw + "'");
    }
}
