package uk.safeguarding.interchange.intake;

/**
 * The durable queue that accepted messages wait on for routing. Messages carry only the tracking id (no personal
 * data in the broker); routing loads the message from the store. Implementations must make a publish durable
 * before returning and must drop a second publish of the same tracking id (duplicate detection), so that the
 * outbox can republish after a crash without creating a duplicate.
 */
public interface RoutingQueue {
    /** The queue's name on the broker. */
    String ROUTING = "interchange.routing";

    void publish(String trackingId);

    /**
     * Publishes several tracking ids, all durable when this returns; an implementation may commit them together
     * (one journal sync for the group). The default publishes them one by one.
     */
    default void publishAll(java.util.List<String> trackingIds) {
        for (String trackingId : trackingIds) {
            publish(trackingId);
        }
    }
}
