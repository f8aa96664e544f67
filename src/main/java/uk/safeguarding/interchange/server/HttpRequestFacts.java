package uk.safeguarding.interchange.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a bean behind a camel-servlet route may know about the HTTP request: method, path, query parameters and the
 * organisation id the {@link ClientCertificateFilter} authenticated. Taken from the servlet request itself, never from
 * HTTP headers (which a client controls). Immutable.
 *
 * @param method the HTTP method, e.g. {@code GET}
 * @param path the request path, e.g. {@code /audit/v1/entries} (not decoded)
 * @param query the decoded query parameters; a repeated name is a list of its values in order
 * @param orgId the authenticated organisation id
 */
public record HttpRequestFacts(String method, String path, Map<String, List<String>> query, String orgId) {
    public HttpRequestFacts {
        Objects.requireNonNull(method);
        Objects.requireNonNull(path);
        Objects.requireNonNull(orgId);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        query.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        query = java.util.Collections.unmodifiableMap(copy);
    }

    /** Parses an {@code application/x-www-form-urlencoded} query string (null or empty: no parameters). */
    public static Map<String, List<String>> parseQuery(String queryString) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (queryString == null || queryString.isEmpty()) {
            return params;
        }
        for (String pair : queryString.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(value);
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // A malformed escape is kept literally: the bean then refuses the parameter as malformed.
            return s;
        }
    }
}
