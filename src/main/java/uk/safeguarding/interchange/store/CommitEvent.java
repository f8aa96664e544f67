package uk.safeguarding.interchange.store;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A JFR event per database transaction run by {@link GroupCommit} or {@link Transactions}: how many units of work
 * shared it. Recorded only while a JFR recording enables it ({@code ./gateway bench steady} does, to count commits per
 * referral); otherwise it costs a check of a flag. Statements run in auto-commit mode are not counted. One event per
 * transaction, used by the thread that runs it.
 */
@Name("uk.safeguarding.interchange.Commit")
@Label("Database transaction")
@Category({"Interchange", "Database"})
@Description("One database transaction of the group commit or of Transactions.inTransaction, from taking a connection"
        + " to its end")
@StackTrace(false)
final class CommitEvent extends Event {
    @Label("Units")
    @Description("Units of work that ran in it (1 for Transactions.inTransaction), failed ones included")
    int units;

    @Label("Group")
    @Description("Whether the group commit ran it")
    boolean group;

    @Label("Order wait")
    @Description("Group commit: how long its units, all run, waited for the previous group's commit (the ledger's"
            + " write order)")
    @Timespan(Timespan.NANOSECONDS)
    long orderWait;

    @Label("Committing")
    @Description("Group commit: writing the deferred ledger appends and committing, after its units and the order")
    @Timespan(Timespan.NANOSECONDS)
    long committing;

    @Label("Committed")
    @Description("Whether it committed (when not, all its work was rolled back)")
    boolean committed;
}
