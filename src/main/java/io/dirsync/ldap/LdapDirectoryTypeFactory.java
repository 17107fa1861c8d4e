package io.dirsync.ldap;

import java.util.List;

import org.keycloak.models.KeycloakSession;

import io.dirsync.engine.AdminGroups;
import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectoryTypeFactory;
import io.dirsync.engine.DirectoryTypeProvider;
import io.dirsync.engine.PullSource;

/**
 * Directory type {@code ldap}: Active Directory or OpenLDAP, read through a stock Keycloak LDAP provider whose
 * component id is the directory id (see {@link LdapDirectories}).
 */
public class LdapDirectoryTypeFactory implements DirectoryTypeFactory {

    public static final String ID = "ldap";

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public DirectoryTypeProvider create(KeycloakSession session) {
        return new LdapDirectoryTypeProvider(session);
    }

    @Override
    public String defaultName() {
        return "New LDAP Directory";
    }

    @Override
    public String groupLabel(Directory directory) {
        return LdapSettings.VENDOR_AD.equalsIgnoreCase(directory.setting("vendor")) ? "AD" : "OpenLDAP";
    }

    /** Its users are the directory's Keycloak LDAP component's: Keycloak checks their passwords in the directory. */
    @Override
    public String federationLink(Directory directory) {
        return directory.id();
    }

    @Override
    public List<AttributeMapping> requiredMappings(Directory directory) {
        LdapSettings s = LdapSettings.of(directory);
        return List.of(new AttributeMapping(s.usernameAttribute, "username"), new AttributeMapping(s.emailAttribute, "email"),
            new AttributeMapping(s.firstNameAttribute, "firstName"), new AttributeMapping(s.lastNameAttribute, "lastName"));
    }

    /** Suggestions: any attribute of the directory's user entries may be mapped. */
    @Override
    public List<String> offeredSources() {
        return List.of("mail", "userPrincipalName", "sAMAccountName", "uid", "telephoneNumber", "mobile", "title",
            "department", "employeeID", "employeeNumber", "displayName", "info");
    }

    /**
     * Rule 12: an admin group is named by its DN ({@code "dn"}, as LDAP directories always had it, or the neutral
     * {@code "group"}); memberships are compared in {@link LdapSettings#normalise}'s form.
     */
    @Override
    public AdminGroups.Naming adminGroups() {
        return ADMIN_GROUPS;
    }

    private static final AdminGroups.Naming ADMIN_GROUPS =
        new AdminGroups.Naming("dn", "the group's LDAP DN", LdapSettings::normalise);

    @Override
    public PullSource pullSource() {
        return LdapSync::pull;
    }
}
