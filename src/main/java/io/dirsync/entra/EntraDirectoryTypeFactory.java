package io.dirsync.entra;

import java.util.List;

import org.keycloak.models.KeycloakSession;

import io.dirsync.engine.AdminGroups;
import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectoryTypeFactory;
import io.dirsync.engine.DirectoryTypeProvider;
import io.dirsync.engine.PullSource;

/**
 * Directory type {@code entra}: Microsoft Entra ID, read through Microsoft Graph with an app registration's client
 * credentials (see {@link EntraSync}). Its users are plain Keycloak users: they sign in through the realm's identity
 * provider (the directory's {@code identityProvider}) or with a Keycloak password set at enrollment.
 */
public class EntraDirectoryTypeFactory implements DirectoryTypeFactory {

    public static final String ID = "entra";

    private static final AdminGroups.Naming ADMIN_GROUPS =
        new AdminGroups.Naming(AdminGroups.GROUP_KEY, "the group's object id", id -> EntraSettings.groupId("group", id));

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public DirectoryTypeProvider create(KeycloakSession session) {
        return new EntraDirectoryTypeProvider(session);
    }

    @Override
    public String defaultName() {
        return "New Entra ID Directory";
    }

    @Override
    public String groupLabel(Directory directory) {
        return "Entra ID";
    }

    @Override
    public List<AttributeMapping> requiredMappings(Directory directory) {
        EntraSettings s = EntraSettings.of(directory);
        return List.of(new AttributeMapping(s.usernameAttribute, "username"), new AttributeMapping(s.emailAttribute, "email"),
            new AttributeMapping(s.firstNameAttribute, "firstName"), new AttributeMapping(s.lastNameAttribute, "lastName"));
    }

    /** Suggestions: any Graph user property may be mapped, extension attributes ({@code extension_<appId>_<name>}) too. */
    @Override
    public List<String> offeredSources() {
        return List.of("userPrincipalName", "mail", "givenName", "surname", "displayName", "mobilePhone", "businessPhones",
            "otherMails", "employeeId", "onPremisesSamAccountName", "jobTitle", "department", "officeLocation",
            "companyName", "preferredLanguage");
    }

    /**
     * {@code passwordSignIn}: by default only without an identity provider; with one, its users sign in through it and a
     * Keycloak password is refused (unless the setting says {@code true}).
     */
    @Override
    public boolean passwordSignIn(Directory directory) {
        return directory.settings().path("passwordSignIn").asBoolean(EntraSettings.of(directory).identityProvider == null);
    }

    @Override
    public PullSource pullSource() {
        return EntraSync::pull;
    }

    /** Graph delta queries: an incremental run reads only what changed since the last one. */
    @Override
    public boolean incrementalSync() {
        return true;
    }

    /** Rule 12: an admin group is named by its object id ({@code "group"}), compared lower-case. */
    @Override
    public AdminGroups.Naming adminGroups() {
        return ADMIN_GROUPS;
    }
}
