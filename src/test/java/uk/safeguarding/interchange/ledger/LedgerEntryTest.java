package uk.safeguarding.interchange.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.ledger.merkle.MerkleTree;
import uk.safeguarding.interchange.trust.Jcs;

class LedgerEntryTest {
    static final String PAYLOAD = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    static LedgerEntry accepted(long seq) {
        return new LedgerEntry(
                seq,
                Instant.parse("2026-03-02T08:15:30.123456Z"),
                LedgerEvent.ACCEPTED,
                "trk-" + seq,
                "urn:uuid:6d3c0f3e-0000-4000-8000-00000000000" + (seq % 10),
                "urn:interchange:school:100001",
                null,
                "safeguarding-referral",
                PAYLOAD,
                null,
                null);
    }

    @Test
    void canonicalFormIsSortedJcsWithNullsOmittedAndMillisecondTime() {
        String canonical = new String(accepted(7).canonicalBytes(), StandardCharsets.UTF_8);
        assertThat(canonical)
                .isEqualTo("{\"actor\":\"urn:interchange:school:100001\",\"event\":\"ACCEPTED\","
                        + "\"messageType\":\"safeguarding-referral\",\"payloadSha256\":\"" + PAYLOAD + "\","
                        + "\"senderMessageId\":\"urn:uuid:6d3c0f3e-0000-4000-8000-000000000007\",\"seq\":7,"
                        + "\"time\":\"2026-03-02T08:15:30.123Z\",\"trackingId\":\"trk-7\"}");
        assertThat(accepted(7).leafHash()).isEqualTo(MerkleTree.leafHash(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void canonicalFormIsExactlyJcsOfTheJsonObject() {
        Random random = new Random(7);
        LedgerEvent[] events = LedgerEvent.values();
        String printable = "aZ09\"\\/!~{}:,._-";
        for (int n = 0; n < 5_000; n++) {
            StringBuilder messageId = new StringBuilder();
            for (int i = 1 + random.nextInt(12); i > 0; i--) {
                messageId.append(printable.charAt(random.nextInt(printable.length())));
            }
            LedgerEntry entry = new LedgerEntry(
                    random.nextLong(LedgerEntry.MAX_SEQ + 1),
                    Instant.ofEpochMilli(random.nextLong(4_102_444_800_000L)),
                    events[random.nextInt(events.length)],
                    random.nextBoolean() ? null : "trk-" + n,
                    random.nextBoolean() ? null : messageId.toString(),
                    "urn:interchange:school:" + n,
                    random.nextBoolean() ? null : "urn:interchange:la:" + n,
                    random.nextBoolean() ? null : "safeguarding-referral",
                    random.nextBoolean() ? null : PAYLOAD,
                    random.nextBoolean() ? null : "recipient-unknown",
                    random.nextBoolean() ? null : "SIG-004");
            assertThat(new String(entry.canonicalBytes(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(Jcs.canonicalize(entry.toJson()), StandardCharsets.UTF_8));
        }
    }

    @Test
    void exportLineRoundTripsAndCarriesTheRecordedLeafHash() {
        LedgerExportLine line = LedgerExportLine.of(accepted(3));
        String json = line.toJsonLine();
        assertThat(json)
                .contains(
                        "\"leafHash\":\"" + HexFormat.of().formatHex(accepted(3).leafHash()) + "\"");
        assertThat(LedgerExportLine.parse(json)).isEqualTo(line);
    }

    @Test
    void rejectionWithoutTrackingIdIsAllowed() {
        LedgerEntry rejected = new LedgerEntry(
                0,
                Instant.EPOCH,
                LedgerEvent.REJECTED,
                null,
                null,
                "urn:interchange:system:acme-safeguard",
                null,
                null,
                null,
                null,
                "SIG-004");
        assertThat(LedgerExportLine.parse(LedgerExportLine.of(rejected).toJsonLine())
                        .entry())
                .isEqualTo(rejected);
    }

    @Test
    void refusesFreeTextThatCouldCarryPersonalData() {
        assertThatThrownBy(() -> new LedgerEntry(
                        0,
                        Instant.EPOCH,
                        LedgerEvent.OUTCOME,
                        "trk-1",
                        null,
                        "urn:interchange:la:850",
                        null,
                        null,
                        null,
                        "declined because Jane Smith moved",
                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason")
                .hasMessageNotContaining("Jane");
        assertThatThrownBy(() -> new LedgerEntry(
                        0, Instant.EPOCH, LedgerEvent.ACCEPTED, null, null, "Jane Smith", null, null, null, null, null))
                .hasMessageContaining("actor");
    }

    @Test
    void parsingIsStrict() {
        String json = LedgerExportLine.of(accepted(1)).toJsonLine();
        assertThatThrownBy(() -> LedgerExportLine.parse(json.replace("{", "{\"name\":\"x\",")))
                .hasMessageContaining("unknown field name");
        assertThatThrownBy(() -> LedgerExportLine.parse(json.replace("{", "{\"seq\":2,")))
                .hasMessageContaining("SCHEMA-002");
        assertThatThrownBy(() -> LedgerExportLine.parse(json.replace(".123Z", "Z")))
                .hasMessageContaining("time");
        assertThatThrownBy(() -> LedgerExportLine.parse(json.replace("\"seq\":1", "\"seq\":1.5")))
                .hasMessageContaining("seq");
        assertThatThrownBy(() -> LedgerExportLine.parse(json.replace("\"ACCEPTED\"", "\"ACCEPTED_\"")))
                .hasMessageContaining("event");
    }
}
