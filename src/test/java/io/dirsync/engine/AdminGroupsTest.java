package io.dirsync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import io.dirsync.ldap.LdapDirectoryTypeFactory;
import io.dirsync.scim.ScimDirectoryTypeFactory;

/** Rule 12's setting, as the engine reads it for every pull source: its forms, its messages, memberships to roles. */
class AdminGroupsTest {

    private static final LdapDirectoryTypeFactory LDAP = new LdapDirectoryTypeFactory();

    private static ObjectNode settings(String json) throws Exception {
        return (ObjectNode) Directory.JSON.readTree(json.replace('\'', '"'));
    }

    private static String refusal(DirectoryTypeFactory type, String json) throws Exception {
        ObjectNode s = settings(json);
        SyncConflictException e = assertThrows(SyncConflictException.class, () -> AdminGroups.validate(type, s));
        assertEquals(SyncConflictException.Kind.INVALID, e.getKind());
        return e.getMessage();
    }

    @Test
    void ldapNamesAGroupByItsDnOrTheNeutralKeyAndMembershipsGiveTheirRoles() throws Exception {
        AdminGroups groups = AdminGroups.parse(settings("{'adminGroups': ["
            + "{'dn': 'CN=IT Admins, OU=Groups,DC=corp,DC=test', 'role': 'user-manager'},"
            + "{'group': 'cn=owners,dc=corp,dc=test', 'role': 'Owner'},"
            + "{'dn': 'cn=owners,dc=corp,dc=test', 'role': 'help-desk'}]}"), LDAP.adminGroups());
        assertEquals(List.of("CN=IT Admins, OU=Groups,DC=corp,DC=test", "cn=owners,dc=corp,dc=test",
            "cn=owners,dc=corp,dc=test"), groups.groupIds(), "as written, for LDAP's scope filter");
        assertEquals(Set.of(AdminRoleSets.Role.USER_MANAGER),
            groups.rolesOf(Set.of("cn=it admins,ou=groups,dc=corp,dc=test", "cn=staff,dc=corp,dc=test")));
        assertEquals(Set.of(AdminRoleSets.Role.OWNER, AdminRoleSets.Role.HELP_DESK),
            groups.rolesOf(Set.of("cn=owners,dc=corp,dc=test")), "a group listed twice grants both roles");
        assertTrue(groups.rolesOf(Set.of("cn=staff,dc=corp,dc=test")).isEmpty());
        assertTrue(AdminGroups.parse(settings("{}"), LDAP.adminGroups()).isEmpty());
    }

    @Test
    void aMalformedSettingIsRefusedWithWhatToFix() throws Exception {
        assertTrue(refusal(LDAP, "{'adminGroups': [{'role': 'owner'}]}")
            .startsWith("Each of settings.adminGroups needs a \"dn\""));
        assertTrue(refusal(LDAP, "{'adminGroups': [{'dn': 'cn=a,dc=x', 'role': 'boss'}]}")
            .contains("Unknown admin role 'boss'; use one of owner, administrator, user-manager, help-desk, read-only"));
        assertTrue(refusal(LDAP, "{'adminGroups': [{'dn': 'cn=a,dc=x'}]}").contains("needs a \"role\""));
        assertTrue(refusal(LDAP, "{'adminGroups': [{'dn': 'cn=a,dc=x', 'role': 'owner'}, {'dn': 'not a dn', 'role': 'owner'}]}")
            .equals("settings.adminGroups[1]: 'not a dn' is not a valid LDAP DN"));
        assertTrue(refusal(LDAP, "{'adminGroups': [{'dn': 'cn=a,dc=x', 'group': 'cn=b,dc=x', 'role': 'owner'}]}")
            .contains("names its group twice"));
        assertTrue(refusal(LDAP, "{'adminGroups': {'dn': 'cn=a,dc=x', 'role': 'owner'}}").contains("must be a list of"));
        assertTrue(refusal(new ScimDirectoryTypeFactory(), "{'adminGroups': [{'group': 'x', 'role': 'owner'}]}")
            .contains("directories of type 'scim' have no admin groups"));
        AdminGroups.validate(new ScimDirectoryTypeFactory(), settings("{'adminGroups': []}"));
    }
}
