package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/**
 * RFC 7643 §7: a client that builds its model from {@code /Schemas} and {@code /ResourceTypes} accepts every response
 * of this server. Every attribute and sub-attribute a User or Group carries (a user with every RFC attribute, an
 * Enterprise User, attributes a directory maps from a custom extension and from an attribute no RFC defines, and what
 * the client sent that nothing defines) is described, in a schema its resource type declares.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class ScimDiscoveryTest extends DirSyncIntegrationTest {

    static final String CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    static final String CUSTOM = "urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User";
    static final String ACME = "urn:acme:scim:schemas:Badges:1.0:User";

    @Test
    void everyAttributeOfEveryResponseIsDescribedInTheSchemasItsResourceTypeDeclares() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Described Okta", Map.of("mappings", List.of(
            Map.of("source", ENTERPRISE + ":department", "target", "department"),
            Map.of("source", CUSTOM + ":costCode", "target", "costCode"),
            Map.of("source", "badge.number", "target", "badgeNumber"))));
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("schemas", List.of(CORE_USER, ENTERPRISE, CUSTOM, ACME));
        user.put("userName", "rich.user");
        user.put("externalId", "00u-rich");
        user.put("name", Map.of("formatted", "Ms. Rich M User III", "familyName", "User", "givenName", "Rich",
            "middleName", "M", "honorificPrefix", "Ms.", "honorificSuffix", "III"));
        user.put("displayName", "Rich User");
        user.put("nickName", "Richie");
        user.put("profileUrl", "https://login.example.com/rich");
        user.put("title", "Engineer");
        user.put("userType", "Employee");
        user.put("preferredLanguage", "en-US");
        user.put("locale", "en-US");
        user.put("timezone", "America/Los_Angeles");
        user.put("active", true);
        user.put("password", "Not-returned-1");
        user.put("emails", List.of(Map.of("value", "rich@corp.test", "type", "work", "primary", true, "display", "Rich")));
        user.put("phoneNumbers", List.of(Map.of("value", "tel:+1-201-555-0123", "type", "work", "primary", true)));
        user.put("ims", List.of(Map.of("value", "rich_im", "type", "xmpp")));
        user.put("photos", List.of(Map.of("value", "https://photos.example.com/rich.jpg", "type", "photo")));
        user.put("addresses", List.of(Map.of("type", "work", "streetAddress", "100 Universal City Plaza",
            "locality", "Hollywood", "region", "CA", "postalCode", "91608", "country", "USA",
            "formatted", "100 Universal City Plaza\nHollywood, CA 91608 USA", "primary", true)));
        user.put("entitlements", List.of(Map.of("value", "Full Access")));
        user.put("roles", List.of(Map.of("value", "Tenant Admin", "type", "admin")));
        user.put("x509Certificates", List.of(Map.of("value", "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw")));
        user.put(ENTERPRISE, Map.of("employeeNumber", "701984", "costCenter", "4130", "organization", "Universal Studios",
            "division", "Theme Park", "department", "Tour Operations",
            "manager", Map.of("value", "26118915-6090-4610-87e4-49d8ca9f808d", "displayName", "John Smith")));
        user.put(CUSTOM, Map.of("costCode", "CC-7"));
        user.put("badge", Map.of("number", "B-42"));
        // Sent, mapped by nothing, kept and returned: described too, under the URN as the client spells it.
        user.put(ACME, Map.of("shoeSize", "44", "locker", Map.of("floor", "3", "number", "317")));
        user.put("favoriteColor", "teal");
        Http.Result created = okta.scim("POST", "/Users", user);
        assertEquals(201, created.status(), created::toString);
        String userId = DirSync.id(created);
        Http.Result group = okta.scim("POST", "/Groups", Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:Group"),
            "displayName", "Tour Guides", "externalId", "00g-tour", "members", List.of(Map.of("value", userId))));
        assertEquals(201, group.status(), group::toString);

        Map<String, JsonNode> schemas = new HashMap<>();
        okta.scim("GET", "/Schemas", null).json().get("Resources").forEach(s -> schemas.put(s.get("id").asText(), s));
        Map<String, JsonNode> types = new HashMap<>();
        okta.scim("GET", "/ResourceTypes", null).json().get("Resources").forEach(t -> types.put(t.get("name").asText(), t));

        List<String> undescribed = new ArrayList<>();
        JsonNode readUser = okta.scim("GET", "/Users/" + userId, null).json();
        assertEquals("B-42", readUser.at("/badge/number").asText(), readUser::toString);
        assertEquals("CC-7", readUser.get(CUSTOM).get("costCode").asText(), readUser::toString);
        assertFalse(readUser.has("password"), "password is never returned");
        describe(readUser, types.get("User"), schemas, undescribed);
        describe(okta.scim("GET", "/Groups/" + DirSync.id(group), null).json(), types.get("Group"), schemas, undescribed);
        okta.scim("GET", "/Users", null).json().get("Resources").forEach(u -> describe(u, types.get("User"), schemas, undescribed));
        okta.scim("GET", "/Groups", null).json().get("Resources").forEach(g -> describe(g, types.get("Group"), schemas, undescribed));
        assertTrue(undescribed.isEmpty(), () -> "Not described in /Schemas: " + undescribed);

        // RFC 7643 §8.7.1's details a client relies on.
        JsonNode core = schemas.get(CORE_USER);
        assertEquals("writeOnly", attribute(core, "password").get("mutability").asText());
        assertEquals("never", attribute(core, "password").get("returned").asText());
        assertEquals("readOnly", attribute(core, "groups").get("mutability").asText());
        assertEquals("server", attribute(core, "userName").get("uniqueness").asText());
        assertTrue(attribute(core, "userName").get("required").asBoolean());
        assertTrue(attribute(core, "emails").get("multiValued").asBoolean());
        assertTrue(sub(attribute(core, "emails"), "type").get("canonicalValues").toString().contains("work"));
        assertTrue(attribute(core, "name").get("description").asText().length() > 10);
        JsonNode members = attribute(schemas.get("urn:ietf:params:scim:schemas:core:2.0:Group"), "members");
        for (String s : List.of("value", "$ref", "display", "type")) {
            assertNotNull(sub(members, s), "members." + s);
        }
        assertEquals("immutable", sub(members, "value").get("mutability").asText());
        assertEquals("server", attribute(schemas.get("urn:ietf:params:scim:schemas:core:2.0:Group"), "displayName")
            .get("uniqueness").asText());
        assertTrue(attribute(schemas.get(CUSTOM), "costCode").get("description").asText().contains("costCode"));
        assertEquals("complex", attribute(schemas.get(ACME), "locker").get("type").asText());
        assertEquals(200, okta.scim("GET", "/Schemas/" + ACME, null).status());
    }

    /** Adds to {@code undescribed} every attribute path of {@code resource} that its type's schemas do not describe. */
    private static void describe(JsonNode resource, JsonNode type, Map<String, JsonNode> schemas, List<String> undescribed) {
        List<String> declared = new ArrayList<>();
        declared.add(type.get("schema").asText());
        type.path("schemaExtensions").forEach(e -> declared.add(e.get("schema").asText()));
        resource.get("schemas").forEach(s -> {
            if (!declared.contains(s.asText())) {
                undescribed.add(s.asText() + " (in 'schemas', not declared by resource type " + type.get("name").asText() + ")");
            }
        });
        resource.fields().forEachRemaining(f -> {
            String name = f.getKey();
            if (List.of("schemas", "id", "meta").contains(name)) {
                return; // RFC 7643 §3.1: common attributes, part of no schema
            }
            if (name.startsWith("urn:")) {
                JsonNode extension = declared.contains(name) ? schemas.get(name) : null;
                if (extension == null) {
                    undescribed.add(name);
                    return;
                }
                f.getValue().fields().forEachRemaining(e -> check(name + ":" + e.getKey(), e.getValue(),
                    attribute(extension, e.getKey()), undescribed));
                return;
            }
            check(name, f.getValue(), attribute(schemas.get(type.get("schema").asText()), name), undescribed);
        });
    }

    private static void check(String path, JsonNode value, JsonNode definition, List<String> undescribed) {
        if (definition == null) {
            undescribed.add(path);
            return;
        }
        List<JsonNode> values = new ArrayList<>();
        if (definition.get("multiValued").asBoolean() && value.isArray()) {
            value.forEach(values::add);
        } else {
            values.add(value);
        }
        for (JsonNode v : values) {
            if (v.isObject()) {
                if (!"complex".equals(definition.get("type").asText())) {
                    undescribed.add(path + " (an object, described as " + definition.get("type").asText() + ")");
                    continue;
                }
                v.fields().forEachRemaining(s -> {
                    if (sub(definition, s.getKey()) == null) {
                        undescribed.add(path + "." + s.getKey());
                    }
                });
            }
        }
    }

    private static JsonNode attribute(JsonNode schema, String name) {
        for (JsonNode a : schema.path("attributes")) {
            if (a.get("name").asText().equalsIgnoreCase(name)) {
                return a;
            }
        }
        return null;
    }

    private static JsonNode sub(JsonNode attribute, String name) {
        for (JsonNode a : attribute.path("subAttributes")) {
            if (a.get("name").asText().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        return null;
    }
}
