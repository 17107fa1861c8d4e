package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.keycloak.admin.client.Keycloak;
import org.keycloak.testframework.realm.ManagedRealm;

/** The extension's Admin REST API and SCIM endpoint as the tests drive them. */
public final class DirSync {

    private final Keycloak admin;
    private final String realmName;
    private final String serverUrl;

    public DirSync(Keycloak admin, ManagedRealm realm, String serverUrl) {
        this(admin, realm.getName(), serverUrl);
    }

    /** For a realm the test made itself (e.g. from the demo's realm export). */
    public DirSync(Keycloak admin, String realmName, String serverUrl) {
        this.admin = admin;
        this.realmName = realmName;
        this.serverUrl = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
    }

    public String adminBearer() {
        return "Bearer " + admin.tokenManager().getAccessTokenString();
    }

    public String adminUrl(String path) {
        return serverUrl + "/admin/realms/" + realmName + "/dirsync" + path;
    }

    public Http.Result admin(String method, String path, Object body) {
        return Http.send(method, adminUrl(path), adminBearer(), body);
    }

    /** A SCIM directory with setup completed: id, Base URL and bearer token. */
    public record ScimDirectory(String id, String name, String baseUrl, String token) {
        public Http.Result scim(String method, String path, Object body) {
            return Http.send(method, baseUrl + path, "Bearer " + token, body, Map.of("Accept", "application/scim+json"));
        }
    }

    public ScimDirectory scimDirectory(String name) {
        return scimDirectory(name, Map.of());
    }

    public ScimDirectory scimDirectory(String name, Map<String, Object> settings) {
        Http.Result created = admin("POST", "/directories", Map.of("type", "scim", "name", name, "settings", settings));
        assertEquals(201, created.status(), created::toString);
        String id = created.json().get("id").asText();
        Http.Result setup = admin("POST", "/directories/" + id + "/complete-setup", null);
        assertEquals(200, setup.status(), setup::toString);
        return new ScimDirectory(id, name, setup.json().get("baseUrl").asText(), setup.json().get("token").asText());
    }

    /** An LDAP directory (created as a draft, as an admin would); its id. */
    public String ldapDirectory(String name, Map<String, Object> settings) {
        Http.Result created = admin("POST", "/directories", Map.of("type", "ldap", "name", name, "settings", settings));
        assertEquals(201, created.status(), created::toString);
        return created.json().get("id").asText();
    }

    /** A full sync of a pull directory, waited for; its report. */
    public JsonNode fullSync(String directoryId) {
        Http.Result run = admin("POST", "/directories/" + directoryId + "/sync", Map.of("kind", "full"));
        assertEquals(200, run.status(), run::toString);
        return run.json();
    }

    /** A SCIM core user body as Okta sends it. */
    public static Map<String, Object> scimUser(String userName, String given, String family, String email) {
        return Map.of(
            "schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User"),
            "userName", userName,
            "name", Map.of("givenName", given, "familyName", family),
            "emails", List.of(Map.of("primary", true, "value", email, "type", "work")),
            "displayName", given + " " + family,
            "externalId", "ext-" + userName,
            "active", true);
    }

    public static String id(Http.Result r) {
        JsonNode id = r.json().get("id");
        if (id == null) {
            throw new AssertionError("No id in " + r);
        }
        return id.asText();
    }
}
