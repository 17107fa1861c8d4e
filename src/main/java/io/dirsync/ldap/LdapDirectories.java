package io.dirsync.ldap;

import java.util.List;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.LDAPConstants;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.RealmModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.UserStorageUtil;
import org.keycloak.storage.ldap.mappers.LDAPStorageMapper;
import org.keycloak.storage.ldap.mappers.UserAttributeLDAPStorageMapper;
import org.keycloak.storage.ldap.mappers.UserAttributeLDAPStorageMapperFactory;

import io.dirsync.engine.AdminGroups;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.EngineWrites;
import io.dirsync.login.LoginFlow;

/**
 * The stock Keycloak LDAP user-storage component behind each LDAP directory. Its id is the directory id (the
 * users' federation link); Keycloak does what it does well with it: connection, bind, LDAPS/StartTLS, Kerberos,
 * paging and checking passwords against the directory. It is configured so that it never acts on its own:
 * import on, UNSYNCED (with {@link DirectoryPasswordPolicy} and {@link DirectoryGuardMapper}), no periodic syncs,
 * no removal of users it cannot find (the trash does that), no registrations. The directory's scope (synced and
 * admin groups) is its custom user filter, so Keycloak's own look-ups (login, validation) see exactly the users
 * the sync sees.
 */
public final class LdapDirectories {

    private LdapDirectories() {
    }

    public static ComponentModel component(RealmModel realm, Directory directory) {
        ComponentModel c = realm.getComponent(directory.id());
        return c != null && LDAPConstants.LDAP_PROVIDER.equals(c.getProviderId()) ? c : null;
    }

    /** Creates the LDAP component of a new LDAP directory. */
    public static void create(KeycloakSession session, RealmModel realm, Directory directory, String bindCredential) {
        LdapSettings s = LdapSettings.of(directory);
        UserStorageProviderModel m = new UserStorageProviderModel();
        m.setId(directory.id());
        m.setParentId(realm.getId());
        m.setProviderId(LDAPConstants.LDAP_PROVIDER);
        m.setName(componentName(directory));
        m.setPriority(0);
        m.setEnabled(true);
        m.setImportEnabled(true);
        m.setFullSyncPeriod(-1);
        m.setChangedSyncPeriod(-1);
        m.put(UserStorageProviderModel.REMOVE_INVALID_USERS_ENABLED, "false");
        m.setCachePolicy(UserStorageProviderModel.CachePolicy.DEFAULT);
        configure(m, s, bindCredential, scopeFilter(s, s.syncedGroups, AdminGroups.of(directory).groupIds()));
        // importComponentModel, not addComponentModel: Keycloak's onCreate would add its default attribute mappers
        // (names, email, MSAD account controls), whose values would compete with what the engine writes. The one
        // mapper Keycloak's own look-ups need is the username mapper.
        ComponentModel created = realm.importComponentModel(m);
        realm.importComponentModel(KeycloakModelUtils.createComponentModel("username", created.getId(),
            UserAttributeLDAPStorageMapperFactory.PROVIDER_ID, LDAPStorageMapper.class.getName(),
            UserAttributeLDAPStorageMapper.USER_MODEL_ATTRIBUTE, UserModel.USERNAME,
            UserAttributeLDAPStorageMapper.LDAP_ATTRIBUTE, s.usernameAttribute,
            UserAttributeLDAPStorageMapper.READ_ONLY, "true",
            UserAttributeLDAPStorageMapper.ALWAYS_READ_VALUE_FROM_LDAP, "false",
            UserAttributeLDAPStorageMapper.IS_MANDATORY_IN_LDAP, "true"));
        ensureGuard(realm, created);
        DirectoryPasswordPolicy.ensureIn(session, realm);
        LoginFlow.applyKerberos(session, realm);
    }

    /** Adds the extension's {@link DirectoryGuardMapper} to the component unless it is there. */
    static void ensureGuard(RealmModel realm, ComponentModel component) {
        boolean present = realm.getComponentsStream(component.getId(), LDAPStorageMapper.class.getName())
            .anyMatch(m -> DirectoryGuardMapperFactory.PROVIDER_ID.equals(m.getProviderId()));
        if (!present) {
            realm.importComponentModel(KeycloakModelUtils.createComponentModel("directory sync guard", component.getId(),
                DirectoryGuardMapperFactory.PROVIDER_ID, LDAPStorageMapper.class.getName()));
        }
    }

    /** Applies changed settings (and, when given, a new bind credential) to the component. */
    public static void update(KeycloakSession session, RealmModel realm, Directory directory, String bindCredential) {
        ComponentModel c = component(realm, directory);
        if (c == null) {
            create(session, realm, directory, bindCredential);
            return;
        }
        LdapSettings s = LdapSettings.of(directory);
        c.setName(componentName(directory));
        configure(c, s, bindCredential, c.get(LDAPConstants.CUSTOM_USER_SEARCH_FILTER));
        realm.updateComponent(c);
        ensureGuard(realm, c);
        DirectoryPasswordPolicy.ensureIn(session, realm);
        // Keycloak's onUpdate moves its "username" mapper along with usernameLDAPAttribute (before the first sync only),
        // and switches the realm's Kerberos steps when this component's SPNEGO changes; the realm's other components count too.
        LoginFlow.applyKerberos(session, realm);
    }

    /**
     * Rule 9 for LDAP: before the directory goes, its users are unlinked from the component so that removing it
     * does not make Keycloak delete them (Keycloak removes the users imported by a removed provider). The realm's last
     * LDAP directory also takes {@link DirectoryPasswordPolicy} out of the realm's password policy.
     */
    public static void beforeDelete(KeycloakSession session, RealmModel realm, Directory directory) {
        ComponentModel c = component(realm, directory);
        // The entry id and DN go with the link: an unmanaged account keeps no pointer to a directory entry, which
        // Keycloak's LDAP provider would follow to claim the account (LDAPStorageProvider.importUserFromLDAP).
        DirectorySyncEngine.of(session).store().unlinkUsers(realm.getId(), directory.id(),
            List.of(LDAPConstants.LDAP_ID, LDAPConstants.LDAP_ENTRY_DN));
        UserCache cache = UserStorageUtil.userCache(session);
        if (cache != null) {
            cache.clear();
        }
        if (c != null) {
            EngineWrites.run(session, () -> realm.removeComponent(c)); // DirectoryGuardMapperFactory lets this one through
        }
        boolean lastLdap = DirectorySyncEngine.of(session).directories().list(realm).stream()
            .noneMatch(d -> LdapDirectoryTypeFactory.ID.equals(d.typeId()) && !d.id().equals(directory.id()));
        if (lastLdap) {
            DirectoryPasswordPolicy.removeFrom(session, realm);
        }
        LoginFlow.applyKerberos(session, realm);
    }

    /** Sets the component's user filter to the directory's scope; returns whether it changed. */
    static boolean setScope(RealmModel realm, Directory directory, String filter) {
        ComponentModel c = component(realm, directory);
        if (c == null || filter.equals(c.get(LDAPConstants.CUSTOM_USER_SEARCH_FILTER))) {
            return false;
        }
        c.put(LDAPConstants.CUSTOM_USER_SEARCH_FILTER, filter);
        realm.updateComponent(c);
        return true;
    }

    /** Users in scope: a member of one of the groups (already expanded when nested), and matching userFilter. */
    static String scopeFilter(LdapSettings s, java.util.Collection<String> groups, java.util.Collection<String> adminGroups) {
        StringBuilder any = new StringBuilder();
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(groups);
        all.addAll(adminGroups);
        for (String dn : all) {
            any.append("(memberOf=").append(LdapSettings.filterValue(dn)).append(')');
        }
        String member = all.isEmpty() ? "(!(objectClass=*))" : all.size() == 1 ? any.toString() : "(|" + any + ")";
        if (s.userFilter == null) {
            return member;
        }
        String extra = s.userFilter.startsWith("(") ? s.userFilter : "(" + s.userFilter + ")";
        return "(&" + extra + member + ")";
    }

    private static void configure(ComponentModel c, LdapSettings s, String bindCredential, String filter) {
        c.put(LDAPConstants.VENDOR, s.keycloakVendor());
        c.put(LDAPConstants.CONNECTION_URL, s.connectionUrl);
        c.put(LDAPConstants.START_TLS, Boolean.toString(s.startTls));
        c.put(LDAPConstants.USERS_DN, s.usersDn);
        c.put(LDAPConstants.USERNAME_LDAP_ATTRIBUTE, s.usernameAttribute);
        c.put(LDAPConstants.RDN_LDAP_ATTRIBUTE, s.isActiveDirectory() ? LDAPConstants.CN : s.usernameAttribute);
        c.put(LDAPConstants.UUID_LDAP_ATTRIBUTE, s.uuidAttribute);
        c.put(LDAPConstants.USER_OBJECT_CLASSES, s.userObjectClasses);
        c.put(LDAPConstants.SEARCH_SCOPE, "2");
        // UNSYNCED, not READ_ONLY: READ_ONLY makes every attribute of a directory user read-only, unmapped ones too
        // (rule 4 keeps those editable; the dirsync-read-only validator guards the mapped ones). Nothing is written
        // to the directory either way; DirectoryPasswordPolicy keeps passwords the directory's.
        c.put(LDAPConstants.EDIT_MODE, UserStorageProvider.EditMode.UNSYNCED.name());
        c.put(LDAPConstants.SYNC_REGISTRATIONS, "false");
        c.put(LDAPConstants.PAGINATION, "true");
        c.put(LDAPConstants.BATCH_SIZE_FOR_SYNC, Integer.toString(s.pageSize));
        c.put(LDAPConstants.TRUST_EMAIL, "true");
        c.put(LDAPConstants.USE_TRUSTSTORE_SPI, LDAPConstants.USE_TRUSTSTORE_ALWAYS);
        c.put(LDAPConstants.CONNECTION_POOLING, "true");
        c.put(LDAPConstants.VALIDATE_PASSWORD_POLICY, "false");
        c.put(LDAPConstants.CUSTOM_USER_SEARCH_FILTER, filter);
        KerberosSettings.configure(c, s.kerberos);
        if (s.bindDn == null) {
            c.put(LDAPConstants.AUTH_TYPE, LDAPConstants.AUTH_TYPE_NONE);
            c.getConfig().remove(LDAPConstants.BIND_DN);
        } else {
            c.put(LDAPConstants.AUTH_TYPE, LDAPConstants.AUTH_TYPE_SIMPLE);
            c.put(LDAPConstants.BIND_DN, s.bindDn);
        }
        if (bindCredential != null) {
            c.put(LDAPConstants.BIND_CREDENTIAL, bindCredential);
        }
    }

    private static final String COMPONENT_PREFIX = "Directory sync: ";

    private static String componentName(Directory directory) {
        return COMPONENT_PREFIX + directory.name();
    }

    /** The directory's name, read off its component (no database look-up). */
    static String directoryName(ComponentModel component) {
        String name = component.getName();
        return name != null && name.startsWith(COMPONENT_PREFIX) ? name.substring(COMPONENT_PREFIX.length()) : name;
    }

    static List<String> returningAttributes(LdapSettings s) {
        java.util.List<String> attrs = new java.util.ArrayList<>(List.of(LDAPConstants.MEMBER_OF, s.usernameAttribute,
            s.emailAttribute, s.firstNameAttribute, s.lastNameAttribute));
        if (s.isActiveDirectory()) {
            attrs.add(LDAPConstants.USER_ACCOUNT_CONTROL);
        }
        s.mappings.forEach(m -> attrs.add(m.source()));
        return attrs;
    }
}
