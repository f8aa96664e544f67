package uk.safeguarding.interchange.server;

import uk.safeguarding.interchange.error.ErrorCode;

/**
 * Told about every request refused at the door (its TLS client certificate, its rate, or a path or method that no
 * servlet serves), so the refusal can be ledgered. Called on the request thread; must not throw and must be
 * thread-safe.
 */
@FunctionalInterface
public interface ClientAuthFailureListener {
    void rejected(Rejection rejection);

    /**
     * A refused request: the error code, the authenticated organisation when the refusal came after authentication
     * (a rate limit, an unknown path) else null, method, path and the peer address (no certificate contents).
     */
    record Rejection(ErrorCode errorCode, String orgId, String method, String path, String remoteAddress) {}
}
