package uk.safeguarding.interchange.intake.fhir.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * A fast, sound pre-check of message Bundles against the interchange profiles, compiled at start-up from the
 * snapshot StructureDefinitions (our profiles and the FHIR core definitions they constrain) of the same offline
 * support chain the full HAPI validator uses.
 *
 * <p>Contract: {@link #verdict} answers {@link Verdict#ACCEPT} only when every element of the Bundle is covered
 * by a rule it models (cardinality, types, fixed and pattern values, required bindings expanded at compile time,
 * codes of known code systems, primitive formats, references resolved inside the Bundle, invariants with a Java
 * implementation keyed by their exact FHIRPath text) and every such rule holds: HAPI's full validator would then
 * report no error. {@link Verdict#REJECT} means it found a definite error. Anything it does not model (contained
 * resources, narrative, modifier extensions, unknown extensions or profiles, an invariant without an
 * implementation on an element that occurs, references it cannot resolve, …) gives {@link Verdict#DEFER}. A
 * profile edit that adds an invariant it does not know therefore makes affected messages DEFER (slower, never
 * weaker); {@link #unimplementedInvariants()} lists them and a test keeps our own profiles' list empty.
 *
 * <p>{@link ProfileValidator} calls HAPI on REJECT and DEFER, so rejections keep HAPI's messages; the
 * differential test {@code FastProfileValidatorDifferentialTest} checks ACCEPT ⇒ HAPI valid and REJECT ⇒ HAPI
 * invalid over the examples and systematic mutations of them. Immutable after construction and thread-safe.
 */
public final class FastProfileValidator {
    /** What the fast path concluded. */
    public enum Verdict {
        /** Everything was checked and holds: the full validator would find no error. */
        ACCEPT,
        /** A definite error: the full validator will reject it too (and says why). */
        REJECT,
        /** Something the fast path does not model: ask the full validator. */
        DEFER
    }

    /**
     * A verdict and the first reason for it (element path and rule, never a value from the message).
     *
     * @param verdict the verdict
     * @param reason why, for tests and diagnostics; empty on ACCEPT
     */
    public record Result(Verdict verdict, String reason) {}

    static final String CORE = "http://hl7.org/fhir/StructureDefinition/";
    /** Entry resource types with no interchange profile that the fast path still models (FHIR core rules). */
    static final List<String> CORE_ENTRY_TYPES = List.of("DocumentReference");

    private static final int MAX_CACHED_CODES = 1024;

    private final IValidationSupport support;
    private final ValidationSupportContext supportContext;
    private final Lock supportLock;
    private final Map<String, Node> profiles = new HashMap<>();
    private final Map<String, String> profileType = new HashMap<>();
    private final Map<String, String> extensionContexts = new HashMap<>();
    private final Map<String, Map<String, String>> codeSystems = new HashMap<>();
    private final Map<String, Binding> bindings = new HashMap<>();
    private final Set<String> unimplemented = new TreeSet<>();
    private final Map<String, Boolean> validatedCodes = new ConcurrentHashMap<>();
    private final Node bundleRoot;
    private final Set<String> resourceTypes;

    /**
     * Compiles the validator from the support chain's snapshots of our profiles.
     *
     * @param supportLock held while a verdict asks the support chain (a code of a required binding that could not
     *     be expanded), so the chain's owner can release its definitions in between ({@link ProfileValidator})
     * @throws IllegalStateException if a profile cannot be snapshotted or compiled
     */
    FastProfileValidator(
            FhirContext context, IValidationSupport support, ConformanceResources resources, Lock supportLock) {
        this.support = Objects.requireNonNull(support);
        this.supportLock = Objects.requireNonNull(supportLock);
        this.supportContext = new ValidationSupportContext(support);
        this.resourceTypes = Set.copyOf(context.getResourceTypes());
        for (CodeSystem cs : resources.codeSystems()) {
            if (cs.getContent() == CodeSystem.CodeSystemContentMode.COMPLETE) {
                Map<String, String> codes = new HashMap<>();
                collect(cs.getConcept(), codes);
                codeSystems.put(cs.getUrl(), codes);
            }
        }
        for (StructureDefinition sd : resources.structureDefinitions()) {
            compile(sd.getUrl());
        }
        this.bundleRoot = compile(ConformanceResources.MESSAGE_BUNDLE_PROFILE);
        // Entries of types without an interchange profile are validated against FHIR core: those we expect.
        for (String type : CORE_ENTRY_TYPES) {
            compile(CORE + type);
        }
        for (Node root : profiles.values()) {
            for (Node node : allNodes(root)) {
                node.targetTypes = targetTypes(node);
            }
        }
    }

    /** The resource types a reference element's target profiles allow (by the compiled profiles' types). */
    private Set<String> targetTypes(Node node) {
        Set<String> types = new HashSet<>();
        for (String tp : node.targetProfiles) {
            String t = profileType.get(tp);
            types.add(t != null ? t : tp.startsWith(CORE) ? tp.substring(CORE.length()) : tp);
        }
        return Set.copyOf(types);
    }

    private static void collect(List<CodeSystem.ConceptDefinitionComponent> concepts, Map<String, String> codes) {
        for (CodeSystem.ConceptDefinitionComponent c : concepts) {
            codes.put(c.getCode(), c.getDisplay());
            collect(c.getConcept(), codes);
        }
    }

    /** The constraint keys (with their paths) whose FHIRPath has no Java implementation: instances DEFER there. */
    public Set<String> unimplementedInvariants() {
        return Set.copyOf(unimplemented);
    }

    /** The compiled root of a definition, or null (for the differential test's mutation generator). */
    Node root(String url) {
        return profiles.get(url);
    }

    /** The canonical URLs of every definition compiled (profiles, extensions, core types reached). */
    Set<String> compiledProfiles() {
        return Set.copyOf(profiles.keySet());
    }

    // ------------------------------------------------------------------------------------------------ compile

    /** One element of a snapshot, with what the fast path checks on it. */
    static final class Node {
        final String path;
        final String name;
        int min;
        int max;
        final List<String> types = new ArrayList<>();
        final Map<String, List<String>> profiles = new HashMap<>();
        final List<String> targetProfiles = new ArrayList<>();
        /** The resource types {@link #targetProfiles} allow: set once every definition is compiled. */
        Set<String> targetTypes = Set.of();

        Base fixed;
        Base pattern;
        Binding binding;
        final List<Invariants.Check> invariants = new ArrayList<>();
        final List<String> deferKeys = new ArrayList<>();
        final Map<String, Node> children = new LinkedHashMap<>();
        Slicing slicing;
        String deferAlways;
        final List<Node> rawSlices = new ArrayList<>();
        String sliceName;
        /** How to read this node's children from each model class met so far (filled at run time). */
        private final Map<Class<?>, Layout> layouts = new ConcurrentHashMap<>();

        Node(String path) {
            this.path = path;
            this.name = path.substring(path.lastIndexOf('.') + 1);
        }

        boolean isChoice() {
            return name.endsWith("[x]");
        }

        /** How to read this node's children from values of a model class, or null if the class cannot be read so. */
        Layout layout(Class<? extends Base> type) {
            Layout layout = layouts.computeIfAbsent(type, t -> Layout.of(this, ModelElements.of(t)));
            return layout == Layout.UNREADABLE ? null : layout;
        }
    }

    /** Reads one element of a model value, by the name {@link Base#getProperty} knows it by. */
    record Accessor(String name, String property) {
        private static final Base[] NONE = new Base[0];

        Base[] read(Base value) {
            return property == null ? NONE : ModelElements.values(value, property);
        }
    }

    /**
     * How to read a node's children from values of one model class: {@code accessors[i]} reads {@code slots[i]}
     * for each child of the node (in its order; an accessor without a property when the class lacks the element),
     * then come the class's elements the node does not define.
     */
    record Layout(Node[] slots, Accessor[] accessors) {
        static final Layout UNREADABLE = new Layout(new Node[0], new Accessor[0]);

        static Layout of(Node node, Map<String, String> elements) {
            if (elements == null) {
                return UNREADABLE;
            }
            List<Accessor> accessors = new ArrayList<>();
            for (Node child : node.children.values()) {
                accessors.add(new Accessor(child.name, elements.get(child.name)));
            }
            elements.forEach((name, property) -> {
                if (!node.children.containsKey(name)) {
                    accessors.add(new Accessor(name, property));
                }
            });
            return new Layout(node.children.values().toArray(Node[]::new), accessors.toArray(Accessor[]::new));
        }
    }

    enum SliceKind {
        EXTENSION_URL,
        RESOURCE_TYPE,
        UNSUPPORTED
    }

    record Slice(String name, String key, Node node) {}

    record Slicing(SliceKind kind, boolean closed, List<Slice> slices) {}

    /** A binding's value set: expanded once (system|code and bare codes), or checked through the support chain. */
    record Binding(
            String system,
            String valueSet,
            boolean required,
            boolean extensible,
            boolean expanded,
            Set<String> systemCodes,
            Set<String> codes,
            Map<String, String> displays) {}

    private Node compile(String url) {
        Node existing = profiles.get(url);
        if (existing != null) {
            return existing;
        }
        StructureDefinition sd = snapshot(url);
        List<ElementDefinition> elements = sd.getSnapshot().getElement();
        Map<String, Node> byId = new HashMap<>();
        Node root = null;
        for (ElementDefinition ed : elements) {
            String id = ed.hasId() ? ed.getId() : ed.getPath();
            Node node = new Node(ed.getPath());
            fill(node, ed, url);
            byId.put(id, node);
            int dot = id.lastIndexOf('.');
            if (dot < 0) {
                root = node;
                continue;
            }
            String parentId = id.substring(0, dot);
            String last = id.substring(dot + 1);
            Node parent = byId.get(parentId);
            if (parent == null) {
                throw new IllegalStateException("Snapshot of " + url + " has " + id + " before its parent");
            }
            int colon = last.indexOf(':');
            if (colon >= 0) {
                Node sliced = parent.children.get(last.substring(0, colon));
                if (sliced == null) {
                    throw new IllegalStateException("Snapshot of " + url + " slices an unknown element " + id);
                }
                node.sliceName = last.substring(colon + 1);
                sliced.rawSlices.add(node);
            } else {
                parent.children.put(last, node);
            }
            // ElementDefinition.slicing is read in fill(); slices resolved below once children are known.
            node.slicing = ed.hasSlicing() ? new Slicing(slicingKind(ed), closed(ed), List.of()) : null;
        }
        if (root == null) {
            throw new IllegalStateException("Empty snapshot of " + url);
        }
        profiles.put(url, root);
        profileType.put(url, sd.getType());
        if ("Extension".equals(sd.getType())
                && sd.getDerivation() == StructureDefinition.TypeDerivationRule.CONSTRAINT) {
            extensionContexts.put(
                    url,
                    sd.getContext().size() == 1
                                    && sd.getContextFirstRep().getType()
                                            == StructureDefinition.ExtensionContextType.ELEMENT
                            ? sd.getContextFirstRep().getExpression()
                            : "");
        }
        resolveSlices(root);
        // Reach every type and profile the definition uses, so run time never compiles.
        for (Node node : allNodes(root)) {
            for (String type : node.types) {
                if (!type.startsWith("http://") && !isResourceType(type)) {
                    compile(CORE + type);
                }
            }
            node.profiles.values().forEach(list -> list.forEach(this::compile));
        }
        return root;
    }

    private boolean isResourceType(String type) {
        return "Resource".equals(type) || "DomainResource".equals(type) || resourceTypes.contains(type);
    }

    private StructureDefinition snapshot(String url) {
        IBaseResource fetched = support.fetchStructureDefinition(url);
        if (!(fetched instanceof StructureDefinition sd)) {
            throw new IllegalStateException("No StructureDefinition " + url + " in the support chain");
        }
        if (sd.hasSnapshot()) {
            return sd;
        }
        StructureDefinition copy = sd.copy();
        IBaseResource generated = support.generateSnapshot(supportContext, copy, url, null, sd.getName());
        StructureDefinition result = generated instanceof StructureDefinition g ? g : copy;
        if (!result.hasSnapshot()) {
            throw new IllegalStateException("No snapshot for " + url);
        }
        return result;
    }

    private void fill(Node node, ElementDefinition ed, String url) {
        node.min = ed.getMin();
        node.max = "*".equals(ed.getMax()) ? Integer.MAX_VALUE : Integer.parseInt(ed.getMax());
        for (ElementDefinition.TypeRefComponent t : ed.getType()) {
            node.types.add(t.getCode());
            if (t.hasProfile()) {
                node.profiles.put(
                        t.getCode(),
                        t.getProfile().stream().map(p -> p.getValue()).toList());
            }
            t.getTargetProfile().forEach(p -> node.targetProfiles.add(p.getValue()));
        }
        node.fixed = ed.hasFixed() ? ed.getFixed() : null;
        node.pattern = ed.hasPattern() ? ed.getPattern() : null;
        if (ed.hasBinding() && ed.getBinding().hasValueSet()) {
            var strength = ed.getBinding().getStrength();
            node.binding = binding(
                    ed.getBinding().getValueSet(),
                    strength == org.hl7.fhir.r4.model.Enumerations.BindingStrength.REQUIRED,
                    strength == org.hl7.fhir.r4.model.Enumerations.BindingStrength.EXTENSIBLE);
            if (ed.getBinding().getExtension().stream()
                    .anyMatch(e ->
                            e.getUrl().contains("maxValueSet") || e.getUrl().contains("additional"))) {
                node.deferAlways = "binding with a maximum or additional value set";
            }
        }
        if (ed.hasMaxLength() || ed.hasMinValue() || ed.hasMaxValue()) {
            node.deferAlways = "maxLength, minValue or maxValue";
        }
        if (ed.getType().stream().anyMatch(t -> t.hasAggregation() || t.hasVersioning())) {
            node.deferAlways = "reference aggregation or versioning";
        }
        if (ed.hasSlicing() && ed.getSlicing().getOrdered()) {
            node.deferAlways = "ordered slicing";
        }
        for (ElementDefinition.ElementDefinitionConstraintComponent c : ed.getConstraint()) {
            if (c.getSeverity() != ElementDefinition.ConstraintSeverity.ERROR) {
                continue;
            }
            Invariants.Check check = Invariants.forExpression(c.getExpression());
            if (check != null) {
                node.invariants.add(Invariants.keyed(c.getKey(), check));
            } else {
                node.deferKeys.add(c.getKey());
                unimplemented.add(c.getKey() + " @ " + ed.getPath() + " (" + url + ") " + c.getExpression());
            }
        }
    }

    private static SliceKind slicingKind(ElementDefinition ed) {
        List<ElementDefinition.ElementDefinitionSlicingDiscriminatorComponent> d =
                ed.getSlicing().getDiscriminator();
        if (d.size() == 1) {
            var type = d.get(0).getType();
            String path = d.get(0).getPath();
            if (type == ElementDefinition.DiscriminatorType.VALUE && "url".equals(path)) {
                return SliceKind.EXTENSION_URL;
            }
            if (type == ElementDefinition.DiscriminatorType.TYPE && "resource".equals(path)) {
                return SliceKind.RESOURCE_TYPE;
            }
        }
        return SliceKind.UNSUPPORTED;
    }

    private static boolean closed(ElementDefinition ed) {
        return ed.getSlicing().getRules() == ElementDefinition.SlicingRules.CLOSED;
    }

    private void resolveSlices(Node node) {
        for (Node child : node.children.values()) {
            resolveSlices(child);
        }
        for (Node slice : node.rawSlices) {
            resolveSlices(slice);
            // A slice inherits the sliced element's children it does not constrain itself.
            for (var e : node.children.entrySet()) {
                slice.children.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        if (node.slicing == null) {
            if (!node.rawSlices.isEmpty()) {
                node.slicing = new Slicing(SliceKind.UNSUPPORTED, true, List.of());
            }
            return;
        }
        SliceKind kind = node.slicing.kind();
        List<Slice> slices = new ArrayList<>();
        for (Node slice : node.rawSlices) {
            String key =
                    switch (kind) {
                        case EXTENSION_URL -> extensionSliceUrl(slice);
                        case RESOURCE_TYPE -> {
                            Node resource = slice.children.get("resource");
                            yield resource != null && resource.types.size() == 1 ? resource.types.get(0) : null;
                        }
                        case UNSUPPORTED -> null;
                    };
            if (key == null) {
                kind = SliceKind.UNSUPPORTED;
            }
            slices.add(new Slice(slice.sliceName, key, slice));
        }
        node.slicing = new Slicing(kind, node.slicing.closed(), List.copyOf(slices));
    }

    private static String extensionSliceUrl(Node slice) {
        Node url = slice.children.get("url");
        if (url != null && url.fixed instanceof PrimitiveType<?> p) {
            return p.getValueAsString();
        }
        List<String> profiles = slice.profiles.get("Extension");
        return profiles != null && profiles.size() == 1 ? profiles.get(0) : null;
    }

    private static List<Node> allNodes(Node root) {
        List<Node> out = new ArrayList<>();
        List<Node> todo = new ArrayList<>(List.of(root));
        Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Node n = todo.remove(todo.size() - 1);
            if (!seen.add(n)) {
                continue;
            }
            out.add(n);
            todo.addAll(n.children.values());
            todo.addAll(n.rawSlices);
        }
        return out;
    }

    private Binding binding(String valueSetUrl, boolean required, boolean extensible) {
        Binding cached = bindings.get(valueSetUrl + required + extensible);
        if (cached != null) {
            return cached;
        }
        Set<String> systemCodes = new HashSet<>();
        Set<String> codes = new HashSet<>();
        Map<String, String> displays = new HashMap<>();
        boolean expanded = false;
        try {
            IValidationSupport.ValueSetExpansionOutcome outcome =
                    support.expandValueSet(supportContext, new ValueSetExpansionOptions(), valueSetUrl);
            if (outcome != null && outcome.getValueSet() instanceof ValueSet vs && outcome.getError() == null) {
                expanded = vs.getExpansion().getContains().stream().allMatch(c -> !c.hasContains());
                for (ValueSet.ValueSetExpansionContainsComponent c :
                        vs.getExpansion().getContains()) {
                    if (!c.hasSystem() || !c.hasCode() || c.getAbstract() || c.getInactive()) {
                        expanded = false;
                        continue;
                    }
                    systemCodes.add(c.getSystem() + "|" + c.getCode());
                    codes.add(c.getCode());
                    displays.put(c.getSystem() + "|" + c.getCode(), c.getDisplay());
                }
                expanded &= !systemCodes.isEmpty();
            }
        } catch (RuntimeException e) {
            expanded = false;
        }
        String system = null;
        IBaseResource vsResource = support.fetchValueSet(valueSetUrl);
        if (vsResource instanceof ValueSet vsDef
                && vsDef.getCompose().getInclude().size() == 1
                && !vsDef.getCompose().hasExclude()) {
            system = vsDef.getCompose().getIncludeFirstRep().getSystem();
        }
        Binding b = new Binding(
                system,
                valueSetUrl,
                required,
                extensible,
                expanded,
                Set.copyOf(systemCodes),
                Set.copyOf(codes),
                displays);
        bindings.put(valueSetUrl + required + extensible, b);
        return b;
    }

    // ------------------------------------------------------------------------------------------------ verdict

    /** Checks a message Bundle against the interchange message Bundle profile. Thread-safe. */
    public Result verdict(Bundle bundle) {
        Walk walk = new Walk(bundle);
        try {
            walk.run();
        } catch (Stop stop) {
            // first REJECT stops the walk
        } catch (RuntimeException e) {
            return new Result(Verdict.DEFER, "internal: " + e.getClass().getSimpleName());
        }
        if (walk.rejectReason != null) {
            return new Result(Verdict.REJECT, walk.rejectReason);
        }
        if (walk.deferReason != null) {
            return new Result(Verdict.DEFER, walk.deferReason);
        }
        return new Result(Verdict.ACCEPT, "");
    }

    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    /** The state of one verdict: the Bundle's entries by fullUrl and the first reason found. */
    final class Walk implements Invariants.Context {
        final Bundle bundle;
        final Map<String, Resource> byFullUrl = new HashMap<>();
        final Map<Resource, String> profileOf = new java.util.IdentityHashMap<>();
        final Map<Resource, List<String>> referencesFrom = new java.util.IdentityHashMap<>();
        Resource currentResource;
        String rejectReason;
        String deferReason;

        Walk(Bundle bundle) {
            this.bundle = bundle;
        }

        @Override
        public Bundle bundle() {
            return bundle;
        }

        void reject(String path, String why) {
            rejectReason = path + ": " + why;
            throw new Stop();
        }

        void defer(String path, String why) {
            if (deferReason == null) {
                deferReason = path + ": " + why;
            } else if (deferReason.length() < 2000 && !deferReason.contains(path + ": " + why)) {
                deferReason = deferReason + "; " + path + ": " + why;
            }
        }

        void run() {
            for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
                if (e.hasFullUrl() && e.getResource() != null) {
                    if (byFullUrl.putIfAbsent(e.getFullUrl(), e.getResource()) != null) {
                        defer("Bundle.entry.fullUrl", "duplicate fullUrl");
                    }
                }
            }
            if (!bundle.getMeta().getProfile().stream()
                    .allMatch(p -> ConformanceResources.MESSAGE_BUNDLE_PROFILE.equals(p.getValue()))) {
                defer("Bundle.meta.profile", "other profile");
            }
            resource(bundleRoot, bundle, "Bundle", ConformanceResources.MESSAGE_BUNDLE_PROFILE);
            reachability();
        }

        /** HAPI reports message entries not reachable from the MessageHeader: defer on those. */
        private void reachability() {
            List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
            if (entries.isEmpty() || entries.get(0).getResource() == null) {
                return;
            }
            Set<Resource> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            List<Resource> todo = new ArrayList<>(List.of(entries.get(0).getResource()));
            while (!todo.isEmpty()) {
                Resource r = todo.remove(todo.size() - 1);
                if (!seen.add(r)) {
                    continue;
                }
                for (String ref : referencesFrom.getOrDefault(r, List.of())) {
                    Resource target = byFullUrl.get(ref);
                    if (target != null) {
                        todo.add(target);
                    }
                }
            }
            for (Bundle.BundleEntryComponent e : entries) {
                if (e.getResource() != null && !seen.contains(e.getResource())) {
                    defer("Bundle.entry", "entry not reachable from the MessageHeader");
                }
            }
        }

        private void resource(Node root, Resource resource, String path, String profileUrl) {
            Resource outer = currentResource;
            currentResource = resource;
            profileOf.put(resource, profileUrl);
            if (resource.getMeta().hasProfile()
                    && !resource.getMeta().getProfile().stream().allMatch(p -> profileUrl.equals(p.getValue()))) {
                defer(path + ".meta.profile", "declares another profile");
            }
            if (resource instanceof DomainResource dr) {
                if (dr.hasText()) {
                    defer(path + ".text", "narrative");
                }
                if (dr.hasContained()) {
                    defer(path + ".contained", "contained resources");
                }
            }
            if (resource != bundle
                    && resource.hasIdElement()
                    && !resource.getIdElement().isEmpty()
                    && !urnId(resource)) {
                defer(path + ".id", "entry resource with an id");
            }
            complex(root, resource, path);
            currentResource = outer;
        }

        /** HAPI's parser gives an entry resource its urn:uuid fullUrl as id, and its encoder leaves it out. */
        private boolean urnId(Resource resource) {
            String id = resource.getIdElement().getValue();
            return id != null && id.startsWith("urn:uuid:") && byFullUrl.get(id) == resource;
        }

        /** Validates the children of a complex value against a node that has them (or its type's definition). */
        private void complex(Node node, Base value, String path) {
            invariants(node, value, path);
            Layout layout = node.layout(value.getClass());
            if (layout == null) {
                defer(path, "element layout not modelled");
                return;
            }
            List<Base>[] present = presentValues(layout, value, path);
            boolean nothingButId = true;
            for (int i = 0; i < present.length; i++) {
                if (!present[i].isEmpty()) {
                    nothingButId &= "id".equals(layout.accessors[i].name());
                    if (i >= layout.slots.length) {
                        defer(path + "." + layout.accessors[i].name(), "element not in the definition");
                    }
                }
            }
            if (!(value instanceof Resource) && nothingButId) {
                defer(path, "element with nothing but an id (ele-1)");
            }
            for (int i = 0; i < layout.slots.length; i++) {
                Node child = layout.slots[i];
                List<Base> values = present[i];
                if (values.size() < child.min) {
                    reject(path + "." + child.name, "minimum cardinality " + child.min);
                }
                if (values.size() > child.max) {
                    reject(path + "." + child.name, "maximum cardinality " + child.max);
                }
                if (values.isEmpty()) {
                    continue;
                }
                String childPath = path + "." + child.name;
                switch (child.name) {
                    case "modifierExtension" -> defer(childPath, "modifier extension");
                    case "contained", "text" -> {
                        if (value instanceof DomainResource) {
                            defer(childPath, "contained or narrative");
                            continue;
                        }
                    }
                    default -> {}
                }
                if (child.slicing != null) {
                    sliced(child, values, childPath);
                } else if ("extension".equals(child.name)) {
                    for (Base v : values) {
                        genericExtension((Extension) v, childPath, path);
                    }
                } else {
                    for (Base v : values) {
                        value(child, v, childPath);
                    }
                }
            }
        }

        /**
         * The values of each of the layout's elements that count as present (not empty, which HAPI's encoder
         * drops). An extension with neither value nor extensions is kept or dropped depending on where it is: not
         * counted, and the verdict defers. A Bundle entry resource's id taken from its urn:uuid fullUrl (which the
         * encoder leaves out) does not count either.
         */
        private List<Base>[] presentValues(Layout layout, Base value, String path) {
            @SuppressWarnings("unchecked")
            List<Base>[] present = new List[layout.accessors.length];
            for (int i = 0; i < present.length; i++) {
                Accessor accessor = layout.accessors[i];
                Base[] raw = accessor.read(value);
                List<Base> values = List.of();
                for (Base b : raw) {
                    if (b instanceof Extension x && !x.hasValue() && !x.hasExtension()) {
                        defer(path + "." + accessor.name(), "extension without value or extensions");
                    } else if (b != null && !b.isEmpty()) {
                        if (values.isEmpty()) {
                            values = new ArrayList<>(raw.length);
                        }
                        values.add(b);
                    }
                }
                if ("id".equals(accessor.name()) && value instanceof Resource r && r != bundle && urnId(r)) {
                    values = List.of();
                }
                present[i] = values;
            }
            return present;
        }

        private void sliced(Node child, List<Base> values, String path) {
            Slicing slicing = child.slicing;
            if (slicing.kind() == SliceKind.UNSUPPORTED) {
                defer(path, "slicing not modelled");
                return;
            }
            int[] counts = new int[slicing.slices().size()];
            for (Base v : values) {
                String key =
                        switch (slicing.kind()) {
                            case EXTENSION_URL -> v instanceof Extension ext ? ext.getUrl() : null;
                            case RESOURCE_TYPE ->
                                v instanceof Bundle.BundleEntryComponent e && e.getResource() != null
                                        ? e.getResource().fhirType()
                                        : null;
                            case UNSUPPORTED -> null;
                        };
                int match = -1;
                for (int i = 0; i < counts.length; i++) {
                    if (slicing.slices().get(i).key().equals(key)) {
                        if (match >= 0) {
                            defer(path, "matches two slices");
                        }
                        match = i;
                    }
                }
                if (match < 0) {
                    if (slicing.closed()) {
                        reject(path, "no slice matches (closed slicing)");
                    }
                    if (slicing.kind() == SliceKind.EXTENSION_URL && v instanceof Extension ext) {
                        genericExtension(ext, path, path.substring(0, path.lastIndexOf('.')));
                    } else {
                        value(child, v, path);
                    }
                    continue;
                }
                counts[match]++;
                Slice slice = slicing.slices().get(match);
                value(slice.node(), v, path + ":" + slice.name());
            }
            for (int i = 0; i < counts.length; i++) {
                Node slice = slicing.slices().get(i).node();
                if (counts[i] < slice.min) {
                    reject(path + ":" + slice.sliceName, "minimum cardinality " + slice.min);
                }
                if (counts[i] > slice.max) {
                    reject(path + ":" + slice.sliceName, "maximum cardinality " + slice.max);
                }
            }
        }

        /** An extension not matched by a slice: validated against its own definition, if we have it. */
        private void genericExtension(Extension ext, String path, String ownerPath) {
            String url = ext.getUrl();
            Node definition = url == null ? null : profiles.get(url);
            if (definition == null || !extensionContexts.containsKey(url)) {
                if (url != null
                        && url.startsWith(ConformanceResources.CANONICAL_BASE + "/")
                        && !profiles.containsKey(url)) {
                    reject(path, "unknown interchange extension");
                }
                defer(path, "extension without a compiled definition");
                return;
            }
            String context = extensionContexts.get(url);
            if (!context.equals(ownerPath)) {
                defer(path, "extension context not modelled");
                return;
            }
            complex(definition, ext, path);
        }

        private void value(Node node, Base v, String path) {
            String type = v.fhirType();
            if (node.deferAlways != null) {
                defer(path, node.deferAlways);
            }
            if (v instanceof Resource r) {
                List<String> declared = node.profiles.get(type);
                if (declared != null && declared.size() != 1) {
                    defer(path, "several profiles for the resource");
                    return;
                }
                String profile = profileFor(node, type);
                if (profile == null) {
                    reject(path, "resource type not allowed");
                }
                Node root = profiles.get(profile);
                if (root == null) {
                    defer(path, "resource type without a compiled profile");
                    return;
                }
                resource(root, r, type, profile);
                return;
            }
            if (!node.children.isEmpty() && isBackbone(node)) {
                if (!node.deferKeys.isEmpty()) {
                    defer(path, "invariant " + node.deferKeys.get(0) + " not implemented");
                }
                fixedAndPattern(node, v, path);
                complex(node, v, path);
                return;
            }
            if (!allowsType(node, type)) {
                if (node.types.stream().anyMatch(t -> t.startsWith("http://hl7.org/fhirpath/System."))) {
                    systemTyped(node, v, path);
                    return;
                }
                reject(path, "type " + type + " not allowed");
            }
            if (!node.deferKeys.isEmpty()) {
                defer(path, "invariant " + node.deferKeys.get(0) + " not implemented");
            }
            fixedAndPattern(node, v, path);
            if (v instanceof PrimitiveType<?> p) {
                primitive(node, p, type, path);
                invariants(node, v, path);
                return;
            }
            Node content = node.children.isEmpty() ? typeRoot(node, type, path) : node;
            if (content == null) {
                return;
            }
            if (content != node) {
                if (!content.deferKeys.isEmpty()) {
                    defer(path, "invariant " + content.deferKeys.get(0) + " not implemented");
                }
                invariants(node, v, path);
            }
            if (content == node) {
                Node typeRoot = profiles.get(CORE + type);
                if (typeRoot == null) {
                    defer(path, "type without a compiled definition");
                } else if (typeRoot != node) {
                    if (!typeRoot.deferKeys.isEmpty()) {
                        defer(path, "invariant " + typeRoot.deferKeys.get(0) + " not implemented");
                    }
                    invariants(typeRoot, v, path);
                }
            }
            complex(content, v, path);
            if (node.binding != null
                    && node.binding.required()
                    && !(v instanceof Coding)
                    && !(v instanceof CodeableConcept)) {
                defer(path, "required binding on " + type);
            }
            if (v instanceof Coding c) {
                coding(node.binding, c, path);
            } else if (v instanceof CodeableConcept cc) {
                codeableConcept(node.binding, cc, path);
            } else if (v instanceof Reference ref) {
                reference(node, ref, path);
            }
        }

        private boolean isBackbone(Node node) {
            return node.types.isEmpty()
                    || node.types.contains("BackboneElement")
                    || (node.types.contains("Element") && node.types.size() == 1);
        }

        private Node typeRoot(Node node, String type, String path) {
            List<String> typeProfiles = node.profiles.get(type);
            String url = typeProfiles != null && typeProfiles.size() == 1 ? typeProfiles.get(0) : CORE + type;
            if (typeProfiles != null && typeProfiles.size() > 1) {
                defer(path, "several type profiles");
                return null;
            }
            Node root = profiles.get(url);
            if (root == null) {
                defer(path, "type without a compiled definition");
            }
            return root;
        }

        private void systemTyped(Node node, Base v, String path) {
            // Element.id and Extension.url: plain strings in the model.
            if (!(v instanceof PrimitiveType<?> p) || p.hasExtension()) {
                defer(path, "system-typed element");
                return;
            }
            String s = v instanceof org.hl7.fhir.r4.model.IdType id ? id.getIdPart() : p.getValueAsString();
            if ("id".equals(node.name)) {
                if (s == null || !Primitives.id(s)) {
                    defer(path, "element id format");
                }
            } else if ("url".equals(node.name)) {
                if (s == null || !Primitives.noWhitespace(s)) {
                    defer(path, "url format");
                }
            } else {
                defer(path, "system-typed element");
            }
            fixedAndPattern(node, v, path);
        }

        private String profileFor(Node node, String resourceType) {
            List<String> declared = node.profiles.get(resourceType);
            if (declared != null) {
                return declared.size() == 1 ? declared.get(0) : null;
            }
            if (node.types.contains(resourceType)
                    || node.types.contains("Resource")
                    || node.types.contains("DomainResource")) {
                return CORE + resourceType;
            }
            return null;
        }

        private boolean allowsType(Node node, String type) {
            if (node.types.contains(type)) {
                return true;
            }
            // The model reports Enumeration and CodeType both as "code"; "Element"-typed nodes are backbone.
            return false;
        }

        private void invariants(Node node, Base focus, String path) {
            for (Invariants.Check check : node.invariants) {
                Boolean ok;
                try {
                    ok = check.test(focus, this);
                } catch (Invariants.Undecided e) {
                    ok = null;
                }
                if (ok == null) {
                    defer(path, "invariant " + check.key() + " undecided");
                } else if (!ok) {
                    reject(path, "invariant " + check.key());
                }
            }
        }

        private void fixedAndPattern(Node node, Base v, String path) {
            if (node.fixed != null && !node.fixed.equalsDeep(v)) {
                if (node.fixed instanceof PrimitiveType<?> f && v instanceof PrimitiveType<?> p) {
                    if (!Objects.equals(f.getValueAsString(), p.getValueAsString())) {
                        reject(path, "fixed value");
                    }
                    if (p.hasExtension() || p.hasId()) {
                        defer(path, "fixed primitive with extensions");
                    }
                } else {
                    reject(path, "fixed value");
                }
            }
            if (node.pattern != null && !Patterns.matches(node.pattern, v)) {
                reject(path, "pattern value");
            }
        }

        private void primitive(Node node, PrimitiveType<?> p, String type, String path) {
            if (p.hasExtension() || p.hasId()) {
                defer(path, "primitive with id or extensions");
            }
            // The model holds base64Binary as bytes, always valid once encoded: not encoded here (a copy of the data).
            String s = p instanceof Base64BinaryType b64 ? (b64.getValue() == null ? null : "") : p.getValueAsString();
            if (s == null) {
                defer(path, "primitive without a value");
                return;
            }
            Primitives.Outcome format = "canonical".equals(type)
                    ? (profiles.containsKey(s) ? Primitives.Outcome.OK : Primitives.Outcome.UNKNOWN)
                    : Primitives.check(type, s);
            switch (format) {
                case OK -> {}
                case INVALID -> reject(path, "format of " + type);
                case UNKNOWN -> defer(path, "format of " + type + " not modelled");
            }
            Binding b = node.binding;
            if (b != null && b.required() && ("code".equals(type))) {
                if (b.expanded()) {
                    if (!b.codes().contains(s)) {
                        reject(path, "code not in required value set " + b.valueSet());
                    }
                } else if ((b.system() == null || !validatedThroughChain(b.valueSet(), b.system(), s))) {
                    defer(path, "code not confirmed in " + b.valueSet());
                }
            } else if (b != null && b.required()) {
                defer(path, "required binding on " + type);
            }
        }

        private boolean validatedThroughChain(String valueSet, String system, String code) {
            String key = valueSet + "|" + system + "|" + code;
            Boolean known = validatedCodes.get(key);
            if (known != null) {
                return known;
            }
            boolean ok;
            supportLock.lock();
            try {
                IValidationSupport.CodeValidationResult r = support.validateCode(
                        supportContext, new ConceptValidationOptions(), system, code, null, valueSet);
                ok = r != null && r.isOk() && r.getSeverity() == null;
            } catch (RuntimeException e) {
                ok = false;
            } finally {
                supportLock.unlock();
            }
            if (ok && validatedCodes.size() < MAX_CACHED_CODES) {
                validatedCodes.put(key, true);
            }
            return ok;
        }

        /** Codes of our code systems must exist; codes under a binding must be in its expansion. */
        private CodeOutcome codeOutcome(Binding b, Coding c) {
            String system = c.getSystem();
            String code = c.getCode();
            if (system == null || code == null || c.hasVersion() || c.hasUserSelected()) {
                return CodeOutcome.UNKNOWN;
            }
            Map<String, String> ours = codeSystems.get(system);
            if (ours != null) {
                if (!ours.containsKey(code)) {
                    return CodeOutcome.NOT_IN_SYSTEM;
                }
                if (c.hasDisplay() && !c.getDisplay().equals(ours.get(code))) {
                    return CodeOutcome.UNKNOWN;
                }
                if (b != null
                        && b.extensible()
                        && !(b.expanded() && b.systemCodes().contains(system + "|" + code))) {
                    return CodeOutcome.UNKNOWN;
                }
                if (b != null
                        && b.required()
                        && b.expanded()
                        && !b.systemCodes().contains(system + "|" + code)) {
                    return CodeOutcome.NOT_IN_VALUE_SET;
                }
                return b != null && b.required() && !b.expanded() ? CodeOutcome.UNKNOWN : CodeOutcome.OK;
            }
            if (b != null && b.expanded()) {
                String key = system + "|" + code;
                if (b.systemCodes().contains(key)) {
                    return c.hasDisplay() && !c.getDisplay().equals(b.displays().get(key))
                            ? CodeOutcome.UNKNOWN
                            : CodeOutcome.OK;
                }
                return CodeOutcome.NOT_IN_VALUE_SET;
            }
            return CodeOutcome.UNKNOWN;
        }

        private void coding(Binding b, Coding c, String path) {
            CodeOutcome o = codeOutcome(b, c);
            switch (o) {
                case OK -> {}
                case NOT_IN_SYSTEM -> reject(path, "code not in its code system");
                case NOT_IN_VALUE_SET -> {
                    if (b != null && b.required()) {
                        reject(path, "code not in required value set " + b.valueSet());
                    }
                    defer(path, "code outside a non-required value set");
                }
                case UNKNOWN -> defer(path, "code not confirmed");
            }
        }

        private void codeableConcept(Binding b, CodeableConcept cc, String path) {
            boolean anyInValueSet = false;
            for (Coding c : cc.getCoding()) {
                CodeOutcome o = codeOutcome(b, c);
                switch (o) {
                    case OK -> anyInValueSet = true;
                    case NOT_IN_SYSTEM -> reject(path + ".coding", "code not in its code system");
                    case NOT_IN_VALUE_SET, UNKNOWN -> defer(path + ".coding", "code not confirmed");
                }
            }
            if (b != null && b.required()) {
                if (!cc.hasCoding()) {
                    defer(path, "required binding with text only");
                } else if (!anyInValueSet && b.expanded()) {
                    boolean allDecided =
                            cc.getCoding().stream().allMatch(c -> codeOutcome(b, c) == CodeOutcome.NOT_IN_VALUE_SET);
                    if (allDecided) {
                        reject(path, "no coding in required value set " + b.valueSet());
                    }
                }
            }
        }

        private void reference(Node node, Reference ref, String path) {
            if (ref.hasType()) {
                String t = ref.getType();
                if (!node.targetTypes.contains(t) && !node.targetTypes.contains("Resource")) {
                    defer(path + ".type", "reference type not among targets");
                }
            }
            if (!ref.hasReference()) {
                return;
            }
            String target = ref.getReference();
            if (currentResource != null && currentResource != bundle) {
                referencesFrom
                        .computeIfAbsent(currentResource, k -> new ArrayList<>())
                        .add(target);
            }
            if (!target.startsWith("urn:uuid:")) {
                defer(path, "reference not a urn:uuid");
                return;
            }
            Resource resolved = byFullUrl.get(target);
            if (resolved == null) {
                defer(path, "reference not resolved in the Bundle");
                return;
            }
            Set<String> allowed = node.targetTypes;
            String type = resolved.fhirType();
            if (ref.hasType() && !ref.getType().equals(type)) {
                defer(path, "reference type differs from target");
            }
            if (allowed.contains("Resource") || node.targetProfiles.isEmpty()) {
                return;
            }
            if (!allowed.contains(type)) {
                reject(path, "reference target type " + type + " not allowed");
            }
            boolean profileOk = false;
            for (String tp : node.targetProfiles) {
                if (tp.equals(CORE + type) || tp.equals(entryProfile(type))) {
                    profileOk = true;
                }
            }
            if (!profileOk) {
                defer(path, "reference target profile not established");
            }
        }

        /** The profile a Bundle entry of this resource type is validated against. */
        private String entryProfile(String type) {
            Node entry = bundleRoot.children.get("entry");
            if (entry != null && entry.slicing != null) {
                for (Slice s : entry.slicing.slices()) {
                    if (type.equals(s.key())) {
                        Node resource = s.node().children.get("resource");
                        List<String> p = resource == null ? null : resource.profiles.get(type);
                        return p != null && p.size() == 1 ? p.get(0) : null;
                    }
                }
            }
            return CORE + type;
        }
    }

    enum CodeOutcome {
        OK,
        NOT_IN_SYSTEM,
        NOT_IN_VALUE_SET,
        UNKNOWN
    }
}
