package io.dirsync.scim;

import java.beans.IntrospectionException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.Path;
import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.types.AttributeDefinition;
import com.unboundid.scim2.common.types.EnterpriseUserExtension;
import com.unboundid.scim2.common.types.GroupResource;
import com.unboundid.scim2.common.types.SchemaResource;
import com.unboundid.scim2.common.types.UserResource;
import com.unboundid.scim2.common.utils.SchemaUtils;

/**
 * The schemas this server speaks: RFC 7643 §8.7.1's core User, Enterprise User and core Group, as the UnboundID SCIM 2
 * SDK defines them from its model classes (names, descriptions, sub-attributes, canonical values, mutability), with
 * what this server does differently stated here. {@code /Schemas} serves these definitions, and the same definitions
 * decide which PATCH paths and value types are refused (400 invalidPath / invalidValue), while attributes no schema
 * defines, which real clients send (Okta's custom attributes, Entra's extensions), are kept.
 */
final class ScimSchemas {

    /** RFC 7643 §8.7.1 User; {@code externalId} described as the common attribute it is (§3.1), as clients expect. */
    static final SchemaResource USER;
    static final SchemaResource ENTERPRISE_USER;
    /** Group: {@code displayName} is unique within a directory (rule 6); {@code externalId} as for users. */
    static final SchemaResource GROUP;

    static {
        try {
            USER = withAttributes(SchemaUtils.getSchema(UserResource.class), List.of(externalId()), Map.of());
            ENTERPRISE_USER = withAttributes(SchemaUtils.getSchema(EnterpriseUserExtension.class), List.of(),
                // Neither is required by RFC 7643 §4.3 nor here: a manager may be sent as a bare value or display name.
                Map.of("manager", manager -> copy(manager, manager.getSubAttributes().stream()
                    .map(sub -> sub.getName().equals("displayName") ? sub : required(sub, false)).toList())));
            GROUP = withAttributes(SchemaUtils.getSchema(GroupResource.class), List.of(externalId()),
                Map.of("displayName", d -> uniqueness(d, AttributeDefinition.Uniqueness.SERVER)));
        } catch (IntrospectionException e) {
            throw new IllegalStateException("The SCIM SDK could not describe its model classes", e);
        }
    }

    enum Type { STRING, BOOLEAN, COMPLEX, MULTI_COMPLEX }

    /** What the checks need of an attribute: its kind and its sub-attributes' names, lower-cased. */
    record Attr(Type type, List<String> subAttributes) {
    }

    static final Map<String, Attr> CORE_USER_ATTRS = checks(USER);
    static final Map<String, Attr> ENTERPRISE_USER_ATTRS = checks(ENTERPRISE_USER);
    static final Map<String, Attr> CORE_GROUP_ATTRS = checks(GROUP);

    private ScimSchemas() {
    }

    /**
     * A definition of an attribute no schema above defines that a directory maps or its client sends (Okta's and
     * Entra's custom ones): a string, or a complex attribute of string sub-attributes.
     */
    static AttributeDefinition other(String name, List<String> subAttributes, String description) {
        AttributeDefinition.Builder b = attribute(name, subAttributes.isEmpty() ? AttributeDefinition.Type.STRING
            : AttributeDefinition.Type.COMPLEX).setDescription(description);
        for (String sub : subAttributes) {
            b.addSubAttributes(attribute(sub, AttributeDefinition.Type.STRING).setDescription(description).build());
        }
        return b.build();
    }

    private static AttributeDefinition externalId() {
        return attribute("externalId", AttributeDefinition.Type.STRING).setCaseExact(true)
            .setDescription("An identifier for the resource as defined by the provisioning client; not unique.").build();
    }

    private static AttributeDefinition.Builder attribute(String name, AttributeDefinition.Type type) {
        return new AttributeDefinition.Builder().setName(name).setType(type).setMultiValued(false).setRequired(false)
            .setCaseExact(false).setMutability(AttributeDefinition.Mutability.READ_WRITE)
            .setReturned(AttributeDefinition.Returned.DEFAULT).setUniqueness(AttributeDefinition.Uniqueness.NONE);
    }

    private static SchemaResource withAttributes(SchemaResource schema, List<AttributeDefinition> added,
                                                 Map<String, UnaryOperator<AttributeDefinition>> changed) {
        List<AttributeDefinition> attributes = new ArrayList<>();
        for (AttributeDefinition a : schema.getAttributes()) {
            attributes.add(changed.getOrDefault(a.getName(), UnaryOperator.identity()).apply(a));
        }
        attributes.addAll(added);
        return new SchemaResource(schema.getId(), schema.getName(), schema.getDescription(), attributes);
    }

    private static AttributeDefinition required(AttributeDefinition a, boolean required) {
        return copy(a, builder(a).setRequired(required), a.getSubAttributes());
    }

    private static AttributeDefinition uniqueness(AttributeDefinition a, AttributeDefinition.Uniqueness uniqueness) {
        return copy(a, builder(a).setUniqueness(uniqueness), a.getSubAttributes());
    }

    private static AttributeDefinition copy(AttributeDefinition a, Collection<AttributeDefinition> subAttributes) {
        return copy(a, builder(a), subAttributes);
    }

    private static AttributeDefinition copy(AttributeDefinition a, AttributeDefinition.Builder b,
                                            Collection<AttributeDefinition> subAttributes) {
        if (subAttributes != null) {
            subAttributes.forEach(b::addSubAttributes);
        }
        return b.build();
    }

    /** A builder holding everything of {@code a} but its sub-attributes. */
    private static AttributeDefinition.Builder builder(AttributeDefinition a) {
        AttributeDefinition.Builder b = new AttributeDefinition.Builder().setName(a.getName()).setType(a.getType())
            .setMultiValued(a.isMultiValued()).setDescription(a.getDescription()).setRequired(a.isRequired())
            .setCaseExact(a.isCaseExact()).setMutability(a.getMutability()).setReturned(a.getReturned())
            .setUniqueness(a.getUniqueness());
        if (a.getCanonicalValues() != null) {
            b.addCanonicalValues(a.getCanonicalValues().toArray(String[]::new));
        }
        if (a.getReferenceTypes() != null) {
            b.addReferenceTypes(a.getReferenceTypes().toArray(String[]::new));
        }
        return b;
    }

    private static Map<String, Attr> checks(SchemaResource schema) {
        Map<String, Attr> attrs = new HashMap<>();
        for (AttributeDefinition a : schema.getAttributes()) {
            Type type = switch (a.getType()) {
                case BOOLEAN -> Type.BOOLEAN;
                case COMPLEX -> a.isMultiValued() ? Type.MULTI_COMPLEX : Type.COMPLEX;
                default -> Type.STRING;
            };
            List<String> subs = a.getSubAttributes() == null ? List.of()
                : a.getSubAttributes().stream().map(sub -> sub.getName().toLowerCase(Locale.ROOT)).toList();
            attrs.put(a.getName().toLowerCase(Locale.ROOT), new Attr(type, subs));
        }
        return Map.copyOf(attrs);
    }

    /** Refuses a PATCH path that names no attribute of a user (unknown attributes outside RFC schemas are kept). */
    static void checkUserPath(String text) {
        Path path = parse(text);
        String urn = path.getSchemaUrn();
        if (urn == null || urn.equalsIgnoreCase(ScimJson.CORE_USER)) {
            check(path, CORE_USER_ATTRS, urn != null, text);
        } else if (urn.equalsIgnoreCase(ScimJson.ENTERPRISE_USER)) {
            check(path, ENTERPRISE_USER_ATTRS, true, text);
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
        check(path, CORE_GROUP_ATTRS, true, text);
    }

    /** Refuses values of the wrong type for RFC-defined user attributes. */
    static void checkUserValues(ObjectNode doc) {
        checkValues(doc, CORE_USER_ATTRS, "");
        JsonNode enterprise = ScimJson.field(doc, ScimJson.ENTERPRISE_USER);
        if (enterprise != null && !enterprise.isNull()) {
            if (!enterprise.isObject()) {
                throw ScimError.badRequest("invalidValue", "'" + ScimJson.ENTERPRISE_USER + "' must be an object");
            }
            checkValues((ObjectNode) enterprise, ENTERPRISE_USER_ATTRS, ScimJson.ENTERPRISE_USER + ":");
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

    static Path parse(String text) {
        if (text == null || text.isBlank()) {
            throw ScimError.badRequest("invalidPath", "A PATCH 'path' must not be empty");
        }
        try {
            return Path.fromString(text);
        } catch (BadRequestException e) {
            throw ScimError.badRequest("invalidPath", "Invalid path '" + text + "': " + e.getMessage());
        }
    }


    private static String kind(JsonNode v) {
        return v.isArray() ? "a list" : v.isObject() ? "an object" : v.isTextual() ? "a string" : v.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
