package uk.safeguarding.interchange.canonical;

import jakarta.xml.bind.annotation.adapters.XmlAdapter;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/**
 * Maps {@code xs:date} to {@link LocalDate} for the generated canonical and SOAP classes. A zone designator on the
 * date, which XML Schema allows, is accepted and dropped: dates of birth and incident dates are calendar dates.
 * Stateless and thread-safe.
 */
public final class LocalDateXmlAdapter extends XmlAdapter<String, LocalDate> {

    @Override
    public LocalDate unmarshal(String value) {
        return value == null ? null : LocalDate.parse(value.strip(), DateTimeFormatter.ISO_DATE);
    }

    @Override
    public String marshal(LocalDate value) {
        return value == null ? null : DateTimeFormatter.ISO_LOCAL_DATE.format(value);
    }
}
