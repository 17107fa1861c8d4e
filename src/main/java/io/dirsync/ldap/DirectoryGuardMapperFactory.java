package io.dirsync.ldap;

import java.util.List;

import jakarta.ws.rs.core.Response;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.ErrorResponse;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapper;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapperFactory;

import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.EngineWrites;

/**
 * Creates the {@link DirectoryGuardMapper} the extension puts on each LDAP directory's component, and keeps the
 * component from being removed behind the directory sync's back.
 */
public final class DirectoryGuardMapperFactory extends AbstractLDAPStorageMapperFactory {

    public static final String PROVIDER_ID = "dirsync-directory-guard";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "Directory sync: keeps this provider from being removed behind the directory sync's back."
            + " Added and kept by the extension.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    /**
     * Refuses to remove a directory's component (or this mapper) from Keycloak's User Federation screens: Keycloak
     * would delete every user of the directory at once, past the trash (rule 7) and rule 9. The directory sync's own
     * deletion of the directory is let through. Keycloak calls this after it has bulk-deleted the component's users
     * in the same transaction, so refusing here rolls that back too.
     */
    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (EngineWrites.inProgress(session)) {
            return;
        }
        ComponentModel component = realm.getComponent(model.getParentId());
        String name = component == null ? null : LdapDirectories.directoryName(component);
        if (component != null && DirectorySyncEngine.of(session).directories().get(realm, component.getId()).isPresent()) {
            throw ErrorResponse.error("This LDAP provider belongs to directory \"" + name + "\" of the directory sync;"
                + " delete the directory there (DELETE /admin/realms/" + realm.getName() + "/dirsync/directories/"
                + component.getId() + "), which keeps its users as rule 9 says", Response.Status.BAD_REQUEST);
        }
    }

    @Override
    protected AbstractLDAPStorageMapper createMapper(ComponentModel mapperModel, LDAPStorageProvider federationProvider) {
        return new DirectoryGuardMapper(mapperModel, federationProvider);
    }
}
