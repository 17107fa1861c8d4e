package io.dirsync.ldap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.models.LDAPConstants;

import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.engine.Groups;
import io.dirsync.engine.SyncConflictException;

/**
 * The settings of an LDAP directory (type {@code ldap}), read from the directory's settings JSON. Connection
 * settings go to the Keycloak LDAP component that backs the directory; the rest drives the sync.
 *
 * <pre>
 * vendor               "ad" (Active Directory, also Samba AD) or "openldap"
 * connectionUrl        ldap://host:389 or ldaps://host:636
 * startTls             true to upgrade ldap:// with StartTLS
 * bindDn, bindCredential  the service account (the credential is kept only in the Keycloak component)
 * usersDn              where users are searched (subtree)
 * usernameAttribute    sAMAccountName, userPrincipalName, mail, uid, ... (fixed after the first successful sync)
 * uuidAttribute        the entry's stable id (default objectGUID for AD, entryUUID for OpenLDAP)
 * userObjectClasses    default "person, organizationalPerson, user" (AD) / "inetOrgPerson, organizationalPerson"
 * userFilter           an extra LDAP filter users must match
 * syncedGroups         group DNs whose members are synced
 * nestedGroups         true: members of groups nested in a synced group are in scope too
 * adminGroups          [{"dn": ..., "role": "owner|administrator|user-manager|help-desk|read-only"}]: rule 12, the
 *                      engine's setting ({@link io.dirsync.engine.AdminGroups}); LDAP names a group by its DN
 *                      ({@link LdapDirectoryTypeFactory#adminGroups()})
 * emailAttribute, firstNameAttribute, lastNameAttribute   defaults mail, givenName, sn
 * mappings             [{"source": LDAP attribute, "target": Keycloak attribute}] e.g. mail → alias1,
 *                      telephoneNumber → phone, mobile → mobile, info → notes
 * pageSize             LDAP page size (default 500)
 * fullSyncMinutes, adminSyncMinutes  schedule (default 720 and 30); schedulePaused: true stops both
 * kerberos             AD only: {"realm", "serverPrincipal", "keyTab", "allowKerberosAuthentication",
 *                      "useKerberosForPasswordAuthentication", "debug"}, Keycloak's own Kerberos options of the
 *                      component ({@link KerberosSettings}; passwords through the KDC only with SPNEGO allowed)
 * </pre>
 */
public final class LdapSettings {

    public static final String VENDOR_AD = "ad";
    public static final String VENDOR_OPENLDAP = "openldap";

    final String vendor;
    final String connectionUrl;
    final boolean startTls;
    final String bindDn;
    final String usersDn;
    final String usernameAttribute;
    final String uuidAttribute;
    final String userObjectClasses;
    final String userFilter;
    final List<String> syncedGroups;
    final boolean nestedGroups;
    final String emailAttribute;
    final String firstNameAttribute;
    final String lastNameAttribute;
    final List<AttributeMapping> mappings;
    final int pageSize;
    final long fullSyncMillis;
    final long adminSyncMillis;
    final boolean schedulePaused;
    /** Keycloak's Kerberos options for the component, or null when the directory has none. */
    final KerberosSettings kerberos;

    private LdapSettings(ObjectNode s, List<AttributeMapping> mappings) {
        String v = text(s, "vendor", VENDOR_OPENLDAP).toLowerCase(Locale.ROOT);
        if (!v.equals(VENDOR_AD) && !v.equals(VENDOR_OPENLDAP)) {
            throw invalid("settings.vendor must be \"ad\" (Active Directory) or \"openldap\"");
        }
        vendor = v;
        boolean ad = isActiveDirectory();
        connectionUrl = text(s, "connectionUrl", null);
        startTls = s.path("startTls").asBoolean(false);
        bindDn = text(s, "bindDn", null);
        usersDn = text(s, "usersDn", null);
        usernameAttribute = text(s, "usernameAttribute", ad ? LDAPConstants.SAM_ACCOUNT_NAME : LDAPConstants.UID);
        uuidAttribute = text(s, "uuidAttribute", ad ? LDAPConstants.OBJECT_GUID : LDAPConstants.ENTRY_UUID);
        userObjectClasses = text(s, "userObjectClasses", ad ? "person, organizationalPerson, user" : "inetOrgPerson, organizationalPerson");
        userFilter = text(s, "userFilter", null);
        syncedGroups = new ArrayList<>();
        for (JsonNode g : s.path("syncedGroups")) {
            if (g.isTextual() && !g.asText().isBlank()) {
                syncedGroups.add(g.asText().trim());
            }
        }
        nestedGroups = s.path("nestedGroups").asBoolean(false);
        emailAttribute = text(s, "emailAttribute", LDAPConstants.EMAIL);
        firstNameAttribute = text(s, "firstNameAttribute", LDAPConstants.GIVENNAME);
        lastNameAttribute = text(s, "lastNameAttribute", LDAPConstants.SN);
        this.mappings = mappings;
        pageSize = Math.max(1, s.path("pageSize").asInt(500));
        fullSyncMillis = Math.max(1, s.path("fullSyncMinutes").asLong(720)) * 60_000L;
        adminSyncMillis = Math.max(1, s.path("adminSyncMinutes").asLong(30)) * 60_000L;
        schedulePaused = s.path("schedulePaused").asBoolean(false);
        kerberos = KerberosSettings.of(s.get("kerberos"), ad);
    }

    public static LdapSettings of(Directory directory) {
        return new LdapSettings(directory.settings(), directory.mappings());
    }

    /** Settings an admin typed (not saved yet), without their mappings: for the admin actions' connection tests. */
    static LdapSettings typed(ObjectNode settings) {
        return new LdapSettings(settings, List.of());
    }

    /** Checks what a new or changed LDAP directory needs before anything is written. */
    public static void validate(ObjectNode settings) {
        if (settings == null) {
            throw invalid("An LDAP directory needs settings: connectionUrl, usersDn, usernameAttribute, syncedGroups");
        }
        LdapSettings s = new LdapSettings(settings, List.of());
        if (s.connectionUrl == null) {
            throw invalid("settings.connectionUrl is required (ldap://host:389 or ldaps://host:636)");
        }
        if (s.usersDn == null) {
            throw invalid("settings.usersDn is required (where users are searched)");
        }
        for (String dn : s.syncedGroups) {
            normalise(dn);
        }
        // Names and the extra filter are written into LDAP filters as they are (only values are escaped): each must be
        // a name, and the filter one balanced filter, so that no setting can end the scope filter and widen the search.
        for (String[] named : new String[][] {{"usernameAttribute", s.usernameAttribute}, {"uuidAttribute", s.uuidAttribute},
                {"emailAttribute", s.emailAttribute}, {"firstNameAttribute", s.firstNameAttribute},
                {"lastNameAttribute", s.lastNameAttribute}}) {
            requireAttributeName("settings." + named[0], named[1]);
        }
        for (String objectClass : s.userObjectClasses.split(",")) {
            requireAttributeName("settings.userObjectClasses", objectClass.trim());
        }
        for (JsonNode m : settings.path("mappings")) {
            String source = m.path("source").asText("").trim();
            if (!source.isEmpty()) {
                requireAttributeName("The mapping source", source);
            }
        }
        if (s.userFilter != null) {
            requireOneFilter(s.userFilter.startsWith("(") ? s.userFilter : "(" + s.userFilter + ")");
        }
        if (s.kerberos != null) {
            s.kerberos.validate(s.usernameAttribute);
        }
    }

    public boolean isActiveDirectory() {
        return VENDOR_AD.equals(vendor);
    }

    /** The group label of rule 6 is derived from the vendor by {@link Directory#groupLabel()}. */
    String keycloakVendor() {
        return isActiveDirectory() ? LDAPConstants.VENDOR_ACTIVE_DIRECTORY : LDAPConstants.VENDOR_OTHER;
    }

    /** Rule 6 and 8's comparison of group DNs: the normalised form ({@link #normalise}). */
    static final Groups.ExternalIds GROUP_IDS = LdapSettings::normalise;

    /** A DN in a comparable form: attribute types and values lower-cased, no spacing differences. */
    static String normalise(String dn) {
        try {
            LdapName name = new LdapName(dn);
            StringBuilder b = new StringBuilder();
            for (int i = name.size() - 1; i >= 0; i--) {
                Rdn rdn = name.getRdn(i);
                if (b.length() > 0) {
                    b.append(',');
                }
                b.append(rdn.getType().toLowerCase(Locale.ROOT)).append('=')
                    .append(Rdn.escapeValue(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT)));
            }
            return b.toString();
        } catch (InvalidNameException | IllegalArgumentException e) {
            throw invalid("'" + dn + "' is not a valid LDAP DN");
        }
    }

    /** The naming context of a DN: its dc= components (dc=example,dc=org), or the DN itself when it has none. */
    static String namingContext(String dn) {
        String lower = dn.toLowerCase(Locale.ROOT);
        int i = lower.indexOf("dc=");
        return i < 0 ? dn : dn.substring(i);
    }

    /** An attribute description (RFC 4512: a name or an OID, with options such as {@code ;binary}). */
    private static final java.util.regex.Pattern ATTRIBUTE_NAME =
        java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9-]*|[0-9]+(\\.[0-9]+)+)(;[A-Za-z0-9-]+)*");

    static void requireAttributeName(String setting, String name) {
        if (name == null || name.length() > 255 || !ATTRIBUTE_NAME.matcher(name).matches()) {
            throw invalid(setting + " '" + name + "' is not an LDAP attribute name (letters, digits and '-', or an OID)");
        }
    }

    /**
     * The extra user filter must be one filter, {@code (...)}, whose parentheses balance (escaped ones, {@code \28},
     * are text): otherwise it could close the scope filter it is put in ({@code (&(memberOf=...)<here>)}) and widen it.
     */
    static void requireOneFilter(String filter) {
        boolean one = filter.startsWith("(") && filter.indexOf('\0') < 0;
        int depth = 0;
        for (int i = 0; one && i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                one = depth > 0 || (depth == 0 && i == filter.length() - 1);
            }
        }
        if (!one || depth != 0) {
            throw invalid("settings.userFilter must be one LDAP filter with balanced parentheses, such as"
                + " (&(objectClass=person)(!(title=contractor)))");
        }
    }

    /** Escapes a value for use inside an LDAP filter (RFC 4515). */
    static String filterValue(String value) {
        StringBuilder b = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\5c");
                case '*' -> b.append("\\2a");
                case '(' -> b.append("\\28");
                case ')' -> b.append("\\29");
                case '\0' -> b.append("\\00");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String text(ObjectNode s, String key, String fallback) {
        JsonNode n = s.get(key);
        return n == null || n.isNull() || n.asText().isBlank() ? fallback : n.asText().trim();
    }

    static SyncConflictException invalid(String message) {
        return new SyncConflictException(SyncConflictException.Kind.INVALID, message);
    }
}
