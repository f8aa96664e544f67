package uk.safeguarding.interchange.ledger;

/**
 * What a ledger entry records (spec §9 states, §10 rejections and auditor access). The constant names are written
 * into every entry's canonical form, so they are part of the ledger format: never rename or remove one.
 */
public enum LedgerEvent {
    /** A message was validated and durably persisted; the sender got {@code ok}. */
    ACCEPTED,
    /** A message was refused; {@code errorCode} says why. May have no tracking id. */
    REJECTED,
    /** A recipient was resolved for an accepted message ({@code counterparty} = the recipient). */
    ROUTED,
    /** No recipient could be resolved for an accepted message; {@code errorCode} is the {@code ROUTE-*} code. */
    ROUTING_FAILED,
    /** The message reached the recipient (push answered ok, or mailbox fetch acknowledged). */
    DELIVERED,
    /** Delivery to a recipient failed after every retry or its time-to-live; the message is parked. */
    DELIVERY_FAILED,
    /** An operator replayed a parked message to its recipient. */
    REPLAYED,
    /** The recipient sent a business outcome; {@code reason} is the outcome code (e.g. {@code declined}). */
    OUTCOME,
    /** An SLA deadline was missed and an escalation was sent ({@code counterparty} = the escalation contact). */
    ESCALATED,
    /** The sender withdrew the message. */
    WITHDRAWN,
    /** The message's time-to-live passed before delivery or its retention period ended. */
    EXPIRED,
    /** The gateway sent a gateway-originated message (acknowledgement, delivery receipt, non-delivery report). */
    RECEIPT,
    /** An auditor read the ledger ({@code actor} = the auditor; {@code reason} = the operation). */
    AUDIT_ACCESS,
    /** A payload's key was destroyed (retention or erasure); the ledger entries stay verifiable. */
    ERASED
}
