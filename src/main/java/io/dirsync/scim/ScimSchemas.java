package io.dirsync.scim;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;

/**
 * The attributes RFC 7643 defines for the core User, Enterprise User and core Group schemas, with their types:
 * enough to refuse a PATCH path or a value that cannot be right (400 invalidPath / invalidValue) while keeping
 * attributes the RFC does not define, which real clients send (Okta's custom attributes, Entra's extensions).
 */
final class ScimSchemas {

    enum Type { STRING, BOOLEAN, COMPLEX, MULTI_COMPLEX }

    record Attr(Type type, List<String> subAttributes) {
    }

    private static final List<String> MULTI = List.of("value", "display", "type", "primary", "$ref");

    static final Map<String, Attr> CORE_USER = Map.ofEntries(
        Map.entry("username", new Attr(Type.STRING, List.of())),
        Map.entry("name", new Attr(Type.COMPLEX, List.of("formatted", "familyname", "givenname", "middlename",
            "honorificprefix", "honorificsuffix"))),
        Map.entry("displayname", new Attr(Type.STRING, List.of())),
        Map.entry("nickname", new Attr(Type.STRING, List.of())),
        Map.entry("profileurl", new Attr(Type.STRING, List.of())),
        Map.entry("title", new Attr(Type.STRING, List.of())),
        Map.entry("usertype", new Attr(Type.STRING, List.of())),
        Map.entry("preferredlanguage", new Attr(Type.STRING, List.of())),
        Map.entry("locale", new Attr(Type.STRING, List.of())),
        Map.entry("timezone", new Attr(Type.STRING, List.of())),
        Map.entry("active", new Attr(Type.BOOLEAN, List.of())),
        Map.entry("password", new Attr(Type.STRING, List.of())),
        Map.entry("externalid", new Attr(Type.STRING, List.of())),
        Map.entry("emails", new Attr(Type.MULTI_COMPLEX, MULTI)),
        Map.entry("phonenumbers", new Attr(Type.MULTI_COMPLEX, MULTI)),
        Map.entry("ims", new Attr(Type.MULTI_COMPLEX, MULTI)),
        Map.entry("photos", new Attr(Type.MULTI_COMPLEX, MULTI)),
        Map.entry("addresses", new Attr(Type.MULTI_COMPLEX, List.of("formatted", "streetaddress", "locality", "region",
            "postalcode", "country", "type", "primary"))),
        Map.entry("groups", new Attr(Type.MULTI_COMPLEX, MULTI)),
        Map.entry("entitlements", new Attr(Type.MULTI_COMPLEX, MULTI)),
        Map.entry("roles", new Attr(Type.MULTI_COMPLEX, MULTI)),
        Map.entry("x509certificates", new Attr(Type.MULTI_COMPLEX, MULTI)));

    static final Map<String, Attr> ENTERPRISE_USER = Map.of(
        "employeenumber", new Attr(Type.STRING, List.of()),
        "costcenter", new Attr(Type.STRING, List.of()),
        "organization", new Attr(Type.STRING, List.of()),
        "division", new Attr(Type.STRING, List.of()),
        "department", new Attr(Type.STRING, List.of()),
        "manager", new Attr(Type.COMPLEX, List.of("value", "$ref", "displayname")));

    static final Map<String, Attr> CORE_GROUP = Map.of(
        "displayname", new Attr(Type.STRING, List.of()),
        "externalid", new Attr(Type.STRING, List.of()),
        "members", new Attr(Type.MULTI_COMPLEX, MULTI));

    private ScimSchemas() {
    }

    /** Refuses a PATCH path that names no attribute of a user (unknown attributes outside RFC schemas are kept). */
    static void checkUserPath(String text) {
        Path path = parse(text);
        String urn = path.getSchemaUrn();
        if (urn == null || urn.equalsIgnoreCase(ScimJson.CORE_USER)) {
            check(path, CORE_USER, urn != null, text);
        } else if (urn.equalsIgnoreCase(ScimJson.ENTERPRISE_USER)) {
            check(path, ENTERPRISE_USER, true, text);
        } else if (!urn.toLowerCase(Locale.ROOT).endsWith(":user")) {
            throw ScimError.badRequest("invalidPath", "'" + text + "' is not an attribute of a User: '" + urn + "' is not a User schema");
        }
    }

    /** Groups keep displayName, externalId and members only: any other path is refused. */
    static void checkGroupPath(String text) {
        Path path = parse(text);
        String urn = path.getSchemaUrn();
        if (urn != null && !urn.equalsIgnoreCase(ScimJson.CORE_GROUP)) {
            throw ScimError.badRequest("invalidPath", "'" + text + "' is not an attribute of a Group");
        }
        check(path, CORE_GROUP, true, text);
    }

    /** Refuses values of the wrong type for RFC-defined user attributes. */
    static void checkUserValues(ObjectNode doc) {
        checkValues(doc, CORE_USER, "");
        JsonNode enterprise = field(doc, ScimJson.ENTERPRISE_USER);
        if (enterprise != null && !enterprise.isNull()) {
            if (!enterprise.isObject()) {
                throw ScimError.badRequest("invalidValue", "'" + ScimJson.ENTERPRISE_USER + "' must be an object");
            }
            checkValues((ObjectNode) enterprise, ENTERPRISE_USER, ScimJson.ENTERPRISE_USER + ":");
        }
    }

    private static void checkValues(ObjectNode doc, Map<String, Attr> schema, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> fields = doc.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            Attr attr = schema.get(f.getKey().toLowerCase(Locale.ROOT));
            JsonNode v = f.getValue();
            if (attr == null || v == null || v.isNull()) {
                continue;
            }
            String name = prefix + f.getKey();
            switch (attr.type()) {
                case STRING -> {
                    // Numbers are taken as their text (ids, employee numbers); booleans and structures are not strings.
                    if (v.isContainerNode() || v.isBoolean()) {
                        throw ScimError.badRequest("invalidValue", "'" + name + "' must be a string, not " + kind(v));
                    }
                }
                case BOOLEAN -> ScimJson.bool(v, true, name);
                case COMPLEX -> {
                    if (!v.isObject()) {
                        throw ScimError.badRequest("invalidValue", "'" + name + "' must be an object, not " + kind(v));
                    }
                    checkSubValues(v, name);
                }
                case MULTI_COMPLEX -> {
                    if (!v.isArray()) {
                        throw ScimError.badRequest("invalidValue", "'" + name + "' must be a list of objects, not " + kind(v));
                    }
                    for (JsonNode e : v) {
                        if (!e.isObject()) {
                            throw ScimError.badRequest("invalidValue", "Each element of '" + name + "' must be an object, not " + kind(e));
                        }
                        checkSubValues(e, name);
                        if (e.has("primary")) {
                            ScimJson.bool(e.get("primary"), false, name + ".primary");
                        }
                    }
                }
            }
        }
    }

    private static void checkSubValues(JsonNode object, String name) {
        Iterator<Map.Entry<String, JsonNode>> subs = object.fields();
        while (subs.hasNext()) {
            Map.Entry<String, JsonNode> s = subs.next();
            if (s.getValue().isContainerNode()) {
                throw ScimError.badRequest("invalidValue", "'" + name + "." + s.getKey() + "' must be a single value");
            }
        }
    }

    private static void check(Path path, Map<String, Attr> schema, boolean strict, String text) {
        if (path.size() == 0) {
            throw ScimError.badRequest("invalidPath", "'" + text + "' names no attribute");
        }
        String first = path.getElement(0).getAttribute().toLowerCase(Locale.ROOT);
        Attr attr = schema.get(first);
        if (attr == null) {
            if (strict) {
                throw ScimError.badRequest("invalidPath", "'" + text + "': '" + path.getElement(0).getAttribute()
                    + "' is not an attribute of this schema");
            }
            return;
        }
        if (path.size() > 2) {
            throw ScimError.badRequest("invalidPath", "'" + text + "' goes deeper than attribute.subAttribute");
        }
        if (path.size() == 2) {
            String sub = path.getElement(1).getAttribute().toLowerCase(Locale.ROOT);
            if (!attr.subAttributes().contains(sub)) {
                throw ScimError.badRequest("invalidPath", "'" + text + "': '" + path.getElement(0).getAttribute()
                    + "' has no sub-attribute '" + path.getElement(1).getAttribute() + "'");
            }
        }
    }

    private static Path parse(String text) {
        if (text == null || text.isBlank()) {
            throw ScimError.badRequest("invalidPath", "A PATCH 'path' must not be empty");
        }
        try {
            return Path.fromString(text);
        } catch (BadRequestException e) {
            throw ScimError.badRequest("invalidPath", "Invalid path '" + text + "': " + e.getMessage());
        }
    }

    private static JsonNode field(ObjectNode node, String name) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (n.equalsIgnoreCase(name)) {
                return node.get(n);
            }
        }
        return null;
    }

    private static String kind(JsonNode v) {
        return v.isArray() ? "a list" : v.isObject() ? "an object" : v.isTextual() ? "a string" : v.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
