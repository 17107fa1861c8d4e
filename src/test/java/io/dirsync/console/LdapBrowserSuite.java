package io.dirsync.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.ldap.TestDirectory;
import io.dirsync.ldap.TestKeyTabs;

/**
 * The LDAP / Active Directory wizard and Settings tab in a real browser (issue 12, items 2 and 3), against an in-JVM
 * LDAP server: the specs drive the pages, this class seeds the directory and checks through the admin API what the
 * pages saved. Run with {@code mvn -Pbrowser verify -Dtest=LdapBrowserSuite}.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class LdapBrowserSuite extends BrowserSuiteBase {

    TestDirectory ldap;
    String engineering;
    String sales;
    String auditorId;

    @BeforeEach
    void startTheDirectory() throws Exception {
        ldap = TestDirectory.start("memory-openldap");
        String alice = ldap.user("alice", "Alice", "Liddell", "alice@example.org");
        String bob = ldap.user("bob", "Bob", "Builder", "bob@example.org");
        String carol = ldap.user("carol", "Carol", "Seller", "carol@example.org");
        engineering = ldap.group("Engineering", alice, bob);
        sales = ldap.group("Sales", carol);
    }

    @AfterEach
    void stopTheDirectory() {
        if (ldap != null) {
            ldap.close();
        }
    }

    @Override
    protected Map<String, Object> seed() {
        Map<String, Object> connection = ldap.settings("uid");
        Map<String, Object> seed = super.seed();
        seed.put("connectionUrl", connection.get("connectionUrl"));
        seed.put("bindDn", connection.get("bindDn"));
        seed.put("bindCredential", connection.get("bindCredential"));
        seed.put("usersDn", connection.get("usersDn"));
        seed.put("engineeringDn", engineering);
        seed.put("salesDn", sales);
        return seed;
    }

    @Test
    void theWizardTestsTheConnectionPicksAGroupBySearchingAndCreatesTheDirectory() {
        Browser.run("ldap-wizard.spec.ts", urls.getBase(), seed());

        JsonNode list = dirsync.admin("GET", "/directories", null).json();
        assertEquals(1, list.size(), list::toString);
        JsonNode d = list.get(0);
        assertEquals("Corp LDAP", d.get("name").asText());
        assertEquals("ldap", d.get("type").asText());
        JsonNode s = d.get("settings");
        assertEquals("openldap", s.get("vendor").asText());
        assertEquals(ldap.settings("uid").get("connectionUrl"), s.get("connectionUrl").asText());
        assertFalse(s.get("startTls").asBoolean());
        assertEquals(ldap.settings("uid").get("bindDn"), s.get("bindDn").asText());
        assertEquals(ldap.settings("uid").get("usersDn"), s.get("usersDn").asText());
        assertEquals("uid", s.get("usernameAttribute").asText());
        assertEquals("entryUUID", s.get("uuidAttribute").asText());
        assertEquals("[\"" + engineering + "\"]", s.get("syncedGroups").toString(), "the group picked by searching");
        assertTrue(s.get("nestedGroups").asBoolean());
        assertEquals("[{\"source\":\"mail\",\"target\":\"alias1\"}]", s.get("mappings").toString());
        assertEquals("[{\"dn\":\"" + sales + "\",\"role\":\"help-desk\"}]", s.get("adminGroups").toString());
        assertEquals(60, s.get("adminSyncMinutes").asInt());
        assertEquals(720, s.get("fullSyncMinutes").asInt());
        assertTrue(s.get("enrollmentEmails").asBoolean());
        assertFalse(d.toString().contains(String.valueOf(ldap.settings("uid").get("bindCredential"))), "never answered");
        assertTrue(d.at("/ldap/bindCredentialStored").asBoolean());

        JsonNode run = dirsync.fullSync(d.get("id").asText());
        assertEquals("completed", run.get("status").asText(), "the credential typed in the wizard binds: " + run);
        assertEquals(3, dirsync.admin("GET", "/directories/" + d.get("id").asText(), null).json().get("userCount").asInt(),
            "alice and bob (Engineering) and carol (the admin group Sales)");
    }

    @Test
    void theSettingsTabLocksTheUsernameAttributeAfterTheFirstSyncAndSavesWithTheStoredCredential() {
        Map<String, Object> settings = ldap.settings("uid");
        settings.put("syncedGroups", List.of(engineering));
        String id = dirsync.ldapDirectory("Corp LDAP", settings);
        assertEquals("completed", dirsync.fullSync(id).get("status").asText());
        Map<String, Object> seed = seed();
        seed.put("directoryId", id);
        seed.put("auditorUser", "auditor-" + realm.getName());
        seed.put("auditorPassword", "Auditor-Passw0rd!");
        auditorId = viewOnlyMasterAdmin((String) seed.get("auditorUser"), (String) seed.get("auditorPassword"));

        Browser.run("ldap-settings.spec.ts", urls.getBase(), seed);

        JsonNode s = dirsync.admin("GET", "/directories/" + id, null).json().get("settings");
        assertEquals(60, s.get("fullSyncMinutes").asInt(), s::toString);
        assertEquals("[\"" + engineering + "\",\"" + sales + "\"]", s.get("syncedGroups").toString(), s::toString);
        assertEquals("uid", s.get("usernameAttribute").asText());
        JsonNode run = dirsync.fullSync(id);
        assertEquals("completed", run.get("status").asText(), "the stored credential was kept: " + run);
        assertEquals(3, dirsync.admin("GET", "/directories/" + id, null).json().get("userCount").asInt());
    }

    @Test
    void anActiveDirectoryDirectorysKerberosSettingsAreRefusedAsTheServerSaysThenSaved() throws Exception {
        // A keytab on this machine, which is the Keycloak server's: the settings check that it holds the principal.
        Path dir = Files.createTempDirectory("kerberos-console");
        Path keyTab = dir.resolve("keycloak.keytab");
        String principal = "HTTP/keycloak.example.test@EXAMPLE.TEST";
        Files.write(keyTab, TestKeyTabs.of("HTTP", "keycloak.example.test", "EXAMPLE.TEST"));
        try (TestDirectory ad = TestDirectory.start("memory-ad")) {
            Map<String, Object> settings = ad.settings("sAMAccountName");
            settings.put("syncedGroups", List.of(ad.group("Staff", ad.user("dave", "Dave", "Doe", "dave@example.org"))));
            String id = dirsync.ldapDirectory("Corp AD", settings);
            Map<String, Object> seed = seed();
            seed.put("directoryId", id);
            seed.put("keyTab", keyTab.toString());
            seed.put("kerberosRealm", "EXAMPLE.TEST");
            seed.put("serverPrincipal", principal);

            Browser.run("ldap-kerberos.spec.ts", urls.getBase(), seed);

            JsonNode k = dirsync.admin("GET", "/directories/" + id, null).json().at("/settings/kerberos");
            assertEquals("EXAMPLE.TEST", k.get("realm").asText(), k::toString);
            assertEquals(principal, k.get("serverPrincipal").asText());
            assertEquals(keyTab.toString(), k.get("keyTab").asText());
            assertTrue(k.get("allowKerberosAuthentication").asBoolean());
            assertTrue(k.get("useKerberosForPasswordAuthentication").asBoolean());
            assertFalse(k.get("debug").asBoolean());
            Map<String, List<String>> component = realm.admin().components().component(id).toRepresentation().getConfig();
            assertEquals(List.of("true"), component.get("allowKerberosAuthentication"), "passed to Keycloak's LDAP provider");
            assertEquals(List.of("true"), component.get("useKerberosForPasswordAuthentication"));
            assertEquals(List.of(keyTab.toString()), component.get("keyTab"));
        }
    }
}
