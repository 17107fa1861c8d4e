package io.dirsync.scim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.utils.JsonUtils;

import org.keycloak.models.GroupModel;
import org.keycloak.models.UserModel;
import org.keycloak.utils.EmailValidationUtil;

import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.engine.InputLimits;
import io.dirsync.engine.SourceUser;
import io.dirsync.engine.ManagedUser;

/**
 * Translates between SCIM User resources and the engine's {@link SourceUser}. Required mappings (SPEC §3.1):
 * {@code userName → username}, {@code emails} (primary, else work, else first) {@code → email},
 * {@code name.givenName → firstName}, {@code name.familyName → lastName}; optional ones come from the
 * directory's mapping (any SCIM path, core, enterprise or custom URN). Unknown attributes are ignored.
 */
public final class ScimUserMapping {

    /** SCIM attributes offered in the mapping editor's "Add mapping" list (any other SCIM path may be typed). */
    public static final List<String> OFFERED_SOURCES = List.of(
        "displayName", "nickName", "title", "userType", "preferredLanguage", "locale", "timezone", "profileUrl",
        "phoneNumbers[type eq \"work\"].value", "phoneNumbers[type eq \"mobile\"].value",
        "addresses[type eq \"work\"].locality", "addresses[type eq \"work\"].country",
        ScimJson.ENTERPRISE_USER + ":employeeNumber", ScimJson.ENTERPRISE_USER + ":costCenter",
        ScimJson.ENTERPRISE_USER + ":organization", ScimJson.ENTERPRISE_USER + ":division",
        ScimJson.ENTERPRISE_USER + ":department", ScimJson.ENTERPRISE_USER + ":manager.value",
        ScimJson.ENTERPRISE_USER + ":manager.displayName");

    private ScimUserMapping() {
    }

    /** Attributes the server owns or never keeps: not stored in the source document. */
    private static final List<String> NOT_STORED = List.of("id", "meta", "password", "groups");

    /**
     * A client's body (POST, PUT): extension attributes must be declared in {@code schemas} when the body
     * declares the core schema (RFC 7643 §3); SCIM 1.x-style templates without it are accepted as sent.
     */
    public static SourceUser fromClient(ObjectNode doc, Directory directory) {
        JsonNode schemas = doc.get("schemas");
        if (schemas != null && schemas.isArray() && containsText((ArrayNode) schemas, ScimJson.CORE_USER)) {
            java.util.Iterator<String> names = doc.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (n.startsWith("urn:") && !containsText((ArrayNode) schemas, n)) {
                    throw ScimError.badRequest("invalidSyntax", "'" + n + "' is used but not listed in 'schemas'");
                }
            }
        }
        return toSource(doc, directory);
    }

    public static SourceUser toSource(ObjectNode doc, Directory directory) {
        ScimSchemas.checkUserValues(doc);
        String userName = ScimJson.text(doc.get("userName"));
        if (userName == null) {
            throw ScimError.badRequest("invalidValue", "userName is required");
        }
        requireNoNul(doc, "");
        requireFits("userName", userName, InputLimits.USERNAME);
        String externalId = ScimJson.text(doc.get("externalId"));
        requireFits("externalId", externalId, InputLimits.EXTERNAL_ID);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("email", primaryEmail(doc.get("emails")));
        attributes.put("firstName", ScimJson.text(doc.path("name").get("givenName")));
        attributes.put("lastName", ScimJson.text(doc.path("name").get("familyName")));
        requireFits("name.givenName", attributes.get("firstName"), InputLimits.FIRST_NAME);
        requireFits("name.familyName", attributes.get("lastName"), InputLimits.LAST_NAME);
        for (AttributeMapping m : directory.mappings()) {
            String value = valueAt(doc, m.source());
            requireFits(m.source(), value, InputLimits.ofUserAttribute(m.target()).orElse(Integer.MAX_VALUE));
            attributes.put(m.target(), value);
        }
        String email = invalidEmail(doc);
        if (email != null) {
            if (directory.settings().path(ScimDirectoryTypeFactory.STRICT_EMAILS_SETTING).asBoolean(false)) {
                throw ScimError.badRequest("invalidValue", "'" + email + "' is not a valid email address");
            }
            // Provisioned without a Keycloak e-mail; the value stays in the SCIM document, the run report warns.
            attributes.put("email", null);
        }
        return new SourceUser(externalId, userName, attributes,
            ScimJson.bool(doc.get("active"), true, "active"), canonical(doc));
    }

    /** A value that does not fit its column (InputLimits), refused with the client's name for it. */
    static void requireFits(String attribute, String value, int limit) {
        String problem = InputLimits.problem(value, limit);
        if (problem != null) {
            throw ScimError.badRequest("invalidValue", "'" + attribute + "' " + problem);
        }
    }

    /** A group's displayName and externalId as the engine will keep them (InputLimits), refused with SCIM's names. */
    static void requireGroupFits(Directory directory, String displayName, String externalId) {
        requireFits("displayName", displayName == null ? null : displayName.trim(), InputLimits.groupName(directory));
        requireFits("externalId", externalId, InputLimits.EXTERNAL_ID);
    }

    /** U+0000 in any name or value: PostgreSQL cannot store it in text, and no client means it. */
    static void requireNoNul(JsonNode node, String path) {
        if (node instanceof ObjectNode object) {
            java.util.Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (f.getKey().indexOf('\u0000') >= 0) {
                    throw ScimError.badRequest("invalidValue", "An attribute name must not contain the character U+0000");
                }
                requireNoNul(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey());
            }
        } else if (node instanceof ArrayNode array) {
            for (JsonNode element : array) {
                requireNoNul(element, path);
            }
        } else if (node != null && node.isTextual()) {
            requireFits(path, node.textValue(), Integer.MAX_VALUE);
        }
    }

    /**
     * The document to keep: what Keycloak holds itself (userName, names, active, externalId) and what is never
     * kept (id, meta, password, groups) left out, keys sorted, so that a request that changes nothing leaves the
     * stored document, and so the version, as they were.
     */
    static String canonical(ObjectNode doc) {
        ObjectNode kept = doc.deepCopy();
        kept.remove(NOT_STORED);
        kept.remove(List.of("schemas", "userName", "active", "externalId"));
        if (kept.get("name") instanceof ObjectNode name) {
            name.remove(List.of("givenName", "familyName"));
            if (name.isEmpty()) {
                kept.remove("name");
            }
        }
        return sorted(kept).toString();
    }

    private static java.util.TreeSet<String> fieldNames(ObjectNode object) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode out = ScimJson.MAPPER.createObjectNode();
            fieldNames(object).forEach(k -> out.set(k, sorted(object.get(k))));
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = ScimJson.MAPPER.createArrayNode();
            array.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }

    /**
     * The SCIM view of a managed user: what the client last sent, with Keycloak's values (which the sync
     * writes and nobody else may change) laid over it.
     */
    public static ObjectNode toScim(UserModel user, ManagedUser managed, Directory directory, String baseUrl,
                                    List<GroupModel> groups, Map<String, String> groupDisplayNames) {
        ObjectNode stored = managed.sourceDocument() == null ? ScimJson.MAPPER.createObjectNode()
            : ScimJson.parseStored(managed.sourceDocument());
        ObjectNode doc = ScimJson.MAPPER.createObjectNode();
        ArrayNode schemas = doc.putArray("schemas").add(ScimJson.CORE_USER);
        doc.put("id", user.getId());
        stored.remove(List.of("schemas", "id", "meta", "password", "groups"));
        doc.setAll(stored);
        doc.remove("externalId");
        putIfPresent(doc, "externalId", managed.externalId());
        String source = managed.sourceUsername();
        doc.put("userName", source != null && source.equalsIgnoreCase(user.getUsername()) ? source : user.getUsername());
        ObjectNode name = stored.get("name") instanceof ObjectNode n ? n.deepCopy() : ScimJson.MAPPER.createObjectNode();
        name.remove(List.of("givenName", "familyName"));
        putIfPresent(name, "givenName", user.getFirstName());
        putIfPresent(name, "familyName", user.getLastName());
        if (!name.isEmpty()) {
            doc.set("name", name);
        }
        doc.set("emails", emails(stored.get("emails"), user.getEmail()));
        if (doc.get("emails").isEmpty()) {
            doc.remove("emails");
        }
        doc.put("active", !managed.trashed() && managed.sourceActive());
        for (AttributeMapping m : directory.mappings()) {
            String value = user.getFirstAttribute(m.target());
            if (value != null) {
                setValueAt(doc, m.source(), value);
            }
        }
        java.util.Iterator<String> names = doc.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (n.startsWith("urn:") && !containsText(schemas, n)) {
                schemas.add(n);
            }
        }
        if (groups != null) {
            ArrayNode array = doc.putArray("groups");
            for (GroupModel g : groups) {
                ObjectNode ref = array.addObject();
                ref.put("value", g.getId());
                ref.put("display", groupDisplayNames.getOrDefault(g.getId(), g.getName()));
                ref.put("$ref", baseUrl + "/Groups/" + g.getId());
                ref.put("type", "direct");
            }
        }
        ScimJson.meta(doc, "User", managed.createdAt(), managed.lastModified(), baseUrl + "/Users/" + user.getId(),
            managed.revision());
        return doc;
    }

    /** The client's emails as sent, with the one Keycloak keeps (primary, else work, else first) set to Keycloak's value. */
    private static ArrayNode emails(JsonNode stored, String email) {
        ArrayNode out = ScimJson.MAPPER.createArrayNode();
        if (stored != null && stored.isArray()) {
            stored.forEach(e -> out.add(e.deepCopy()));
        }
        int chosen = chosenEmail(out);
        if (chosen < 0) {
            if (email != null) {
                ObjectNode e = out.addObject();
                e.put("value", email);
                e.put("type", "work");
                e.put("primary", true);
            }
        } else if (email == null) {
            // Keycloak has none: the source cleared it, or sent an invalid address, which is kept as sent.
            String sent = ScimJson.text(out.get(chosen).get("value"));
            if (sent == null || (sent.length() <= 255 && EmailValidationUtil.isValidEmail(sent))) {
                out.remove(chosen);
            }
        } else if (out.get(chosen) instanceof ObjectNode e && !email.equalsIgnoreCase(ScimJson.text(e.get("value")))) {
            e.put("value", email);
        }
        return out;
    }

    /** The e-mail address Keycloak would take from the document if it is not a valid address (too long included). */
    static String invalidEmail(ObjectNode doc) {
        String email = primaryEmail(doc.get("emails"));
        return email == null || (email.length() <= 255 && EmailValidationUtil.isValidEmail(email)) ? null : email;
    }

    /** The primary email, else the work one, else the first. */
    static String primaryEmail(JsonNode emails) {
        if (emails == null || !emails.isArray() || emails.isEmpty()) {
            return emails != null && emails.isTextual() ? ScimJson.text(emails) : null;
        }
        int i = chosenEmail(emails);
        return i < 0 ? null : ScimJson.text(emails.get(i).get("value"));
    }

    private static int chosenEmail(JsonNode emails) {
        if (emails == null || !emails.isArray() || emails.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < emails.size(); i++) {
            JsonNode p = emails.get(i).path("primary");
            if (p.asBoolean(false) || "true".equalsIgnoreCase(p.asText())) {
                return i;
            }
        }
        for (int i = 0; i < emails.size(); i++) {
            if ("work".equalsIgnoreCase(emails.get(i).path("type").asText())) {
                return i;
            }
        }
        return 0;
    }

    /** The first value at a SCIM path ({@code title}, {@code name.middleName}, {@code urn:...:User:department}, value filters). */
    static String valueAt(ObjectNode doc, String path) {
        try {
            for (JsonNode n : JsonUtils.findMatchingPaths(Path.fromString(path), doc)) {
                JsonNode v = n.isArray() && !n.isEmpty() ? n.get(0) : n;
                if (v.isObject() && v.has("value")) {
                    v = v.get("value");
                }
                String text = ScimJson.text(v);
                if (text != null) {
                    return text;
                }
            }
        } catch (Exception unresolvable) {
            return null;
        }
        return null;
    }

    private static void setValueAt(ObjectNode doc, String path, String value) {
        try {
            JsonUtils.replaceValue(Path.fromString(path), doc, TextNode.valueOf(value));
        } catch (Exception notWritable) {
            // A value-filter path with no matching element: nothing to echo.
        }
    }


    private static boolean containsText(ArrayNode array, String text) {
        for (JsonNode n : array) {
            if (text.equals(n.asText())) {
                return true;
            }
        }
        return false;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }
}
