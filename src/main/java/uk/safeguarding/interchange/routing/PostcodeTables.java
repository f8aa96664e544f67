package uk.safeguarding.interchange.routing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds {@link PostcodeLookup}s from files: the committed table {@code config/postcode-la.csv} (postcode, sector or
 * district → DfE LA code) and the ONS Postcode Directory (ONSPD) CSV, whose GSS local-authority codes are mapped to
 * DfE LA codes through a small mapping file ({@code config/ons-la-codes.csv}). Lines starting with {@code #} and blank
 * lines are ignored. A malformed line fails the whole load with the file and line number.
 */
public final class PostcodeTables {
    private PostcodeTables() {}

    /** Reads a {@code postcode,la} table (header line {@code postcode,la} optional). */
    public static PostcodeLookup loadTable(Path file) {
        Map<String, String> entries = new HashMap<>();
        int lineNo = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = reader.readLine()) != null; ) {
                lineNo++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.equalsIgnoreCase("postcode,la")) {
                    continue;
                }
                String[] parts = trimmed.split(",", -1);
                if (parts.length != 2 || !parts[1].strip().matches("\\d{3}")) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": expected <postcode>,<3-digit LA code>");
                }
                String key;
                try {
                    key = PostcodeLookup.normaliseKey(parts[0].strip());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": " + e.getMessage(), e);
                }
                String previous = entries.put(key, parts[1].strip());
                if (previous != null && !previous.equals(parts[1].strip())) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": " + key + " is listed twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return new PostcodeLookup(entries);
    }

    /**
     * Reads the ONS Postcode Directory CSV: postcode from column {@code pcds} (or {@code pcd}), the area from the
     * county column {@code oscty}/{@code cty} when it maps (two-tier areas such as Hampshire, whose children's
     * services are the county's), else from {@code oslaua}/{@code laua}. Terminated postcodes (a non-empty
     * {@code doterm}) and postcodes in areas the mapping does not list are skipped.
     *
     * @param gssToDfe a {@code gss,la} CSV mapping ONS GSS codes (E10000014) to DfE LA codes (850)
     */
    public static PostcodeLookup loadOns(Path onsCsv, Path gssToDfe) {
        Map<String, String> mapping = readMapping(gssToDfe);
        Map<String, String> entries = new HashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(onsCsv, StandardCharsets.UTF_8)) {
            String headerLine = reader.readLine();
            if (headerLine == null) {
                throw new IllegalArgumentException(onsCsv + ": empty file");
            }
            List<String> header = splitCsv(headerLine.replace("\uFEFF", "")).stream()
                    .map(h -> h.toLowerCase(Locale.ROOT))
                    .toList();
            int postcode = firstIndex(header, "pcds", "pcd");
            int la = firstIndex(header, "oslaua", "laua", "lad");
            int county = firstIndex(header, "oscty", "cty");
            int terminated = firstIndex(header, "doterm");
            if (postcode < 0 || la < 0) {
                throw new IllegalArgumentException(onsCsv + ": needs columns pcds (or pcd) and oslaua (or laua)");
            }
            int lineNo = 1;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> cells = splitCsv(line);
                if (cells.size() <= Math.max(postcode, la)) {
                    throw new IllegalArgumentException(onsCsv + ":" + lineNo + ": too few columns");
                }
                if (terminated >= 0
                        && terminated < cells.size()
                        && !cells.get(terminated).isBlank()) {
                    continue;
                }
                String dfe = county >= 0 && county < cells.size() ? mapping.get(cells.get(county)) : null;
                if (dfe == null) {
                    dfe = mapping.get(cells.get(la));
                }
                if (dfe == null) {
                    continue;
                }
                try {
                    entries.put(PostcodeLookup.normaliseKey(cells.get(postcode)), dfe);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(onsCsv + ":" + lineNo + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + onsCsv, e);
        }
        return new PostcodeLookup(entries);
    }

    private static Map<String, String> readMapping(Path file) {
        Map<String, String> mapping = new HashMap<>();
        int lineNo = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = reader.readLine()) != null; ) {
                lineNo++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.equalsIgnoreCase("gss,la")) {
                    continue;
                }
                String[] parts = trimmed.split(",", -1);
                if (parts.length != 2
                        || !parts[0].strip().matches("[EWSN]\\d{8}")
                        || !parts[1].strip().matches("\\d{3}")) {
                    throw new IllegalArgumentException(file + ":" + lineNo + ": expected <GSS code>,<3-digit LA code>");
                }
                mapping.put(parts[0].strip(), parts[1].strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return mapping;
    }

    private static int firstIndex(List<String> header, String... names) {
        for (String name : names) {
            int i = header.indexOf(name);
            if (i >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Splits one CSV line (RFC 4180 quoting; the ONSPD quotes every field). */
    static List<String> splitCsv(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().strip());
        return cells;
    }
}
