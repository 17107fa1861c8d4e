package io.dirsync.scim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code /ServiceProviderConfig}, {@code /ResourceTypes} and {@code /Schemas}: what this server really does. */
final class ScimDiscovery {

    private ScimDiscovery() {
    }

    static ObjectNode serviceProviderConfig(String baseUrl) {
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
        spc.putObject("changePassword").put("supported", false);
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

    static ObjectNode resourceTypes(String baseUrl) {
        ObjectNode list = list(2);
        ArrayNode resources = list.putArray("Resources");
        ObjectNode user = resources.addObject();
        user.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:ResourceType");
        user.put("id", "User");
        user.put("name", "User");
        user.put("endpoint", "/Users");
        user.put("schema", ScimJson.CORE_USER);
        ObjectNode ext = user.putArray("schemaExtensions").addObject();
        ext.put("schema", ScimJson.ENTERPRISE_USER);
        ext.put("required", false);
        user.putObject("meta").put("resourceType", "ResourceType").put("location", baseUrl + "/ResourceTypes/User");
        ObjectNode group = resources.addObject();
        group.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:ResourceType");
        group.put("id", "Group");
        group.put("name", "Group");
        group.put("endpoint", "/Groups");
        group.put("schema", ScimJson.CORE_GROUP);
        group.putObject("meta").put("resourceType", "ResourceType").put("location", baseUrl + "/ResourceTypes/Group");
        return list;
    }

    /** The core User, Group and Enterprise User schemas, plus what the directory's mappings add. */
    static ObjectNode schemas(String baseUrl, io.dirsync.engine.Directory directory) {
        ObjectNode list = schemas(baseUrl);
        ArrayNode resources = (ArrayNode) list.get("Resources");
        java.util.Map<String, ObjectNode> byId = new java.util.LinkedHashMap<>();
        resources.forEach(r -> byId.put(r.get("id").asText(), (ObjectNode) r));
        for (io.dirsync.engine.AttributeMapping m : directory.mappings()) {
            String source = m.source();
            String schemaId = ScimJson.CORE_USER;
            String attribute = source;
            int colon = source.lastIndexOf(':');
            if (source.startsWith("urn:") && colon > 0) {
                schemaId = source.substring(0, colon);
                attribute = source.substring(colon + 1);
            }
            int cut = attribute.indexOf('[') >= 0 ? attribute.indexOf('[') : attribute.indexOf('.');
            String top = cut > 0 ? attribute.substring(0, cut) : attribute;
            ObjectNode schema = byId.computeIfAbsent(schemaId, id -> {
                ObjectNode created = schema(resources, id, id.substring(id.lastIndexOf(':') + 1), baseUrl);
                created.putArray("attributes");
                return created;
            });
            ArrayNode attrs = (ArrayNode) schema.get("attributes");
            boolean present = false;
            for (com.fasterxml.jackson.databind.JsonNode a : attrs) {
                present |= a.path("name").asText().equalsIgnoreCase(top);
            }
            if (!present) {
                attr(attrs, top, cut > 0 ? "complex" : "string", false, "none")
                    .put("description", "Mapped to the Keycloak attribute '" + m.target() + "'");
            }
        }
        list.put("totalResults", resources.size());
        list.put("itemsPerPage", resources.size());
        return list;
    }

    static ObjectNode schemas(String baseUrl) {
        ObjectNode list = list(3);
        ArrayNode resources = list.putArray("Resources");
        ObjectNode user = schema(resources, ScimJson.CORE_USER, "User", baseUrl);
        ArrayNode ua = user.putArray("attributes");
        attr(ua, "userName", "string", true, "server");
        ObjectNode name = attr(ua, "name", "complex", false, "none");
        ArrayNode sub = name.putArray("subAttributes");
        attr(sub, "givenName", "string", false, "none");
        attr(sub, "familyName", "string", false, "none");
        attr(ua, "emails", "complex", false, "none").put("multiValued", true);
        attr(ua, "active", "boolean", false, "none");
        attr(ua, "externalId", "string", false, "none");
        ObjectNode group = schema(resources, ScimJson.CORE_GROUP, "Group", baseUrl);
        ArrayNode ga = group.putArray("attributes");
        attr(ga, "displayName", "string", true, "server");
        attr(ga, "members", "complex", false, "none").put("multiValued", true);
        ObjectNode enterprise = schema(resources, ScimJson.ENTERPRISE_USER, "EnterpriseUser", baseUrl);
        ArrayNode ea = enterprise.putArray("attributes");
        for (String a : new String[] {"employeeNumber", "costCenter", "organization", "division", "department"}) {
            attr(ea, a, "string", false, "none");
        }
        attr(ea, "manager", "complex", false, "none");
        // RFC 7643 §7: the schemas of the discovery resources themselves.
        for (String[] s : new String[][] {{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig", "Service Provider Configuration"},
                {"urn:ietf:params:scim:schemas:core:2.0:ResourceType", "ResourceType"},
                {"urn:ietf:params:scim:schemas:core:2.0:Schema", "Schema"}}) {
            schema(resources, s[0], s[1], baseUrl).putArray("attributes");
        }
        list.put("totalResults", resources.size());
        list.put("itemsPerPage", resources.size());
        return list;
    }

    private static ObjectNode schema(ArrayNode resources, String id, String name, String baseUrl) {
        ObjectNode s = resources.addObject();
        s.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:Schema");
        s.put("id", id);
        s.put("name", name);
        s.putObject("meta").put("resourceType", "Schema").put("location", baseUrl + "/Schemas/" + id);
        return s;
    }

    private static ObjectNode attr(ArrayNode attrs, String name, String type, boolean required, String uniqueness) {
        ObjectNode a = attrs.addObject();
        a.put("name", name);
        a.put("type", type);
        a.put("multiValued", false);
        a.put("required", required);
        a.put("caseExact", false);
        a.put("mutability", "readWrite");
        a.put("returned", "default");
        a.put("uniqueness", uniqueness);
        return a;
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
