package uk.safeguarding.interchange.server;

import uk.safeguarding.interchange.error.ErrorCode;

/**
 * Told about every request refused for its TLS client certificate, so the refusal can be ledgered. Called on
 * the request thread; must not throw and must be thread-safe.
 */
@FunctionalInterface
public interface ClientAuthFailureListener {
    void rejected(Rejection rejection);

    /** A refused request: the error code, method, path and the peer address (no certificate contents). */
    record Rejection(ErrorCode errorCode, String method, String path, String remoteAddress) {}
}
