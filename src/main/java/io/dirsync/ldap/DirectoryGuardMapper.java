package io.dirsync.ldap;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.idm.model.LDAPObject;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQuery;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQueryConditionsBuilder;
import org.keycloak.storage.ldap.mappers.AbstractLDAPStorageMapper;

/**
 * The extension's mapper on each LDAP directory's Keycloak component. It maps nothing (the engine writes what the
 * directory's mappings say). It keeps Keycloak's LDAP provider from creating or claiming accounts by itself (see
 * {@link #beforeLDAPQuery}), and its factory, {@link DirectoryGuardMapperFactory}, is told when someone removes the
 * component from Keycloak's User Federation screens, and can refuse.
 */
final class DirectoryGuardMapper extends AbstractLDAPStorageMapper {

    /** An LDAP filter no entry matches. */
    static final String MATCHES_NOTHING = "(!(objectClass=*))";

    DirectoryGuardMapper(ComponentModel mapperModel, LDAPStorageProvider ldapProvider) {
        super(mapperModel, ldapProvider);
    }

    @Override
    public void onImportUserFromLDAP(LDAPObject ldapUser, UserModel user, RealmModel realm, boolean isCreate) {
        // Keycloak imports nothing on its own: beforeLDAPQuery lets none of its look-ups find an entry.
    }

    @Override
    public void onRegisterUserToLDAP(LDAPObject ldapUser, UserModel localUser, RealmModel realm) {
        // registrations are off on directory components
    }

    @Override
    public UserModel proxy(LDAPObject ldapUser, UserModel delegate, RealmModel realm) {
        return delegate;
    }

    /**
     * Keycloak's own look-ups of a person in the directory find nobody; only its check of a known user by entry id
     * (password validation, the user's validation on load) reaches the directory. Keycloak's LDAP provider imports
     * whatever its look-ups find: on a login, a username check, an admin search or its Sync buttons it would create a
     * bare account, or claim an existing one that carries the entry's {@code LDAP_ID} (rename it, re-enable it, link
     * it) — outside the engine and rules 1-3 and 2's guard. A directory's users exist in Keycloak once its sync has
     * brought them in, which is when Keycloak finds them locally without asking the directory. The directory's own
     * reads ({@link LdapSync}) leave this mapper out of their queries.
     */
    @Override
    public void beforeLDAPQuery(LDAPQuery query) {
        String entryId = ldapProvider.getLdapIdentityStore().getConfig().getUuidLDAPAttributeName();
        boolean byEntryId = query.getConditions().stream()
            .anyMatch(c -> c.getParameterName() != null && c.getParameterName().equalsIgnoreCase(entryId));
        if (!byEntryId) {
            query.addWhereCondition(new LDAPQueryConditionsBuilder().addCustomLDAPFilter(MATCHES_NOTHING));
        }
    }

    /** Leaves this guard out of one of the directory sync's own reads. */
    static void leaveOut(LDAPQuery query) {
        query.getMappers().removeIf(m -> DirectoryGuardMapperFactory.PROVIDER_ID.equals(m.getProviderId()));
    }
}
