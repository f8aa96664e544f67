package uk.safeguarding.interchange.intake.fhir.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.parser.DataFormatException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.intake.fhir.FhirContexts;
import uk.safeguarding.interchange.intake.fhir.validation.FastProfileValidator.Node;
import uk.safeguarding.interchange.intake.fhir.validation.FastProfileValidator.Verdict;

/**
 * The fast path against HAPI's full validator over the example messages and systematic mutations of them,
 * generated from the compiled profiles: every element with min ≥ 1 removed, occurrences added beyond max, every
 * fixed or pattern value changed, every bound code replaced (unknown code, wrong system), every primitive format
 * broken, every reference dangling or pointed at a wrong resource type, and every invariant of our profiles broken
 * by a targeted mutation (a new invariant without one fails {@link #everyInvariantOfOurProfilesHasAMutation}).
 *
 * <p>For each mutant: fast ACCEPT ⇒ HAPI valid, fast REJECT ⇒ HAPI invalid, and {@link ProfileValidator#validate}
 * (fast path, then HAPI) agrees with HAPI.
 */
class FastProfileValidatorDifferentialTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ISG = ConformanceResources.CANONICAL_BASE + "/";
    private static final Set<String> PRIMITIVES = Set.of(
            "boolean",
            "integer",
            "string",
            "decimal",
            "uri",
            "url",
            "canonical",
            "base64Binary",
            "instant",
            "date",
            "dateTime",
            "time",
            "code",
            "oid",
            "id",
            "markdown",
            "unsignedInt",
            "positiveInt",
            "uuid");

    private static ProfileValidator validator;
    private static FastProfileValidator fast;
    private static Map<String, ObjectNode> examples;

    record Mutant(String example, String kind, String what, String json) {}

    @BeforeAll
    static void load() throws IOException {
        validator = SharedValidator.get();
        fast = validator.fastPath();
        examples = new TreeMap<>();
        try (Stream<Path> files = Files.list(SharedValidator.EXAMPLES)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                examples.put(p.getFileName().toString(), (ObjectNode) JSON.readTree(p.toFile()));
            }
        }
    }

    @Test
    void everyValidExampleIsFastAccepted() {
        for (var e : examples.entrySet()) {
            Bundle bundle = parse(e.getValue().toString());
            assertThat(fast.verdict(bundle).verdict()).as(e.getKey()).isEqualTo(Verdict.ACCEPT);
            assertThat(validator
                            .validate(bundle, ConformanceResources.MESSAGE_BUNDLE_PROFILE)
                            .isValid())
                    .as("HAPI on %s", e.getKey())
                    .isTrue();
        }
    }

    @Test
    void everyInvariantOfOurProfilesIsImplemented() {
        assertThat(fast.unimplementedInvariants()).noneMatch(u -> u.startsWith("isg-"));
    }

    @Test
    void everyInvariantOfOurProfilesHasAMutation() {
        assertThat(INVARIANT_MUTATIONS.keySet()).containsAll(ourInvariantKeys());
    }

    @Test
    void fastPathAgreesWithHapiOnEveryMutant() {
        List<Mutant> mutants = mutants();
        Map<String, int[]> counts = new TreeMap<>(); // kind -> ACCEPT, REJECT, DEFER, HAPI-invalid, unparseable
        Map<String, Integer> invariantRejectedByHapi = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (Mutant m : mutants) {
            int[] c = counts.computeIfAbsent(m.kind(), k -> new int[5]);
            Bundle bundle;
            try {
                bundle = parse(m.json());
            } catch (DataFormatException | ClassCastException e) {
                c[4]++;
                continue;
            }
            FastProfileValidator.Result fastResult = fast.verdict(bundle);
            ProfileValidationResult combined = validator.validate(bundle);
            boolean hapiValid;
            if (fastResult.verdict() == Verdict.ACCEPT || n++ % 20 == 0) {
                hapiValid = validator
                        .validate(bundle, ConformanceResources.MESSAGE_BUNDLE_PROFILE)
                        .isValid();
                if (combined.isValid() != hapiValid) {
                    failures.add("combined != HAPI: " + describe(m, fastResult));
                }
            } else {
                hapiValid = combined.isValid(); // on REJECT and DEFER the combined result is HAPI's
            }
            c[fastResult.verdict().ordinal()]++;
            if (!hapiValid) {
                c[3]++;
                if (m.kind().startsWith("invariant ")) {
                    invariantRejectedByHapi.merge(m.kind().substring("invariant ".length()), 1, Integer::sum);
                }
            }
            if (fastResult.verdict() == Verdict.ACCEPT && !hapiValid) {
                failures.add("fast ACCEPT but HAPI invalid: " + describe(m, fastResult));
            }
            if (fastResult.verdict() == Verdict.REJECT && hapiValid) {
                failures.add("fast REJECT but HAPI valid: " + describe(m, fastResult));
            }
        }
        int[] total = new int[5];
        System.out.printf(
                "%-28s %7s %7s %7s %12s %11s%n",
                "mutation kind", "ACCEPT", "REJECT", "DEFER", "HAPI-invalid", "unparseable");
        counts.forEach((kind, c) -> {
            System.out.printf("%-28s %7d %7d %7d %12d %11d%n", kind, c[0], c[1], c[2], c[3], c[4]);
            for (int i = 0; i < 5; i++) {
                total[i] += c[i];
            }
        });
        System.out.printf("%-28s %7d %7d %7d %12d %11d%n", "total", total[0], total[1], total[2], total[3], total[4]);
        failures.forEach(System.out::println);

        assertThat(failures).isEmpty();
        assertThat(invariantRejectedByHapi.keySet())
                .as("every invariant of our profiles is broken by some mutant")
                .containsAll(ourInvariantKeys());
        // Most broken messages never need HAPI to be found broken.
        assertThat(total[1])
                .as("fast REJECTs among %d HAPI-invalid mutants", total[3])
                .isGreaterThan(total[3] * 3 / 4);
    }

    private static String describe(Mutant m, FastProfileValidator.Result r) {
        return m.example() + " [" + m.kind() + "] " + m.what() + " -> " + r;
    }

    private static Bundle parse(String json) {
        return FhirContexts.r4().newJsonParser().parseResource(Bundle.class, json);
    }

    /** The constraint keys our own profiles declare (differentials of schemas/fhir). */
    private static Set<String> ourInvariantKeys() {
        Set<String> keys = new TreeSet<>();
        for (StructureDefinition sd : validator.resources().structureDefinitions()) {
            for (ElementDefinition ed : sd.getDifferential().getElement()) {
                ed.getConstraint().forEach(c -> keys.add(c.getKey()));
            }
        }
        return keys;
    }

    // ------------------------------------------------------------------------------------------- generation

    private static List<Mutant> mutants() {
        Map<String, Mutant> out = new LinkedHashMap<>();
        for (var e : examples.entrySet()) {
            ObjectNode example = e.getValue();
            Consumer<Mutant> add = m -> {
                if (!m.json().equals(example.toString())) {
                    out.putIfAbsent(m.json(), m);
                }
            };
            new Generator(e.getKey(), example, add).run();
            UNMODELLED.forEach((kind, f) -> {
                ObjectNode copy = example.deepCopy();
                if (f.apply(copy)) {
                    add.accept(new Mutant(e.getKey(), "unmodelled " + kind, kind, copy.toString()));
                }
            });
            INVARIANT_MUTATIONS.forEach((key, f) -> {
                ObjectNode copy = example.deepCopy();
                if (f.apply(copy)) {
                    add.accept(new Mutant(e.getKey(), "invariant " + key, key, copy.toString()));
                }
            });
        }
        return List.copyOf(out.values());
    }

    /** Walks an example alongside the compiled profile and emits mutants for every rule met on the way. */
    private static final class Generator {
        private final String name;
        private final ObjectNode example;
        private final Consumer<Mutant> out;
        private final Map<String, String> typeByFullUrl = new LinkedHashMap<>();

        Generator(String name, ObjectNode example, Consumer<Mutant> out) {
            this.name = name;
            this.example = example;
            this.out = out;
            example.withArray("entry")
                    .forEach(e -> typeByFullUrl.put(
                            e.path("fullUrl").asText(),
                            e.path("resource").path("resourceType").asText()));
        }

        void run() {
            object(example, "", fast.root(ConformanceResources.MESSAGE_BUNDLE_PROFILE));
        }

        private void emit(String kind, String what, Function<ObjectNode, Boolean> mutation) {
            ObjectNode copy = example.deepCopy();
            if (mutation.apply(copy)) {
                out.accept(new Mutant(name, kind, what, copy.toString()));
            }
        }

        private static JsonNode at(ObjectNode root, String pointer) {
            return pointer.isEmpty() ? root : root.at(pointer);
        }

        private void object(JsonNode obj, String ptr, Node node) {
            for (Node child : node.children.values()) {
                String field = null;
                String type = child.types.size() == 1 ? child.types.get(0) : null;
                if (child.isChoice()) {
                    String stem = child.name.substring(0, child.name.length() - 3);
                    for (var it = obj.fieldNames(); it.hasNext(); ) {
                        String f = it.next();
                        if (f.startsWith(stem)
                                && f.length() > stem.length()
                                && Character.isUpperCase(f.charAt(stem.length()))) {
                            field = f;
                            String suffix = f.substring(stem.length());
                            String lower = Character.toLowerCase(suffix.charAt(0)) + suffix.substring(1);
                            type = PRIMITIVES.contains(lower) ? lower : suffix;
                        }
                    }
                } else if (obj.has(child.name)) {
                    field = child.name;
                }
                if (field == null) {
                    continue;
                }
                field(obj.get(field), ptr, field, child, type);
            }
        }

        private void field(JsonNode value, String ptr, String field, Node child, String type) {
            String fieldPtr = ptr + "/" + field;
            String where = fieldPtr;
            List<JsonNode> items = new ArrayList<>();
            if (value.isArray()) {
                value.forEach(items::add);
            } else {
                items.add(value);
            }
            if (child.min >= 1) {
                emit("cardinality min", where, root -> ((ObjectNode) at(root, ptr)).remove(field) != null);
            }
            if (value.isArray() && child.max < Integer.MAX_VALUE && child.max >= 1) {
                emit("cardinality max", where, root -> {
                    ArrayNode array = (ArrayNode) at(root, fieldPtr);
                    while (array.size() <= child.max) {
                        array.add(array.get(0).deepCopy());
                    }
                    return true;
                });
            }
            for (int i = 0; i < items.size(); i++) {
                JsonNode item = items.get(i);
                String itemPtr = value.isArray() ? fieldPtr + "/" + i : fieldPtr;
                Node itemNode = child;
                String itemType = type;
                if (child.slicing != null && child.slicing.kind() != FastProfileValidator.SliceKind.UNSUPPORTED) {
                    String key = child.slicing.kind() == FastProfileValidator.SliceKind.EXTENSION_URL
                            ? item.path("url").asText()
                            : item.path("resource").path("resourceType").asText();
                    for (FastProfileValidator.Slice s : child.slicing.slices()) {
                        if (key.equals(s.key())) {
                            itemNode = s.node();
                            sliceCardinality(fieldPtr, s, key, child);
                        }
                    }
                }
                value(item, itemPtr, itemNode, itemType);
            }
        }

        private final Set<String> slicesDone = new LinkedHashSet<>();

        private void sliceCardinality(String fieldPtr, FastProfileValidator.Slice s, String key, Node child) {
            if (!slicesDone.add(fieldPtr + ":" + s.name())) {
                return;
            }
            Function<JsonNode, Boolean> matches = item -> key.equals(
                    child.slicing.kind() == FastProfileValidator.SliceKind.EXTENSION_URL
                            ? item.path("url").asText()
                            : item.path("resource").path("resourceType").asText());
            if (s.node().min >= 1) {
                emit("slice min", fieldPtr + ":" + s.name(), root -> {
                    ArrayNode array = (ArrayNode) at(root, fieldPtr);
                    for (int i = array.size() - 1; i >= 0; i--) {
                        if (matches.apply(array.get(i))) {
                            array.remove(i);
                        }
                    }
                    return true;
                });
            }
            if (s.node().max < Integer.MAX_VALUE) {
                emit("slice max", fieldPtr + ":" + s.name(), root -> {
                    ArrayNode array = (ArrayNode) at(root, fieldPtr);
                    JsonNode first = null;
                    int count = 0;
                    for (JsonNode item : array) {
                        if (matches.apply(item)) {
                            first = first == null ? item : first;
                            count++;
                        }
                    }
                    for (; count <= s.node().max; count++) {
                        JsonNode copy = first.deepCopy();
                        if (copy.has("fullUrl")) {
                            ((ObjectNode) copy).put("fullUrl", "urn:uuid:00000000-0000-4000-8000-00000000000" + count);
                        }
                        array.add(copy);
                    }
                    return true;
                });
            }
        }

        private void value(JsonNode item, String ptr, Node node, String type) {
            if (item.isObject() && item.has("resourceType")) {
                String rt = item.get("resourceType").asText();
                List<String> declared = node.profiles.get(rt);
                Node root = fast.root(declared != null ? declared.get(0) : FastProfileValidator.CORE + rt);
                if (root != null) {
                    object(item, ptr, root);
                }
                return;
            }
            if (item.isObject()) {
                Node content = node.children.isEmpty() ? typeRoot(node, type) : node;
                if (content != null) {
                    object(item, ptr, content);
                }
                if ("Coding".equals(type) || "CodeableConcept".equals(type) || "Reference".equals(type)) {
                    complexRules(item, ptr, node, type);
                }
                if (node.pattern != null) {
                    for (var p : node.pattern.children()) {
                        if (p.hasValues()) {
                            pattern(ptr, p.getName(), node);
                        }
                    }
                }
                return;
            }
            primitive(item, ptr, node, type);
        }

        private void pattern(String ptr, String name, Node node) {
            emit("pattern", ptr + "/" + name, root -> {
                JsonNode holder = at(root, ptr);
                List<ObjectNode> targets = new ArrayList<>();
                if (holder.isObject()) {
                    targets.add((ObjectNode) holder);
                }
                boolean changed = false;
                for (ObjectNode t : targets) {
                    if (t.has(name) && t.get(name).isTextual()) {
                        t.put(name, t.get(name).asText() + "x");
                        changed = true;
                    }
                }
                return changed;
            });
        }

        private Node typeRoot(Node node, String type) {
            if (type == null) {
                return null;
            }
            List<String> profiles = node.profiles.get(type);
            return fast.root(
                    profiles != null && profiles.size() == 1 ? profiles.get(0) : FastProfileValidator.CORE + type);
        }

        private void complexRules(JsonNode item, String ptr, Node node, String type) {
            switch (type) {
                case "Coding" -> coding(ptr, node);
                case "CodeableConcept" -> {
                    for (int i = 0; i < item.path("coding").size(); i++) {
                        coding(ptr + "/coding/" + i, node);
                    }
                }
                case "Reference" -> {
                    String ref = item.path("reference").asText("");
                    if (ref.isEmpty()) {
                        return;
                    }
                    emit(
                            "reference dangling",
                            ptr,
                            root -> set(root, ptr, "reference", "urn:uuid:00000000-0000-4000-8000-0000000000ff"));
                    String targetType = typeByFullUrl.get(ref);
                    typeByFullUrl.entrySet().stream()
                            .filter(e -> !e.getValue().equals(targetType))
                            .findFirst()
                            .ifPresent(e -> emit(
                                    "reference wrong type",
                                    ptr + " -> " + e.getValue(),
                                    root -> set(root, ptr, "reference", e.getKey())));
                }
                default -> {}
            }
        }

        private void coding(String ptr, Node node) {
            boolean bound = node.binding != null;
            JsonNode coding = example.at(ptr);
            boolean ours = coding.path("system").asText().startsWith(ISG);
            if (!bound && !ours) {
                return;
            }
            emit("binding code", ptr, root -> set(root, ptr, "code", "zz-not-a-code"));
            emit(
                    "binding system",
                    ptr,
                    root -> set(root, ptr, "system", coding.path("system").asText("urn:x") + "-wrong"));
        }

        private static boolean set(ObjectNode root, String ptr, String field, String value) {
            JsonNode holder = at(root, ptr);
            if (!(holder instanceof ObjectNode o) || !o.has(field)) {
                return false;
            }
            o.put(field, value);
            return true;
        }

        private void primitive(JsonNode item, String ptr, Node node, String type) {
            String parent = ptr.substring(0, ptr.lastIndexOf('/'));
            String last = ptr.substring(ptr.lastIndexOf('/') + 1);
            Function<JsonNode, Function<ObjectNode, Boolean>> replace = replacement -> root -> {
                JsonNode holder = at(root, parent);
                if (holder instanceof ObjectNode o) {
                    o.set(last, replacement);
                    return true;
                }
                if (holder instanceof ArrayNode a) {
                    a.set(Integer.parseInt(last), replacement);
                    return true;
                }
                return false;
            };
            if (node.fixed instanceof PrimitiveType<?> || node.pattern instanceof PrimitiveType<?>) {
                emit("fixed value", ptr, replace.apply(TextNode.valueOf(item.asText() + "x")));
            }
            if (node.binding != null && node.binding.required() && "code".equals(type)) {
                emit("binding code", ptr, replace.apply(TextNode.valueOf("zz-not-a-code")));
            }
            for (String bad : BROKEN_FORMATS.getOrDefault(type == null ? "" : type, List.of())) {
                emit("format " + type, ptr, replace.apply(TextNode.valueOf(bad)));
            }
        }
    }

    private static final Map<String, List<String>> BROKEN_FORMATS = Map.ofEntries(
            Map.entry("date", List.of("17/11/2025", "2025-13-01")),
            Map.entry("dateTime", List.of("2025-11-17T09:42:00", "2025-11-17 09:42")),
            Map.entry("instant", List.of("2025-11-17")),
            Map.entry("code", List.of("two  spaces", " leading")),
            Map.entry("id", List.of("not an id!")),
            Map.entry("uri", List.of("has a space")),
            Map.entry("url", List.of("has a space")),
            Map.entry("canonical", List.of("has a space")),
            Map.entry("string", List.of("")),
            Map.entry("markdown", List.of("")),
            Map.entry("base64Binary", List.of("not base64!")),
            Map.entry("unsignedInt", List.of("-1")),
            Map.entry("positiveInt", List.of("0")));

    /** Content the fast path does not model: it must DEFER (or find a real error elsewhere), never ACCEPT wrongly. */
    private static final Map<String, Function<ObjectNode, Boolean>> UNMODELLED = Map.of(
            "narrative",
                    b -> {
                        ((ObjectNode) b.path("entry").path(1).path("resource"))
                                .putObject("text")
                                .put("status", "generated")
                                .put("div", "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>");
                        return true;
                    },
            "contained",
                    b -> {
                        ((ObjectNode) b.path("entry").path(1).path("resource"))
                                .putArray("contained")
                                .addObject()
                                .put("resourceType", "Basic")
                                .put("id", "c1");
                        return true;
                    },
            "modifierExtension",
                    b -> {
                        ((ObjectNode) b.path("entry").path(1).path("resource"))
                                .putArray("modifierExtension")
                                .addObject()
                                .put("url", "http://example.org/modifier")
                                .put("valueBoolean", true);
                        return true;
                    },
            "foreign extension",
                    b -> {
                        ((ObjectNode) b.path("entry").path(1).path("resource"))
                                .withArray("extension")
                                .addObject()
                                .put("url", "http://example.org/unknown")
                                .put("valueString", "x");
                        return true;
                    },
            "other meta.profile",
                    b -> {
                        ((ObjectNode) b.path("entry").path(1).path("resource"))
                                .putObject("meta")
                                .putArray("profile")
                                .add("http://example.org/StructureDefinition/other");
                        return true;
                    },
            "primitive extension",
                    b -> {
                        b.putObject("_timestamp")
                                .putArray("extension")
                                .addObject()
                                .put("url", "http://example.org/x")
                                .put("valueString", "x");
                        return true;
                    });

    // ------------------------------------------------------------------------------------ invariant mutations

    /** For each constraint key of our profiles, a mutation that breaks it (false when the example has no target). */
    private static final Map<String, Function<ObjectNode, Boolean>> INVARIANT_MUTATIONS = new LinkedHashMap<>();

    private static List<ObjectNode> resources(ObjectNode bundle, String type) {
        List<ObjectNode> out = new ArrayList<>();
        bundle.withArray("entry").forEach(e -> {
            if (type.equals(e.path("resource").path("resourceType").asText())) {
                out.add((ObjectNode) e.get("resource"));
            }
        });
        return out;
    }

    private static boolean removeEntries(ObjectNode bundle, String type) {
        ArrayNode entries = bundle.withArray("entry");
        boolean removed = false;
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (type.equals(entries.get(i).path("resource").path("resourceType").asText())) {
                entries.remove(i);
                removed = true;
            }
        }
        return removed;
    }

    private static String event(ObjectNode bundle) {
        return bundle.path("entry")
                .path(0)
                .path("resource")
                .path("eventCoding")
                .path("code")
                .asText();
    }

    private static List<ObjectNode> extensions(JsonNode holder, String url) {
        List<ObjectNode> out = new ArrayList<>();
        holder.path("extension").forEach(e -> {
            if (url.equals(e.path("url").asText())) {
                out.add((ObjectNode) e);
            }
        });
        return out;
    }

    private static boolean removeExtension(ObjectNode resource, String url) {
        ArrayNode ext = (ArrayNode) resource.get("extension");
        if (ext == null) {
            return false;
        }
        boolean removed = false;
        for (int i = ext.size() - 1; i >= 0; i--) {
            if (url.equals(ext.get(i).path("url").asText())) {
                ext.remove(i);
                removed = true;
            }
        }
        return removed;
    }

    /** Changes the value of every identifier of the system on resources of the type. */
    private static boolean identifierValue(ObjectNode bundle, String type, String system, String value) {
        boolean changed = false;
        for (ObjectNode r : resources(bundle, type)) {
            for (JsonNode id : r.path("identifier")) {
                if (system.equals(id.path("system").asText())) {
                    ((ObjectNode) id).put("value", value);
                    changed = true;
                }
            }
        }
        return changed;
    }

    private static boolean basedOnIdentifier(ObjectNode bundle, String type) {
        boolean changed = false;
        for (ObjectNode r : resources(bundle, type)) {
            for (JsonNode b : r.path("basedOn")) {
                if (b.has("identifier")) {
                    ((ObjectNode) b.get("identifier")).put("value", "not-a-urn");
                    changed = true;
                }
            }
        }
        return changed;
    }

    private static boolean extensionValue(ObjectNode bundle, String url, Consumer<ObjectNode> change) {
        boolean changed = false;
        for (JsonNode e : bundle.withArray("entry")) {
            for (ObjectNode ext : extensions(e.path("resource"), url)) {
                change.accept(ext);
                changed = true;
            }
        }
        return changed;
    }

    private static boolean subExtension(ObjectNode bundle, String url, String sub, String field, String value) {
        return extensionValue(bundle, url, ext -> extensions(ext, sub).forEach(s -> s.put(field, value)));
    }

    private static boolean codeOther(ObjectNode bundle, String url) {
        return extensionValue(bundle, url, ext -> {
            ObjectNode cc = (ObjectNode) ext.get("valueCodeableConcept");
            cc.remove("text");
            ((ObjectNode) cc.get("coding").get(0)).put("code", "other");
        });
    }

    static {
        Map<String, Function<ObjectNode, Boolean>> m = INVARIANT_MUTATIONS;
        m.put("isg-bdl-1", b -> {
            ArrayNode entries = b.withArray("entry");
            entries.add(entries.remove(0));
            return true;
        });
        m.put(
                "isg-bdl-2",
                b -> Set.of("safeguarding-referral", "police-notification", "encompass-notification")
                                .contains(event(b))
                        && removeEntries(b, "Patient"));
        m.put(
                "isg-bdl-3",
                b -> !"referral-withdrawal".equals(event(b))
                        && !resources(b, "ServiceRequest").isEmpty()
                        && resources(b, "ServiceRequest").stream().allMatch(r -> r.put("status", "on-hold") != null));
        m.put(
                "isg-bdl-4",
                b -> "referral-withdrawal".equals(event(b))
                        && resources(b, "ServiceRequest").stream().allMatch(r -> r.put("status", "active") != null));
        m.put(
                "isg-bdl-5",
                b -> "encompass-notification".equals(event(b))
                        && resources(b, "ServiceRequest").stream().allMatch(r -> {
                            r.withArray("reasonCode").forEach(cc -> cc.path("coding")
                                    .forEach(c -> ((ObjectNode) c).put("code", "neglect")));
                            return true;
                        }));
        m.put("isg-bdl-6", b -> "referral-outcome".equals(event(b)) && removeEntries(b, "Task"));
        m.put("isg-bdl-7", b -> "information-request".equals(event(b)) && removeEntries(b, "Patient"));
        m.put("isg-bdl-8", b -> "information-response".equals(event(b)) && removeEntries(b, "Communication"));
        m.put("isg-bdl-9", b -> {
            ((ObjectNode) b.path("entry").path(0).path("resource").path("eventCoding")).put("code", "acknowledgement");
            return true;
        });
        m.put(
                "isg-bdl-10",
                b -> Set.of("safeguarding-referral", "police-notification").contains(event(b))
                        && resources(b, "ServiceRequest").stream().allMatch(r -> r.remove("requester") != null));
        m.put(
                "isg-bdl-11",
                b -> "police-notification".equals(event(b))
                        && resources(b, "ServiceRequest").stream()
                                .allMatch(r -> removeExtension(r, ISG + "StructureDefinition/police-incident")));
        m.put(
                "isg-bdl-12",
                b -> "referral-withdrawal".equals(event(b))
                        && resources(b, "ServiceRequest").stream()
                                .allMatch(r -> removeExtension(r, ISG + "StructureDefinition/withdrawal-reason")));
        m.put("isg-sr-1", b -> identifierValue(b, "ServiceRequest", "urn:ietf:rfc:3986", "urn:x-not-uuid"));
        m.put("isg-irq-1", b -> identifierValue(b, "CommunicationRequest", "urn:ietf:rfc:3986", "urn:x-not-uuid"));
        m.put("isg-irs-1", b -> identifierValue(b, "Communication", "urn:ietf:rfc:3986", "urn:x-not-uuid"));
        m.put("isg-irs-2", b -> basedOnIdentifier(b, "Communication"));
        m.put("isg-out-1", b -> basedOnIdentifier(b, "Task"));
        m.put(
                "isg-out-2",
                b -> resources(b, "Task").stream()
                                .anyMatch(
                                        t -> t.path("businessStatus").toString().contains("\"declined\""))
                        && resources(b, "Task").stream().allMatch(t -> t.remove("statusReason") != null));
        m.put(
                "isg-out-3",
                b -> resources(b, "Task").stream()
                                .anyMatch(
                                        t -> t.path("businessStatus").toString().contains("\"transferred\""))
                        && resources(b, "Task").stream()
                                .allMatch(t -> removeExtension(t, ISG + "StructureDefinition/transfer-destination")));
        m.put("isg-org-1", b -> {
            List<ObjectNode> orgs = resources(b, "Organization");
            if (orgs.isEmpty()) {
                return false;
            }
            orgs.get(0).withArray("identifier").forEach(i -> ((ObjectNode) i).put("system", "urn:x-other"));
            return true;
        });
        m.put("isg-org-2", b -> identifierValue(b, "Organization", "urn:interchange:school-urn", "12345"));
        m.put("isg-pat-1", b -> identifierValue(b, "Patient", "https://fhir.nhs.uk/Id/nhs-number", "9434765918"));
        m.put("isg-pat-2", b -> resources(b, "Patient").stream().anyMatch(p -> {
            for (JsonNode id : p.path("identifier")) {
                if ("https://fhir.nhs.uk/Id/nhs-number".equals(id.path("system").asText())) {
                    p.withArray("identifier").add(((ObjectNode) id.deepCopy()).put("value", "9876543210"));
                    return true;
                }
            }
            return false;
        }));
        m.put("isg-adr-1", b -> {
            boolean changed = false;
            for (JsonNode e : b.withArray("entry")) {
                for (JsonNode a : e.path("resource").path("address")) {
                    if (a.has("postalCode")) {
                        ((ObjectNode) a).put("postalCode", "sp10 1ab");
                        changed = true;
                    }
                }
            }
            return changed;
        });
        m.put(
                "isg-sch-1",
                b -> extensionValue(
                        b, ISG + "StructureDefinition/child-school", e -> ((ObjectNode) e.get("valueIdentifier"))
                                .put("value", "12")));
        m.put(
                "isg-trf-1",
                b -> extensionValue(b, ISG + "StructureDefinition/transfer-destination", e -> ((ObjectNode)
                                e.get("valueIdentifier"))
                        .put("value", "12")));
        m.put("isg-law-1", b -> codeOther(b, ISG + "StructureDefinition/lawful-basis"));
        m.put("isg-cav-1", b -> codeOther(b, ISG + "StructureDefinition/handling-caveat"));
        m.put(
                "isg-cor-1",
                b -> subExtension(b, ISG + "StructureDefinition/correlation", "relation", "valueCode", "bogus"));
        m.put(
                "isg-cor-2",
                b -> extensionValue(b, ISG + "StructureDefinition/correlation", ext -> extensions(ext, "target")
                        .forEach(t -> ((ObjectNode) t.get("valueIdentifier")).put("value", "not a uuid"))));
        m.put(
                "isg-pin-1",
                b -> subExtension(
                        b, ISG + "StructureDefinition/police-incident", "incidentType", "valueCode", "bogus"));
        m.put(
                "isg-wdr-1",
                b -> extensionValue(
                        b, ISG + "StructureDefinition/withdrawal-reason", e -> e.put("valueCode", "bogus")));
    }
}
