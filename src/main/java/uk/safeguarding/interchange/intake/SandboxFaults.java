package uk.safeguarding.interchange.intake;

import java.security.cert.X509Certificate;
import java.util.Locale;
import uk.safeguarding.interchange.error.ErrorCode;
import uk.safeguarding.interchange.error.GatewayException;

/**
 * Sandbox only: lets a vendor's client ask, with the request header {@value #HEADER} on a FHIR
 * {@code $process-message} or a SOAP {@code SubmitMessage}, for the two failures it
 * cannot otherwise provoke, so it can prove it handles them: {@code SYS-001} (the gateway fails as it does when its
 * message store is unavailable) and {@code SYS-002} (an unexpected internal error). The fault is raised just before
 * acceptance, after every other check, so an otherwise invalid request still gets its own error; the reply, the
 * REJECTED ledger record and the nothing-accepted guarantee are those of the real failure, produced by the real
 * error path.
 *
 * <p>{@code gateway.sandbox.faults}: {@code off}, {@code on}, or {@code auto} (the default): on only when the
 * gateway signs with a development certificate (organisational unit {@value #DEV_ONLY_OU}), so a gateway with
 * production certificates never honours the header unless an operator turns it on for a hosted sandbox. When off the
 * header is ignored. Stateless and thread-safe.
 */
public final class SandboxFaults {
    /** The request header naming the fault to raise. */
    public static final String HEADER = "X-Sandbox-Fault";
    /** The organisational unit the dev PKI puts in every certificate it issues. */
    public static final String DEV_ONLY_OU = "DEV ONLY - NOT FOR PRODUCTION";

    private final boolean enabled;

    public SandboxFaults(boolean enabled) {
        this.enabled = enabled;
    }

    /** From the setting ({@code auto}, {@code on}, {@code off}) and the gateway's own signing certificate. */
    public static SandboxFaults fromSetting(String setting, X509Certificate gatewayCertificate) {
        return switch (setting.trim().toLowerCase(Locale.ROOT)) {
            case "on" -> new SandboxFaults(true);
            case "off" -> new SandboxFaults(false);
            case "auto" ->
                new SandboxFaults(
                        gatewayCertificate.getSubjectX500Principal().getName().contains("OU=" + DEV_ONLY_OU));
            default ->
                throw new IllegalArgumentException(
                        "gateway.sandbox.faults must be auto, on or off, was '" + setting + "'");
        };
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Raises the fault {@code requested} names ({@code SYS-001} or {@code SYS-002}) when enabled; otherwise, and for
     * any other value, does nothing.
     *
     * @throws GatewayException SYS_UNAVAILABLE for {@code SYS-001}
     * @throws IllegalStateException for {@code SYS-002}, which the intake answers as an internal error
     */
    public void raise(String requested) {
        if (!enabled || requested == null) {
            return;
        }
        switch (requested.trim()) {
            case "SYS-001" ->
                throw new GatewayException(
                        ErrorCode.SYS_UNAVAILABLE,
                        "The message store is unavailable (sandbox fault requested by " + HEADER + ").");
            case "SYS-002" -> throw new IllegalStateException("Sandbox fault SYS-002 requested by " + HEADER);
            default -> {}
        }
    }
}
