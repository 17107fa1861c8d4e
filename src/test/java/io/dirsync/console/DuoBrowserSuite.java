package io.dirsync.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.it.DirSyncServerConfig;

/**
 * The Duo Admin API directory's pages in a real browser: the wizard (name, API hostname, role of userType=admin,
 * mappings, enrollment, Complete setup with the keys shown once), a user pushed with those keys by a request signed
 * as Duo's clients sign it, the Credentials tab with Regenerate keys (the old pair refused at once), the Settings tab.
 * This class checks through the admin API what the pages saved. Run with
 * {@code mvn -Pbrowser verify -Dtest=DuoBrowserSuite}.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class DuoBrowserSuite extends BrowserSuiteBase {

    @Test
    void theWizardSetsUpADuoDirectoryWhoseKeysProvisionAndRegenerate() {
        JsonNode type = dirsync.admin("GET", "/directory-types/duo-admin-api", null).json();
        assertFalse(type.get("pull").asBoolean(), type::toString);

        Browser.run("duo-directory.spec.ts", urls.getBase(), seed());

        JsonNode list = dirsync.admin("GET", "/directories", null).json();
        assertEquals(1, list.size(), "the refused first step created nothing: " + list);
        JsonNode d = list.get(0);
        assertEquals("Corp Duo", d.get("name").asText());
        assertEquals("duo-admin-api", d.get("type").asText());
        assertEquals("active", d.get("status").asText());
        assertEquals("duo-api.example.test", d.at("/settings/apiHostname").asText(), "lower-cased by the server");
        assertEquals("user-manager", d.at("/settings/adminRole").asText(), "changed on the Settings tab");
        assertEquals("valid", d.at("/duo/keysStatus").asText(), d::toString);
        assertTrue(d.at("/duo/integrationKey").asText().matches("DI[A-Z0-9]{18}"), d::toString);
        assertEquals(1, d.get("userCount").asInt(), d::toString);

        List<UserRepresentation> grace = realm.admin().users().search("grace", true);
        assertEquals(1, grace.size());
        assertEquals("grace@corp.test", grace.get(0).getEmail());
        assertEquals(List.of("ghopper"), grace.get(0).getAttributes().get("alias1"));
    }
}
