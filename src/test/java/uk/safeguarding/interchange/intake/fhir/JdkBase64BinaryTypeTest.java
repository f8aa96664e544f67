package uk.safeguarding.interchange.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.DataFormatException;
import java.util.Base64;
import java.util.Random;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.junit.jupiter.api.Test;

class JdkBase64BinaryTypeTest {
    private static final String ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \n\t-_!.*é";

    @Test
    void acceptsDecodesAndEncodesExactlyAsHapisType() {
        Random random = new Random(20261207);
        int decodedByTheJdk = 0;
        int refused = 0;
        for (int i = 0; i < 50_000; i++) {
            String value = i % 2 == 0 ? arbitrary(random) : nearlyCanonical(random);
            Base64BinaryType hapi = new Base64BinaryType();
            JdkBase64BinaryType ours = new JdkBase64BinaryType();
            boolean hapiRefused = refuses(hapi, value);
            assertThat(refuses(ours, value)).as(value).isEqualTo(hapiRefused);
            if (hapiRefused) {
                refused++;
                continue;
            }
            assertThat(ours.getValue()).as(value).isEqualTo(hapi.getValue());
            assertThat(ours.getValueAsString()).as(value).isEqualTo(hapi.getValueAsString());
            assertThat(ours.copy().getValue()).isEqualTo(hapi.getValue());
            if (canonicalForTheJdk(value)) {
                decodedByTheJdk++;
            }
        }
        // The comparison covered both branches: the JDK's decoder and the commons-codec fallback, and refusals.
        assertThat(decodedByTheJdk).isGreaterThan(10_000);
        assertThat(refused).isGreaterThan(1_000);
    }

    private static boolean refuses(Base64BinaryType type, String value) {
        try {
            type.setValueAsString(value);
            return false;
        } catch (DataFormatException e) {
            return true;
        }
    }

    private static boolean canonicalForTheJdk(String value) {
        try {
            Base64.getDecoder().decode(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Short strings over the alphabet plus padding, whitespace and the URL-safe characters. */
    private static String arbitrary(Random random) {
        StringBuilder s = new StringBuilder();
        int length = 1 + random.nextInt(12);
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    /** Real encodings, some with padding dropped, a character dropped or added, or non-zero trailing bits. */
    private static String nearlyCanonical(Random random) {
        byte[] bytes = new byte[random.nextInt(40)];
        random.nextBytes(bytes);
        String s = Base64.getEncoder().encodeToString(bytes);
        switch (random.nextInt(5)) {
            case 0 -> s = s.replace("=", "");
            case 1 -> s = s.isEmpty() ? "A" : s.substring(0, s.length() - 1);
            case 2 -> s = s + ALPHABET.charAt(random.nextInt(64));
            case 3 -> {
                int last = s.replace("=", "").length() - 1;
                if (last >= 0) {
                    s = s.substring(0, last) + ALPHABET.charAt(random.nextInt(64)) + s.substring(last + 1);
                }
            }
            default -> {}
        }
        return s.isEmpty() ? "AA==" : s;
    }
}
