package uk.safeguarding.interchange.routing;

import java.util.Objects;

/**
 * One recipient routing chose: the organisation and whether it is the primary recipient or receives a copy.
 *
 * @param orgId the recipient's organisation id
 * @param copy true for a copy (e.g. the MASH's copy of an urgent referral), false for a primary recipient
 */
public record PlannedRecipient(String orgId, boolean copy) {
    public PlannedRecipient {
        Objects.requireNonNull(orgId);
    }

    public static PlannedRecipient primary(String orgId) {
        return new PlannedRecipient(orgId, false);
    }

    public static PlannedRecipient copyTo(String orgId) {
        return new PlannedRecipient(orgId, true);
    }

    /** {@code primary} or {@code copy}, as in the canonical envelope. */
    public String role() {
        return copy ? "copy" : "primary";
    }
}
