package uk.safeguarding.interchange.delivery;

import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import uk.safeguarding.interchange.config.GatewaySettings;
import uk.safeguarding.interchange.ledger.LedgerAppender;
import uk.safeguarding.interchange.store.Database;

/**
 * {@code ./gateway dlq list} and {@code ./gateway dlq replay <trackingId> [<recipient>]}: the operator's view of
 * parked push deliveries, working directly on the gateway's database (the settings' {@code gateway.db.url}). With
 * the embedded H2 file database the gateway must be stopped first (H2 locks the file; the command then says so and
 * changes nothing); with PostgreSQL it may run alongside, and the running gateway's push-retry timer picks a replay
 * up within {@code gateway.delivery.retry.period}. Replays are ledgered (REPLAYED, actor {@code urn:interchange:operator:<user>}).
 */
public final class DlqCommand {
    private DlqCommand() {}

    /** Runs the command; returns the exit code (0 ok, 1 failure, 2 usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0
                || !(args[0].equals("list") || args[0].equals("replay"))
                || (args[0].equals("replay") && (args.length < 2 || args.length > 3))) {
            err.println("Usage: ./gateway dlq list | ./gateway dlq replay <trackingId> [<recipient>]");
            return 2;
        }
        GatewaySettings settings = GatewaySettings.load();
        Database database;
        try {
            database = Database.open(settings.dbUrl(), settings.dbUser(), settings.dbPassword(), 1);
        } catch (RuntimeException e) {
            err.println("Cannot open the gateway database (with the embedded database, stop the gateway first): "
                    + e.getMessage());
            return 1;
        }
        try (database) {
            Clock clock = Clock.systemUTC();
            DeadLetters letters = new DeadLetters(database.dataSource(), new LedgerAppender(clock), clock);
            if (args[0].equals("list")) {
                List<DeadLetters.DeadLetter> list = letters.list();
                out.println("trackingId\trecipient\tevent\tattempts\terror\tparkedAt");
                for (DeadLetters.DeadLetter l : list) {
                    out.println(String.join(
                            "\t",
                            l.trackingId(),
                            l.recipientId(),
                            l.event(),
                            Integer.toString(l.attempts()),
                            String.valueOf(l.lastError()),
                            l.parkedAt().toString()));
                }
                out.println(list.size() + " parked deliveries");
                return 0;
            }
            String operator = "operator:" + System.getProperty("user.name", "unknown");
            List<String> replayed = letters.replay(args[1], args.length == 3 ? args[2] : null, operator);
            if (replayed.isEmpty()) {
                err.println("No parked delivery of " + args[1] + (args.length == 3 ? " to " + args[2] : ""));
                return 1;
            }
            replayed.forEach(r -> out.println("Replayed " + args[1] + " to " + r));
            return 0;
        } catch (SQLException e) {
            err.println("The dead-letter command failed: " + e.getMessage());
            return 1;
        }
    }
}
