package uk.safeguarding.interchange.directory;

import java.util.Objects;

/**
 * Where an organisation (typically a school) is: its postcode and the local authority (3-digit LA code)
 * that postcode is in, a hint for routing when a child's own address is unknown.
 */
public record Location(String postcode, String laCode) {
    public Location {
        Objects.requireNonNull(postcode, "postcode");
        Objects.requireNonNull(laCode, "laCode");
    }
}
