package uk.safeguarding.interchange.store;

/**
 * What a row of the {@code payload} table holds (decision 0009). {@link #code()} is stored in {@code payload.kind}
 * and ends the AES-GCM context of the ciphertext, so a ciphertext cannot be read as another kind.
 */
public enum PayloadKind {
    /**
     * The canonical document as intake accepted it (the recipients as the sender asked). For messages routed before
     * migration V21 it is the routed document: routing then wrote over the accepted one.
     */
    CANONICAL_XML("canonical_xml"),
    /** The acknowledgement sent to the sender, returned again to an exact resend. */
    ACK_PAYLOAD("ack_payload"),
    /**
     * The document as routed, with the recipients routing chose: what is delivered. Gateway-originated messages are
     * stored routed only.
     */
    ROUTED_XML("routed_xml");

    private final String code;

    PayloadKind(String code) {
        this.code = code;
    }

    /** The value of {@code payload.kind}. */
    public String code() {
        return code;
    }
}
