package uk.safeguarding.interchange.delivery;

import java.util.LinkedHashSet;
import java.util.Set;
import uk.safeguarding.interchange.directory.Directory;
import uk.safeguarding.interchange.directory.Organisation;
import uk.safeguarding.interchange.directory.OrganisationKind;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * Whose mailboxes and messages an authenticated caller may read (spec §7): its own, and those of the organisations
 * it acts for (a vendor system serving schools). Auditors read the ledger only, never a mailbox or a message.
 */
final class Access {
    private Access() {}

    /**
     * The organisations whose mailbox {@code callerId} may read, the caller first.
     *
     * @throws GatewayException AUTH-004 for a caller not in the directory, AUTH-006 for an auditor
     */
    static Set<String> mailboxesOf(Directory directory, String callerId) {
        Organisation caller = directory
                .find(callerId)
                .orElseThrow(() -> new GatewayException(
                        ErrorCode.AUTH_UNKNOWN_SYSTEM, "The calling system is not in the directory."));
        if (caller.kind() == OrganisationKind.AUDITOR) {
            throw new GatewayException(ErrorCode.AUTH_NOT_PERMITTED, "Auditors read the ledger only.");
        }
        Set<String> owners = new LinkedHashSet<>();
        owners.add(caller.id());
        owners.addAll(caller.actsFor().stream().sorted().toList());
        return owners;
    }
}
