package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.realm.ManagedRealm;

/**
 * Keycloak 26.7's own SCIM server (preview feature {@code scim-api}, on in {@link DirSyncServerConfig}) as a client of a
 * test realm uses it: switched on for the realm, with a confidential client whose service account may manage users and
 * whose tokens carry the SCIM Base URL as audience (26.7 checks it). Tokens are fetched again after a minute, so that a
 * long benchmark never sends an expired one.
 */
public final class KeycloakScim {

    private final String baseUrl;
    private final String tokenUrl;
    private String bearer;
    private long bearerAt;

    private KeycloakScim(String baseUrl, String tokenUrl) {
        this.baseUrl = baseUrl;
        this.tokenUrl = tokenUrl;
    }

    /** Switches Keycloak's SCIM API on for the realm and makes its client {@code scim-client}. */
    public static KeycloakScim enable(ManagedRealm realm, DirSync dirsync, String serverUrl) {
        return enable(realm.getName(), realm.admin(), dirsync, serverUrl);
    }

    /** Like {@link #enable(ManagedRealm, DirSync, String)}, for a realm the test framework does not manage. */
    public static KeycloakScim enable(String realmName, RealmResource realmAdmin, DirSync dirsync, String serverUrl) {
        String base = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        String scimBaseUrl = base + "/realms/" + realmName + "/scim/v2";
        Http.Result on = Http.send("PUT", base + "/admin/realms/" + realmName, dirsync.adminBearer(),
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
        try (Response r = realmAdmin.clients().create(client)) {
            assertEquals(201, r.getStatus());
            String location = r.getLocation().toString();
            clientUuid = location.substring(location.lastIndexOf('/') + 1);
        }
        UserRepresentation serviceAccount = realmAdmin.clients().get(clientUuid).getServiceAccountUser();
        String realmManagement = realmAdmin.clients().findByClientId("realm-management").get(0).getId();
        List<RoleRepresentation> roles = List.of("manage-users", "view-users", "query-users", "query-groups").stream()
            .map(name -> realmAdmin.clients().get(realmManagement).roles().get(name).toRepresentation()).toList();
        realmAdmin.users().get(serviceAccount.getId()).roles().clientLevel(realmManagement).add(roles);
        return new KeycloakScim(scimBaseUrl, base + "/realms/" + realmName + "/protocol/openid-connect/token");
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** {@code Bearer <client-credentials token>}, a fresh one once the last is a minute old. */
    public synchronized String bearer() {
        if (bearer == null || System.currentTimeMillis() - bearerAt > 60_000) {
            Http.Result token = Http.form(tokenUrl,
                Map.of("grant_type", "client_credentials", "client_id", "scim-client", "client_secret", "scim-client-secret"));
            assertEquals(200, token.status(), token::toString);
            bearer = "Bearer " + token.json().get("access_token").asText();
            bearerAt = System.currentTimeMillis();
        }
        return bearer;
    }

    /** A request to Keycloak's SCIM server, {@code path} relative to its Base URL. */
    public Http.Result scim(String method, String path, Object body) {
        return Http.send(method, baseUrl + path, bearer(), body);
    }
}
