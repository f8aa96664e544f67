package uk.safeguarding.interchange.canonical;

/**
 * The URLs and identifier systems of the FHIR binding that the translations in both directions share
 * (schemas/fhir, docs/canonical-schema.md). Constants only.
 */
public final class FhirUrls {
    public static final String BASE = "https://interchange.safeguarding.uk/fhir";
    public static final String BUNDLE_PROFILE = BASE + "/StructureDefinition/interchange-message-bundle";
    public static final String EVENT_SYSTEM = BASE + "/CodeSystem/interchange-event";
    public static final String CONCERN_SYSTEM = BASE + "/CodeSystem/concern-category";
    public static final String LAWFUL_BASIS_SYSTEM = BASE + "/CodeSystem/lawful-basis";
    public static final String CAVEAT_SYSTEM = BASE + "/CodeSystem/handling-caveat";
    public static final String ROLE_SYSTEM = BASE + "/CodeSystem/related-person-role";
    public static final String OUTCOME_SYSTEM = BASE + "/CodeSystem/referral-outcome";

    public static final String EXT_LAWFUL_BASIS = BASE + "/StructureDefinition/lawful-basis";
    public static final String EXT_CAVEAT = BASE + "/StructureDefinition/handling-caveat";
    public static final String EXT_CHILD_SCHOOL = BASE + "/StructureDefinition/child-school";
    public static final String EXT_TRANSFER = BASE + "/StructureDefinition/transfer-destination";
    public static final String EXT_CORRELATION = BASE + "/StructureDefinition/correlation";
    public static final String EXT_POLICE_INCIDENT = BASE + "/StructureDefinition/police-incident";
    public static final String EXT_WITHDRAWAL_REASON = BASE + "/StructureDefinition/withdrawal-reason";
    public static final String EXT_LIVES_WITH_CHILD = BASE + "/StructureDefinition/lives-with-child";

    public static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
    public static final String SCHOOL_URN = "urn:interchange:school-urn";
    public static final String LA_CODE = "urn:interchange:la-code";
    public static final String RFC3986 = "urn:ietf:rfc:3986";
    /** Identifier system of the gateway's tracking id (a lower-case UUID). */
    public static final String TRACKING_ID = "urn:interchange:tracking-id";
    /** Identifier system of a sender's message id (FHIR Bundle.id or WS-Addressing MessageID). */
    public static final String SENDER_MESSAGE_ID = "urn:interchange:sender-message-id";
    /** Identifier system of an attachment's SHA-256 (base64), on DocumentReference.masterIdentifier. */
    public static final String SHA256 = "urn:interchange:sha256";
    /** Identifier system of a children's services case reference, on Task.identifier. */
    public static final String CASE_REFERENCE = "urn:interchange:case-reference";
    /** Task.input.type.text of a question in a more-information-needed outcome. */
    public static final String QUESTION = "question";

    private FhirUrls() {}
}
