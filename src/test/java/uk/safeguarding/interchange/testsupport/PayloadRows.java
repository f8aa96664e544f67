package uk.safeguarding.interchange.testsupport;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What the {@code payload} table holds for a message, read directly (decision 0009). */
public final class PayloadRows {
    private PayloadRows() {}

    /** The kinds of the message's payload rows, in alphabetical order. */
    public static List<String> kinds(Connection c, String trackingId) throws SQLException {
        List<String> kinds = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT kind FROM payload WHERE tracking_id = ? ORDER BY kind")) {
            ps.setString(1, trackingId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    kinds.add(rs.getString(1));
                }
            }
        }
        return kinds;
    }
}
