package uk.safeguarding.interchange.intake.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import uk.safeguarding.interchange.testsupport.DevCerts;
import uk.safeguarding.interchange.testsupport.RsaGatewayKey;
import uk.safeguarding.interchange.trust.BundleSignature;
import uk.safeguarding.interchange.trust.DetachedJwsVerifier;
import uk.safeguarding.interchange.trust.SigningKey;
import uk.safeguarding.interchange.trust.VerifiedSignature;

/**
 * The {@code ok} reply built directly as a JSON tree ({@link FhirReplies#okTree}) is exactly what the HAPI path made
 * before: the reply Bundle of {@link FhirReplies#reply} with the ok outcome and tracking identifier, encoded by HAPI
 * and parsed back ({@link FhirEncoding#jsonTree}). Both draw their resource ids from the same predictable sequence,
 * and trees are compared as serialised bytes, so a member that differs in name, value, presence, nesting or order (or
 * an id used in the wrong place) fails.
 */
class FhirRepliesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant ACCEPTED = Instant.parse("2026-11-21T12:00:00Z");

    private static SigningKey ecKey;

    @BeforeAll
    static void loadKey() throws Exception {
        ecKey = SigningKey.loadPkcs12(DevCerts.p12("gateway-signing"), DevCerts.PASSWORD.toCharArray());
    }

    /** Odd but legal (and some not so legal) ids: blanks HAPI leaves out, separators, escapes, surrogates. */
    private static final List<String> ODD_IDS = Arrays.asList(
            "request-header",
            null,
            "",
            " ",
            "\t\n",
            " x ",
            "a/b",
            "MessageHeader/x/_history/1",
            "abc/_history/",
            "http://example.org/fhir/MessageHeader/1",
            "urn:uuid:4f0c6a3e-9d1b-4c55-8c7e-2f0a1b3c4d5e",
            "4f0c6a3e-9d1b-4c55-8c7e-2f0a1b3c4d5e",
            "#abc",
            "a.b-c",
            "x".repeat(64),
            "x".repeat(300),
            "é\"<>&\\\u2028\u2029\t\r\n",
            "\u001F",
            "\u00A0",
            "\u2003",
            "\u200B",
            "a\uD800b",
            "\uDC00",
            "\uD83D\uDE00",
            "null",
            "{\"a\":1}");

    private static final List<Instant> INSTANTS = List.of(
            ACCEPTED,
            Instant.parse("2026-11-21T12:00:00.100Z"),
            Instant.parse("2026-11-21T12:00:00.123Z"),
            Instant.parse("2026-11-21T23:59:59.999999999Z"),
            Instant.parse("2026-03-29T01:00:00.5Z"),
            Instant.parse("2026-07-01T00:00:00.000001Z"),
            Instant.EPOCH,
            Instant.parse("1969-12-31T23:59:59.9995Z"),
            Instant.parse("0999-01-01T00:00:00Z"),
            Instant.parse("+12026-07-21T12:00:00.5Z"));

    @Test
    void theDirectTreeIsHapisTreeForOddIdsAndInstants() {
        for (String header : ODD_IDS) {
            for (String tracking : ODD_IDS) {
                if (tracking != null) {
                    assertSameTree(header, tracking, ACCEPTED);
                }
            }
        }
        for (Instant at : INSTANTS) {
            assertSameTree("request-header", "tracking-1", at);
            assertSameTree(null, "tracking-1", at);
        }
    }

    @Test
    void theDirectTreeIsHapisTreeForRandomIdsAndInstants() {
        Random random = new Random(20261122);
        String alphabet = "aZ09-._/:#@ \t\n\r\u001F\u0085\u00A0\u2003\u200B\u2028é\"\\<>&{}[]\uD83D\uDE00\uD800\uDFFF";
        for (int i = 0; i < 2_000; i++) {
            Instant at = Instant.ofEpochSecond(
                    1_700_000_000L + random.nextInt(200_000_000),
                    random.nextBoolean() ? 0 : random.nextInt(1_000_000_000));
            assertSameTree(
                    random.nextInt(10) == 0 ? null : randomString(random, alphabet),
                    randomString(random, alphabet),
                    at);
        }
    }

    @Test
    void theTimestampIsHapisInEveryZone() {
        for (String zone :
                List.of("UTC", "Europe/London", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "GMT-14")) {
            for (Instant at : INSTANTS) {
                assertSameTree("request-header", "tracking-1", at, ZoneId.of(zone));
            }
        }
        // The zone reaches both trees (else every zone above would have compared UTC with UTC).
        ObjectNode kolkata = new FhirReplies(new BundleSigner(ecKey), ids(1), ZoneId.of("Asia/Kolkata"))
                .okTree("h", "t", Instant.parse("2026-11-21T12:00:00.123Z"));
        assertThat(kolkata.get("timestamp").asText()).isEqualTo("2026-11-21T17:30:00.123+05:30");
    }

    @Test
    void repliesAreDatedInUtcWhateverTheJvmsZone() throws Exception {
        FhirReplies replies = new FhirReplies(new BundleSigner(ecKey));
        Instant at = Instant.parse("2026-11-21T12:00:00.123Z");

        assertThat(replies.okTree("h", "t", at).get("timestamp").asText()).isEqualTo("2026-11-21T12:00:00.123+00:00");
        FhirReply error = replies.error(
                uk.safeguarding.interchange.error.ErrorCode.SCHEMA_XSD, "detail", "h", FhirFormat.JSON, at);
        assertThat(JSON.readTree(error.body()).get("timestamp").asText()).isEqualTo("2026-11-21T12:00:00.123+00:00");
    }

    @Test
    void theSignedAcknowledgementIsTheHapiTreeSignedAndVerifies() throws Exception {
        FhirReplies replies = new FhirReplies(new BundleSigner(ecKey), ids(7), ZoneOffset.UTC);

        byte[] signed = replies.okJson("request-header", "tracking-1", ACCEPTED);

        ObjectNode bundle = (ObjectNode) JSON.readTree(signed);
        BundleSignature signature = BundleSignature.read(bundle);
        VerifiedSignature verified =
                new DetachedJwsVerifier().verify(signature.compactJws(), signature.signingPayload());
        assertThat(verified.signer()).isEqualTo(ecKey.chain().get(0));
        assertThat(signature.when()).isEqualTo(ACCEPTED);
        bundle.remove("signature");
        assertThat(string(bundle))
                .isEqualTo(string(hapiOkTree(
                        new FhirReplies(new BundleSigner(ecKey), ids(7), ZoneOffset.UTC),
                        "request-header",
                        "tracking-1",
                        ACCEPTED)));
    }

    /** RS256 signatures are deterministic, so the whole signed reply can be compared with the old path's bytes. */
    @Test
    void withADeterministicSignatureTheSignedBytesAreTheOldOnes(@TempDir Path dir) throws Exception {
        SigningKey rsa = SigningKey.loadPkcs12(RsaGatewayKey.p12(dir), DevCerts.PASSWORD.toCharArray());
        BundleSigner signer = new BundleSigner(rsa);
        for (Instant at : INSTANTS) {
            byte[] direct = new FhirReplies(signer, ids(11), ZoneOffset.UTC).okJson(null, "tracking-2", at);
            ObjectNode old = hapiOkTree(new FhirReplies(signer, ids(11), ZoneOffset.UTC), null, "tracking-2", at);

            assertThat(new String(direct, StandardCharsets.UTF_8))
                    .isEqualTo(new String(FhirEncoding.toJsonBytes(signer.sign(old, at)), StandardCharsets.UTF_8));
        }
    }

    /** The comparison itself can fail: ids drawn in another order, or one member out of place, are caught. */
    @Test
    void theComparisonSeesOrderAndIds() {
        ObjectNode hapi =
                hapiOkTree(new FhirReplies(new BundleSigner(ecKey), ids(3), ZoneOffset.UTC), "h", "t", ACCEPTED);
        ObjectNode direct = new FhirReplies(new BundleSigner(ecKey), ids(3), ZoneOffset.UTC).okTree("h", "t", ACCEPTED);
        assertThat(string(direct)).isEqualTo(string(hapi));

        ObjectNode otherIds =
                new FhirReplies(new BundleSigner(ecKey), ids(4), ZoneOffset.UTC).okTree("h", "t", ACCEPTED);
        assertThat(string(otherIds)).isNotEqualTo(string(hapi));

        ObjectNode reordered = direct.deepCopy();
        JsonNode type = reordered.remove("type");
        reordered.set("type", type);
        assertThat(reordered).as("Jackson's equality ignores order").isEqualTo(hapi);
        assertThat(string(reordered)).isNotEqualTo(string(hapi));
    }

    private static void assertSameTree(String header, String tracking, Instant at) {
        assertSameTree(header, tracking, at, ZoneOffset.UTC);
    }

    private static void assertSameTree(String header, String tracking, Instant at, ZoneId zone) {
        long seed = header == null ? 0 : header.hashCode() * 31L + tracking.hashCode() + at.getEpochSecond();
        ObjectNode direct = new FhirReplies(new BundleSigner(ecKey), ids(seed), zone).okTree(header, tracking, at);
        ObjectNode hapi = hapiOkTree(new FhirReplies(new BundleSigner(ecKey), ids(seed), zone), header, tracking, at);
        assertThat(string(direct))
                .as("header id %s, tracking id %s, at %s in %s", escape(header), escape(tracking), at, zone)
                .isEqualTo(string(hapi));
        assertThat(direct).isEqualTo(hapi);
    }

    /** The old {@code okJson} up to signing: HAPI model, HAPI JSON encoding, parsed back by StrictJson. */
    private static ObjectNode hapiOkTree(FhirReplies replies, String header, String tracking, Instant at) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics("Accepted; tracking id " + tracking + ".");
        Bundle reply = replies.reply(header, MessageHeader.ResponseType.OK, outcome, at);
        reply.getIdentifier().setSystem(FhirReplies.TRACKING_ID_SYSTEM).setValue(tracking);
        return new FhirEncoding(Long.MAX_VALUE / 4).jsonTree(reply);
    }

    /** Distinct, predictable UUIDs: two suppliers with the same seed give the same sequence. */
    private static Supplier<UUID> ids(long seed) {
        long[] next = {0};
        return () -> new UUID(seed, next[0]++);
    }

    private static String randomString(Random random, String alphabet) {
        int length = random.nextInt(12);
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < length; i++) {
            value.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return value.toString();
    }

    private static String string(JsonNode tree) {
        // Lone surrogates are compared as they are, not as UTF-8 (which would hide them).
        List<String> parts = new ArrayList<>();
        parts.add(new String(FhirEncoding.toJsonBytes(tree), StandardCharsets.UTF_8));
        parts.add(tree.toString());
        return String.join("\n", parts);
    }

    private static String escape(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        value.chars()
                .forEach(
                        c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04X", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
