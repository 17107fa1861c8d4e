package io.dirsync.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.dirsync.ldap.LdapDirectoryTypeFactory;
import io.dirsync.scim.ScimDirectoryTypeFactory;
import io.dirsync.storage.DirectoryEntity;

/** Rule 6 and 8 names, and the settable statuses of rule 11. */
class DirectoryNamingTest {

    static Directory directory(String type, String name, String settings) {
        DirectoryEntity e = new DirectoryEntity();
        e.setId("d");
        e.setRealmId("r");
        e.setType(type);
        e.setName(name);
        e.setStatus("active");
        e.setSettings(settings);
        DirectoryTypeFactory kind = switch (type) {
            case "scim" -> new ScimDirectoryTypeFactory();
            case "ldap" -> new LdapDirectoryTypeFactory();
            default -> new MissingDirectoryType(type);
        };
        return new Directory(e, kind);
    }

    @Test
    void managedGroupsAreNamedForTheirDirectory() {
        assertEquals("Engineering from Okta Sync \"Corp Okta\"",
            directory("scim", "Corp Okta", "{\"provider\":\"okta\"}").managedGroupName("Engineering"));
        assertEquals("Engineering from SCIM Sync \"Entra\"", directory("scim", "Entra", "{}").managedGroupName("Engineering"));
        assertEquals("Staff from AD Sync \"HQ\"", directory("ldap", "HQ", "{\"vendor\":\"ad\"}").managedGroupName("Staff"));
        assertEquals("Staff from OpenLDAP Sync \"Lab\"", directory("ldap", "Lab", "{\"vendor\":\"openldap\"}").managedGroupName("Staff"));
        assertEquals("Engineering (formerly from \"Corp Okta\")", directory("scim", "Corp Okta", "{}").formerGroupName("Engineering"));
    }

    @Test
    void mappedAttributesAreTheRequiredOnesPlusTheDirectorysMappings() {
        Directory d = directory("scim", "X", "{\"mappings\":[{\"source\":\"nickName\",\"target\":\"alias1\"}]}");
        assertEquals(java.util.List.of("username", "email", "firstName", "lastName", "alias1"), java.util.List.copyOf(d.mappedAttributes()));
    }

    @Test
    void onlyActiveBypassAndDisabledCanBeSet() {
        assertEquals(SubjectStatus.BYPASS, SubjectStatus.parseSettable("Bypass"));
        assertThrows(IllegalArgumentException.class, () -> SubjectStatus.parseSettable("pending deletion"));
    }

    @Test
    void aDirectoryOfATypeTheServerLacksIsListedButCannotBeChanged() {
        Directory d = directory("carrier-pigeon", "Old", "{}");
        assertEquals("Staff from carrier-pigeon Sync \"Old\"", d.managedGroupName("Staff"));
        SyncConflictException refused = assertThrows(SyncConflictException.class, () -> new MissingDirectoryType("carrier-pigeon")
            .prepareSettings(null, Directory.JSON.createObjectNode(), d));
        assertEquals(SyncConflictException.Kind.INVALID, refused.getKind());
    }
}
