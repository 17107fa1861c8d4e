package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
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

            String scim = urls.getBase() + "/realms/" + realm.getName() + "/scim/v2";
            String bearer = "Bearer " + keycloakScimToken(scim);

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

    /**
     * Switches Keycloak's SCIM API on for the test realm and returns a client-credentials token it accepts: a
     * confidential client whose service account may manage users, with the SCIM Base URL as audience (26.7 checks it).
     */
    private String keycloakScimToken(String scimBaseUrl) {
        Http.Result on = Http.send("PUT", urls.getBase() + "/admin/realms/" + realm.getName(), dirsync.adminBearer(),
            Map.of("scimApiEnabled", true));
        assertEquals(204, on.status(), on::toString);

        ClientRepresentation client = new ClientRepresentation();
        client.setClientId("scim-client");
        client.setSecret("scim-client-secret");
        client.setPublicClient(false);
        client.setServiceAccountsEnabled(true);
        client.setStandardFlowEnabled(false);
        ProtocolMapperRepresentation audience = new ProtocolMapperRepresentation();
        audience.setName("scim audience");
        audience.setProtocol("openid-connect");
        audience.setProtocolMapper("oidc-audience-mapper");
        audience.setConfig(Map.of("included.custom.audience", scimBaseUrl, "access.token.claim", "true",
            "id.token.claim", "false"));
        client.setProtocolMappers(List.of(audience));
        String clientUuid;
        try (Response r = realm.admin().clients().create(client)) {
            assertEquals(201, r.getStatus());
            String location = r.getLocation().toString();
            clientUuid = location.substring(location.lastIndexOf('/') + 1);
        }
        UserRepresentation serviceAccount = realm.admin().clients().get(clientUuid).getServiceAccountUser();
        String realmManagement = realm.admin().clients().findByClientId("realm-management").get(0).getId();
        List<RoleRepresentation> roles = List.of("manage-users", "view-users", "query-users", "query-groups").stream()
            .map(name -> realm.admin().clients().get(realmManagement).roles().get(name).toRepresentation()).toList();
        realm.admin().users().get(serviceAccount.getId()).roles().clientLevel(realmManagement).add(roles);

        Http.Result token = Http.form(urls.getBase() + "/realms/" + realm.getName() + "/protocol/openid-connect/token",
            Map.of("grant_type", "client_credentials", "client_id", "scim-client", "client_secret", "scim-client-secret"));
        assertEquals(200, token.status(), token::toString);
        return token.json().get("access_token").asText();
    }
}
