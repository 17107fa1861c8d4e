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

import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.SourceUser;
import io.dirsync.storage.ManagedUserEntity;

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

    public static SourceUser toSource(ObjectNode doc, Directory directory) {
        String userName = ScimJson.text(doc.get("userName"));
        if (userName == null) {
            throw ScimError.badRequest("invalidValue", "userName is required");
        }
        if (userName.length() > 255) {
            throw ScimError.badRequest("invalidValue", "userName has at most 255 characters");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("email", primaryEmail(doc.get("emails")));
        attributes.put("firstName", ScimJson.text(doc.path("name").get("givenName")));
        attributes.put("lastName", ScimJson.text(doc.path("name").get("familyName")));
        for (AttributeMapping m : directory.mappings()) {
            attributes.put(m.target(), valueAt(doc, m.source()));
        }
        String email = attributes.get("email");
        if (email != null && (email.length() > 255 || !email.contains("@"))) {
            throw ScimError.badRequest("invalidValue", "'" + email + "' is not a valid email address");
        }
        return new SourceUser(ScimJson.text(doc.get("externalId")), userName, attributes,
            ScimJson.bool(doc.get("active"), true, "active"));
    }

    /** The SCIM view of a managed user. */
    public static ObjectNode toScim(UserModel user, ManagedUserEntity managed, Directory directory, String baseUrl,
                                    List<GroupModel> groups, Map<String, String> groupDisplayNames) {
        ObjectNode doc = ScimJson.MAPPER.createObjectNode();
        ArrayNode schemas = doc.putArray("schemas").add(ScimJson.CORE_USER);
        doc.put("id", user.getId());
        putIfPresent(doc, "externalId", managed.getExternalId());
        String source = managed.getSourceUsername();
        doc.put("userName", source != null && source.equalsIgnoreCase(user.getUsername()) ? source : user.getUsername());
        ObjectNode name = doc.putObject("name");
        putIfPresent(name, "givenName", user.getFirstName());
        putIfPresent(name, "familyName", user.getLastName());
        String formatted = String.join(" ", java.util.stream.Stream.of(user.getFirstName(), user.getLastName())
            .filter(s -> s != null && !s.isBlank()).toList());
        putIfPresent(name, "formatted", formatted.isBlank() ? null : formatted);
        if (user.getEmail() != null) {
            ObjectNode email = doc.putArray("emails").addObject();
            email.put("value", user.getEmail());
            email.put("type", "work");
            email.put("primary", true);
        }
        doc.put("active", DirectorySyncEngine.STATE_ACTIVE.equals(managed.getState()) && managed.isSourceActive());
        for (AttributeMapping m : directory.mappings()) {
            String value = user.getFirstAttribute(m.target());
            if (value != null) {
                setValueAt(doc, m.source(), value);
                String urn = schemaOf(m.source());
                if (urn != null && !containsText(schemas, urn)) {
                    schemas.add(urn);
                }
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
        ObjectNode meta = doc.putObject("meta");
        meta.put("resourceType", "User");
        meta.put("created", ScimJson.instant(managed.getCreatedAt()));
        meta.put("lastModified", ScimJson.instant(managed.getLastModified()));
        meta.put("location", baseUrl + "/Users/" + user.getId());
        meta.put("version", version(managed.getRevision()));
        return doc;
    }

    public static String version(long revision) {
        return "W/\"" + revision + "\"";
    }

    /** The primary email, else the work one, else the first. */
    static String primaryEmail(JsonNode emails) {
        if (emails == null || !emails.isArray() || emails.isEmpty()) {
            return emails != null && emails.isTextual() ? ScimJson.text(emails) : null;
        }
        JsonNode chosen = null;
        for (JsonNode e : emails) {
            if (e.path("primary").asBoolean(false) || "true".equalsIgnoreCase(e.path("primary").asText())) {
                chosen = e;
                break;
            }
        }
        if (chosen == null) {
            for (JsonNode e : emails) {
                if ("work".equalsIgnoreCase(e.path("type").asText())) {
                    chosen = e;
                    break;
                }
            }
        }
        if (chosen == null) {
            chosen = emails.get(0);
        }
        return ScimJson.text(chosen.get("value"));
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

    private static String schemaOf(String path) {
        int i = path.lastIndexOf(':');
        return path.startsWith("urn:") && i > 0 ? path.substring(0, i) : null;
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
