package io.dirsync.scim;

import java.util.List;

import org.keycloak.models.KeycloakSession;

import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectoryTypeFactory;
import io.dirsync.engine.DirectoryTypeProvider;

/** Directory type {@code scim}: a SCIM 2.0 client (Okta, Entra ID provisioning, OneLogin, ...) pushes to it. */
public class ScimDirectoryTypeFactory implements DirectoryTypeFactory {

    public static final String ID = "scim";
    /** Setting naming the client; {@code okta} (the default) labels managed groups "from Okta Sync". */
    static final String PROVIDER_SETTING = "provider";
    /**
     * Setting: refuse (400) a user whose e-mail address is invalid, instead of creating it without one and warning in
     * the run report. Off by default: a source's bad address must not block provisioning.
     */
    static final String STRICT_EMAILS_SETTING = "strictEmails";
    /** Setting: a {@code password} the client sends becomes the user's Keycloak password. On by default. */
    static final String ACCEPT_PASSWORDS_SETTING = "acceptPasswords";

    static boolean acceptsPasswords(Directory directory) {
        return directory.settings().path(ACCEPT_PASSWORDS_SETTING).asBoolean(true);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public DirectoryTypeProvider create(KeycloakSession session) {
        return new ScimDirectoryTypeProvider(session);
    }

    @Override
    public String defaultName() {
        return "New Okta SCIM Integration";
    }

    @Override
    public String groupLabel(Directory directory) {
        return "okta".equalsIgnoreCase(directory.setting(PROVIDER_SETTING)) ? "Okta" : "SCIM";
    }

    @Override
    public List<AttributeMapping> requiredMappings(Directory directory) {
        return List.of(new AttributeMapping("userName", "username"), new AttributeMapping("emails", "email"),
            new AttributeMapping("name.givenName", "firstName"), new AttributeMapping("name.familyName", "lastName"));
    }

    @Override
    public List<String> offeredSources() {
        return ScimUserMapping.OFFERED_SOURCES;
    }
}
