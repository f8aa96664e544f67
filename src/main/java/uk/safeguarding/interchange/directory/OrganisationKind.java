package uk.safeguarding.interchange.directory;

import static uk.safeguarding.interchange.canonical.EventCode.ACKNOWLEDGEMENT;
import static uk.safeguarding.interchange.canonical.EventCode.DELIVERY_RECEIPT;
import static uk.safeguarding.interchange.canonical.EventCode.ENCOMPASS_NOTIFICATION;
import static uk.safeguarding.interchange.canonical.EventCode.ESCALATION;
import static uk.safeguarding.interchange.canonical.EventCode.INFORMATION_REQUEST;
import static uk.safeguarding.interchange.canonical.EventCode.INFORMATION_RESPONSE;
import static uk.safeguarding.interchange.canonical.EventCode.NON_DELIVERY_REPORT;
import static uk.safeguarding.interchange.canonical.EventCode.POLICE_NOTIFICATION;
import static uk.safeguarding.interchange.canonical.EventCode.REFERRAL_OUTCOME;
import static uk.safeguarding.interchange.canonical.EventCode.REFERRAL_UPDATE;
import static uk.safeguarding.interchange.canonical.EventCode.REFERRAL_WITHDRAWAL;
import static uk.safeguarding.interchange.canonical.EventCode.SAFEGUARDING_REFERRAL;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import uk.safeguarding.interchange.canonical.EventCode;

/**
 * The kinds of organisation (decision 0001) with the one table of which events each kind may send
 * (docs/directory.md). A directory entry may narrow its kind's events but never widen them. Only the gateway
 * sends gateway-originated events; vendor systems and auditors send nothing in their own name (a system
 * submits on behalf of the organisations it acts for, under their kind's permissions).
 */
public enum OrganisationKind {
    SCHOOL(
            "school",
            "urn:interchange:school-urn",
            EnumSet.of(SAFEGUARDING_REFERRAL, REFERRAL_UPDATE, REFERRAL_WITHDRAWAL, INFORMATION_RESPONSE)),
    LA(
            "la",
            "urn:interchange:la-code",
            EnumSet.of(
                    REFERRAL_OUTCOME, INFORMATION_REQUEST, INFORMATION_RESPONSE, REFERRAL_UPDATE, REFERRAL_WITHDRAWAL)),
    MASH(
            "mash",
            "urn:interchange:mash",
            EnumSet.of(
                    REFERRAL_OUTCOME, INFORMATION_REQUEST, INFORMATION_RESPONSE, REFERRAL_UPDATE, REFERRAL_WITHDRAWAL)),
    POLICE(
            "police",
            "urn:interchange:police-force",
            EnumSet.of(
                    SAFEGUARDING_REFERRAL,
                    POLICE_NOTIFICATION,
                    ENCOMPASS_NOTIFICATION,
                    REFERRAL_UPDATE,
                    REFERRAL_WITHDRAWAL,
                    REFERRAL_OUTCOME,
                    INFORMATION_RESPONSE)),
    HEALTH(
            "health",
            "https://fhir.nhs.uk/Id/ods-organization-code",
            EnumSet.of(
                    SAFEGUARDING_REFERRAL,
                    REFERRAL_UPDATE,
                    REFERRAL_WITHDRAWAL,
                    REFERRAL_OUTCOME,
                    INFORMATION_RESPONSE)),
    SYSTEM("system", "urn:interchange:system-id", EnumSet.noneOf(EventCode.class)),
    AUDITOR("auditor", "urn:interchange:auditor-id", EnumSet.noneOf(EventCode.class)),
    GATEWAY(
            "gateway",
            "urn:interchange:system-id",
            EnumSet.of(ACKNOWLEDGEMENT, DELIVERY_RECEIPT, NON_DELIVERY_REPORT, ESCALATION));

    /** Events only the gateway originates; never listed in a directory entry's {@code receives}. */
    public static final Set<EventCode> GATEWAY_ORIGINATED =
            Set.copyOf(EnumSet.of(ACKNOWLEDGEMENT, DELIVERY_RECEIPT, NON_DELIVERY_REPORT, ESCALATION));

    private final String code;
    private final String identifierSystem;
    private final Set<EventCode> maySend;

    OrganisationKind(String code, String identifierSystem, Set<EventCode> maySend) {
        this.code = code;
        this.identifierSystem = identifierSystem;
        this.maySend = Set.copyOf(maySend);
    }

    /** The kind as written in organisation ids and config/directory.yaml, e.g. {@code la}. */
    public String code() {
        return code;
    }

    /** The FHIR {@code Identifier.system} whose value is the organisation id's value (decision 0001). */
    public String identifierSystem() {
        return identifierSystem;
    }

    /** Every event an organisation of this kind may send; an entry's own {@code sends} can only narrow it. */
    public Set<EventCode> maySend() {
        return maySend;
    }

    /** The kind with this exact code, or empty. */
    public static Optional<OrganisationKind> fromCode(String code) {
        return Arrays.stream(values()).filter(kind -> kind.code.equals(code)).findFirst();
    }
}
