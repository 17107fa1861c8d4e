package io.dirsync.scim;

import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.dirsync.engine.RequestJson;

/** JSON helpers for the SCIM endpoint, lenient in what they accept as real clients send it. */
public final class ScimJson {

    public static final String SCIM_JSON = "application/scim+json";
    public static final String CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    public static final String CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public static final String ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public static final String LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    /** Request bodies larger than this are refused with 413 (documented limit). */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    /** Writes SCIM JSON and reads the documents this server stored; clients' bodies are read by {@link #parseObject}. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private ScimJson() {
    }

    /** A client's body: one JSON object ({@link RequestJson}: nothing after it), else 400 {@code invalidSyntax}. */
    public static ObjectNode parseObject(String body) {
        if (body == null || body.isBlank()) {
            throw ScimError.badRequest("invalidSyntax", "The request body is empty; send a JSON object");
        }
        if (body.length() > MAX_BODY_BYTES) {
            throw new ScimError(413, null, "The request body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        JsonNode node;
        try {
            node = RequestJson.read(body);
        } catch (RequestJson.Malformed e) {
            throw ScimError.badRequest("invalidSyntax", e.getMessage());
        }
        if (!(node instanceof ObjectNode o)) {
            throw ScimError.badRequest("invalidSyntax", "The request body must be a JSON object");
        }
        return o;
    }

    /** A document this server stored itself. */
    static ObjectNode parseStored(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            return n instanceof ObjectNode o ? o : MAPPER.createObjectNode();
        } catch (Exception e) {
            return MAPPER.createObjectNode();
        }
    }

    /** The field of an object whose name matches case-insensitively (RFC 7643 §2.1), or null. */
    public static JsonNode field(JsonNode node, String name) {
        if (!(node instanceof ObjectNode object)) {
            return null;
        }
        java.util.Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (n.equalsIgnoreCase(name)) {
                return object.get(n);
            }
        }
        return null;
    }

    public static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || node.isContainerNode()) {
            return null;
        }
        String s = node.asText();
        return s.isBlank() ? null : s;
    }

    /**
     * A boolean as clients send it: JSON true/false, or Entra's and OneLogin's strings "True"/"False".
     *
     * @throws ScimError 400 invalidValue for anything else
     */
    public static boolean bool(JsonNode node, boolean defaultValue, String attribute) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return defaultValue;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            String v = node.asText().trim().toLowerCase(Locale.ROOT);
            if (v.equals("true")) {
                return true;
            }
            if (v.equals("false")) {
                return false;
            }
        }
        throw ScimError.badRequest("invalidValue", "'" + attribute + "' must be a boolean, not " + node);
    }

    /** A resource's {@code meta}: its version is the ETag. */
    static void meta(ObjectNode doc, String resourceType, long created, long lastModified, String location, long revision) {
        ObjectNode meta = doc.putObject("meta");
        meta.put("resourceType", resourceType);
        meta.put("created", instant(created));
        meta.put("lastModified", instant(lastModified));
        meta.put("location", location);
        meta.put("version", "W/\"" + revision + "\"");
    }

    public static String instant(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
