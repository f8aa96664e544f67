package uk.safeguarding.interchange.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadCipherTest {
    static final byte[] KEY = PayloadCipher.newKey();
    static final byte[] DOCUMENT = "<InterchangeMessage>child</InterchangeMessage>".getBytes(StandardCharsets.UTF_8);

    @Test
    void roundTripsAndUsesAFreshNonceEachTime() {
        byte[] first = PayloadCipher.encrypt(KEY, "t-1/canonical_xml", DOCUMENT);
        byte[] second = PayloadCipher.encrypt(KEY, "t-1/canonical_xml", DOCUMENT);

        assertThat(first).isNotEqualTo(second);
        assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("child");
        assertThat(PayloadCipher.decrypt(KEY, "t-1/canonical_xml", first)).isEqualTo(DOCUMENT);
    }

    @Test
    void refusesAnAlteredCiphertext() {
        byte[] sealed = PayloadCipher.encrypt(KEY, "t-1/canonical_xml", DOCUMENT);
        sealed[sealed.length - 20] ^= 1;

        assertThatThrownBy(() -> PayloadCipher.decrypt(KEY, "t-1/canonical_xml", sealed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("altered");
    }

    @Test
    void refusesACiphertextMovedToAnotherMessageOrColumn() {
        byte[] sealed = PayloadCipher.encrypt(KEY, "t-1/canonical_xml", DOCUMENT);

        assertThatThrownBy(() -> PayloadCipher.decrypt(KEY, "t-2/canonical_xml", sealed))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PayloadCipher.decrypt(KEY, "t-1/ack_payload", sealed))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnotherKey() {
        byte[] sealed = PayloadCipher.encrypt(KEY, "t-1/canonical_xml", DOCUMENT);

        assertThatThrownBy(() -> PayloadCipher.decrypt(PayloadCipher.newKey(), "t-1/canonical_xml", sealed))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wrappedDataKeysUnwrapOnlyForTheirMessage() {
        MasterKey master = new MasterKey(PayloadCipher.newKey());
        byte[] wrapped = master.wrap("t-1", KEY);

        assertThat(master.unwrap("t-1", wrapped)).isEqualTo(KEY);
        assertThatThrownBy(() -> master.unwrap("t-2", wrapped)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsTheCommittedDevMasterKeyFileAndRefusesAShortKey(@TempDir Path tmp) throws Exception {
        assertThat(MasterKey.read(Path.of("certs-dev/payload-master.key")).id()).hasSize(16);
        Path bad = Files.writeString(tmp.resolve("bad.key"), "# comment\nAAAA\n");

        assertThatThrownBy(() -> MasterKey.read(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32-byte");
    }

    @Test
    void retentionIsPerEventWithADefault() {
        Properties p = new Properties();
        p.setProperty("gateway.payload.retention.default", "P30D");
        p.setProperty("gateway.payload.retention.encompass-notification", "PT12H");

        RetentionPolicy policy = RetentionPolicy.from(p);

        assertThat(policy.periodFor("encompass-notification")).isEqualTo(Duration.ofHours(12));
        assertThat(policy.periodFor("safeguarding-referral")).isEqualTo(Duration.ofDays(30));
        p.setProperty("gateway.payload.retention.default", "thirty days");
        assertThatThrownBy(() -> RetentionPolicy.from(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.payload.retention.default");
    }
}
