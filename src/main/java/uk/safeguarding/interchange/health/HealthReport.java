package uk.safeguarding.interchange.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's health at one moment: each component up or down, in a stable order. The gateway is up only when
 * every component is.
 */
public record HealthReport(Map<String, Boolean> components) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public HealthReport {
        components = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
    }

    public boolean up() {
        return components.values().stream().allMatch(Boolean::booleanValue);
    }

    /** 200 when up, 503 otherwise. */
    public int httpStatus() {
        return up() ? 200 : 503;
    }

    /** {@code {"status":"UP","components":{"broker":{"status":"UP"},...}}}. */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("status", status(up()));
        ObjectNode comps = root.putObject("components");
        components.forEach((name, isUp) -> comps.putObject(name).put("status", status(isUp)));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String status(boolean up) {
        return up ? "UP" : "DOWN";
    }
}
