package io.dirsync.scim;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.filters.Filter;
import com.unboundid.scim2.common.filters.FilterType;
import com.unboundid.scim2.common.messages.PatchOperation;
import com.unboundid.scim2.common.types.AttributeDefinition;
import com.unboundid.scim2.common.utils.JsonUtils;

/**
 * PATCH requests (RFC 7644 §3.5.2) as real clients send them, normalised before UnboundID's SDK applies them:
 * Entra's capitalised {@code op}, and path-less replaces whose value keys are dotted paths or schema URNs
 * ({@code ?aadOptscim062020}) are split into one operation per key.
 */
public final class ScimPatch {

    /** Documented limit on operations per PATCH request. */
    public static final int MAX_OPERATIONS = 1000;

    private ScimPatch() {
    }

    public static List<ObjectNode> operations(ObjectNode body) {
        JsonNode schemas = body.get("schemas");
        boolean patchSchema = false;
        if (schemas != null && schemas.isArray()) {
            for (JsonNode s : schemas) {
                patchSchema |= ScimJson.PATCH_OP.equals(s.asText());
            }
        }
        if (!patchSchema) {
            throw ScimError.badRequest("invalidSyntax", "A PATCH request must have schemas [\"" + ScimJson.PATCH_OP + "\"]");
        }
        JsonNode ops = body.has("Operations") ? body.get("Operations") : body.get("operations");
        if (ops == null || !ops.isArray() || ops.isEmpty()) {
            throw ScimError.badRequest("invalidSyntax", "A PATCH request needs a non-empty 'Operations' array");
        }
        if (ops.size() > MAX_OPERATIONS) {
            // 413, as RFC 7644 §3.7.4 answers a bulk request over its limits; "tooMany" is for filters' results only.
            throw new ScimError(413, null, "A PATCH request has at most " + MAX_OPERATIONS + " operations; send the"
                + " changes in several requests");
        }
        List<ObjectNode> result = new ArrayList<>();
        for (JsonNode raw : ops) {
            if (!(raw instanceof ObjectNode op)) {
                throw ScimError.badRequest("invalidSyntax", "Each PATCH operation must be a JSON object");
            }
            ObjectNode normalised = op.deepCopy();
            String name = ScimJson.text(op.get("op"));
            if (name == null) {
                throw ScimError.badRequest("invalidSyntax", "A PATCH operation needs 'op': add, remove or replace");
            }
            name = name.toLowerCase(Locale.ROOT);
            if (!List.of("add", "remove", "replace").contains(name)) {
                throw ScimError.badRequest("invalidSyntax", "Unknown PATCH op '" + op.get("op").asText() + "'; use add, remove or replace");
            }
            normalised.put("op", name);
            if (op.has("path") && !op.get("path").isNull() && (!op.get("path").isTextual() || op.get("path").asText().isBlank())) {
                throw ScimError.badRequest("invalidPath", "A PATCH 'path' must be a non-empty string");
            }
            String path = ScimJson.text(op.get("path"));
            JsonNode value = op.get("value");
            if (name.equals("remove") && path == null) {
                throw ScimError.badRequest("noTarget", "A remove operation needs a 'path'");
            }
            if (!name.equals("remove") && (value == null || value.isNull())) {
                throw ScimError.badRequest("invalidValue", "A " + name + " operation needs a 'value'");
            }
            if (!name.equals("remove") && path == null && !value.isObject()) {
                throw ScimError.badRequest("invalidValue", "A " + name + " operation without 'path' needs an object 'value'");
            }
            if (path == null && value instanceof ObjectNode object && hasPathKeys(object)) {
                ObjectNode plain = ScimJson.MAPPER.createObjectNode();
                Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    if (f.getKey().contains(".") || f.getKey().startsWith("urn:")) {
                        ObjectNode single = ScimJson.MAPPER.createObjectNode();
                        single.put("op", name);
                        single.put("path", f.getKey());
                        single.set("value", f.getValue());
                        result.add(single);
                    } else {
                        plain.set(f.getKey(), f.getValue());
                    }
                }
                if (!plain.isEmpty()) {
                    normalised.set("value", plain);
                    result.add(normalised);
                }
                continue;
            }
            // A value-filter target (emails[type eq "work"]) replaced or added with a one-element list: the element.
            if (path != null && path.endsWith("]") && value != null && value.isArray() && value.size() == 1
                && !path.toLowerCase(java.util.Locale.ROOT).startsWith("members")) {
                normalised.set("value", value.get(0));
            }
            result.add(normalised);
        }
        return result;
    }

    /** Checks every path of a user PATCH before anything is looked up or changed. */
    public static void checkUserPaths(List<ObjectNode> operations) {
        for (ObjectNode op : operations) {
            String path = ScimJson.text(op.get("path"));
            if (path != null) {
                ScimSchemas.checkUserPath(path);
            }
        }
    }

    /**
     * RFC 7644 §3.5.2.2: a remove whose attribute no schema or mapping defines and the user's document does not hold is
     * 400 invalidPath; removing a defined attribute that has no value stays a no-op (Entra removes cleared values).
     */
    public static void checkRemoveTargets(ObjectNode doc, List<ObjectNode> operations,
                                          Map<String, List<AttributeDefinition>> mapped) {
        for (ObjectNode op : operations) {
            String path = ScimJson.text(op.get("path"));
            if (!"remove".equals(op.path("op").asText()) || path == null) {
                continue;
            }
            Path parsed = ScimSchemas.parse(path);
            String urn = parsed.getSchemaUrn();
            String attribute = parsed.getElement(0).getAttribute();
            String schema = urn == null ? ScimJson.CORE_USER : urn;
            Map<String, ScimSchemas.Attr> defined = schema.equalsIgnoreCase(ScimJson.CORE_USER) ? ScimSchemas.CORE_USER_ATTRS
                : schema.equalsIgnoreCase(ScimJson.ENTERPRISE_USER) ? ScimSchemas.ENTERPRISE_USER_ATTRS : Map.of();
            boolean known = defined.containsKey(attribute.toLowerCase(Locale.ROOT))
                || mapped.entrySet().stream().anyMatch(e -> e.getKey().equalsIgnoreCase(schema)
                    && e.getValue().stream().anyMatch(a -> a.getName().equalsIgnoreCase(attribute)))
                || ScimJson.field(urn == null ? doc : ScimJson.field(doc, urn), attribute) != null;
            if (!known) {
                throw ScimError.badRequest("invalidPath", "'" + path + "' names no attribute of a User: no schema or"
                    + " mapping defines '" + attribute + "' and the user has no such attribute");
            }
        }
    }

    /** Checks every path of a group PATCH before anything is looked up or changed. */
    public static void checkGroupPaths(List<ObjectNode> operations) {
        for (ObjectNode op : operations) {
            String path = ScimJson.text(op.get("path"));
            if (path != null) {
                ScimSchemas.checkGroupPath(path);
            }
        }
    }

    /** Applies normalised operations to a resource document; read-only attributes are refused. */
    public static void apply(ObjectNode doc, List<ObjectNode> operations) {
        for (ObjectNode op : operations) {
            String path = ScimJson.text(op.get("path"));
            if (path != null) {
                String root = path.toLowerCase(Locale.ROOT);
                if (root.equals("id") || root.startsWith("meta") || root.equals("groups") || root.startsWith("groups[")) {
                    throw ScimError.badRequest("mutability", "'" + path + "' is read-only");
                }
            } else if (op.get("value") instanceof ObjectNode value) {
                JsonNode id = value.get("id");
                if (id != null && !id.asText().equals(doc.path("id").asText())) {
                    throw ScimError.badRequest("mutability", "'id' is read-only");
                }
                value.remove(List.of("id", "meta", "schemas", "groups"));
            }
            try {
                PatchOperation patch = JsonUtils.getObjectReader().forType(PatchOperation.class).readValue(op);
                patch.apply(doc);
                dropDuplicateValues(doc);
            } catch (ScimException e) {
                String type = e.getScimError() == null ? null : e.getScimError().getScimType();
                throw new ScimError(400, type == null ? "invalidValue" : type, e.getMessage());
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw ScimError.badRequest("invalidSyntax", "Invalid PATCH operation " + op + ": " + e.getMessage());
            }
        }
    }

    /** The user ids named by a {@code members[value eq "a" or value eq "b"]} path. */
    public static Set<String> memberValues(String path) {
        try {
            Filter f = Path.fromString(path).getElement(0).getValueFilter();
            Set<String> ids = new LinkedHashSet<>();
            collectValues(f, ids);
            return ids;
        } catch (BadRequestException e) {
            throw ScimError.badRequest("invalidPath", "Invalid path '" + path + "': " + e.getMessage());
        }
    }

    private static void collectValues(Filter f, Set<String> ids) {
        if (f == null) {
            throw ScimError.badRequest("invalidPath", "Expected members[value eq \"<user id>\"]");
        }
        if (f.getFilterType() == FilterType.OR) {
            for (Filter c : f.getCombinedFilters()) {
                collectValues(c, ids);
            }
        } else if (f.getFilterType() == FilterType.EQUAL && "value".equalsIgnoreCase(f.getAttributePath().toString())) {
            ids.add(f.getComparisonValue().asText());
        } else {
            throw ScimError.badRequest("invalidPath", "Only members[value eq \"<user id>\"] (joined by or) is supported, not " + f);
        }
    }

    /** Adding a value a multi-valued attribute already holds changes nothing (Entra adds what it means to replace). */
    private static void dropDuplicateValues(ObjectNode doc) {
        doc.fields().forEachRemaining(f -> {
            if (f.getValue() instanceof com.fasterxml.jackson.databind.node.ArrayNode array && array.size() > 1) {
                java.util.Set<JsonNode> seen = new java.util.HashSet<>();
                for (int i = array.size() - 1; i >= 0; i--) {
                    if (!seen.add(array.get(i))) {
                        array.remove(i);
                    }
                }
            } else if (f.getValue() instanceof ObjectNode extension && f.getKey().startsWith("urn:")) {
                dropDuplicateValues(extension);
            }
        });
    }

    private static boolean hasPathKeys(ObjectNode value) {
        Iterator<String> names = value.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (n.contains(".") || n.startsWith("urn:")) {
                return true;
            }
        }
        return false;
    }
}
