package uk.safeguarding.interchange.server;

import jakarta.servlet.Servlet;
import java.util.List;
import java.util.Objects;

/**
 * A servlet to mount on the gateway's one HTTPS connector, behind {@link ClientCertificateFilter}.
 *
 * @param name unique servlet name (camel-servlet consumers find their servlet by this name)
 * @param servlet the servlet; initialised when the server starts
 * @param pathSpecs servlet path specs, e.g. {@code /fhir/*}
 */
public record ServletMount(String name, Servlet servlet, List<String> pathSpecs) {
    public ServletMount {
        Objects.requireNonNull(name);
        Objects.requireNonNull(servlet);
        pathSpecs = List.copyOf(pathSpecs);
        if (pathSpecs.isEmpty()) {
            throw new IllegalArgumentException("a servlet needs at least one path spec");
        }
    }

    public static ServletMount of(String name, Servlet servlet, String... pathSpecs) {
        return new ServletMount(name, servlet, List.of(pathSpecs));
    }
}
