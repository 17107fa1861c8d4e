package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.ldap.TestDirectory;

/**
 * Users without an e-mail sign in (issue 11): the realm's user profile requires an e-mail (Keycloak's default), but a
 * directory user whose directory has none (an AD entry without {@code mail}, a SCIM address dropped as invalid) is
 * never asked for it: the directory owns the attribute (rule 4), so the user could not give one. A local user of the
 * same realm without an e-mail is still asked for it, as Keycloak asks: the realm is not weakened for everyone.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class UsersWithoutEmailTest extends DirSyncIntegrationTest {

    static final String PW = "No-mail-pw-1";

    private ClientRepresentation web;

    @BeforeEach
    void clients() {
        directGrantClient();
        web = LoginPages.webClient();
        realm.admin().clients().create(web).close();
    }

    @Test
    void anLdapUserWithoutMailSignsInThroughTheBrowserFormAndDirectGrant() throws Exception {
        try (TestDirectory ldap = TestDirectory.start("memory-ad")) {
            String staff = ldap.group("Staff", ldap.user("nomail", "Nora", "Mailless", null),
                ldap.user("withmail", "Will", "Mail", "will.mail@corp.test"));
            Map<String, Object> settings = ldap.settings("sAMAccountName");
            settings.put("syncedGroups", List.of(staff));
            dirsync.fullSync(dirsync.ldapDirectory("Corp AD", settings));
            UserRepresentation nomail = realm.admin().users().search("nomail", true).get(0);
            assertNull(nomail.getEmail(), "the directory has no mail for this user");

            assertTrue(signsIn("nomail", TestDirectory.PASSWORD), "direct grant with the directory password");
            assertTrue(signsInThroughTheForm("nomail", TestDirectory.PASSWORD).signedIn(), "browser form");
            assertTrue(signsIn("withmail", TestDirectory.PASSWORD), "a user with mail as before");
            assertFalse(signsIn("nomail", "wrong-password"));

            aLocalUserWithoutEmailIsStillAskedForIt();
        }
    }

    @Test
    void aScimUserWhoseInvalidEmailWasDroppedSignsInThroughTheBrowserForm() throws Exception {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta"); // strictEmails off, acceptPasswords on: defaults
        Map<String, Object> body = new HashMap<>(DirSync.scimUser("nomail.scim", "Sam", "Nomail", "not-an-address"));
        body.put("password", PW);
        Http.Result created = okta.scim("POST", "/Users", body);
        assertEquals(201, created.status(), created::toString);
        assertNull(realm.admin().users().get(DirSync.id(created)).toRepresentation().getEmail(),
            "the invalid address was dropped");

        LoginPages.Page done = signsInThroughTheForm("nomail.scim", PW);
        assertTrue(done.signedIn(), "the browser form signs the user in, no update-profile page: " + done);
        assertTrue(signsIn("nomail.scim", PW), "direct grant");

        aLocalUserWithoutEmailIsStillAskedForIt();
    }

    /** Keycloak's own behaviour for a local user: the sign-in stops at the update-profile page asking for the e-mail. */
    private void aLocalUserWithoutEmailIsStillAskedForIt() throws Exception {
        UserRepresentation local = new UserRepresentation();
        local.setUsername("local.nomail");
        local.setFirstName("Local");
        local.setLastName("Nomail");
        local.setEnabled(true);
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue(PW);
        password.setTemporary(false);
        local.setCredentials(List.of(password));
        realm.admin().users().create(local).close();

        LoginPages.Page page = signsInThroughTheForm("local.nomail", PW);
        assertFalse(page.signedIn(), "a local user without e-mail is not signed in yet");
        assertTrue(page.body().contains("id=\"email\""), "the update-profile page asks for the e-mail: " + page);
        Http.Result grant = directGrant("local.nomail", PW);
        assertEquals(400, grant.status(), grant::toString);
        assertTrue(grant.body().contains("Account is not fully set up"), grant::toString);
    }

    private LoginPages.Page signsInThroughTheForm(String username, String password) throws Exception {
        LoginPages pages = new LoginPages();
        return pages.submit(pages.open(urls.getBase(), realm.getName(), web.getClientId()),
            Map.of("username", username, "password", password));
    }
}
