package uk.safeguarding.interchange.intake.fhir.validation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * Java implementations of the FHIRPath invariants of our profiles and of the FHIR core definitions they reach,
 * keyed by the exact expression text: a changed expression has no implementation and its elements DEFER.
 */
final class Invariants {
    /** What an implementation may read besides its focus. */
    interface Context {
        Bundle bundle();
    }

    /** One invariant: true holds, false broken, null undecided (the fast path defers). */
    interface Check {
        String key();

        Boolean test(Base focus, Context context);
    }

    private record Impl(String key, java.util.function.BiFunction<Base, Context, Boolean> f) implements Check {
        @Override
        public Boolean test(Base focus, Context context) {
            return f.apply(focus, context);
        }
    }

    /** Thrown by an implementation that meets a case it cannot decide: the fast path defers. */
    static final class Undecided extends RuntimeException {
        Undecided() {
            super(null, null, false, false);
        }
    }

    private static final Map<String, Check> BY_EXPRESSION = new HashMap<>();
    private static final Map<String, java.util.regex.Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    private Invariants() {}

    static Check forExpression(String expression) {
        return expression == null ? null : BY_EXPRESSION.get(expression);
    }

    /** The same implementation reported under the constraint key of the definition that uses it. */
    static Check keyed(String key, Check check) {
        return new Impl(key, check::test);
    }

    /** The expressions with an implementation (for the coverage test). */
    static java.util.Set<String> expressions() {
        return java.util.Set.copyOf(BY_EXPRESSION.keySet());
    }

    private static void add(String key, String expression, java.util.function.BiFunction<Base, Context, Boolean> f) {
        BY_EXPRESSION.put(expression, new Impl(key, f));
    }

    private static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    private static final Set<String> ORG_SYSTEMS = Set.of(
            "urn:interchange:school-urn",
            "urn:interchange:la-code",
            "urn:interchange:mash",
            "urn:interchange:police-force",
            "https://fhir.nhs.uk/Id/ods-organization-code",
            "urn:interchange:system-id",
            "urn:interchange:auditor-id");
    private static final String UCUM_RFC = "urn:ietf:rfc:3986";
    private static final String ISG = "https://interchange.safeguarding.uk/fhir/";
    private static final String POSTCODE = "^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$";

    /** FHIRPath matches(): null when Java's full match and find disagree (line terminators), so the caller defers. */
    static Boolean matches(String value, String regex) {
        if (value == null) {
            return null;
        }
        java.util.regex.Pattern p = PATTERNS.computeIfAbsent(regex, java.util.regex.Pattern::compile);
        boolean full = p.matcher(value).matches();
        boolean found = p.matcher(value).find();
        return full == found ? full : null;
    }

    private static Boolean and(Boolean a, Boolean b) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
            return false;
        }
        return a == null || b == null ? null : true;
    }

    private static int uuidIdentifiers(List<Identifier> identifiers) {
        int n = 0;
        for (Identifier i : identifiers) {
            if (UCUM_RFC.equals(i.getSystem())
                    && i.getValue() != null
                    && i.getValue().startsWith("urn:uuid:")) {
                n++;
            }
        }
        return n;
    }

    private static boolean basedOnUuid(List<Reference> basedOn) {
        return uuidIdentifiers(basedOn.stream()
                        .filter(Reference::hasIdentifier)
                        .map(Reference::getIdentifier)
                        .toList())
                > 0;
    }

    private static boolean codingIn(List<Coding> codings, String system, String code) {
        return codings.stream().anyMatch(c -> system.equals(c.getSystem()) && code.equals(c.getCode()));
    }

    /** All identifiers of the system satisfy the regex; null if one has no value or matching is ambiguous. */
    private static Boolean allValuesMatch(List<Identifier> ids, Set<String> systems, String regex) {
        Boolean all = true;
        for (Identifier i : ids) {
            if (i.getSystem() != null && systems.contains(i.getSystem())) {
                all = and(all, matches(i.getValue(), regex));
            }
        }
        return all;
    }

    /** The event code of the first entry's MessageHeader; "" when it has no eventCoding code; null if not a header. */
    private static String event(Bundle b) {
        if (!b.hasEntry() || !(b.getEntryFirstRep().getResource() instanceof MessageHeader mh)) {
            return null;
        }
        return mh.getEvent() instanceof Coding c && c.getCode() != null ? c.getCode() : "";
    }

    private static <T extends Resource> List<T> ofType(Bundle b, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            if (type.isInstance(e.getResource())) {
                out.add(type.cast(e.getResource()));
            }
        }
        return out;
    }

    private static boolean hasExt(DomainResource r, String url) {
        boolean found = false;
        for (Extension e : r.getExtension()) {
            if (url.equals(e.getUrl())) {
                if (!e.hasValue() && !e.hasExtension()) {
                    // HAPI's parser and encoder treat an empty extension differently by position: do not guess.
                    throw new Undecided();
                }
                found = true;
            }
        }
        return found;
    }

    /** An event rule "event in codes implies rule": null if the first entry is not a MessageHeader. */
    private static Boolean eventRule(Bundle b, Set<String> events, java.util.function.Supplier<Boolean> rule) {
        String event = event(b);
        if (event == null) {
            return null;
        }
        return !events.contains(event) ? Boolean.TRUE : rule.get();
    }

    private static Boolean srAll(Bundle b, java.util.function.Function<ServiceRequest, Boolean> f) {
        Boolean all = true;
        for (ServiceRequest sr : ofType(b, ServiceRequest.class)) {
            all = and(all, f.apply(sr));
        }
        return all;
    }

    private static Boolean status(ServiceRequest sr, Set<String> allowed) {
        return sr.getStatus() == null ? null : allowed.contains(sr.getStatus().toCode());
    }

    private static Boolean compareTimes(BaseDateTimeType a, BaseDateTimeType b) {
        // true when a <= b; null when precisions or time zones make FHIRPath's comparison uncertain.
        if (a == null || b == null || !a.hasValue() || !b.hasValue()) {
            return null;
        }
        String x = a.getValueAsString();
        String y = b.getValueAsString();
        if (x.length() == 10 && y.length() == 10) {
            return x.compareTo(y) <= 0;
        }
        if (x.length() > 19
                && y.length() > 19
                && a.getTimeZone() != null
                && b.getTimeZone() != null
                && a.getPrecision() == b.getPrecision()) {
            return !a.getValue().after(b.getValue());
        }
        return null;
    }

    static {
        // ele-1: the JSON encoder drops empty elements, the fast path only visits non-empty values and defers on
        // elements that hold nothing but an id.
        add("ele-1", "hasValue() or (children().count() > id.count())", (f, c) -> true);
        add(
                "ext-1",
                "extension.exists() != value.exists()",
                (f, c) -> f instanceof Extension e ? e.hasExtension() != e.hasValue() : null);
        add(
                "ref-1",
                "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))",
                (f, c) -> f instanceof Reference r
                        ? (r.getReference() == null || !r.getReference().startsWith("#") ? Boolean.TRUE : null)
                        : null);
        add("per-1", "start.hasValue().not() or end.hasValue().not() or (start <= end)", (f, c) -> {
            if (!(f instanceof Period p)) {
                return null;
            }
            if (!p.getStartElement().hasValue() || !p.getEndElement().hasValue()) {
                return true;
            }
            return compareTimes(p.getStartElement(), p.getEndElement());
        });
        add(
                "inv-1",
                "lastModified.exists().not() or authoredOn.exists().not() or lastModified >= authoredOn",
                (f, c) -> {
                    if (!(f instanceof Task t)) {
                        return null;
                    }
                    if (!t.hasLastModified() || !t.hasAuthoredOn()) {
                        return true;
                    }
                    return compareTimes(t.getAuthoredOnElement(), t.getLastModifiedElement());
                });
        add(
                "att-1",
                "data.empty() or contentType.exists()",
                (f, c) -> f instanceof Attachment a ? !a.hasData() || a.hasContentType() : null);
        add(
                "cpt-2",
                "value.empty() or system.exists()",
                (f, c) -> f instanceof ContactPoint p ? !p.hasValue() || p.hasSystem() : null);
        add(
                "qty-3",
                "code.empty() or system.exists()",
                (f, c) -> f instanceof Quantity q ? !q.hasCode() || q.hasSystem() : null);
        add("sqty-1", "comparator.empty()", (f, c) -> f instanceof Quantity q ? !q.hasComparator() : null);
        add(
                "org-1",
                "(identifier.count() + name.count()) > 0",
                (f, c) -> f instanceof Organization o ? o.hasIdentifier() || o.hasName() : null);
        add(
                "org-2",
                "where(use = 'home').empty()",
                (f, c) -> f instanceof Address a
                        ? a.getUse() != Address.AddressUse.HOME
                        : f instanceof ContactPoint p ? p.getUse() != ContactPoint.ContactPointUse.HOME : null);
        add(
                "prr-1",
                "orderDetail.empty() or code.exists()",
                (f, c) -> f instanceof ServiceRequest sr ? !sr.hasOrderDetail() || sr.hasCode() : null);
        add(
                "pat-1",
                "name.exists() or telecom.exists() or address.exists() or organization.exists()",
                (f, c) -> f instanceof Patient.ContactComponent pc
                        ? pc.hasName() || pc.hasTelecom() || pc.hasAddress() || pc.hasOrganization()
                        : null);
        add("dom-2", "contained.contained.empty()", (f, c) -> containedFree(f));
        add(
                "dom-3",
                "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()",
                (f, c) -> containedFree(f));
        add(
                "dom-4",
                "contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()",
                (f, c) -> containedFree(f));
        add("dom-5", "contained.meta.security.empty()", (f, c) -> containedFree(f));
        // Bundle (core)
        add(
                "bdl-1",
                "total.empty() or (type = 'searchset') or (type = 'history')",
                (f, c) -> bundle(f, b -> !b.hasTotal() || type(b, "searchset", "history")));
        add(
                "bdl-2",
                "entry.search.empty() or (type = 'searchset')",
                (f, c) -> bundle(
                        f,
                        b -> b.getEntry().stream().noneMatch(Bundle.BundleEntryComponent::hasSearch)
                                || type(b, "searchset")));
        add(
                "bdl-3",
                "entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction' or %resource.type = 'history'))",
                (f, c) -> bundle(
                        f,
                        b -> b.getType() == null
                                ? null
                                : b.getEntry().stream()
                                        .allMatch(e -> e.hasRequest() == type(b, "batch", "transaction", "history"))));
        add(
                "bdl-4",
                "entry.all(response.exists() = (%resource.type = 'batch-response' or %resource.type = 'transaction-response' or %resource.type = 'history'))",
                (f, c) -> bundle(
                        f,
                        b -> b.getType() == null
                                ? null
                                : b.getEntry().stream()
                                        .allMatch(e -> e.hasResponse()
                                                == type(b, "batch-response", "transaction-response", "history"))));
        add(
                "bdl-5",
                "resource.exists() or request.exists() or response.exists()",
                (f, c) -> f instanceof Bundle.BundleEntryComponent e
                        ? e.getResource() != null || e.hasRequest() || e.hasResponse()
                        : null);
        add(
                "bdl-7",
                "(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId).isDistinct()",
                (f, c) -> bundle(f, b -> {
                    if (type(b, "history")) {
                        return true;
                    }
                    Set<String> seen = new java.util.HashSet<>();
                    for (Bundle.BundleEntryComponent e : b.getEntry()) {
                        if (e.hasFullUrl()) {
                            String v = e.getResource() == null
                                    ? ""
                                    : e.getResource().getMeta().getVersionId();
                            if (!seen.add(e.getFullUrl() + "\u0000" + (v == null ? "" : v))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
        add(
                "bdl-8",
                "fullUrl.contains('/_history/').not()",
                (f, c) -> f instanceof Bundle.BundleEntryComponent e && e.getFullUrl() != null
                        ? !e.getFullUrl().contains("/_history/")
                        : null);
        add(
                "bdl-9",
                "type = 'document' implies (identifier.system.exists() and identifier.value.exists())",
                (f, c) -> bundle(f, b -> b.getType() == null || type(b, "document") ? null : true));
        add(
                "bdl-10",
                "type = 'document' implies (timestamp.hasValue())",
                (f, c) -> bundle(f, b -> b.getType() == null || type(b, "document") ? null : true));
        add(
                "bdl-11",
                "type = 'document' implies entry.first().resource.is(Composition)",
                (f, c) -> bundle(f, b -> b.getType() == null || type(b, "document") ? null : true));
        add(
                "bdl-12",
                "type = 'message' implies entry.first().resource.is(MessageHeader)",
                (f, c) -> bundle(f, b -> {
                    if (b.getType() == null) {
                        return null;
                    }
                    if (!type(b, "message")) {
                        return true;
                    }
                    return b.hasEntry() && b.getEntryFirstRep().getResource() != null
                            ? b.getEntryFirstRep().getResource() instanceof MessageHeader
                            : null;
                }));
        // Interchange profiles
        add(
                "isg-bdl-1",
                "entry.first().resource.is(MessageHeader)",
                (f, c) -> bundle(
                        f,
                        b -> b.hasEntry() && b.getEntryFirstRep().getResource() != null
                                ? b.getEntryFirstRep().getResource() instanceof MessageHeader
                                : null));
        add(
                "isg-bdl-2",
                "(entry.first().resource.event.where(code = 'safeguarding-referral' or code = 'police-notification' or code = 'encompass-notification').exists() implies (entry.resource.ofType(ServiceRequest).exists() and entry.resource.ofType(Patient).exists())) and (entry.first().resource.event.where(code = 'referral-update' or code = 'referral-withdrawal').exists() implies entry.resource.ofType(ServiceRequest).exists())",
                (f, c) -> bundle(
                        f,
                        b -> and(
                                eventRule(
                                        b,
                                        Set.of(
                                                "safeguarding-referral",
                                                "police-notification",
                                                "encompass-notification"),
                                        () -> !ofType(b, ServiceRequest.class).isEmpty()
                                                && !ofType(b, Patient.class).isEmpty()),
                                eventRule(b, Set.of("referral-update", "referral-withdrawal"), () -> !ofType(
                                                b, ServiceRequest.class)
                                        .isEmpty()))));
        add(
                "isg-bdl-3",
                "entry.first().resource.event.where(code = 'safeguarding-referral' or code = 'police-notification' or code = 'encompass-notification' or code = 'referral-update').exists() implies entry.resource.ofType(ServiceRequest).all(status = 'active')",
                (f, c) -> bundle(
                        f,
                        b -> eventRule(
                                b,
                                Set.of(
                                        "safeguarding-referral",
                                        "police-notification",
                                        "encompass-notification",
                                        "referral-update"),
                                () -> srAll(b, sr -> status(sr, Set.of("active"))))));
        add(
                "isg-bdl-4",
                "entry.first().resource.event.where(code = 'referral-withdrawal').exists() implies entry.resource.ofType(ServiceRequest).all(status = 'revoked' or status = 'entered-in-error')",
                (f, c) -> bundle(
                        f,
                        b -> eventRule(
                                b,
                                Set.of("referral-withdrawal"),
                                () -> srAll(b, sr -> status(sr, Set.of("revoked", "entered-in-error"))))));
        add(
                "isg-bdl-5",
                "entry.first().resource.event.where(code = 'encompass-notification').exists() implies (entry.resource.ofType(RelatedPerson).empty() and entry.resource.ofType(ServiceRequest).all(reasonCode.coding.where(system = 'https://interchange.safeguarding.uk/fhir/CodeSystem/concern-category' and code = 'domestic-abuse').exists()) and entry.resource.ofType(Patient).all(extension('https://interchange.safeguarding.uk/fhir/StructureDefinition/child-school').exists()))",
                (f, c) -> bundle(
                        f,
                        b -> eventRule(
                                b,
                                Set.of("encompass-notification"),
                                () -> ofType(b, RelatedPerson.class).isEmpty()
                                        && ofType(b, ServiceRequest.class).stream()
                                                .allMatch(sr -> sr.getReasonCode().stream()
                                                        .anyMatch(cc -> codingIn(
                                                                cc.getCoding(),
                                                                ISG + "CodeSystem/concern-category",
                                                                "domestic-abuse")))
                                        && ofType(b, Patient.class).stream()
                                                .allMatch(p -> hasExt(p, ISG + "StructureDefinition/child-school")))));
        add(
                "isg-bdl-6",
                "entry.first().resource.event.where(code = 'referral-outcome').exists() implies entry.resource.ofType(Task).exists()",
                (f, c) -> bundle(
                        f,
                        b -> eventRule(b, Set.of("referral-outcome"), () -> !ofType(b, Task.class)
                                .isEmpty())));
        add(
                "isg-bdl-7",
                "entry.first().resource.event.where(code = 'information-request').exists() implies (entry.resource.ofType(CommunicationRequest).exists() and entry.resource.ofType(Patient).exists())",
                (f, c) -> bundle(
                        f,
                        b -> eventRule(
                                b,
                                Set.of("information-request"),
                                () -> !ofType(b, CommunicationRequest.class).isEmpty()
                                        && !ofType(b, Patient.class).isEmpty())));
        add(
                "isg-bdl-8",
                "entry.first().resource.event.where(code = 'information-response').exists() implies entry.resource.ofType(Communication).exists()",
                (f, c) -> bundle(
                        f,
                        b -> eventRule(b, Set.of("information-response"), () -> !ofType(b, Communication.class)
                                .isEmpty())));
        add(
                "isg-bdl-9",
                "entry.first().resource.event.where(code = 'acknowledgement' or code = 'delivery-receipt' or code = 'non-delivery-report' or code = 'escalation').empty()",
                (f, c) -> bundle(
                        f,
                        b -> eventRule(
                                b,
                                Set.of("acknowledgement", "delivery-receipt", "non-delivery-report", "escalation"),
                                () -> false)));
        add(
                "isg-bdl-10",
                "(entry.first().resource.event.where(code = 'safeguarding-referral' or code = 'police-notification').exists() implies entry.resource.ofType(ServiceRequest).all(extension('https://interchange.safeguarding.uk/fhir/StructureDefinition/lawful-basis').exists() and reasonCode.exists() and requester.exists())) and (entry.first().resource.event.where(code = 'referral-update').exists() implies entry.resource.ofType(ServiceRequest).all(extension('https://interchange.safeguarding.uk/fhir/StructureDefinition/lawful-basis').exists()))",
                (f, c) -> bundle(
                        f,
                        b -> and(
                                eventRule(
                                        b,
                                        Set.of("safeguarding-referral", "police-notification"),
                                        () -> srAll(
                                                b,
                                                sr -> hasExt(sr, ISG + "StructureDefinition/lawful-basis")
                                                        && sr.hasReasonCode()
                                                        && sr.hasRequester())),
                                eventRule(
                                        b,
                                        Set.of("referral-update"),
                                        () -> srAll(b, sr -> hasExt(sr, ISG + "StructureDefinition/lawful-basis"))))));
        add(
                "isg-bdl-11",
                "entry.first().resource.event.where(code = 'police-notification').exists() implies entry.resource.ofType(ServiceRequest).all(extension('https://interchange.safeguarding.uk/fhir/StructureDefinition/police-incident').exists())",
                (f, c) -> bundle(
                        f,
                        b -> eventRule(
                                b,
                                Set.of("police-notification"),
                                () -> srAll(b, sr -> hasExt(sr, ISG + "StructureDefinition/police-incident")))));
        add(
                "isg-bdl-12",
                "entry.first().resource.event.where(code = 'referral-withdrawal').exists() implies entry.resource.ofType(ServiceRequest).all(extension('https://interchange.safeguarding.uk/fhir/StructureDefinition/withdrawal-reason').exists())",
                (f, c) -> bundle(
                        f,
                        b -> eventRule(
                                b,
                                Set.of("referral-withdrawal"),
                                () -> srAll(b, sr -> hasExt(sr, ISG + "StructureDefinition/withdrawal-reason")))));
        String uuidCount =
                "identifier.where(system = 'urn:ietf:rfc:3986' and value.startsWith('urn:uuid:')).count() = 1";
        add(
                "isg-sr-1",
                uuidCount,
                (f, c) -> f instanceof ServiceRequest sr
                        ? uuidIdentifiers(sr.getIdentifier()) == 1
                        : f instanceof CommunicationRequest cr
                                ? uuidIdentifiers(cr.getIdentifier()) == 1
                                : f instanceof Communication cm ? uuidIdentifiers(cm.getIdentifier()) == 1 : null);
        String basedOn =
                "basedOn.identifier.where(system = 'urn:ietf:rfc:3986' and value.startsWith('urn:uuid:')).exists()";
        add(
                "isg-out-1",
                basedOn,
                (f, c) -> f instanceof Task t
                        ? basedOnUuid(t.getBasedOn())
                        : f instanceof Communication cm ? basedOnUuid(cm.getBasedOn()) : null);
        add(
                "isg-out-2",
                "businessStatus.coding.where(system = 'https://interchange.safeguarding.uk/fhir/CodeSystem/referral-outcome' and code = 'declined').exists() implies statusReason.exists()",
                (f, c) -> f instanceof Task t
                        ? !codingIn(t.getBusinessStatus().getCoding(), ISG + "CodeSystem/referral-outcome", "declined")
                                || t.hasStatusReason()
                        : null);
        add(
                "isg-out-3",
                "businessStatus.coding.where(system = 'https://interchange.safeguarding.uk/fhir/CodeSystem/referral-outcome' and code = 'transferred').exists() implies extension('https://interchange.safeguarding.uk/fhir/StructureDefinition/transfer-destination').exists()",
                (f, c) -> f instanceof Task t
                        ? !codingIn(
                                        t.getBusinessStatus().getCoding(),
                                        ISG + "CodeSystem/referral-outcome",
                                        "transferred")
                                || hasExt(t, ISG + "StructureDefinition/transfer-destination")
                        : null);
        add(
                "isg-org-1",
                "identifier.where(system = 'urn:interchange:school-urn' or system = 'urn:interchange:la-code' or system = 'urn:interchange:mash' or system = 'urn:interchange:police-force' or system = 'https://fhir.nhs.uk/Id/ods-organization-code' or system = 'urn:interchange:system-id' or system = 'urn:interchange:auditor-id').exists()",
                (f, c) -> f instanceof Organization o
                        ? o.getIdentifier().stream().anyMatch(i -> ORG_SYSTEMS.contains(i.getSystem()))
                        : null);
        add(
                "isg-org-2",
                "identifier.where(system = 'urn:interchange:school-urn').all(value.matches('^[0-9]{6}$')) and identifier.where(system = 'urn:interchange:la-code' or system = 'urn:interchange:mash').all(value.matches('^[0-9]{3}$')) and identifier.where(system = 'urn:interchange:police-force').all(value.matches('^[a-z][a-z0-9-]*$'))",
                (f, c) -> f instanceof Organization o
                        ? and(
                                and(
                                        allValuesMatch(
                                                o.getIdentifier(), Set.of("urn:interchange:school-urn"), "^[0-9]{6}$"),
                                        allValuesMatch(
                                                o.getIdentifier(),
                                                Set.of("urn:interchange:la-code", "urn:interchange:mash"),
                                                "^[0-9]{3}$")),
                                allValuesMatch(
                                        o.getIdentifier(), Set.of("urn:interchange:police-force"), "^[a-z][a-z0-9-]*$"))
                        : null);
        add(
                "isg-pat-1",
                "identifier.where(system = 'https://fhir.nhs.uk/Id/nhs-number').all(value.matches('^[0-9]{10}$') and ((value.substring(0,1).toInteger() * 10 + value.substring(1,1).toInteger() * 9 + value.substring(2,1).toInteger() * 8 + value.substring(3,1).toInteger() * 7 + value.substring(4,1).toInteger() * 6 + value.substring(5,1).toInteger() * 5 + value.substring(6,1).toInteger() * 4 + value.substring(7,1).toInteger() * 3 + value.substring(8,1).toInteger() * 2 + value.substring(9,1).toInteger()) mod 11 = 0))",
                (f, c) -> {
                    if (!(f instanceof Patient p)) {
                        return null;
                    }
                    Boolean all = true;
                    for (Identifier i : p.getIdentifier()) {
                        if (NHS.equals(i.getSystem())) {
                            Boolean digits = matches(i.getValue(), "^[0-9]{10}$");
                            if (!Boolean.TRUE.equals(digits)) {
                                all = and(all, digits);
                                continue;
                            }
                            int sum = 0;
                            for (int k = 0; k < 10; k++) {
                                sum += (i.getValue().charAt(k) - '0') * (k < 9 ? 10 - k : 1);
                            }
                            all = and(all, sum % 11 == 0);
                        }
                    }
                    return all;
                });
        add(
                "isg-pat-2",
                "identifier.where(system = 'https://fhir.nhs.uk/Id/nhs-number').count() <= 1",
                (f, c) -> f instanceof Patient p
                        ? p.getIdentifier().stream()
                                        .filter(i -> NHS.equals(i.getSystem()))
                                        .count()
                                <= 1
                        : null);
        add(
                "isg-adr-1",
                "postalCode.empty() or postalCode.matches('" + POSTCODE + "')",
                (f, c) -> f instanceof Address a
                        ? (a.hasPostalCode() ? matches(a.getPostalCode(), POSTCODE) : Boolean.TRUE)
                        : null);
        add(
                "isg-sch-1",
                "value.matches('^[0-9]{6}$')",
                (f, c) -> f instanceof Identifier i ? matches(i.getValue(), "^[0-9]{6}$") : null);
        add(
                "isg-trf-1",
                "value.matches('^[0-9]{3}$')",
                (f, c) -> f instanceof Identifier i ? matches(i.getValue(), "^[0-9]{3}$") : null);
        String other = "coding.where(code = 'other').exists() implies text.exists()";
        add(
                "isg-law-1",
                other,
                (f, c) -> f instanceof CodeableConcept cc
                        ? cc.getCoding().stream().noneMatch(x -> "other".equals(x.getCode())) || cc.hasText()
                        : null);
        for (String codes : List.of(
                "update|withdrawal|outcome-of|response-to|transfer",
                "domestic-abuse|child-concern|missing-person|sexual-offence|exploitation|online-offence|violence|other",
                "sent-in-error|wrong-child|wrong-recipient|duplicate|superseded|other")) {
            String regex = "^(" + codes + ")$";
            add(
                    "isg-code",
                    "matches('" + regex + "')",
                    (f, c) -> f instanceof PrimitiveType<?> p ? matches(p.getValueAsString(), regex) : null);
        }
        add(
                "isg-cor-2",
                "(system = 'urn:interchange:tracking-id' and value.matches('^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')) or (system = 'urn:interchange:sender-message-id' and value.matches('^[A-Za-z0-9.:_-]{1,200}$'))",
                (f, c) -> {
                    if (!(f instanceof Identifier i) || i.getSystem() == null || i.getValue() == null) {
                        return null;
                    }
                    if ("urn:interchange:tracking-id".equals(i.getSystem())) {
                        return matches(i.getValue(), "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
                    }
                    if ("urn:interchange:sender-message-id".equals(i.getSystem())) {
                        return matches(i.getValue(), "^[A-Za-z0-9.:_-]{1,200}$");
                    }
                    return false;
                });
    }

    private static Boolean containedFree(Base f) {
        return f instanceof DomainResource r ? (r.hasContained() ? null : Boolean.TRUE) : null;
    }

    private static Boolean bundle(Base f, java.util.function.Function<Bundle, Boolean> rule) {
        return f instanceof Bundle b ? rule.apply(b) : null;
    }

    private static boolean type(Bundle b, String... types) {
        if (b.getType() == null) {
            return false;
        }
        String code = b.getType().toCode();
        for (String t : types) {
            if (t.equals(code)) {
                return true;
            }
        }
        return false;
    }
}
