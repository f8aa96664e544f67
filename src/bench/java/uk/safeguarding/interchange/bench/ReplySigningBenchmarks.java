package uk.safeguarding.interchange.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.w3c.dom.Document;
import uk.safeguarding.interchange.canonical.CanonicalXml;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.canonical.xml.Binding;
import uk.safeguarding.interchange.canonical.xml.GatewayNotice;
import uk.safeguarding.interchange.delivery.GatewayMessages;
import uk.safeguarding.interchange.intake.fhir.BundleSigner;
import uk.safeguarding.interchange.intake.fhir.FhirReplies;
import uk.safeguarding.interchange.intake.soap.ResponseSigner;
import uk.safeguarding.interchange.intake.soap.SignedEnvelopes;
import uk.safeguarding.interchange.testsupport.RsaGatewayKey;
import uk.safeguarding.interchange.trust.DetachedJwsSigner;
import uk.safeguarding.interchange.trust.Pem;
import uk.safeguarding.interchange.trust.SigningKey;

/**
 * What the gateway pays to sign what it sends, with its dev EC P-256 key ({@code key=ec}: ES256 / ECDSA-SHA256) and
 * with an RSA-2048 key ({@code key=rsa}: RS256 / RSA-SHA256): the JWS signature alone, the whole signed FHIR
 * acknowledgement (one per accepted message) and a signed SOAP response; and the signature evidence the gateway seals
 * into each delivery receipt (one per delivery). Average time per operation, single thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Djmh.shutdownTimeout=2")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ReplySigningBenchmarks {
    private static final char[] PASSWORD = "dev-only".toCharArray();
    private static final String LIST_INBOX_RESPONSE = "<ListInboxResponse xmlns=\"urn:interchange:soap:v1\"/>";

    @State(Scope.Benchmark)
    public static class Keys {
        @Param({"ec", "rsa"})
        public String key;

        SigningKey signingKey;
        FhirReplies replies;
        ResponseSigner soapSigner;
        final byte[] payload = new byte[2048];

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            Path p12 = key.equals("ec")
                    ? Path.of("certs-dev/gateway-signing.p12")
                    : RsaGatewayKey.p12(Files.createTempDirectory("rsa-gateway-key"));
            signingKey = SigningKey.loadPkcs12(p12, PASSWORD);
            replies = new FhirReplies(new BundleSigner(signingKey));
            soapSigner = ResponseSigner.fromPkcs12(p12, PASSWORD, null, Clock.systemUTC());
        }
    }

    /** The gateway's message builder with the dev signing certificate, and the content of a delivery receipt. */
    @State(Scope.Benchmark)
    public static class Receipts {
        GatewayMessages messages;
        GatewayNotice notice;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            CanonicalXml canonical = new CanonicalXml();
            messages = new GatewayMessages(
                    canonical,
                    Pem.readCertificate(Path.of("certs-dev/gateway-signing.crt.pem"))
                            .getEncoded(),
                    Clock.systemUTC());
            notice = canonical
                    .unmarshal(Files.readAllBytes(Path.of("schemas/examples/canonical/12-delivery-receipt.xml")))
                    .getContent()
                    .getDeliveryReceipt();
        }
    }

    /** The detached JWS over a 2 KiB payload: the private-key operation plus header encoding. */
    @Benchmark
    public String jwsSign(Keys k) {
        return DetachedJwsSigner.sign(k.payload, k.signingKey.key(), k.signingKey.chain(), k.signingKey.alg());
    }

    /** FhirReplies.okJson: the acknowledgement stored with each accepted message, built, JCS'd and signed. */
    @Benchmark
    public byte[] fhirAcknowledgement(Keys k) {
        return k.replies.okJson("request-header-id", "tracking-id", Instant.now());
    }

    /** ResponseSigner.sign: WS-Security (BST, Timestamp, exclusive C14N) on a small SOAP response. */
    @Benchmark
    public Document soapResponse(Keys k) {
        Document response = SignedEnvelopes.envelope(LIST_INBOX_RESPONSE, new SignedEnvelopes.Spec());
        k.soapSigner.sign(response);
        return response;
    }

    /** GatewayMessages.seal of a delivery receipt: its evidence written and validated, digested, the digest put in. */
    @Benchmark
    public byte[] deliveryReceiptSeal(Receipts r) {
        return r.messages.seal(r.messages.notice(
                EventCode.DELIVERY_RECEIPT,
                "e1f2a3b4-c5d6-4e7f-9a8b-0c1d2e3f4a5b",
                "urn:interchange:school:100001",
                Binding.FHIR,
                r.notice));
    }
}
