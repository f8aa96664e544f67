package uk.safeguarding.interchange.intake.soap;

/**
 * What the SOAP endpoint writes back: an HTTP status (200, or 500 for every SOAP Fault, as CXF and most SOAP stacks
 * do) and a signed SOAP 1.2 envelope.
 */
public record SoapReply(int httpStatus, byte[] envelope) {
    public static final String CONTENT_TYPE = "application/soap+xml; charset=UTF-8";

    public SoapReply {
        envelope = envelope.clone();
    }

    @Override
    public byte[] envelope() {
        return envelope.clone();
    }
}
