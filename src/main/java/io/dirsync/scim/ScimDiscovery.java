package io.dirsync.scim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.types.AttributeDefinition;
import com.unboundid.scim2.common.types.SchemaResource;
import com.unboundid.scim2.common.utils.JsonUtils;

import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.storage.DirSyncStore;

/** {@code /ServiceProviderConfig}, {@code /ResourceTypes} and {@code /Schemas}: what this server really does. */
final class ScimDiscovery {

    private ScimDiscovery() {
    }

    static ObjectNode serviceProviderConfig(String baseUrl, Directory directory) {
        ObjectNode spc = ScimJson.MAPPER.createObjectNode();
        spc.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
        spc.put("documentationUri", "https://github.com/dirsync/keycloak-directory-sync#scim-endpoint");
        spc.putObject("patch").put("supported", true);
        // RFC 7643 §5: maxOperations and maxPayloadSize are required even when bulk is not supported.
        ObjectNode bulk = spc.putObject("bulk");
        bulk.put("supported", false);
        bulk.put("maxOperations", 0);
        bulk.put("maxPayloadSize", ScimJson.MAX_BODY_BYTES);
        ObjectNode filter = spc.putObject("filter");
        filter.put("supported", true);
        filter.put("maxResults", ScimEndpoint.MAX_PAGE);
        // A password sent on create, PUT or PATCH becomes the user's Keycloak password (directory setting acceptPasswords).
        spc.putObject("changePassword").put("supported", ScimDirectoryTypeFactory.acceptsPasswords(directory));
        spc.putObject("sort").put("supported", true);
        spc.putObject("etag").put("supported", true);
        ArrayNode schemes = spc.putArray("authenticationSchemes");
        ObjectNode bearer = schemes.addObject();
        bearer.put("type", "oauthbearertoken");
        bearer.put("name", "Bearer token");
        bearer.put("description", "The directory's bearer token from the Keycloak admin console (valid 90 days)");
        bearer.put("primary", true);
        ObjectNode basic = schemes.addObject();
        basic.put("type", "httpbasic");
        basic.put("name", "HTTP Basic");
        basic.put("description", "Any user name, the directory's bearer token as the password");
        ObjectNode meta = spc.putObject("meta");
        meta.put("resourceType", "ServiceProviderConfig");
        meta.put("location", baseUrl + "/ServiceProviderConfig");
        return spc;
    }

    /**
     * User and Group, the User's schema extensions being Enterprise User, every extension a mapping reads and every
     * extension the directory's client has sent.
     */
    static ObjectNode resourceTypes(String baseUrl, Directory directory, DirSyncStore store) {
        ObjectNode list = list(2);
        ArrayNode resources = list.putArray("Resources");
        ObjectNode user = resourceType(resources, "User", "/Users", ScimJson.CORE_USER, "User Account", baseUrl);
        ArrayNode extensions = user.putArray("schemaExtensions");
        extensions.addObject().put("schema", ScimJson.ENTERPRISE_USER).put("required", false);
        for (String urn : extensions(directory, store).keySet()) {
            if (!urn.equals(ScimJson.CORE_USER) && !urn.equals(ScimJson.ENTERPRISE_USER)) {
                extensions.addObject().put("schema", urn).put("required", false);
            }
        }
        resourceType(resources, "Group", "/Groups", ScimJson.CORE_GROUP, "Group", baseUrl);
        return list;
    }

    private static ObjectNode resourceType(ArrayNode resources, String name, String endpoint, String schema,
                                           String description, String baseUrl) {
        ObjectNode type = resources.addObject();
        type.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:ResourceType");
        type.put("id", name);
        type.put("name", name);
        type.put("description", description);
        type.put("endpoint", endpoint);
        type.put("schema", schema);
        type.putObject("meta").put("resourceType", "ResourceType").put("location", baseUrl + "/ResourceTypes/" + name);
        return type;
    }

    /**
     * The core User, Group and Enterprise User schemas (RFC 7643 §8.7.1, from {@link ScimSchemas}), what the
     * directory's mappings add (attributes of the core schema no RFC defines, and extension schemas such as Okta's or
     * Entra's custom ones), and the schemas of the discovery resources themselves (§7).
     */
    static ObjectNode schemas(String baseUrl, Directory directory, DirSyncStore store) {
        Map<String, List<AttributeDefinition>> mapped = extensions(directory, store);
        List<AttributeDefinition> userAttributes = new ArrayList<>(ScimSchemas.USER.getAttributes());
        userAttributes.addAll(mapped.getOrDefault(ScimJson.CORE_USER, List.of()));
        List<AttributeDefinition> enterprise = new ArrayList<>(ScimSchemas.ENTERPRISE_USER.getAttributes());
        enterprise.addAll(mapped.getOrDefault(ScimJson.ENTERPRISE_USER, List.of()));
        List<SchemaResource> schemas = new ArrayList<>();
        schemas.add(new SchemaResource(ScimJson.CORE_USER, "User", ScimSchemas.USER.getDescription(), userAttributes));
        schemas.add(ScimSchemas.GROUP);
        schemas.add(new SchemaResource(ScimJson.ENTERPRISE_USER, "EnterpriseUser",
            ScimSchemas.ENTERPRISE_USER.getDescription(), enterprise));
        mapped.forEach((urn, attributes) -> {
            if (!urn.equals(ScimJson.CORE_USER) && !urn.equals(ScimJson.ENTERPRISE_USER)) {
                schemas.add(new SchemaResource(urn, urn.substring(urn.lastIndexOf(':') + 1),
                    "Extension attributes the directory maps or its client sends", attributes));
            }
        });
        ObjectNode list = list(schemas.size() + 3);
        ArrayNode resources = list.putArray("Resources");
        for (SchemaResource schema : schemas) {
            ObjectNode node = (ObjectNode) JsonUtils.valueToNode(schema);
            node.putObject("meta").put("resourceType", "Schema").put("location", baseUrl + "/Schemas/" + schema.getId());
            resources.add(node);
        }
        for (String[] s : new String[][] {{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
                "Service Provider Configuration"}, {"urn:ietf:params:scim:schemas:core:2.0:ResourceType", "ResourceType"},
                {"urn:ietf:params:scim:schemas:core:2.0:Schema", "Schema"}}) {
            ObjectNode node = resources.addObject();
            node.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:Schema");
            node.put("id", s[0]);
            node.put("name", s[1]);
            node.putArray("attributes");
            node.putObject("meta").put("resourceType", "Schema").put("location", baseUrl + "/Schemas/" + s[0]);
        }
        return list;
    }

    /**
     * Attribute definitions the directory's mappings add, by schema URN ({@link ScimJson#CORE_USER} for core
     * attributes no RFC schema defines): a mapping of {@code urn:...:User:costCode} or {@code badge.number} reads an
     * attribute a strict client must find in {@code /Schemas}. Attributes the RFC schemas define are not repeated.
     */
    static Map<String, List<AttributeDefinition>> mappedExtensions(Directory directory) {
        Map<String, List<AttributeDefinition>> bySchema = new LinkedHashMap<>();
        for (AttributeMapping m : directory.mappings()) {
            String source = m.source();
            String schemaId = ScimJson.CORE_USER;
            String attribute = source;
            int colon = source.lastIndexOf(':');
            if (source.regionMatches(true, 0, "urn:", 0, 4) && colon > 0) {
                schemaId = source.substring(0, colon);
                attribute = source.substring(colon + 1);
            }
            int filter = attribute.indexOf('[');
            int dot = attribute.indexOf('.');
            int cut = filter >= 0 ? filter : dot;
            describe(bySchema, schemaId, cut > 0 ? attribute.substring(0, cut) : attribute,
                dot > 0 ? attribute.substring(dot + 1) : null, "Mapped to the Keycloak user attribute '" + m.target() + "'");
        }
        return bySchema;
    }

    /**
     * What the directory's users carry beyond the RFC schemas: what its mappings read, and what its client sent that no
     * schema or mapping defines (kept and returned as sent, so described too), read from the documents' indexed
     * paths. A client's own extension schema is declared under the URN it spells.
     */
    static Map<String, List<AttributeDefinition>> extensions(Directory directory, DirSyncStore store) {
        Map<String, List<AttributeDefinition>> bySchema = mappedExtensions(directory);
        for (Object[] row : store.sourcePaths(directory.id())) {
            String urn = (String) row[0];
            String path = (String) row[1];
            String attribute = urn == null ? path : path.substring(Math.min(path.length(), urn.length() + 1));
            int dot = attribute.indexOf('.');
            describe(bySchema, urn == null ? ScimJson.CORE_USER : urn, dot > 0 ? attribute.substring(0, dot) : attribute,
                dot > 0 ? attribute.substring(dot + 1) : null, "Sent by the provisioning client; kept and returned as sent");
        }
        return bySchema;
    }

    /** Adds {@code top} (with {@code sub}) to its schema's definitions unless an RFC schema or an earlier one has it. */
    private static void describe(Map<String, List<AttributeDefinition>> bySchema, String schemaId, String top, String sub,
                                 String description) {
        if (top.isEmpty()) {
            return;
        }
        Map<String, ScimSchemas.Attr> known = schemaId.equalsIgnoreCase(ScimJson.CORE_USER) ? ScimSchemas.CORE_USER_ATTRS
            : schemaId.equalsIgnoreCase(ScimJson.ENTERPRISE_USER) ? ScimSchemas.ENTERPRISE_USER_ATTRS : Map.of();
        if (known.containsKey(top.toLowerCase(Locale.ROOT))) {
            return;
        }
        String key = schemaId.equalsIgnoreCase(ScimJson.CORE_USER) ? ScimJson.CORE_USER
            : schemaId.equalsIgnoreCase(ScimJson.ENTERPRISE_USER) ? ScimJson.ENTERPRISE_USER
            : bySchema.keySet().stream().filter(schemaId::equalsIgnoreCase).findFirst().orElse(schemaId);
        List<AttributeDefinition> attributes = bySchema.computeIfAbsent(key, k -> new ArrayList<>());
        AttributeDefinition old = attributes.stream().filter(a -> a.getName().equalsIgnoreCase(top)).findFirst().orElse(null);
        if (old == null) {
            attributes.add(ScimSchemas.other(top, sub == null ? List.of() : List.of(sub), description));
        } else if (sub != null && (old.getSubAttributes() == null
                || old.getSubAttributes().stream().noneMatch(a -> a.getName().equalsIgnoreCase(sub)))) {
            // Another sub-attribute of the same attribute: describe them all.
            List<String> subs = new ArrayList<>(old.getSubAttributes() == null ? List.of()
                : old.getSubAttributes().stream().map(AttributeDefinition::getName).toList());
            subs.add(sub);
            attributes.set(attributes.indexOf(old), ScimSchemas.other(old.getName(), subs, old.getDescription()));
        }
    }

    private static ObjectNode list(int total) {
        ObjectNode list = ScimJson.MAPPER.createObjectNode();
        list.putArray("schemas").add(ScimJson.LIST_RESPONSE);
        list.put("totalResults", total);
        list.put("startIndex", 1);
        list.put("itemsPerPage", total);
        return list;
    }
}
