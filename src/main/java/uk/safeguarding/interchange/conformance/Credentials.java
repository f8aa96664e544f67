package uk.safeguarding.interchange.conformance;

import java.nio.file.Path;

/**
 * Whose keys the runner uses. {@code vendor} in a case means the vendor's own key stores ({@code clientStore} for
 * mutual TLS, {@code signingStore} for message signatures); any other name means the published dev certificate
 * {@code devCerts/NAME.p12} (counterparts such as {@code la-850}, and the deliberately bad {@code expired},
 * {@code revoked}, {@code untrusted} certificates the sandbox knows). Key stores are PKCS#12.
 */
public record Credentials(
        Path clientStore,
        char[] clientPassword,
        Path signingStore,
        char[] signingPassword,
        Path caCert,
        Path devCerts,
        char[] devPassword) {
    public static final String VENDOR = "vendor";

    /** The embedded gateway's dev PKI with {@code acme-safeguard} (the vendor system acting for the dev schools). */
    public static Credentials devDefaults() {
        Path dir = Path.of("certs-dev");
        return new Credentials(
                dir.resolve("acme-safeguard.p12"),
                "dev-only".toCharArray(),
                dir.resolve("acme-safeguard.p12"),
                "dev-only".toCharArray(),
                dir.resolve("root-ca.crt.pem"),
                dir,
                "dev-only".toCharArray());
    }

    /** The TLS client key store for an identity (null for {@code none}). */
    Path tlsStore(String who) {
        if (who == null || who.equals(VENDOR)) {
            return clientStore;
        }
        return who.equals("none") ? null : devCerts.resolve(who + ".p12");
    }

    /** The signing key store for an identity (null for {@code none}). */
    Path signingStore(String who) {
        if (who == null || who.equals(VENDOR)) {
            return signingStore;
        }
        return who.equals("none") ? null : devCerts.resolve(who + ".p12");
    }

    char[] tlsPasswordFor(String who) {
        return who == null || who.equals(VENDOR) ? clientPassword : devPassword;
    }

    char[] signingPasswordFor(String who) {
        return who == null || who.equals(VENDOR) ? signingPassword : devPassword;
    }
}
