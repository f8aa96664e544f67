package uk.safeguarding.interchange.intake.fhir;

import java.util.Locale;
import java.util.Optional;

/** The two FHIR encodings the intake accepts; replies use the request's encoding. */
public enum FhirFormat {
    JSON("application/fhir+json"),
    XML("application/fhir+xml");

    private final String mediaType;

    FhirFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /**
     * The format named by a Content-Type header value ({@code application/fhir+json; charset=utf-8}); empty for any
     * other media type, including plain {@code application/json}, and for a charset other than UTF-8.
     */
    public static Optional<FhirFormat> fromContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
            if (parameter.startsWith("charset=") && !parameter.equals("charset=utf-8")) {
                return Optional.empty();
            }
        }
        for (FhirFormat format : values()) {
            if (format.mediaType.equals(type)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
