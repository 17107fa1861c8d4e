package io.dirsync.ldap;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import javax.security.auth.DestroyFailedException;
import javax.security.auth.kerberos.KerberosKey;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KeyTab;

import com.fasterxml.jackson.databind.JsonNode;

import org.keycloak.common.constants.KerberosConstants;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.LDAPConstants;

/**
 * The {@code kerberos} setting of an Active Directory directory: Keycloak's own Kerberos options of the directory's LDAP
 * component (SPNEGO sign-in and passwords checked by the KDC instead of an LDAP bind).
 *
 * <pre>
 * realm                                 the Kerberos realm, upper-case (EXAMPLE.COM)
 * serverPrincipal                       HTTP/keycloak.example.com@EXAMPLE.COM, the service principal browsers ask tickets for
 * keyTab                                path of the keytab on the Keycloak server holding that principal's keys
 * allowKerberosAuthentication           SPNEGO: browsers with a ticket sign in without a password form
 * useKerberosForPasswordAuthentication  passwords typed in the form are checked by the KDC, not by an LDAP bind;
 *                                       only with allowKerberosAuthentication (Keycloak's LDAP provider asks the KDC
 *                                       only then, and binds to LDAP otherwise)
 * debug                                 Keycloak's Kerberos debug log (the JDK's Krb5LoginModule)
 * </pre>
 *
 * Kerberos names a user by its principal's first part (alice of alice@EXAMPLE.COM), AD's sAMAccountName; Keycloak's
 * LDAP provider then finds the synced user by that username. The keytab is read here only to check that it holds the
 * principal; its keys are never kept, shown or logged.
 */
final class KerberosSettings {

    static final String KEY = "kerberos";
    static final List<String> FIELDS = List.of("realm", "serverPrincipal", "keyTab", "allowKerberosAuthentication",
        "useKerberosForPasswordAuthentication", "debug");

    private static final Pattern REALM = Pattern.compile("[A-Z0-9]([A-Z0-9.-]*[A-Z0-9])?");
    // service/host@REALM: Keycloak's SPNEGO accepts tickets for this one principal of the keytab.
    private static final Pattern SERVICE_PRINCIPAL = Pattern.compile("[^/@\\s]+/[^/@\\s]+@([^@\\s]+)");

    final String realm;
    final String serverPrincipal;
    final String keyTab;
    final boolean spnego;
    final boolean passwords;
    final boolean debug;

    private KerberosSettings(JsonNode k) {
        realm = text(k, "realm");
        serverPrincipal = text(k, "serverPrincipal");
        keyTab = text(k, "keyTab");
        spnego = bool(k, "allowKerberosAuthentication");
        passwords = bool(k, "useKerberosForPasswordAuthentication");
        debug = bool(k, "debug");
    }

    /** The setting, or null when the directory has none ({@code null} or absent). */
    static KerberosSettings of(JsonNode k, boolean activeDirectory) {
        if (k == null || k.isNull()) {
            return null;
        }
        if (!activeDirectory) {
            throw LdapSettings.invalid("settings.kerberos is for Active Directory directories only (vendor \"ad\"); "
                + "remove it or set vendor to \"ad\"");
        }
        if (!k.isObject()) {
            throw LdapSettings.invalid("settings.kerberos must be an object: {\"realm\", \"serverPrincipal\", \"keyTab\", "
                + "\"allowKerberosAuthentication\", \"useKerberosForPasswordAuthentication\", \"debug\"}");
        }
        for (Iterator<String> names = k.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw LdapSettings.invalid("settings.kerberos." + name + " is not a Kerberos setting; they are " + FIELDS);
            }
        }
        return new KerberosSettings(k);
    }

    /** Checks the setting against what the server has: the realm's form, the keytab file and its principal. */
    void validate(String usernameAttribute) {
        if (realm == null) {
            throw LdapSettings.invalid("settings.kerberos.realm is required: the AD domain's Kerberos realm in upper case, "
                + "e.g. EXAMPLE.COM");
        }
        if (!REALM.matcher(realm).matches()) {
            throw LdapSettings.invalid("settings.kerberos.realm '" + realm + "' must be the Kerberos realm in upper case, "
                + "e.g. " + realm.toUpperCase(Locale.ROOT) + " (AD's realm is its DNS domain in capitals)");
        }
        if ((spnego || passwords) && !LDAPConstants.SAM_ACCOUNT_NAME.equalsIgnoreCase(usernameAttribute)) {
            throw LdapSettings.invalid("Kerberos names a user by the first part of its principal (alice of alice@" + realm
                + "), which is AD's sAMAccountName: Kerberos needs settings.usernameAttribute sAMAccountName, not "
                + usernameAttribute);
        }
        if (passwords && !spnego) {
            // Keycloak's LDAP provider asks the KDC only when Kerberos authentication is allowed too, else it binds to
            // LDAP: accepting this would promise KDC checks that never happen.
            throw LdapSettings.invalid("settings.kerberos.useKerberosForPasswordAuthentication needs "
                + "allowKerberosAuthentication true (with serverPrincipal and keyTab): Keycloak checks passwords through "
                + "the KDC only when Kerberos authentication is allowed, otherwise by an LDAP bind; turn both on, or "
                + "useKerberosForPasswordAuthentication off");
        }
        if (!spnego) {
            return; // Kerberos off: the realm is kept, nothing of the server is needed
        }
        if (serverPrincipal == null) {
            throw LdapSettings.invalid("settings.kerberos.serverPrincipal is required for Kerberos sign-in: the service "
                + "principal of Keycloak's host, e.g. HTTP/keycloak.example.com@" + realm);
        }
        var principal = SERVICE_PRINCIPAL.matcher(serverPrincipal);
        if (!principal.matches()) {
            throw LdapSettings.invalid("settings.kerberos.serverPrincipal '" + serverPrincipal + "' must be "
                + "service/host@REALM, e.g. HTTP/keycloak.example.com@" + realm);
        }
        if (!principal.group(1).equals(realm)) {
            throw LdapSettings.invalid("settings.kerberos.serverPrincipal '" + serverPrincipal + "' is not in realm "
                + realm + " (settings.kerberos.realm)");
        }
        if (keyTab == null) {
            throw LdapSettings.invalid("settings.kerberos.keyTab is required for Kerberos sign-in: the path, on the "
                + "Keycloak server, of the keytab exported for " + serverPrincipal);
        }
        Path path = Path.of(keyTab);
        if (!path.isAbsolute()) {
            throw LdapSettings.invalid("settings.kerberos.keyTab '" + keyTab + "' must be an absolute path on the Keycloak server");
        }
        if (!Files.isRegularFile(path)) {
            throw LdapSettings.invalid("settings.kerberos.keyTab: there is no file '" + keyTab + "' on the Keycloak server; "
                + "copy the keytab exported for " + serverPrincipal + " there");
        }
        if (!Files.isReadable(path)) {
            throw LdapSettings.invalid("settings.kerberos.keyTab: the Keycloak server cannot read '" + keyTab
                + "'; let the user Keycloak runs as read it");
        }
        if (!holdsKeys(path.toFile(), serverPrincipal)) {
            throw LdapSettings.invalid("settings.kerberos.keyTab '" + keyTab + "' holds no key for " + serverPrincipal
                + " that Java accepts (or is not a keytab); export that principal's AES keys into it, after letting the"
                + " account use AES (msDS-SupportedEncryptionTypes 24; Java refuses RC4 keys) (AD: ktpass -princ "
                + serverPrincipal + " -crypto AES256-SHA1, Samba: samba-tool domain exportkeytab --principal="
                + serverPrincipal + ")");
        }
    }

    /** Whether the keytab holds keys of the principal; the keys read are destroyed at once. */
    private static boolean holdsKeys(File file, String principal) {
        KerberosKey[] keys;
        try {
            keys = KeyTab.getInstance(file).getKeys(new KerberosPrincipal(principal, KerberosPrincipal.KRB_NT_PRINCIPAL));
        } catch (IllegalArgumentException | SecurityException e) {
            return false;
        }
        for (KerberosKey key : keys) {
            try {
                key.destroy();
            } catch (DestroyFailedException ignored) {
                // nothing to do: the key object is dropped anyway
            }
        }
        return keys.length > 0;
    }

    /**
     * Writes the setting into the directory's Keycloak LDAP component ({@code null}: Kerberos off). Keycloak's principal
     * attribute stays unset: with it, Keycloak would look users up by a principal attribute the sync never writes.
     */
    static void configure(ComponentModel c, KerberosSettings k) {
        c.getConfig().remove(KerberosConstants.KERBEROS_PRINCIPAL_ATTRIBUTE);
        c.put(KerberosConstants.ALLOW_KERBEROS_AUTHENTICATION, Boolean.toString(k != null && k.spnego));
        c.put(KerberosConstants.USE_KERBEROS_FOR_PASSWORD_AUTHENTICATION, Boolean.toString(k != null && k.passwords));
        c.put(KerberosConstants.DEBUG, Boolean.toString(k != null && k.debug));
        put(c, KerberosConstants.KERBEROS_REALM, k == null ? null : k.realm);
        put(c, KerberosConstants.SERVER_PRINCIPAL, k == null ? null : k.serverPrincipal);
        put(c, KerberosConstants.KEYTAB, k == null ? null : k.keyTab);
    }

    private static void put(ComponentModel c, String key, String value) {
        if (value == null) {
            c.getConfig().remove(key);
        } else {
            c.put(key, value);
        }
    }

    private static String text(JsonNode k, String key) {
        JsonNode n = k.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw LdapSettings.invalid("settings.kerberos." + key + " must be a string");
        }
        return n.asText().isBlank() ? null : n.asText().trim();
    }

    private static boolean bool(JsonNode k, String key) {
        JsonNode n = k.get(key);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw LdapSettings.invalid("settings.kerberos." + key + " must be true or false");
        }
        return n.booleanValue();
    }
}
