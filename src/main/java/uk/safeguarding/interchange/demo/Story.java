package uk.safeguarding.interchange.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uk.safeguarding.interchange.canonical.EventCode;
import uk.safeguarding.interchange.conformance.CaseLoader;
import uk.safeguarding.interchange.conformance.CaseResult;
import uk.safeguarding.interchange.conformance.ConformanceCase;
import uk.safeguarding.interchange.conformance.ConformanceRunner;
import uk.safeguarding.interchange.directory.Directory;
import uk.safeguarding.interchange.directory.Organisation;
import uk.safeguarding.interchange.ledger.checkpoint.Checkpoint;
import uk.safeguarding.interchange.ledger.checkpoint.CheckpointVerifier;
import uk.safeguarding.interchange.ledger.checkpoint.NoteVerifierKey;
import uk.safeguarding.interchange.ledger.merkle.MerkleTree;
import uk.safeguarding.interchange.sla.SlaPolicy;

/**
 * The multi-agency story the demo tells against a running gateway: each chapter is a conformance case (signed
 * requests and the checks that must follow, played by {@link ConformanceRunner}), then what happened is printed from
 * the status API; at the end every message's ledger trail, with an inclusion proof checked against a signed
 * checkpoint. Prints ids, codes, organisations and times only: no personal data. Not thread-safe.
 */
final class Story {
    static final String VENDOR = "vendor";
    static final String AUDITOR = "dev-auditor";
    static final String LA = "urn:interchange:la:850";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConformanceRunner runner;
    private final Directory directory;
    private final SlaPolicy sla;
    private final NoteVerifierKey ledgerKey;
    private final DemoClock clock;
    private final PrintStream out;
    private final Map<String, String> saved = new HashMap<>();
    /** Tracking id name → what the message is, in story order. */
    private final Map<String, String> messages = new LinkedHashMap<>();

    Story(
            ConformanceRunner runner,
            Directory directory,
            SlaPolicy sla,
            NoteVerifierKey ledgerKey,
            DemoClock clock,
            PrintStream out) {
        this.runner = runner;
        this.directory = directory;
        this.sla = sla;
        this.ledgerKey = ledgerKey;
        this.clock = clock;
        this.out = out;
    }

    /** Tells the whole story; throws {@link DemoFailure} at the first step that did not behave as expected. */
    void tell() throws Exception {
        concern();
        crossBorderNotification();
        encompass();
        declined();
        escalation();
        trails();
    }

    private void concern() throws Exception {
        play(
                """
                title: Harewood Primary raises a concern; it reaches Hampshire's LA and MASH, not Dorset's neighbour
                steps:
                  - request: { example: safeguarding-referral }
                    expect:
                      status: 200
                      response: ok
                      save-tracking-id: concern
                      then:
                        - { mailbox-of: la-850, contains: concern, event: safeguarding-referral }
                        - { mailbox-of: mash-850, contains: concern }
                        - { mailbox-of: la-839, lacks: concern }
                """);
        JsonNode status = status("concern", VENDOR);
        out.println();
        out.println("1. " + name(status.path("sender").asText()) + " (via "
                + name("urn:interchange:system:acme-safeguard") + ") raises a concern about a child ("
                + status.path("event").asText() + ", priority urgent)");
        accepted("concern", status);
        routed(status);
        messages.put("concern", "the school's concern");
    }

    private void crossBorderNotification() throws Exception {
        play(
                """
                title: Dorset Police notifies about the same Hampshire family; routed across the border to LA 850
                steps:
                  - request: { example: police-notification, client: police-dorset, sign-with: police-dorset }
                    expect:
                      status: 200
                      response: ok
                      save-tracking-id: ppn
                      then:
                        - { mailbox-of: la-850, contains: ppn, event: police-notification }
                        - { mailbox-of: la-839, lacks: ppn }
                        - { status-of: ppn, as: police-dorset, save-derived: encompass }
                """);
        JsonNode status = status("ppn", "police-dorset");
        out.println();
        out.println("2. " + name(status.path("sender").asText())
                + " sends a police protection notice about the same family, who live in Hampshire ("
                + status.path("event").asText() + ")");
        accepted("ppn", status);
        out.println("   → cross-border: the family's postcode is in LA 850, so it goes to Hampshire, not to "
                + name("urn:interchange:la:839") + " on Dorset's side");
        routed(status);
        messages.put("ppn", "Dorset Police's notification");
    }

    private void encompass() throws Exception {
        play(
                """
                title: The Operation Encompass notification reaches the school (not the PPN itself); the school reads it
                steps:
                  - binding: api
                    request: { path: "/api/v1/messages/{ppn}", client: police-dorset }
                    expect:
                      status: 200
                      then:
                        - { mailbox-of: school-100001, contains: encompass, event: encompass-notification }
                        - { mailbox-of: school-100001, lacks: ppn }
                  - binding: api
                    request: { path: "/api/v1/mailbox/{ppn}", client: school-100001 }
                    expect: { status: 403, code: AUTH-006 }
                  - binding: api
                    request: { path: "/api/v1/mailbox/{encompass}/ack", method: POST, client: school-100001 }
                    expect:
                      status: 200
                      then:
                        - { status-of: encompass, as: police-dorset, recipient: "urn:interchange:school:100001", state: DELIVERED }
                """);
        JsonNode status = status("encompass", "police-dorset");
        out.println();
        out.println("3. The gateway derives an Operation Encompass notification for the child's school ("
                + status.path("event").asText() + ", tracking id " + saved.get("encompass") + ")");
        routed(status);
        out.println("   → the school may not open the police notification itself (AUTH-006); it acknowledges the"
                + " Encompass notification → " + stateOf(status, "urn:interchange:school:100001"));
        messages.put("encompass", "the Operation Encompass notification");
    }

    private void declined() throws Exception {
        play(
                """
                title: Hampshire declines the school's referral; the outcome, with its reason, reaches the school
                steps:
                  - request: { example: referral-outcome-declined, client: la-850, sign-with: la-850, correlate-to: concern }
                    expect:
                      status: 200
                      response: ok
                      save-tracking-id: outcome
                      then:
                        - { mailbox-of: vendor, contains: outcome, event: referral-outcome }
                        - { mailbox-of: vendor, event: referral-outcome, mentions: Threshold for statutory intervention not met }
                        - { status-of: concern, as: vendor, recipient: "urn:interchange:la:850", state: OUTCOME }
                """);
        JsonNode outcome = status("outcome", "la-850");
        JsonNode concern = status("concern", VENDOR);
        out.println();
        out.println("4. " + name(outcome.path("sender").asText()) + " declines the school's referral ("
                + outcome.path("event").asText() + ", correlated to " + saved.get("concern") + ")");
        accepted("outcome", outcome);
        routed(outcome);
        out.println("   → the reason reaches the school's mailbox: \"Threshold for statutory intervention not met …\"");
        out.println("   → the referral's delivery to LA 850 is now " + stateOf(concern, LA));
        messages.put("outcome", "Hampshire's declined outcome");
    }

    private void escalation() throws Exception {
        play(
                """
                title: A second urgent concern from the school
                steps:
                  - request: { example: safeguarding-referral }
                    expect:
                      status: 200
                      response: ok
                      save-tracking-id: second
                      then:
                        - { mailbox-of: la-850, contains: second, event: safeguarding-referral }
                """);
        JsonNode status = status("second", VENDOR);
        Instant accepted = Instant.parse(status.path("acceptedAt").asText());
        SlaPolicy.Deadline deadline = sla.deadline(EventCode.SAFEGUARDING_REFERRAL, "urgent", accepted)
                .orElseThrow(() -> new DemoFailure("config/sla.yaml has no deadline for an urgent referral"));
        out.println();
        out.println("5. " + name(status.path("sender").asText()) + " raises a second, urgent concern");
        accepted("second", status);
        routed(status);
        out.println("   → service level: an outcome from LA 850 by " + deadline.at() + " (" + deadline.rule() + ")");
        clock.advanceTo(deadline.at().plus(Duration.ofMinutes(1)));
        out.println("   … no outcome arrives; the gateway's clock moves on to "
                + clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        play(
                """
                title: The outcome is overdue; the delivery is escalated to Hampshire's escalation contact (the MASH)
                steps:
                  - binding: api
                    request: { path: "/api/v1/messages/{second}", client: vendor }
                    expect:
                      status: 200
                      then:
                        - { status-of: second, as: vendor, recipient: "urn:interchange:la:850", state: ESCALATED }
                        - { mailbox-of: mash-850, event: escalation, mentions: "{second}" }
                """);
        out.println("   → overdue: the delivery to LA 850 is " + stateOf(status("second", VENDOR), LA)
                + ", and an escalation notice is in " + name("urn:interchange:mash:850") + "'s mailbox");
        out.println("   → the Dorset notification, equally urgent and still without an outcome, is "
                + stateOf(status("ppn", "police-dorset"), LA) + " too");
        messages.put("second", "the second concern (escalated)");
    }

    private void trails() throws Exception {
        String note = body(runner.call(AUDITOR, "POST", "/audit/v1/checkpoints"), "sign a checkpoint");
        Checkpoint checkpoint;
        try {
            checkpoint = new CheckpointVerifier(ledgerKey).verify(note);
        } catch (RuntimeException e) {
            throw new DemoFailure("the gateway's checkpoint does not verify with the ledger key: " + e.getMessage());
        }
        out.println();
        out.println("Ledger trails (as the auditor sees them: ids, events, organisations, times; no personal data)");
        for (Map.Entry<String, String> message : messages.entrySet()) {
            String trackingId = saved.get(message.getKey());
            JsonNode trail = JSON.readTree(body(
                    runner.call(AUDITOR, "GET", "/audit/v1/messages/" + trackingId + "/trail"), "trail " + trackingId));
            out.println();
            out.println("Trail of " + message.getValue() + " " + trackingId + ":");
            JsonNode proved = null;
            for (JsonNode e : trail.path("entries")) {
                out.println("  " + entryLine(e));
                // Prove the message's latest delivery fact the checkpoint covers (not the auditor's own reads).
                if (e.path("seq").asLong() < checkpoint.size()
                        && !"AUDIT_ACCESS".equals(e.path("event").asText())) {
                    proved = e;
                }
            }
            if (proved == null) {
                throw new DemoFailure("the trail of " + trackingId + " has no entry under the checkpoint");
            }
            prove(proved, checkpoint);
        }
    }

    private void prove(JsonNode entry, Checkpoint checkpoint) throws Exception {
        long seq = entry.path("seq").asLong();
        JsonNode proof = JSON.readTree(body(
                runner.call(AUDITOR, "GET", "/audit/v1/proofs/inclusion?seq=" + seq + "&treeSize=" + checkpoint.size()),
                "inclusion proof " + seq));
        byte[] leaf = Base64.getDecoder().decode(proof.path("leaf_hash").asText());
        if (!HexFormat.of()
                .formatHex(leaf)
                .equalsIgnoreCase(entry.path("leafHash").asText())) {
            throw new DemoFailure("the proof for entry #" + seq + " is about another leaf than the trail shows");
        }
        List<byte[]> path = new ArrayList<>();
        for (JsonNode h : proof.path("inclusion_path")) {
            path.add(Base64.getDecoder().decode(h.asText()));
        }
        if (!MerkleTree.verifyInclusion(seq, checkpoint.size(), leaf, path, checkpoint.rootHash())) {
            throw new DemoFailure("the inclusion proof for entry #" + seq + " does NOT verify against checkpoint "
                    + checkpoint.size());
        }
        out.println("  Inclusion proof for entry #" + seq + " ("
                + entry.path("event").asText() + ") verified against signed checkpoint (size " + checkpoint.size()
                + ", root " + Base64.getEncoder().encodeToString(checkpoint.rootHash()) + ")");
    }

    private String entryLine(JsonNode e) {
        StringBuilder line = new StringBuilder();
        line.append(String.format(
                "#%-4d %s  %-13s %s",
                e.path("seq").asLong(),
                e.path("time").asText(),
                e.path("event").asText(),
                shortId(e.path("actor").asText())));
        if (e.hasNonNull("counterparty")) {
            String counterparty = e.get("counterparty").asText();
            // Delivery entries name the delivery's recipient, who is also the actor when it fetches or decides.
            line.append(counterparty.equals(e.path("actor").asText()) ? " (itself)" : " → " + shortId(counterparty));
        }
        if (e.hasNonNull("messageType")) {
            line.append("  [").append(e.get("messageType").asText()).append(']');
        }
        if (e.hasNonNull("reason")) {
            line.append("  reason ").append(e.get("reason").asText());
        }
        if (e.hasNonNull("errorCode")) {
            line.append("  ").append(e.get("errorCode").asText());
        }
        return line.toString();
    }

    private static String shortId(String orgId) {
        return orgId.startsWith("urn:interchange:") ? orgId.substring("urn:interchange:".length()) : orgId;
    }

    // ------------------------------------------------------------------ helpers

    private void play(String yaml) {
        ConformanceCase story = CaseLoader.fromYaml("demo/story", "fhir", "demo", yaml);
        CaseResult result = runner.run(story, saved);
        if (!result.passed()) {
            throw new DemoFailure(story.title() + ": " + result.detail());
        }
    }

    private JsonNode status(String name, String as) throws Exception {
        String trackingId = saved.get(name);
        return JSON.readTree(body(runner.call(as, "GET", "/api/v1/messages/" + trackingId), "status of " + name));
    }

    private void accepted(String name, JsonNode status) {
        out.println("   → accepted (signed acknowledgement ok), tracking id " + saved.get(name));
    }

    private void routed(JsonNode status) {
        List<String> to = new ArrayList<>();
        for (JsonNode r : status.path("recipients")) {
            String id = r.path("recipient").asText();
            to.add(name(id) + " (" + shortId(id) + ", " + r.path("role").asText() + ")");
        }
        out.println("   → routed to " + String.join(" and ", to));
    }

    private static String stateOf(JsonNode status, String recipient) {
        for (JsonNode r : status.path("recipients")) {
            if (r.path("recipient").asText().equals(recipient)) {
                return r.path("state").asText()
                        + (r.hasNonNull("outcome") ? " (" + r.get("outcome").asText() + ")" : "");
            }
        }
        throw new DemoFailure("no delivery to " + recipient + " for "
                + status.path("trackingId").asText());
    }

    private String name(String orgId) {
        return directory
                .find(orgId)
                .map(Organisation::name)
                .map(n -> n.replaceAll(" \\(dev[^)]*\\)$", ""))
                .orElse(orgId);
    }

    private static String body(HttpResponse<String> response, String what) {
        if (response.statusCode() != 200) {
            throw new DemoFailure(what + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    static NoteVerifierKey readKey(Path file) throws java.io.IOException {
        return NoteVerifierKey.parse(
                Files.readString(file, StandardCharsets.UTF_8).trim());
    }

    /** A step of the story that did not behave as expected; the message says which and why. */
    static final class DemoFailure extends RuntimeException {
        DemoFailure(String message) {
            super(message);
        }
    }
}
