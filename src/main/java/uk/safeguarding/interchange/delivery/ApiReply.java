package uk.safeguarding.interchange.delivery;

import java.util.Objects;

/**
 * An HTTP answer a route writes as it is: status, content type and body. The routes set
 * {@code CamelHttpResponseCode} and {@code Content-Type} from it, so beans never touch Camel or servlet types.
 */
public record ApiReply(int status, String contentType, byte[] body) {
    public ApiReply {
        Objects.requireNonNull(contentType);
        Objects.requireNonNull(body);
    }
}
