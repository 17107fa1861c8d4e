package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;

import io.dirsync.ldap.TestDirectory;

/**
 * How directory users sign in (SPEC §6, seed 002), with any alias (rule 3: a user known as {@code jfoo} and
 * {@code jfoo@corp.test} signs in with either): the username form and direct grant take a user's username or any of its
 * aliases, case-insensitively, for a SCIM-pushed and an LDAP-synced user; so does the reset-credentials form (the reset
 * mail goes to the alias holder's address); a trashed user's alias is refused like its username; and an alias never makes
 * the engine mistake one user for another.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class SignInTest extends DirSyncIntegrationTest {

    static final String PW = "Alias-signin-pw-1";

    @InjectMailServer
    MailServer mail;

    @BeforeEach
    void client() {
        directGrantClient();
    }

    @Test
    void aScimUserSignsInWithItsUsernameOrAnyAliasInAnyCase() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta", Map.of("mappings",
            List.of(Map.of("source", "nickName", "target", "alias1"))));
        Map<String, Object> body = new HashMap<>(DirSync.scimUser("jfoo@corp.test", "John", "Foo", "jfoo@corp.test"));
        body.put("nickName", "jfoo");
        body.put("password", PW);
        Http.Result created = okta.scim("POST", "/Users", body);
        assertEquals(201, created.status(), created::toString);
        assertTrue(realm.admin().components().query(realm.admin().toRepresentation().getId(),
            "org.keycloak.storage.UserStorageProvider").stream().map(ComponentRepresentation::getProviderId)
            .anyMatch("dirsync-sign-in"::equals), "the realm got its sign-in provider with its first directory");

        assertTrue(signsIn("jfoo@corp.test", PW), "username");
        assertTrue(signsIn("jfoo", PW), "alias");
        assertTrue(signsIn("JFOO", PW), "alias, another case");
        assertFalse(signsIn("jfoo", "wrong-password"));
        assertFalse(signsIn("jfo", PW), "nobody's alias");

        // Trashed: the alias is refused like the username (the account is disabled).
        assertEquals(204, okta.scim("DELETE", "/Users/" + DirSync.id(created), null).status());
        assertFalse(signsIn("jfoo", PW));
        assertFalse(signsIn("jfoo@corp.test", PW));
    }

    @Test
    void anLdapUserSignsInWithAnAliasThroughTheBrowserFormAndDirectGrant() throws Exception {
        try (TestDirectory ldap = TestDirectory.start("memory-ad")) {
            String staff = ldap.group("Staff", ldap.user("jdoe", "Jane", "Doe", "jane.doe@corp.test"));
            Map<String, Object> settings = ldap.settings("sAMAccountName");
            settings.put("syncedGroups", List.of(staff));
            settings.put("mappings", List.of(Map.of("source", "mail", "target", "alias1")));
            dirsync.fullSync(dirsync.ldapDirectory("Corp AD", settings));

            assertTrue(signsIn("jdoe", TestDirectory.PASSWORD), "username, directory password");
            assertTrue(signsIn("Jane.Doe@corp.test", TestDirectory.PASSWORD), "alias (mail), another case");
            assertFalse(signsIn("jane.doe@corp.test", "wrong-password"));
            ClientRepresentation web = LoginPages.webClient();
            realm.admin().clients().create(web).close();
            LoginPages pages = new LoginPages();
            LoginPages.Page done = pages.submit(pages.open(urls.getBase(), realm.getName(), web.getClientId()),
                Map.of("username", "jane.doe@corp.test", "password", TestDirectory.PASSWORD));
            assertTrue(done.signedIn(), "the browser form signs the alias in: " + done);
        }
    }

    @Test
    void anAliasNeverMakesTheEngineTakeOneUserForAnother() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta", Map.of("mappings",
            List.of(Map.of("source", "nickName", "target", "alias1"))));
        Map<String, Object> kay = new HashMap<>(DirSync.scimUser("kay", "Kay", "One", "kay@corp.test"));
        kay.put("nickName", "kay.one");
        assertEquals(201, okta.scim("POST", "/Users", kay).status());
        // Another user named like kay's alias is a rule 3 clash, not kay renamed or updated.
        Http.Result clash = okta.scim("POST", "/Users", DirSync.scimUser("kay.one", "Other", "Person", "other@corp.test"));
        assertEquals(409, clash.status(), clash::toString);
        assertEquals("uniqueness", clash.json().get("scimType").asText());
        assertEquals("kay", realm.admin().users().search("kay", true).get(0).getUsername());
        assertTrue(realm.admin().users().search("kay.one", true).isEmpty(), "no user is named kay.one");
    }

    @Test
    void theResetCredentialsFormTakesAnAliasAndMailsItsHolder() throws Exception {
        RealmRepresentation rep = realm.admin().toRepresentation();
        rep.setResetPasswordAllowed(true);
        realm.admin().update(rep);
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta", Map.of("mappings",
            List.of(Map.of("source", "nickName", "target", "alias1"))));
        Map<String, Object> body = new HashMap<>(DirSync.scimUser("rita.reset@corp.test", "Rita", "Reset", "rita@corp.test"));
        body.put("nickName", "rreset");
        assertEquals(201, okta.scim("POST", "/Users", body).status());
        ClientRepresentation web = LoginPages.webClient();
        realm.admin().clients().create(web).close();

        LoginPages pages = new LoginPages();
        LoginPages.Page login = pages.open(urls.getBase(), realm.getName(), web.getClientId());
        LoginPages.Page forgot = pages.get(LoginPages.linkOf(login, "Forgot"));
        LoginPages.Page sent = pages.submit(forgot, Map.of("username", "RReset"));
        assertTrue(sent.body().contains("You should receive an email shortly"), sent.body());
        waitUntil(() -> mail.getReceivedMessages().length == 1, 30);
        jakarta.mail.internet.MimeMessage m = mail.getReceivedMessages()[0];
        assertEquals("rita@corp.test", m.getRecipients(jakarta.mail.Message.RecipientType.TO)[0].toString(),
            "the alias (another case) reached its holder");
        assertTrue(m.getSubject().toLowerCase(java.util.Locale.ROOT).contains("reset"), m.getSubject());
    }
}
