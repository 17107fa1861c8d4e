package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.ldap.TestDirectory;

/**
 * Keycloak 26.7's own SCIM server (preview feature {@code scim-api}, switched on for the suite's server) keeps working in
 * a realm that has one of our directories: operators run both, ours for directories and Keycloak's for other clients.
 * It used to answer 500 to every user create there, because the user-profile attributes we added had no
 * {@code annotations} map and Keycloak's SCIM code reads it.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class BuiltInScimTest extends DirSyncIntegrationTest {

    @ParameterizedTest
    @ValueSource(strings = {"scim", "ldap"})
    void keycloaksOwnScimServerCreatesReadsFindsAndDeletesUsersBesideADirectory(String type) throws Exception {
        try (TestDirectory ldap = type.equals("ldap") ? TestDirectory.start("memory-openldap") : null) {
            if (ldap == null) {
                dirsync.scimDirectory("Okta");
            } else {
                Http.Result created = dirsync.admin("POST", "/directories",
                    Map.of("type", "ldap", "name", "Corp LDAP", "settings", ldap.settings("uid")));
                assertEquals(201, created.status(), created::toString);
            }

            KeycloakScim keycloakScim = KeycloakScim.enable(realm, dirsync, urls.getBase());
            String scim = keycloakScim.baseUrl();
            String bearer = keycloakScim.bearer();

            Http.Result create = Http.send("POST", scim + "/Users", bearer, Map.of(
                "schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User"),
                "userName", "kc.scim.user",
                "name", Map.of("givenName", "Kay", "familyName", "Cee"),
                "emails", List.of(Map.of("value", "kc.scim.user@corp.test", "primary", true))));
            assertEquals(201, create.status(), create::toString);
            String id = DirSync.id(create);

            Http.Result read = Http.send("GET", scim + "/Users/" + id, bearer, null);
            assertEquals(200, read.status(), read::toString);
            assertEquals("kc.scim.user", read.json().get("userName").asText());

            Http.Result found = Http.send("GET", scim + "/Users?filter="
                + URLEncoder.encode("userName eq \"kc.scim.user\"", StandardCharsets.UTF_8), bearer, null);
            assertEquals(200, found.status(), found::toString);
            assertEquals(1, found.json().get("totalResults").asInt(), found::toString);
            assertEquals(id, found.json().get("Resources").get(0).get("id").asText());

            Http.Result deleted = Http.send("DELETE", scim + "/Users/" + id, bearer, null);
            assertEquals(204, deleted.status(), deleted::toString);
            assertTrue(realm.admin().users().search("kc.scim.user", true).isEmpty(), "deleted by Keycloak's SCIM");
        }
    }
}
