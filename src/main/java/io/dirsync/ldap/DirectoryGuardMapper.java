package io.dirsync.ldap;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.idm.model.LDAPObject;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQuery;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapper;

/**
 * The extension's mapper on each LDAP directory's Keycloak component. It maps nothing (the engine writes what the
 * directory's mappings say); it is there so that its factory, {@link DirectoryGuardMapperFactory}, is told when
 * someone removes the component from Keycloak's User Federation screens, and can refuse.
 */
final class DirectoryGuardMapper extends AbstractLDAPStorageMapper {

    DirectoryGuardMapper(ComponentModel mapperModel, LDAPStorageProvider ldapProvider) {
        super(mapperModel, ldapProvider);
    }

    @Override
    public void onImportUserFromLDAP(LDAPObject ldapUser, UserModel user, RealmModel realm, boolean isCreate) {
        // A user Keycloak imports on its own (first login before the next sync) is adopted by that sync.
    }

    @Override
    public void onRegisterUserToLDAP(LDAPObject ldapUser, UserModel localUser, RealmModel realm) {
        // registrations are off on directory components
    }

    @Override
    public UserModel proxy(LDAPObject ldapUser, UserModel delegate, RealmModel realm) {
        return delegate;
    }

    @Override
    public void beforeLDAPQuery(LDAPQuery query) {
    }
}
