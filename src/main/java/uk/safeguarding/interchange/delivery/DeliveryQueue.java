package uk.safeguarding.interchange.delivery;

import java.util.Locale;

/**
 * The per-recipient durable queues ({@code interchange.deliver.<recipient>}, spec §9). A publish carries only the
 * tracking id and the recipient id (no personal data in the broker), must be durable before it returns, and must be
 * dropped by the broker when the same (tracking id, recipient) was published before (duplicate-detection id
 * {@code <trackingId>:<recipientId>}), so that a relay after a crash cannot deliver twice.
 */
public interface DeliveryQueue {
    String PREFIX = "interchange.deliver.";

    void publish(String trackingId, String recipientId);

    /**
     * Publishes several deliveries, all durable when this returns; an implementation may commit them together (one
     * journal sync for the group). The default publishes them one by one.
     */
    default void publishAll(java.util.List<DeliveryRelay.Pending> deliveries) {
        for (DeliveryRelay.Pending p : deliveries) {
            publish(p.trackingId(), p.recipientId());
        }
    }

    /**
     * The queue of a recipient: {@code urn:interchange:la:850} → {@code interchange.deliver.la-850}. Characters that
     * are not letters, digits or dashes become dashes, so the name is safe for every broker and for Camel URIs.
     */
    static String queueName(String recipientId) {
        String id = recipientId.startsWith("urn:interchange:")
                ? recipientId.substring("urn:interchange:".length())
                : recipientId;
        return PREFIX + id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    }

    /** The broker's duplicate-detection id of one delivery. */
    static String duplicateId(String trackingId, String recipientId) {
        return trackingId + ":" + recipientId;
    }
}
