package io.dirsync.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.ws.rs.core.Response;

import org.keycloak.services.ErrorResponse;

import io.dirsync.engine.RequestJson;

/**
 * Request-body parsing for the admin API: malformed input is a 400 that says what to fix, never a 500; the body is read
 * by {@link RequestJson} (strict: nothing after the JSON object), as the push APIs' bodies are.
 */
final class AdminJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int MAX_BODY = 256 * 1024;

    private AdminJson() {
    }

    static ObjectNode object(String body) {
        if (body == null || body.isBlank()) {
            return MAPPER.createObjectNode();
        }
        if (body.length() > MAX_BODY) {
            throw ErrorResponse.error("Request body is larger than " + MAX_BODY + " bytes", Response.Status.REQUEST_ENTITY_TOO_LARGE);
        }
        JsonNode node;
        try {
            node = RequestJson.read(body);
        } catch (RequestJson.Malformed e) {
            throw ErrorResponse.error(e.getMessage(), Response.Status.BAD_REQUEST);
        }
        if (!(node instanceof ObjectNode o)) {
            throw ErrorResponse.error("The request body must be a JSON object", Response.Status.BAD_REQUEST);
        }
        return o;
    }

    static String text(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ErrorResponse.error("'" + field + "' must be a string", Response.Status.BAD_REQUEST);
        }
        return n.asText();
    }

    static boolean bool(ObjectNode body, String field, boolean absent) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return absent;
        }
        if (!n.isBoolean()) {
            throw ErrorResponse.error("'" + field + "' must be true or false", Response.Status.BAD_REQUEST);
        }
        return n.booleanValue();
    }

    /** A required, non-empty array of strings (ids), or a 400 that says what to send. */
    static java.util.List<String> strings(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw ErrorResponse.error("Send {\"" + field + "\": [\"<id>\", ...]} with at least one id",
                Response.Status.BAD_REQUEST);
        }
        java.util.List<String> values = new java.util.ArrayList<>();
        for (JsonNode v : n) {
            if (!v.isTextual() || v.asText().isBlank()) {
                throw ErrorResponse.error("'" + field + "' must hold ids (non-empty strings)", Response.Status.BAD_REQUEST);
            }
            values.add(v.asText());
        }
        return values;
    }

    static ObjectNode objectField(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!(n instanceof ObjectNode o)) {
            throw ErrorResponse.error("'" + field + "' must be a JSON object", Response.Status.BAD_REQUEST);
        }
        return o;
    }
}
