package uk.safeguarding.interchange.intake.fhir.validation;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.regex.Pattern;

/**
 * The formats of FHIR R4 primitive values (the regular expressions of the R4 specification), as the fast path
 * checks them. {@link Outcome#INVALID} only where the value breaks the specification's own expression (which
 * HAPI enforces as an error); {@link Outcome#UNKNOWN} where a stricter rule of HAPI's might apply and the fast
 * path does not model it (the full validator then decides).
 */
final class Primitives {
    enum Outcome {
        OK,
        INVALID,
        UNKNOWN
    }

    private static final String YEAR = "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)";
    private static final String TZ = "(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))";
    private static final String TIME = "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?";
    private static final Pattern DATE = Pattern.compile(YEAR + "(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?");
    private static final Pattern DATE_TIME =
            Pattern.compile(YEAR + "(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T" + TIME + TZ + ")?)?)?");
    private static final Pattern INSTANT =
            Pattern.compile(YEAR + "-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T" + TIME + TZ);
    private static final Pattern TIME_P = Pattern.compile(TIME);
    private static final Pattern INTEGER = Pattern.compile("-?([0]|([1-9][0-9]*))");
    private static final Pattern UNSIGNED = Pattern.compile("[0]|([1-9][0-9]*)");
    private static final Pattern POSITIVE = Pattern.compile("\\+?[1-9][0-9]*");
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final Pattern OID = Pattern.compile("urn:oid:[0-2](\\.(0|[1-9][0-9]*))+");
    /** The characters of {@code [A-Za-z0-9._~:/?#@!$&'()*+,;=%-]}: a URI that needs no further look. */
    private static final boolean[] SAFE_URI = charSet("._~:/?#@!$&'()*+,;=%-");
    /** The characters of an id, {@code [A-Za-z0-9\-.]}. */
    private static final boolean[] ID_CHARS = charSet("-.");

    private static final int MAX_STRING = 1_048_576;

    private Primitives() {}

    static Outcome check(String type, String s) {
        return switch (type) {
            case "boolean" -> "true".equals(s) || "false".equals(s) ? Outcome.OK : Outcome.INVALID;
            case "string", "markdown" -> string(s);
            case "code" -> code(s) ? Outcome.OK : Outcome.UNKNOWN; // HAPI does not always reject
            case "id" -> id(s) ? Outcome.OK : Outcome.INVALID;
            case "integer" -> integer(s, INTEGER, Long.MIN_VALUE);
            case "unsignedInt" -> integer(s, UNSIGNED, 0);
            case "positiveInt" -> integer(s, POSITIVE, 1);
            case "decimal" -> DECIMAL.matcher(s).matches() && s.length() < 40 ? Outcome.OK : Outcome.UNKNOWN;
            case "date" -> DATE.matcher(s).matches() ? calendar(s) : Outcome.INVALID;
            case "dateTime" -> DATE_TIME.matcher(s).matches() ? calendar(s) : Outcome.INVALID;
            case "instant" -> INSTANT.matcher(s).matches() ? calendar(s) : Outcome.INVALID;
            case "time" -> TIME_P.matcher(s).matches() && !s.startsWith("24") ? leapSecond(s) : Outcome.INVALID;
            case "uri" -> uri(s);
            case "url" -> s.startsWith("http:") || s.startsWith("https:") ? Outcome.UNKNOWN : uri(s);
            case "oid" -> OID.matcher(s).matches() ? Outcome.OK : Outcome.INVALID;
            case "uuid" -> urnUuid(s) ? Outcome.OK : Outcome.UNKNOWN;
            case "base64Binary" -> Outcome.OK; // held as bytes by the model: always re-encoded as valid base64
            default -> Outcome.UNKNOWN;
        };
    }

    private static Outcome string(String s) {
        if (s.isEmpty() || s.length() > MAX_STRING) {
            return Outcome.UNKNOWN;
        }
        if (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
            return Outcome.UNKNOWN; // HAPI warns; the fast path does not try to mirror that
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                return Outcome.UNKNOWN;
            }
        }
        return Outcome.OK;
    }

    private static Outcome integer(String s, Pattern p, long min) {
        if (!p.matcher(s).matches()) {
            return Outcome.INVALID;
        }
        try {
            long v = Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
            return v >= min && v <= Integer.MAX_VALUE && v >= Integer.MIN_VALUE ? Outcome.OK : Outcome.UNKNOWN;
        } catch (NumberFormatException e) {
            return Outcome.UNKNOWN;
        }
    }

    private static Outcome calendar(String s) {
        if (s.length() >= 10) {
            try {
                LocalDate.of(
                        Integer.parseInt(s.substring(0, 4)),
                        Integer.parseInt(s.substring(5, 7)),
                        Integer.parseInt(s.substring(8, 10)));
            } catch (DateTimeException | NumberFormatException e) {
                return Outcome.UNKNOWN;
            }
        }
        int year = Integer.parseInt(s.substring(0, 4));
        if (year < 1900 || year > 2100) {
            return Outcome.UNKNOWN;
        }
        return s.length() > 10 ? leapSecond(s.substring(11)) : Outcome.OK;
    }

    private static Outcome leapSecond(String time) {
        return time.length() >= 8 && time.startsWith("60", 6) ? Outcome.UNKNOWN : Outcome.OK;
    }

    private static Outcome uri(String s) {
        if (!noWhitespace(s)) {
            return s.isEmpty() ? Outcome.UNKNOWN : Outcome.INVALID;
        }
        if (s.startsWith("urn:uuid:")) {
            return urnUuid(s) ? Outcome.OK : Outcome.UNKNOWN;
        }
        if (s.startsWith("urn:oid:") || s.startsWith("oid:") || s.startsWith("uuid:")) {
            return OID.matcher(s).matches() ? Outcome.OK : Outcome.UNKNOWN;
        }
        return allIn(s, SAFE_URI) ? Outcome.OK : Outcome.UNKNOWN;
    }

    // The checks below are the regular expressions they name, written out: they run on most values of a message.

    /** {@code \\s} of java.util.regex (without UNICODE_CHARACTER_CLASS): {@code [ \\t\\n\\x0B\\f\\r]}. */
    private static boolean regexSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** {@code \\S+}. */
    static boolean noWhitespace(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (regexSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code [^\\s]+( [^\\s]+)*}: words of non-space separated by single spaces. */
    private static boolean code(String s) {
        if (s.isEmpty() || s.charAt(0) == ' ' || s.charAt(s.length() - 1) == ' ') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' ? s.charAt(i + 1) == ' ' : regexSpace(c)) {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z0-9\\-.]{1,64}}. */
    static boolean id(String s) {
        return s.length() <= 64 && allIn(s, ID_CHARS);
    }

    /** {@code urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}. */
    private static boolean urnUuid(String s) {
        if (s.length() != 45 || !s.startsWith("urn:uuid:")) {
            return false;
        }
        for (int i = 9; i < 45; i++) {
            char c = s.charAt(i);
            boolean hyphen = i == 17 || i == 22 || i == 27 || i == 32;
            if (hyphen ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** One or more characters, each an ASCII letter or digit or marked in {@code set}. */
    private static boolean allIn(String s, boolean[] set) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= set.length || !set[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean[] charSet(String others) {
        boolean[] set = new boolean[128];
        for (char c = '0'; c <= '9'; c++) {
            set[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            set[c] = true;
            set[c - 'a' + 'A'] = true;
        }
        for (char c : others.toCharArray()) {
            set[c] = true;
        }
        return set;
    }
}
