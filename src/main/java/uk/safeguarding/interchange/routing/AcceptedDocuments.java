package uk.safeguarding.interchange.routing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;

/**
 * Hands the canonical documents that intake has just accepted to routing, so that routing need not read, decrypt and
 * parse (with schema validation) what intake validated and stored a moment ago. Bounded: when full, the oldest entry
 * is dropped, and routing falls back to the stored document (as it does after a restart).
 *
 * <p>What keeps it exact: an entry is put only after the acceptance's database transaction committed, only for a new
 * acceptance (never for a duplicate, whose stored document is the original one), under the tracking id of the row
 * that holds exactly the bytes marshalled from this object; {@link #take} removes it, so an object is routed at most
 * once and a redelivery reads the stored document. Callers must not change a document after putting it.
 *
 * <p>Thread-safe.
 */
public final class AcceptedDocuments {
    private final int capacity;
    private final LinkedHashMap<String, InterchangeMessage> documents;

    /** @param capacity the most documents held (0: none, every routing reads the store) */
    public AcceptedDocuments(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.capacity = capacity;
        this.documents = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, InterchangeMessage> eldest) {
                return size() > AcceptedDocuments.this.capacity;
            }
        };
    }

    /** Remembers the document of a message whose acceptance has committed. */
    public synchronized void put(String trackingId, InterchangeMessage document) {
        Objects.requireNonNull(trackingId);
        Objects.requireNonNull(document);
        if (capacity > 0) {
            documents.put(trackingId, document);
        }
    }

    /** The document accepted under this tracking id, removed from the hand-off; empty when it is not held. */
    public synchronized Optional<InterchangeMessage> take(String trackingId) {
        return Optional.ofNullable(documents.remove(trackingId));
    }

    /** How many documents are held (tests, metrics). */
    public synchronized int size() {
        return documents.size();
    }
}
