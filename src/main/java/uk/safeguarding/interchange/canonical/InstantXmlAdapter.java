package uk.safeguarding.interchange.canonical;

import jakarta.xml.bind.annotation.adapters.XmlAdapter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Maps {@code xs:dateTime} to {@link Instant} for the generated canonical and SOAP classes. Reading requires a zone
 * designator (the schemas' {@code UtcDateTime} type enforces one); writing always produces UTC ({@code Z}). Stateless
 * and thread-safe.
 */
public final class InstantXmlAdapter extends XmlAdapter<String, Instant> {

    @Override
    public Instant unmarshal(String value) {
        return value == null
                ? null
                : OffsetDateTime.parse(value.strip(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant();
    }

    @Override
    public String marshal(Instant value) {
        return value == null ? null : DateTimeFormatter.ISO_INSTANT.format(value);
    }
}
