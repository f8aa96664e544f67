package uk.safeguarding.interchange.canonical;

import java.util.Optional;

/** The interchange's message events (spec §3); {@link #code()} is the published kebab-case code. */
public enum EventCode {
    SAFEGUARDING_REFERRAL("safeguarding-referral"),
    POLICE_NOTIFICATION("police-notification"),
    ENCOMPASS_NOTIFICATION("encompass-notification"),
    REFERRAL_UPDATE("referral-update"),
    REFERRAL_WITHDRAWAL("referral-withdrawal"),
    REFERRAL_OUTCOME("referral-outcome"),
    INFORMATION_REQUEST("information-request"),
    INFORMATION_RESPONSE("information-response"),
    ACKNOWLEDGEMENT("acknowledgement"),
    DELIVERY_RECEIPT("delivery-receipt"),
    NON_DELIVERY_REPORT("non-delivery-report"),
    ESCALATION("escalation");

    private final String code;

    EventCode(String code) {
        this.code = code;
    }

    /** The kebab-case code, e.g. {@code safeguarding-referral}. */
    public String code() {
        return code;
    }

    /** The event with this exact code, or empty for an unknown or null code. */
    public static Optional<EventCode> fromCode(String code) {
        for (EventCode event : values()) {
            if (event.code.equals(code)) {
                return Optional.of(event);
            }
        }
        return Optional.empty();
    }
}
