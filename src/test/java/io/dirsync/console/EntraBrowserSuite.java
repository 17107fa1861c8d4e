package io.dirsync.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.entra.GraphStandIn;
import io.dirsync.it.DirSyncServerConfig;

/**
 * The Microsoft Entra ID wizard, Sync tab and Settings tab in a real browser, against two Graph stand-ins (one tenant
 * each, same app): one whose app has every permission a sync needs, one granted only User.Read.All, so that the page
 * must name the missing GroupMember.Read.All. The spec drives the pages; this class seeds the tenants and checks
 * through the admin API what the pages saved and what the sync the spec started did. Run with
 * {@code mvn -Pbrowser verify -Dtest=EntraBrowserSuite}.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class EntraBrowserSuite extends BrowserSuiteBase {

    GraphStandIn graph;
    GraphStandIn limited;
    String engineering;
    String admins;
    String carol;

    @BeforeEach
    void startTheTenants() {
        graph = GraphStandIn.start();
        String alice = graph.addUser("alice@contoso.example", person("Alice", "Liddell", "E1001"));
        String bob = graph.addUser("bob@contoso.example", person("Bob", "Builder", "E1002"));
        carol = graph.addUser("carol@contoso.example", person("Carol", "Platform", "E1003"));
        String dave = graph.addUser("dave@contoso.example", person("Dave", "Admin", "E1004"));
        String erin = graph.addUser("erin@contoso.example", person("Erin", "Seller", "E1005"));
        engineering = graph.addGroup("Engineering");
        String platform = graph.addGroup("Platform");
        admins = graph.addGroup("Admins");
        String sales = graph.addGroup("Sales");
        graph.addMember(engineering, alice);
        graph.addMember(engineering, bob);
        graph.addMember(engineering, platform);
        graph.addMember(platform, carol);
        graph.addMember(admins, dave);
        graph.addMember(sales, erin);

        limited = GraphStandIn.start();
        limited.grant("User.Read.All");
    }

    @AfterEach
    void stopTheTenants() {
        if (graph != null) {
            graph.close();
        }
        if (limited != null) {
            limited.close();
        }
    }

    private static Map<String, Object> person(String given, String surname, String employeeId) {
        return Map.of("givenName", given, "surname", surname, "displayName", given + " " + surname,
            "mail", given.toLowerCase() + "@contoso.example", "employeeId", employeeId);
    }

    @Test
    void theWizardTestsTheAppPicksGroupsCreatesTheDirectoryAndItsFirstSyncCreatesTheUsers() {
        // The identity provider the wizard offers: Keycloak's OIDC provider standing in for "Microsoft".
        IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
        idp.setAlias("microsoft");
        idp.setDisplayName("Microsoft");
        idp.setProviderId("oidc");
        idp.setEnabled(true);
        idp.setConfig(Map.of("clientId", "kc", "clientSecret", "s", "authorizationUrl", "https://idp.invalid/auth",
            "tokenUrl", "https://idp.invalid/token", "clientAuthMethod", "client_secret_post"));
        realm.admin().identityProviders().create(idp).close();

        JsonNode type = dirsync.admin("GET", "/directory-types/entra", null).json();
        assertTrue(type.get("pull").asBoolean(), type::toString);
        assertTrue(type.get("incremental").asBoolean(), "Sync now offers incremental runs for Entra: " + type);
        assertTrue(type.get("sources").toString().contains("\"employeeId\""), type::toString);

        Map<String, Object> seed = seed();
        seed.put("tenantId", GraphStandIn.TENANT);
        seed.put("clientId", GraphStandIn.CLIENT_ID);
        seed.put("clientSecret", GraphStandIn.CLIENT_SECRET);
        seed.put("graphUrl", graph.url());
        seed.put("limitedUrl", limited.url());
        seed.put("engineeringId", engineering);
        seed.put("adminsId", admins);
        // the certificate the last spec switches the app to, registered on the stand-in's app
        io.dirsync.entra.TestCertificates certificate = io.dirsync.entra.TestCertificates.create("contoso-entra-sync");
        graph.registerCertificate(certificate.certificate());
        seed.put("certificatePem", certificate.certificatePem());
        seed.put("privateKeyPem", certificate.privateKeyPem());
        seed.put("certificateThumbprint", certificate.thumbprint());
        seed.put("viewer", "viewer-" + realm.getName());
        seed.put("viewerPassword", "Viewer-Passw0rd!");
        viewOnlyMasterAdmin((String) seed.get("viewer"), (String) seed.get("viewerPassword"));

        Browser.run("entra-wizard.spec.ts", urls.getBase(), seed);

        JsonNode list = dirsync.admin("GET", "/directories", null).json();
        assertEquals(1, list.size(), list::toString);
        JsonNode d = list.get(0);
        assertEquals("Contoso Entra", d.get("name").asText());
        assertEquals("entra", d.get("type").asText());
        assertEquals("active", d.get("status").asText(), "the wizard completes the setup: its schedules run");
        JsonNode s = d.get("settings");
        assertEquals(GraphStandIn.TENANT, s.get("tenantId").asText());
        assertEquals(GraphStandIn.CLIENT_ID, s.get("clientId").asText());
        assertEquals(graph.url(), s.get("authorityHost").asText(), "the Custom cloud's hosts: " + s);
        assertEquals(graph.url(), s.get("graphEndpoint").asText());
        assertEquals("[\"" + engineering + "\"]", s.get("syncedGroups").toString(), "the group picked by searching");
        assertTrue(s.get("transitiveMembers").asBoolean());
        assertEquals("[{\"group\":\"" + admins + "\",\"role\":\"help-desk\"}]", s.get("adminGroups").toString());
        assertEquals("userPrincipalName", s.get("usernameAttribute").asText());
        assertEquals("[{\"source\":\"employeeId\",\"target\":\"alias1\"}]", s.get("mappings").toString());
        assertEquals("microsoft", s.get("identityProvider").asText());
        assertFalse(s.has("passwordSignIn"), "the default with a provider: no Keycloak password; " + s);
        assertEquals(30, s.get("incrementalSyncMinutes").asInt());
        assertEquals(720, s.get("fullSyncMinutes").asInt());
        assertFalse(d.toString().contains(GraphStandIn.CLIENT_SECRET), "the secret is never answered: " + d);
        // the last spec switched the app to its certificate: the key stored, never answered; the secret forgotten
        assertEquals("certificate", d.at("/entra/clientCredential").asText(), d::toString);
        assertTrue(d.at("/entra/privateKeyStored").asBoolean(), d::toString);
        assertFalse(d.at("/entra/clientSecretStored").asBoolean(), d::toString);
        assertEquals(certificate.thumbprint(), d.at("/entra/certificate/thumbprint").asText(), d::toString);
        assertFalse(d.toString().contains("PRIVATE KEY"), d::toString);

        // The full sync the spec started: Engineering's members, Platform's through nesting, and the admin group's.
        assertEquals(4, d.get("userCount").asInt(), d::toString);
        List<UserRepresentation> carols = realm.admin().users().search("carol@contoso.example", true);
        assertEquals(1, carols.size(), "carol, a member of Engineering through Platform (transitive members)");
        List<FederatedIdentityRepresentation> links = realm.admin().users().get(carols.get(0).getId()).getFederatedIdentity();
        assertEquals(1, links.size(), links::toString);
        assertEquals("microsoft", links.get(0).getIdentityProvider());
        assertEquals(carol, links.get(0).getUserId(), "linked by object id");
        Map<String, List<String>> attributes = realm.admin().users().get(carols.get(0).getId()).toRepresentation().getAttributes();
        assertEquals(List.of("e1003"), attributes == null ? null : attributes.get("alias1"),
            "the mapping added in the wizard (a username alias, kept lower-case)");
        assertTrue(realm.admin().users().search("erin@contoso.example", true).isEmpty(), "Sales is not synced");
    }
}
