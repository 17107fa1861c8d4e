package io.dirsync.entra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;

import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.it.Http;
import io.dirsync.it.LoginPages;

/**
 * The enrollment link of an Entra directory's user against the real server, {@link GraphStandIn} and GreenMail: it asks
 * for a Keycloak password only when the directory's users sign in with one ({@code passwordSignIn}).
 *
 * <p>Tuned setup, as in {@code EnrollmentTest}: the realm's Frontend URL is the test server's URL (a background job's
 * links need a public URL); the job's own 2 s timer sends the mails.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class EntraEnrollmentTest extends DirSyncIntegrationTest {

    @InjectMailServer
    MailServer mail;

    GraphStandIn graph;

    @BeforeEach
    void startGraphAndSetPublicUrl() {
        graph = GraphStandIn.start();
        RealmRepresentation rep = realm.admin().toRepresentation();
        Map<String, String> attributes = rep.getAttributes() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(rep.getAttributes());
        attributes.put("frontendUrl", urls.getBase());
        rep.setAttributes(attributes);
        realm.admin().update(rep);
    }

    @AfterEach
    void stopGraph() {
        graph.close();
    }

    /*
     * Three directories of one tenant, one user each. With the identity provider (the documented set-up) the user is also
     * linked to it, which alone spares the password; the one without a provider and with passwordSignIn off is spared
     * only by the directory's setting; the one with passwordSignIn on (the default without a provider) is the control
     * that shows the link does ask for a password when the setting allows one.
     */
    @Test
    void anEntraUsersLinkSetsUpOnlyTheSecondFactorWhenPasswordSignInIsOffAndAlsoAPasswordWhenItIsOn() throws Exception {
        String sso = directory("SSO Entra", "ivy@contoso.example", "entra", false);
        String noPassword = directory("No-password Entra", "nia@contoso.example", null, false);
        String withPassword = directory("Password Entra", "pia@contoso.example", null, null);
        for (String id : List.of(sso, noPassword, withPassword)) {
            Http.Result run = dirsync.admin("POST", "/directories/" + id + "/sync", Map.of("kind", "full"));
            assertEquals(200, run.status(), run::toString);
            assertEquals("completed", run.json().get("status").asText(), run::toString);
        }
        assertEquals(1, realm.admin().users().get(userId("ivy@contoso.example")).getFederatedIdentity().size(),
            "ivy is linked to the identity provider");
        assertTrue(realm.admin().users().get(userId("nia@contoso.example")).getFederatedIdentity().isEmpty(),
            "nia has no way to sign in but the one her directory's setting rules out");

        waitUntil(() -> mail.getReceivedMessages().length >= 3, 30);
        Map<String, String> links = new HashMap<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            links.put(m.getRecipients(Message.RecipientType.TO)[0].toString(), LoginPages.enrollmentLink(m));
        }
        assertEquals(3, links.size(), links::toString);

        for (String upn : List.of("ivy@contoso.example", "nia@contoso.example")) {
            LoginPages browser = new LoginPages();
            LoginPages.Page done = setUpOtp(browser, links.get(upn));
            assertFalse(done.body().contains("password-new"), upn + " is never asked for a Keycloak password: " + done.body());
            assertFalse(done.body().contains("totpSecret"), upn + ": all set up: " + done.body());
            assertEquals(List.of("otp"), credentialTypes(upn), upn + " has an OTP device and no password");
        }

        LoginPages browser = new LoginPages();
        LoginPages.Page password = setUpOtp(browser, links.get("pia@contoso.example"));
        assertTrue(password.body().contains("password-new"), "pia's directory lets her sign in with a password: "
            + password.body());
        LoginPages.Page done = browser.submit(password, Map.of("password-new", "Pia-pass-1!", "password-confirm", "Pia-pass-1!"));
        assertFalse(done.body().contains("password-new") || done.body().contains("totpSecret"), "all set up: " + done.body());
        assertEquals(List.of("otp", "password"), credentialTypes("pia@contoso.example"));
    }

    // ------------------------------------------------------------------ helpers

    /** An Entra directory with enrollment e-mails on whose one synced group holds {@code upn}; its id. */
    private String directory(String name, String upn, String identityProvider, Boolean passwordSignIn) {
        String given = upn.substring(0, 1).toUpperCase() + upn.substring(1, upn.indexOf('@'));
        String user = graph.addUser(upn, Map.<String, Object>of("givenName", given, "surname", "Entra", "mail", upn,
            "displayName", given + " Entra"));
        String group = graph.addGroup(name + " staff");
        graph.addMember(group, user);
        Map<String, Object> s = new HashMap<>();
        s.put("tenantId", GraphStandIn.TENANT);
        s.put("clientId", GraphStandIn.CLIENT_ID);
        s.put("clientSecret", GraphStandIn.CLIENT_SECRET);
        s.put("authorityHost", graph.url());
        s.put("graphEndpoint", graph.url());
        s.put("syncedGroups", List.of(group));
        s.put("enrollmentEmails", true);
        if (identityProvider != null) {
            IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
            idp.setAlias(identityProvider);
            idp.setProviderId("oidc");
            idp.setEnabled(true);
            idp.setConfig(Map.of("clientId", GraphStandIn.CLIENT_ID, "clientSecret", "s",
                "authorizationUrl", graph.url() + "/authorize", "tokenUrl", graph.url() + "/token",
                "clientAuthMethod", "client_secret_post"));
            realm.admin().identityProviders().create(idp).close();
            s.put("identityProvider", identityProvider);
        }
        if (passwordSignIn != null) {
            s.put("passwordSignIn", passwordSignIn);
        }
        Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "entra", "name", name, "settings", s));
        assertEquals(201, created.status(), created::toString);
        return created.json().get("id").asText();
    }

    /** Follows the link: Keycloak's confirmation, then its OTP set-up; the page Keycloak shows after the OTP. */
    private LoginPages.Page setUpOtp(LoginPages browser, String link) throws Exception {
        LoginPages.Page confirm = browser.get(link);
        LoginPages.Page otp = browser.get(LoginPages.linkOf(confirm, "proceed"));
        String secret = LoginPages.inputValue(otp, "totpSecret");
        assertNotNull(secret, "Keycloak's OTP set-up page: " + otp.body());
        return browser.submit(otp, Map.of("totp", LoginPages.totp(secret), "totpSecret", secret, "userLabel", "phone"));
    }

    private String userId(String username) {
        return realm.admin().users().search(username, true).get(0).getId();
    }

    private List<String> credentialTypes(String username) {
        return realm.admin().users().get(userId(username)).credentials().stream().map(CredentialRepresentation::getType)
            .sorted().toList();
    }
}
