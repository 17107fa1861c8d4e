package io.dirsync.ldap;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dirsync.engine.SyncConflictException;

/** The {@code kerberos} setting's checks, against keytab files written here in the MIT keytab format. */
class KerberosSettingsTest {

    static final String PRINCIPAL = "HTTP/sso.example.com@EXAMPLE.COM";

    @TempDir
    Path dir;
    Path keyTab;
    ObjectNode settings;
    ObjectNode kerberos;

    @BeforeEach
    void setUp() throws IOException {
        keyTab = dir.resolve("keycloak.keytab");
        Files.write(keyTab, TestKeyTabs.of("HTTP", "sso.example.com", "EXAMPLE.COM"));
        settings = new ObjectMapper().createObjectNode();
        settings.put("vendor", "ad");
        settings.put("connectionUrl", "ldaps://dc1.example.com:636");
        settings.put("usersDn", "DC=example,DC=com");
        kerberos = settings.putObject("kerberos");
        kerberos.put("realm", "EXAMPLE.COM");
        kerberos.put("serverPrincipal", PRINCIPAL);
        kerberos.put("keyTab", keyTab.toString());
        kerberos.put("allowKerberosAuthentication", true);
        kerberos.put("useKerberosForPasswordAuthentication", true);
    }

    @Test
    void aKeytabHoldingTheServicePrincipalPasses() {
        assertDoesNotThrow(() -> LdapSettings.validate(settings));
        assertEquals(PRINCIPAL, LdapSettings.typed(settings).kerberos.serverPrincipal);
    }

    @Test
    void kerberosIsForActiveDirectoryOnly() {
        settings.put("vendor", "openldap");
        assertRefused("settings.kerberos is for Active Directory directories only (vendor \"ad\")");
    }

    @Test
    void theRealmIsUpperCase() {
        kerberos.put("realm", "example.com");
        assertRefused("settings.kerberos.realm 'example.com' must be the Kerberos realm in upper case, e.g. EXAMPLE.COM");
        kerberos.remove("realm");
        assertRefused("settings.kerberos.realm is required");
    }

    @Test
    void aTypoOrAWrongTypeIsNamed() {
        kerberos.put("keytab", "/etc/krb5.keytab");
        assertRefused("settings.kerberos.keytab is not a Kerberos setting");
        kerberos.remove("keytab");
        kerberos.put("allowKerberosAuthentication", "yes");
        assertRefused("settings.kerberos.allowKerberosAuthentication must be true or false");
    }

    @Test
    void kerberosNamesUsersBySamAccountName() {
        settings.put("usernameAttribute", "userPrincipalName");
        assertRefused("Kerberos needs settings.usernameAttribute sAMAccountName, not userPrincipalName");
    }

    @Test
    void theServicePrincipalIsServiceSlashHostAtTheRealm() {
        kerberos.put("serverPrincipal", "HTTP/sso.example.com");
        assertRefused("must be service/host@REALM");
        kerberos.put("serverPrincipal", "HTTP/sso.example.com@OTHER.COM");
        assertRefused("is not in realm EXAMPLE.COM");
        kerberos.remove("serverPrincipal");
        assertRefused("settings.kerberos.serverPrincipal is required for Kerberos sign-in");
    }

    @Test
    void aMissingKeytabFileIsNamed() {
        kerberos.put("keyTab", dir.resolve("missing.keytab").toString());
        assertRefused("there is no file '" + dir.resolve("missing.keytab") + "' on the Keycloak server");
        kerberos.put("keyTab", "keycloak.keytab");
        assertRefused("must be an absolute path");
        kerberos.remove("keyTab");
        assertRefused("settings.kerberos.keyTab is required for Kerberos sign-in");
    }

    @Test
    void aKeytabWithoutTheServicePrincipalOrNoKeytabAtAllIsRefused() throws IOException {
        Files.write(keyTab, TestKeyTabs.of("HTTP", "other.example.com", "EXAMPLE.COM"));
        assertRefused("holds no key for " + PRINCIPAL);
        Files.writeString(keyTab, "not a keytab");
        assertRefused("holds no key for " + PRINCIPAL + " that Java accepts (or is not a keytab)");
    }

    @Test
    void passwordsThroughTheKdcNeedKerberosAuthenticationAllowed() {
        // Keycloak binds to LDAP unless both are on: refused rather than silently not done.
        kerberos.put("allowKerberosAuthentication", false);
        assertRefused("settings.kerberos.useKerberosForPasswordAuthentication needs allowKerberosAuthentication true");
        // ... and with both on, the keytab is checked as for SPNEGO.
        kerberos.put("allowKerberosAuthentication", true);
        kerberos.put("keyTab", dir.resolve("missing.keytab").toString());
        assertRefused("there is no file");
    }

    @Test
    void kerberosOffNeedsOnlyTheRealm() {
        kerberos.put("allowKerberosAuthentication", false);
        kerberos.put("useKerberosForPasswordAuthentication", false);
        kerberos.remove("serverPrincipal");
        kerberos.put("keyTab", dir.resolve("missing.keytab").toString());
        assertDoesNotThrow(() -> LdapSettings.validate(settings));
    }

    private void assertRefused(String part) {
        SyncConflictException e = assertThrows(SyncConflictException.class, () -> LdapSettings.validate(settings));
        assertEquals(SyncConflictException.Kind.INVALID, e.getKind());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
