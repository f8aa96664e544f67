package uk.safeguarding.interchange.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import uk.safeguarding.interchange.canonical.xml.InterchangeMessage;

class AcceptedDocumentsTest {
    @Test
    void aDocumentIsTakenOnceThenRoutingReadsTheStore() {
        AcceptedDocuments documents = new AcceptedDocuments(10);
        InterchangeMessage message = new InterchangeMessage();
        documents.put("a", message);

        assertThat(documents.take("a")).containsSame(message);
        assertThat(documents.take("a")).isEmpty();
        assertThat(documents.size()).isZero();
    }

    @Test
    void whenFullTheOldestIsDropped() {
        AcceptedDocuments documents = new AcceptedDocuments(2);
        documents.put("a", new InterchangeMessage());
        documents.put("b", new InterchangeMessage());
        documents.put("c", new InterchangeMessage());

        assertThat(documents.size()).isEqualTo(2);
        assertThat(documents.take("a")).isEmpty();
        assertThat(documents.take("b")).isPresent();
        assertThat(documents.take("c")).isPresent();
    }

    @Test
    void capacityZeroHoldsNothing() {
        AcceptedDocuments documents = new AcceptedDocuments(0);
        documents.put("a", new InterchangeMessage());

        assertThat(documents.take("a")).isEmpty();
    }
}
