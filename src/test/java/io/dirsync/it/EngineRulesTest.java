package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;

import io.dirsync.engine.AdminRoleSets;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.PullRun;
import io.dirsync.engine.RunReport;
import io.dirsync.engine.SourceUser;
import io.dirsync.engine.SubjectStatus;
import io.dirsync.engine.SyncConflictException;
import io.dirsync.engine.UserSync;
import io.dirsync.storage.RunKind;
import io.dirsync.storage.SyncRunEntity;

/**
 * SPEC §2's rules on the engine itself, on the server, with no protocol in between: what every source type (SCIM, LDAP,
 * and the ones to come) gets, whatever its adapter does. Each step hands the engine a {@link SourceUser} as an adapter
 * would and reads back the outcome or the refusal.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class EngineRulesTest extends DirSyncIntegrationTest {

    @InjectRunOnServer(permittedPackages = "io.dirsync.it")
    RunOnServerClient onServer;

    @Test
    void rule1AUserBelongsToOneDirectoryUntilItsOwnerIsPaused() {
        String okta = dirsync.scimDirectory("Okta").id();
        String entra = dirsync.scimDirectory("Entra").id();
        assertEquals("created", apply(okta, "o-1", "dana", "dana@corp.test"));
        assertEquals("refused OWNERSHIP: " + SyncConflictException.OWNED_BY_ANOTHER_DIRECTORY,
            apply(entra, "e-1", "dana", "dana@corp.test"));
        assertEquals(200, dirsync.admin("POST", "/directories/" + okta + "/pause", null).status());
        assertEquals("adopted", apply(entra, "e-1", "dana", "dana@corp.test"), "taken over from the paused directory");
        assertEquals(entra, owner("dana"));
    }

    @Test
    void rule2AnUnmanagedUserIsAdoptedButAnAdministratorIsNot() {
        String okta = dirsync.scimDirectory("Okta").id();
        localUser("erin");
        assertEquals("adopted", apply(okta, "o-2", "erin", "erin@corp.test"));
        String adminId = localUser("boss");
        String realmManagement = realm.admin().clients().findByClientId("realm-management").get(0).getId();
        RoleRepresentation manageUsers = realm.admin().clients().get(realmManagement).roles().get("manage-users").toRepresentation();
        realm.admin().users().get(adminId).roles().clientLevel(realmManagement).add(List.of(manageUsers));
        String refused = apply(okta, "o-3", "boss", "boss@corp.test");
        assertTrue(refused.startsWith("refused PRIVILEGED: "), refused);
        assertTrue(refused.contains("manage-users"), refused);
        assertEquals("", owner("boss"), "the administrator stays unmanaged");
    }

    @Test
    void rule3UsernamesAndAliasesAreUniqueAcrossTheRealm() {
        // A directory writes only what it maps: here an alias (from SCIM's nickName).
        String okta = dirsync.scimDirectory("Okta", Map.of("mappings",
            List.of(Map.of("source", "nickName", "target", "alias1")))).id();
        Map<String, String> withAlias = new LinkedHashMap<>();
        withAlias.put("email", "fay@corp.test");
        withAlias.put("alias1", "fay.k");
        assertEquals("created", apply(okta, "o-4", "fay", withAlias));
        String refused = apply(okta, "o-5", "fay.k", Map.of("email", "other@corp.test"));
        assertTrue(refused.startsWith("refused UNIQUENESS: "), refused);
        assertTrue(refused.contains("fay.k"), refused);
    }

    @Test
    void rule7LeavingScopeTrashesAndComingBackRestores() {
        String okta = dirsync.scimDirectory("Okta").id();
        assertEquals("created", apply(okta, "o-6", "gus", "gus@corp.test"));
        assertEquals("trashed", apply(okta, "o-6", "gus", Map.of("email", "gus@corp.test"), false));
        assertEquals(1, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());
        assertEquals("restored", apply(okta, "o-6", "gus", Map.of("email", "gus@corp.test"), true));
        assertEquals(0, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());
    }

    @Test
    void rule5AUserWithoutAUsernameIsRefusedNamingTheAttribute() {
        String okta = dirsync.scimDirectory("Okta").id();
        String refused = apply(okta, "o-7", " ", Map.of("email", "nameless@corp.test"), true);
        assertTrue(refused.startsWith("refused INVALID: "), refused);
        assertTrue(refused.contains("userName"), refused);
    }

    @Test
    void rule4MappedAttributesAreReadOnlyForAdminsAndAMappingAddedLaterIsWrittenByTheNextSync() {
        String okta = dirsync.scimDirectory("Okta").id();
        assertEquals("created", apply(okta, "o-8", "hal", Map.of("email", "hal@corp.test", "firstName", "Hal", "lastName", "Burns")));
        Map<String, String> before = readOnlyReasons("hal", List.of("email", "firstName", "alias1", "department"));
        assertEquals(synced("email", "hal", "Okta"), before.get("email"));
        assertEquals(synced("firstName", "hal", "Okta"), before.get("firstName"));
        assertEquals("", before.get("alias1"), "not mapped (yet): editable");
        assertEquals("", before.get("department"), "never mapped: editable");
        assertEquals("User 'hal' is managed by directory \"Okta\" and cannot be deleted while the directory manages it; "
            + "remove it in the source directory (it then goes to the trash) or delete the directory", before.get("delete"));

        // What Keycloak's own admin paths then answer (the validators and ModelGuard ask the engine's guards).
        String hal = userId("hal");
        String userUrl = urls.getBase() + "/admin/realms/" + realm.getName() + "/users/" + hal;
        UserRepresentation edit = realm.admin().users().get(hal).toRepresentation();
        edit.setEmail("hal@elsewhere.test");
        Http.Result refused = Http.send("PUT", userUrl, dirsync.adminBearer(), edit);
        assertEquals(400, refused.status(), refused::toString);
        assertTrue(errorMessages(refused).contains(synced("email", "hal", "Okta")), refused::toString);
        assertEquals("hal@corp.test", realm.admin().users().get(hal).toRepresentation().getEmail());
        UserRepresentation byHand = realm.admin().users().get(hal).toRepresentation();
        byHand.singleAttribute("alias1", "set-by-hand");
        Http.Result editable = Http.send("PUT", userUrl, dirsync.adminBearer(), byHand);
        assertEquals(204, editable.status(), editable::toString);
        Http.Result delete = Http.send("DELETE", userUrl, dirsync.adminBearer(), null);
        assertEquals(400, delete.status(), delete::toString);
        assertTrue(errorMessages(delete).contains(before.get("delete")), delete::toString);

        // A mapping added later is enforced at once and written by the next sync, over the value set by hand.
        assertEquals("", addMapping(okta, "nickName", "alias1"));
        assertEquals(synced("alias1", "hal", "Okta"), readOnlyReasons("hal", List.of("alias1")).get("alias1"));
        assertEquals("updated", apply(okta, "o-8", "hal",
            Map.of("email", "hal@corp.test", "firstName", "Hal", "lastName", "Burns", "alias1", "hal.b")));
        assertEquals(List.of("hal.b"), realm.admin().users().get(hal).toRepresentation().getAttributes().get("alias1"));
    }

    @Test
    void rule6ManagedGroupsAreNamedAfterTheirDirectoryAndHoldOnlyItsUsers() {
        String okta = dirsync.scimDirectory("Okta").id();
        String entra = dirsync.scimDirectory("Entra", Map.of("provider", "entra")).id();
        assertEquals("created", apply(okta, "o-9", "ivy", "ivy@corp.test"));
        assertEquals("created", apply(entra, "e-9", "jon", "jon@corp.test"));

        String eng = createGroup(okta, " Engineering ", "g-1");
        assertEquals("Engineering from Okta Sync \"Okta\"", groupName(eng));
        assertEquals("refused UNIQUENESS: Group 'engineering' already exists in directory \"Okta\"",
            createGroup(okta, "engineering", "g-2"), "source names are unique per directory, in any case");
        String entraEng = createGroup(entra, "Engineering", "g-3");
        assertEquals("Engineering from SCIM Sync \"Entra\"", groupName(entraEng), "not across directories; the type's label");

        assertEquals("true", addMember(okta, eng, "ivy"));
        assertEquals("false", addMember(okta, eng, "ivy"), "already a member: nothing changed");
        assertEquals("refused INVALID: User 'jon' does not belong to directory \"Okta\" and cannot be a member of its group "
            + "'Engineering'", addMember(okta, eng, "jon"));
        assertEquals("refused NOT_FOUND: Group is not managed by directory \"Entra\"", addMember(entra, eng, "jon"));
        assertEquals(List.of("ivy"), members(eng));

        // Keycloak's admin paths: members, name and the group itself are the sync's.
        String refusal = "Group 'Engineering from Okta Sync \"Okta\"' is managed by directory \"Okta\"; only its sync changes "
            + "its members or name. Make the change in the source directory, or remove the group from the directory first";
        String kai = localUser("kai");
        String adminRealm = urls.getBase() + "/admin/realms/" + realm.getName();
        Http.Result join = Http.send("PUT", adminRealm + "/users/" + kai + "/groups/" + eng, dirsync.adminBearer(), null);
        assertEquals(400, join.status(), join::toString);
        assertTrue(errorMessages(join).contains(refusal), join::toString);
        GroupRepresentation rename = realm.admin().groups().group(eng).toRepresentation();
        rename.setName("Renamed by hand");
        Http.Result renamed = Http.send("PUT", adminRealm + "/groups/" + eng, dirsync.adminBearer(), rename);
        assertEquals(400, renamed.status(), renamed::toString);
        Http.Result deleted = Http.send("DELETE", adminRealm + "/groups/" + eng, dirsync.adminBearer(), null);
        assertEquals(400, deleted.status(), deleted::toString);
        assertTrue(errorMessages(deleted).contains(refusal), deleted::toString);
        assertEquals("Engineering from Okta Sync \"Okta\"", groupName(eng));
        assertEquals(List.of("ivy"), members(eng));

        // Renaming the directory renames its groups.
        assertEquals("", renameDirectory(okta, "Corp Okta"));
        assertEquals("Engineering from Okta Sync \"Corp Okta\"", groupName(eng));
        assertEquals("Engineering from SCIM Sync \"Entra\"", groupName(entraEng));
    }

    @Test
    void rule8RemovingAGroupTrashesTheMembersOnlyItKeptAndUnmanagesItUnderAFreeName() {
        String okta = dirsync.scimDirectory("Okta").id();
        assertEquals("created", apply(okta, "o-10", "kim", "kim@corp.test"));
        assertEquals("created", apply(okta, "o-11", "lee", "lee@corp.test"));
        String eng = createGroup(okta, "Engineering", "g-eng");
        String ops = createGroup(okta, "Ops", "g-ops");
        assertEquals("true", addMember(okta, eng, "kim"));
        assertEquals("true", addMember(okta, eng, "lee"));
        assertEquals("true", addMember(okta, ops, "lee"));
        localGroup("Engineering (formerly from \"Okta\")"); // the former name is taken

        assertEquals("", removeFromDirectory(okta, eng));
        assertEquals("Engineering (formerly from \"Okta\") 2", groupName(eng));
        assertEquals(List.of("kim", "lee"), members(eng), "the group keeps its members");
        JsonNode trash = dirsync.admin("GET", "/trash", null).json();
        assertEquals(1, trash.get("count").asInt(), trash::toString);
        assertEquals("kim", trash.at("/users/0/username").asText(), trash::toString);
        assertEquals("its group 'Engineering' was removed from the directory", trash.at("/users/0/reason").asText());
        assertFalse(realm.admin().users().get(userId("kim")).toRepresentation().isEnabled());
        assertTrue(realm.admin().users().get(userId("lee")).toRepresentation().isEnabled(), "still in Ops");
        JsonNode managed = dirsync.admin("GET", "/directories/" + okta + "/groups", null).json();
        assertEquals(1, managed.size(), managed::toString);
        assertEquals("Ops", managed.at("/0/sourceName").asText(), managed::toString);

        // Unmanaged now: Keycloak's admin paths may change it.
        GroupRepresentation rename = realm.admin().groups().group(eng).toRepresentation();
        rename.setName("Engineering (archived)");
        Http.Result renamed = Http.send("PUT", urls.getBase() + "/admin/realms/" + realm.getName() + "/groups/" + eng,
            dirsync.adminBearer(), rename);
        assertEquals(204, renamed.status(), renamed::toString);
        assertEquals("refused NOT_FOUND: Group is not managed by directory \"Okta\"", removeFromDirectory(okta, eng));
    }

    @Test
    void rule9DeletingADirectoryKeepsItsUsersAndGroupsUnmanagedAndANewDirectoryAdoptsThem() {
        String okta = dirsync.scimDirectory("Okta").id();
        assertEquals("created", apply(okta, "o-12", "max", "max@corp.test"));
        assertEquals("created", apply(okta, "o-13", "ned", "ned@corp.test"));
        assertEquals("created", apply(okta, "o-14", "oli", "oli@corp.test"));
        String eng = createGroup(okta, "Engineering", "g-eng");
        assertEquals("true", addMember(okta, eng, "max"));
        String max = userId("max");
        String ned = userId("ned");
        String oli = userId("oli");
        assertEquals("", setUserStatus(oli, "disabled"));
        assertEquals("trashed", apply(okta, "o-13", "ned", Map.of("email", "ned@corp.test"), false));
        assertEquals("trashed", apply(okta, "o-14", "oli", Map.of("email", "oli@corp.test"), false));
        assertEquals(2, trashCount());

        assertEquals("", deleteDirectory(okta));
        assertEquals(404, dirsync.admin("GET", "/directories/" + okta, null).status());
        assertEquals(List.of("", "", ""), List.of(owner("max"), owner("ned"), owner("oli")), "all unmanaged");
        assertEquals(0, trashCount(), "its trashed users are restored");
        assertTrue(realm.admin().users().get(max).toRepresentation().isEnabled());
        assertTrue(realm.admin().users().get(ned).toRepresentation().isEnabled(), "restored and enabled");
        assertFalse(realm.admin().users().get(oli).toRepresentation().isEnabled(), "restored, but an admin disabled it");
        assertEquals("Engineering (formerly from \"Okta\")", groupName(eng));
        assertEquals(List.of("max"), members(eng));

        String again = dirsync.scimDirectory("Okta").id();
        assertEquals("adopted", apply(again, "o-12", "max", "max@corp.test"));
        assertEquals(again, owner("max"));
        assertEquals(max, userId("max"), "the same account");
    }

    @Test
    void rule10ARunThatWouldTrashMoreThanTheDirectorysShareIsHeldUntilAnAdminConfirmsIt() {
        String okta = dirsync.scimDirectory("Okta", Map.of("deprovisionGuardMinimum", 2)).id();
        for (String name : List.of("p1", "p2", "p3", "p4", "p5")) {
            assertEquals("created", apply(okta, "o-" + name, name, name + "@corp.test"));
        }
        Map<String, String> held = pullRun(okta, List.of(entry("p1"), entry("p2"), entry("p3")), true, null);
        assertEquals("held", held.get("status"), held::toString);
        assertEquals("This run would trash 2 of 5 users (more than 20 % of them, or 500 or more); nobody was trashed. "
            + "Confirm the run to trash them.", held.get("message"));
        assertEquals("0", held.get("count.trashed"));
        assertEquals(0, trashCount());
        assertTrue(realm.admin().users().get(userId("p5")).toRepresentation().isEnabled());
        String runUrl = "/directories/" + okta + "/runs/" + held.get("runId");
        assertEquals("held", dirsync.admin("GET", runUrl, null).json().get("status").asText());

        Http.Result confirmed = dirsync.admin("POST", runUrl + "/confirm", null);
        assertEquals(200, confirmed.status(), confirmed::toString);
        assertEquals("completed", confirmed.json().get("status").asText());
        assertEquals("Confirmed by an admin: 2 users trashed", confirmed.json().get("message").asText());
        assertEquals(Set.of("p4", "p5"), trashedUsernames());

        // Below the minimum (1 of 3), a run trashes at once.
        Map<String, String> small = pullRun(okta, List.of(entry("p1"), entry("p2")), true, null);
        assertEquals("completed", small.get("status"), small::toString);
        assertEquals("1", small.get("count.trashed"));
        assertEquals(Set.of("p3", "p4", "p5"), trashedUsernames());
    }

    @Test
    void rule10TheDirectorysLimitHoldsARunBelowItsShare() {
        String okta = dirsync.scimDirectory("Okta", Map.of("deprovisionGuardPercent", 100, "deprovisionGuardMinimum", 1,
            "deprovisionGuardLimit", 2)).id();
        for (String name : List.of("q1", "q2", "q3", "q4")) {
            assertEquals("created", apply(okta, "o-" + name, name, name + "@corp.test"));
        }
        Map<String, String> held = pullRun(okta, List.of(entry("q1"), entry("q2")), true, null);
        assertEquals("held", held.get("status"), held::toString);
        assertEquals("This run would trash 2 of 4 users (more than 100 % of them, or 2 or more); nobody was trashed. "
            + "Confirm the run to trash them.", held.get("message"));
        assertEquals(0, trashCount());
        Map<String, String> underLimit = pullRun(okta, List.of(entry("q1"), entry("q2"), entry("q3")), true, null);
        assertEquals("completed", underLimit.get("status"), underLimit::toString);
        assertEquals(Set.of("q4"), trashedUsernames());
    }

    @Test
    void rule10ARunWhoseSourceFailedTrashesNobodyAndAFailedEntryKeepsItsUser() {
        String okta = dirsync.scimDirectory("Okta").id();
        assertEquals("created", apply(okta, "o-r1", "r1", "r1@corp.test"));
        assertEquals("created", apply(okta, "o-r2", "r2", "r2@corp.test"));

        Map<String, String> failed = pullRun(okta, List.of(entry("r1")), false, "connection lost");
        assertEquals("failed", failed.get("status"), failed::toString);
        assertEquals("The source failed mid-run; nobody was trashed: connection lost", failed.get("message"));
        assertEquals(0, trashCount());

        Map<String, String> nameless = new LinkedHashMap<>(entry("r2"));
        nameless.put("username", "");
        Map<String, String> keptInScope = pullRun(okta, List.of(entry("r1"), nameless), true, null);
        assertEquals("completed", keptInScope.get("status"), keptInScope::toString);
        assertEquals("1", keptInScope.get("count.failed"));
        assertEquals("0", keptInScope.get("count.trashed"));
        assertEquals(userId("r2"), keptInScope.get("applied.uid=r2"), "the failed entry still stands for its user");
        assertTrue(keptInScope.get("errors").startsWith("uid=r2: Entry 'uid=r2' has no value for the username attribute "
            + "'userName' and was skipped"), keptInScope::toString);
        assertEquals(0, trashCount());

        // The same run without the entry trashes it: the entry, not the run's size, kept it.
        Map<String, String> gone = pullRun(okta, List.of(entry("r1")), true, null);
        assertEquals("completed", gone.get("status"), gone::toString);
        assertEquals(Set.of("r2"), trashedUsernames());
    }

    @Test
    void rule11AUsersEffectiveStatusGoesThroughItsGroupsByPrecedenceAndTurnsItsAccountOnAndOff() {
        String okta = dirsync.scimDirectory("Okta").id();
        assertEquals("created", apply(okta, "o-15", "pia", "pia@corp.test"));
        String pia = userId("pia");
        String quin = localUser("quin");
        UserRepresentation offByHand = realm.admin().users().get(quin).toRepresentation();
        offByHand.setEnabled(false);
        realm.admin().users().get(quin).update(offByHand);
        String contractors = localGroup("Contractors");
        realm.admin().users().get(pia).joinGroup(contractors);
        realm.admin().users().get(quin).joinGroup(contractors);
        assertEquals("active", effectiveStatus(pia));

        assertEquals("", setGroupStatus(contractors, "bypass"));
        assertEquals("bypass", effectiveStatus(pia), "a group's bypass");
        assertEquals("", setUserStatus(pia, "disabled"));
        assertEquals("disabled", effectiveStatus(pia), "the user's disabled over a group's bypass");
        assertFalse(enabled(pia));
        JsonNode shown = dirsync.admin("GET", "/users/" + pia, null).json();
        assertEquals("disabled", shown.get("status").asText(), shown::toString);
        assertEquals("disabled", shown.get("effectiveStatus").asText(), shown::toString);

        assertEquals("", setUserStatus(pia, "active"));
        assertEquals("", setGroupStatus(contractors, "disabled"));
        assertEquals("disabled", effectiveStatus(pia), "a group's disabled over the user's active");
        assertFalse(enabled(pia));
        assertEquals("", setGroupStatus(contractors, "active"));
        assertEquals("active", effectiveStatus(pia));
        assertTrue(enabled(pia), "a managed user's flag follows its status back on");
        assertFalse(enabled(quin), "a group never enables an account an admin disabled");

        assertEquals("trashed", apply(okta, "o-15", "pia", Map.of("email", "pia@corp.test"), false));
        assertEquals("pending deletion", effectiveStatus(pia));
        assertEquals("", setGroupStatus(contractors, "bypass"));
        assertEquals("pending deletion", effectiveStatus(pia), "pending deletion over a group's bypass");
        assertEquals("", setGroupStatus(contractors, "disabled"));
        assertEquals("disabled", effectiveStatus(pia), "a group's disabled over pending deletion");
        assertEquals("refused INVALID: User 'pia' is pending deletion; restore it from the trash first",
            setUserStatus(pia, "bypass"));
        assertEquals("refused: Unknown status 'pending deletion'; use one of active, bypass, disabled",
            setUserStatus(quin, "pending deletion"));
    }

    @Test
    void rule12ADirectoryGrantsItsUsersTheDocumentedAdminRoleSetsAndRevokesThemOnlyFromItsOwnUsers() {
        String okta = dirsync.scimDirectory("Okta").id();
        String entra = dirsync.scimDirectory("Entra").id();
        assertEquals("created", apply(okta, "o-16", "sam", "sam@corp.test"));
        assertEquals("created", apply(okta, "o-17", "tia", "tia@corp.test"));
        assertEquals("created", apply(entra, "e-18", "uma", "uma@corp.test"));
        String sam = userId("sam");
        String tia = userId("tia");
        String uma = userId("uma");
        assertEquals(List.of(), directoryAdminRoles(sam), "applying a user grants no role");

        assertEquals("true", setAdminRoles(okta, "sam", "help-desk"));
        assertEquals("false", setAdminRoles(okta, "sam", "Help Desk"), "the label names the same set: nothing changed");
        assertEquals("true", setAdminRoles(okta, "tia", "user-manager"));
        assertEquals("true", setAdminRoles(entra, "uma", "help-desk"));
        assertEquals("refused INVALID: Unknown admin role 'superuser'; use one of owner, administrator, user-manager, "
            + "help-desk, read-only", setAdminRoles(okta, "sam", "superuser"));
        assertEquals(List.of("dirsync-admin-help-desk"), directoryAdminRoles(sam));
        assertEquals(List.of("dirsync-admin-user-manager"), directoryAdminRoles(tia));
        String rm = realm.admin().clients().findByClientId("realm-management").get(0).getId();
        assertEquals(List.of("query-groups", "query-users", "view-events", "view-users"), roleNames(
            realm.admin().roles().get("dirsync-admin-help-desk").getClientRoleComposites(rm)));
        assertEquals(List.of("manage-users", "query-groups", "query-users", "view-users"), roleNames(
            realm.admin().roles().get("dirsync-admin-user-manager").getClientRoleComposites(rm)));
        List<String> samEffective = roleNames(realm.admin().users().get(sam).roles().clientLevel(rm).listEffective());
        assertTrue(samEffective.contains("view-users") && !samEffective.contains("manage-users"), samEffective::toString);

        // The admin sync: the directory's users in no admin group lose their roles; other directories' users keep theirs.
        assertEquals("", revokeAdminRolesOfAllBut(okta, "sam"));
        assertEquals(List.of("dirsync-admin-help-desk"), directoryAdminRoles(sam));
        assertEquals(List.of(), directoryAdminRoles(tia));
        assertEquals(List.of("dirsync-admin-help-desk"), directoryAdminRoles(uma));
        assertEquals("true", setAdminRoles(okta, "sam", ""));
        assertEquals(List.of(), directoryAdminRoles(sam), "a user in no admin group holds none");
    }

    @Test
    void rule13APullRunReportsItsOutcomesErrorsAndTimesAndIsAnAdminEvent() {
        RealmRepresentation events = realm.admin().toRepresentation();
        events.setAdminEventsEnabled(true);
        events.setAdminEventsDetailsEnabled(true);
        realm.admin().update(events);
        String okta = dirsync.scimDirectory("Okta").id();
        assertEquals("created", apply(okta, "o-vic", "vic", "vic@corp.test"));
        assertEquals("created", apply(okta, "o-yan", "yan", "yan@corp.test"));

        Map<String, String> nameless = new LinkedHashMap<>(entry("zed"));
        nameless.put("username", "");
        Map<String, String> unreadable = new LinkedHashMap<>(entry("bad"));
        unreadable.put("failure", "the entry could not be read");
        Map<String, String> vicMoved = new LinkedHashMap<>(entry("vic"));
        vicMoved.put("email", "vic@new.test");
        long before = System.currentTimeMillis();
        Map<String, String> run = pullRun(okta, List.of(vicMoved, entry("yan"), entry("wes"), nameless, unreadable), true, null);
        assertEquals("running", run.get("statusWhileRunning"), "visible in the history while it runs");
        assertEquals("completed", run.get("status"), run::toString);

        JsonNode report = dirsync.admin("GET", "/directories/" + okta + "/runs/" + run.get("runId"), null).json();
        assertEquals("full", report.get("kind").asText(), report::toString);
        assertEquals("completed", report.get("status").asText(), report::toString);
        assertEquals(Map.of("created", 1, "updated", 1, "unchanged", 1, "failed", 2, "trashed", 0),
            Map.of("created", report.at("/counts/created").asInt(), "updated", report.at("/counts/updated").asInt(),
                "unchanged", report.at("/counts/unchanged").asInt(), "failed", report.at("/counts/failed").asInt(),
                "trashed", report.at("/counts/trashed").asInt()), report::toString);
        assertEquals(1, report.at("/userCounts/created").asInt(), report::toString);
        assertEquals(0, report.at("/groupCounts/created").asInt(), report::toString);
        Map<String, String> errors = new LinkedHashMap<>();
        report.get("errors").forEach(e -> errors.put(e.get("subject").asText(), e.get("message").asText()));
        assertEquals(Set.of("uid=zed", "uid=bad"), errors.keySet(), report::toString);
        assertEquals("the entry could not be read", errors.get("uid=bad"));
        assertTrue(errors.get("uid=zed").startsWith("Entry 'uid=zed' has no value for the username attribute"), errors::toString);
        long startedAt = report.get("startedAt").asLong();
        long endedAt = report.get("endedAt").asLong();
        assertTrue(startedAt >= before - 60_000 && endedAt >= startedAt && endedAt <= System.currentTimeMillis() + 60_000,
            report::toString);
        JsonNode history = dirsync.admin("GET", "/directories/" + okta + "/runs", null).json();
        assertTrue(history.findValuesAsText("id").contains(run.get("runId")), history::toString);

        AdminEventRepresentation event = realm.admin().getAdminEvents().stream()
            .filter(e -> "DIRSYNC_RUN".equals(e.getResourceType()) && e.getResourcePath().endsWith("/runs/" + run.get("runId")))
            .findFirst().orElseThrow(() -> new AssertionError("no admin event for the run's report"));
        assertEquals("ACTION", event.getOperationType());
        assertTrue(event.getRepresentation().contains("\"status\":\"completed\""), event::getRepresentation);
    }

    private String apply(String directoryId, String externalId, String username, String email) {
        return apply(directoryId, externalId, username, Map.of("email", email), true);
    }

    private String apply(String directoryId, String externalId, String username, Map<String, String> attributes) {
        return apply(directoryId, externalId, username, attributes, true);
    }

    /** Applies a source record through the engine on the server: the outcome's id, or "refused KIND: message". */
    private String apply(String directoryId, String externalId, String username, Map<String, String> attributes,
                         boolean active) {
        Map<String, String> attrs = new LinkedHashMap<>(attributes);
        return onEngine(directoryId, (session, r, engine, d) -> engine.users().apply(r, d,
            new SourceUser(externalId, username, attrs, active), UserSync.Mode.UPSERT, null).outcome().id());
    }

    /** Engine work on the server for one directory of the test realm; {@link #onEngine} runs it. */
    @FunctionalInterface
    interface DirectoryStep extends java.io.Serializable {
        String run(KeycloakSession session, RealmModel realm, DirectorySyncEngine engine, Directory directory);
    }

    /** Runs {@code step} on the server with the test realm and the directory: its answer, or "refused KIND: message". */
    private String onEngine(String directoryId, DirectoryStep step) {
        String realmName = realm.getName();
        return onServer.fetchString(session -> {
            RealmModel r = realmOf(session, realmName);
            DirectorySyncEngine engine = DirectorySyncEngine.of(session);
            Directory d = engine.directories().get(r, directoryId).orElseThrow();
            try {
                return step.run(session, r, engine, d);
            } catch (SyncConflictException e) {
                return refused(e);
            }
        });
    }

    /** The id of the directory that owns the user, or "" when none does. */
    private String owner(String username) {
        String realmName = realm.getName();
        return onServer.fetchString(session -> {
            RealmModel r = session.realms().getRealmByName(realmName);
            session.getContext().setRealm(r);
            UserModel user = session.users().getUserByUsername(r, username);
            return DirectorySyncEngine.of(session).guards().ownerOf(user).map(Directory::id).orElse("");
        });
    }

    // ------------------------------------------------------------------ steps on the server (the engine's API)

    /** The test's realm, made the session's realm as a request's would be. */
    private static RealmModel realmOf(KeycloakSession session, String realmName) {
        RealmModel r = session.realms().getRealmByName(realmName);
        session.getContext().setRealm(r);
        return r;
    }

    private static String refused(SyncConflictException e) {
        return "refused " + e.getKind() + ": " + e.getMessage();
    }

    /** Rule 4's guards: per attribute why an admin may not change it ("" when it may), and under "delete" the delete refusal. */
    @SuppressWarnings("unchecked")
    private Map<String, String> readOnlyReasons(String username, List<String> attributes) {
        String realmName = realm.getName();
        List<String> attrs = new ArrayList<>(attributes);
        return onServer.fetch(session -> {
            RealmModel r = realmOf(session, realmName);
            DirectorySyncEngine engine = DirectorySyncEngine.of(session);
            UserModel user = session.users().getUserByUsername(r, username);
            Map<String, String> reasons = new LinkedHashMap<>();
            for (String a : attrs) {
                reasons.put(a, engine.guards().readOnlyReason(user, a).orElse(""));
            }
            reasons.put("delete", engine.guards().deleteRefusal(user).orElse(""));
            return reasons;
        }, Map.class);
    }

    /** Adds an optional mapping to a directory's settings, as an admin's change of them does: "" or the refusal. */
    private String addMapping(String directoryId, String source, String target) {
        return onEngine(directoryId, (session, r, engine, d) -> {
            ObjectNode settings = d.settings();
            settings.putArray("mappings").addObject().put("source", source).put("target", target);
            engine.directories().update(r, d, null, settings);
            return "";
        });
    }

    private String renameDirectory(String directoryId, String name) {
        return onEngine(directoryId, (session, r, engine, d) -> {
            engine.directories().update(r, d, name, null);
            return "";
        });
    }

    private String deleteDirectory(String directoryId) {
        return onEngine(directoryId, (session, r, engine, d) -> {
            engine.directories().delete(r, d);
            return "";
        });
    }

    /** A source group, as a source creates it: the Keycloak group's id, or the refusal. */
    private String createGroup(String directoryId, String sourceName, String externalId) {
        return onEngine(directoryId, (session, r, engine, d) -> engine.groups().create(r, d, sourceName, externalId, null).getId());
    }

    /** The source adds a member to its group: whether the membership changed, or the refusal. */
    private String addMember(String directoryId, String groupId, String username) {
        return onEngine(directoryId, (session, r, engine, d) -> {
            String userId = session.users().getUserByUsername(r, username).getId();
            return String.valueOf(engine.groups().changeMembers(r, d, r.getGroupById(groupId), Set.of(userId), Set.of(), null));
        });
    }

    /** Rule 8's admin action on the engine: "" or the refusal. */
    private String removeFromDirectory(String directoryId, String groupId) {
        return onEngine(directoryId, (session, r, engine, d) -> {
            engine.groups().removeFromDirectory(r, d, r.getGroupById(groupId));
            return "";
        });
    }

    /** An admin sets a user's status: "" or the refusal ("refused: ..." for a status that cannot be set). */
    private String setUserStatus(String userId, String status) {
        String realmName = realm.getName();
        return onServer.fetchString(session -> {
            RealmModel r = realmOf(session, realmName);
            try {
                SubjectStatus parsed = SubjectStatus.parseSettable(status);
                DirectorySyncEngine.of(session).statuses().setForUser(r, session.users().getUserById(r, userId), parsed);
                return "";
            } catch (SyncConflictException e) {
                return refused(e);
            } catch (IllegalArgumentException e) {
                return "refused: " + e.getMessage();
            }
        });
    }

    private String setGroupStatus(String groupId, String status) {
        String realmName = realm.getName();
        return onServer.fetchString(session -> {
            RealmModel r = realmOf(session, realmName);
            GroupModel group = r.getGroupById(groupId);
            DirectorySyncEngine.of(session).statuses().setForGroup(r, group, SubjectStatus.parseSettable(status));
            return "";
        });
    }

    private String effectiveStatus(String userId) {
        String realmName = realm.getName();
        return onServer.fetchString(session -> {
            RealmModel r = realmOf(session, realmName);
            return DirectorySyncEngine.of(session).statuses().effectiveOf(r, session.users().getUserById(r, userId)).id();
        });
    }

    /** Rule 12 as a pull source's link step calls it: the user's directory admin roles made exactly {@code roles}. */
    private String setAdminRoles(String directoryId, String username, String roles) {
        return onEngine(directoryId, (session, r, engine, d) -> {
            Set<AdminRoleSets.Role> parsed = new HashSet<>();
            for (String role : roles.split(",")) {
                if (!role.isBlank()) {
                    parsed.add(AdminRoleSets.Role.parse(role));
                }
            }
            return String.valueOf(engine.adminRoles().set(r, d, session.users().getUserByUsername(r, username), parsed, false));
        });
    }

    /** Rule 12's admin sync: the directory's users but {@code keepUsernames} (comma-separated) lose their admin roles. */
    private String revokeAdminRolesOfAllBut(String directoryId, String keepUsernames) {
        String realmName = realm.getName();
        return onServer.fetchString(session -> {
            RealmModel r = realmOf(session, realmName);
            DirectorySyncEngine engine = DirectorySyncEngine.of(session);
            Set<String> keep = new HashSet<>();
            for (String name : keepUsernames.split(",")) {
                keep.add(session.users().getUserByUsername(r, name.trim()).getId());
            }
            engine.adminRoles().revokeAllBut(r, engine.directories().get(r, directoryId).orElseThrow(), keep);
            return "";
        });
    }

    /** A source entry as a pull adapter reads it: username {@code name}, id {@code o-name}, named {@code uid=name}. */
    private static Map<String, String> entry(String name) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("entry", "uid=" + name);
        e.put("externalId", "o-" + name);
        e.put("username", name);
        e.put("email", name + "@corp.test");
        return e;
    }

    /**
     * A full pull run driven as a pull adapter drives it ({@link PullRun#begin}, {@link PullRun#apply} per entry or
     * {@link PullRun#recordFailure} for an entry with a "failure", then {@link PullRun#finish}). Answers the run's id,
     * its status while it ran, the id each entry's apply answered ({@code applied.<entry>}), the report's status,
     * message, counts ({@code count.<outcome>}) and errors ("subject: message" lines).
     */
    @SuppressWarnings("unchecked")
    private Map<String, String> pullRun(String directoryId, List<Map<String, String>> entries, boolean sourceComplete,
                                        String failure) {
        String realmName = realm.getName();
        List<Map<String, String>> source = new ArrayList<>();
        entries.forEach(e -> source.add(new LinkedHashMap<>(e)));
        return onServer.fetch(session -> {
            RealmModel r = realmOf(session, realmName);
            Directory d = DirectorySyncEngine.of(session).directories().get(r, directoryId).orElseThrow();
            PullRun run = PullRun.begin(session, d, RunKind.FULL);
            Map<String, String> out = new LinkedHashMap<>();
            out.put("runId", run.run().id());
            out.put("statusWhileRunning", KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(),
                s -> DirectorySyncEngine.of(s).store().find(SyncRunEntity.class, run.run().id()).getStatus().id()));
            for (Map<String, String> e : source) {
                if (e.containsKey("failure")) {
                    run.recordFailure(e.get("entry"), e.get("failure"));
                    continue;
                }
                String username = e.get("username").isEmpty() ? null : e.get("username");
                String id = run.apply(new SourceUser(e.get("externalId"), username, Map.of("email", e.get("email")), true),
                    e.get("entry"));
                out.put("applied." + e.get("entry"), id == null ? "" : id);
            }
            RunReport report = run.finish(sourceComplete, failure);
            out.put("status", report.status());
            out.put("message", String.valueOf(report.message()));
            report.counts().forEach((k, v) -> out.put("count." + k, String.valueOf(v)));
            out.put("errors", report.errors().stream().map(x -> x.subject() + ": " + x.message()).collect(Collectors.joining("\n")));
            return out;
        }, Map.class);
    }

    // ------------------------------------------------------------------ what Keycloak's admin client and the admin API show

    /** Rule 4's refusal of a synced attribute. */
    private static String synced(String attribute, String username, String directoryName) {
        return "Attribute '" + attribute + "' of user '" + username + "' is synced from directory \"" + directoryName
            + "\" and is read-only; change it in the source directory";
    }

    /** The error messages of a refused admin request (Keycloak's error bodies, one error or several). */
    private static List<String> errorMessages(Http.Result r) {
        JsonNode json = r.json();
        List<String> messages = new ArrayList<>(json.findValuesAsText("errorMessage"));
        messages.addAll(json.findValuesAsText("error"));
        return messages;
    }

    private String userId(String username) {
        List<UserRepresentation> found = realm.admin().users().search(username, true);
        assertEquals(1, found.size(), () -> "user " + username + ": " + found);
        return found.get(0).getId();
    }

    private boolean enabled(String userId) {
        return realm.admin().users().get(userId).toRepresentation().isEnabled();
    }

    private String localGroup(String name) {
        GroupRepresentation g = new GroupRepresentation();
        g.setName(name);
        try (Response r = realm.admin().groups().add(g)) {
            assertEquals(201, r.getStatus(), () -> "group " + name);
            String location = r.getLocation().toString();
            return location.substring(location.lastIndexOf('/') + 1);
        }
    }

    private String groupName(String groupId) {
        return realm.admin().groups().group(groupId).toRepresentation().getName();
    }

    private List<String> members(String groupId) {
        return realm.admin().groups().group(groupId).members().stream().map(UserRepresentation::getUsername).sorted().toList();
    }

    private int trashCount() {
        return dirsync.admin("GET", "/trash/count", null).json().get("count").asInt();
    }

    private Set<String> trashedUsernames() {
        Set<String> names = new HashSet<>();
        dirsync.admin("GET", "/trash", null).json().get("users").forEach(u -> names.add(u.get("username").asText()));
        return names;
    }

    /** The user's directory admin roles (rule 12's {@code dirsync-admin-*} realm roles), sorted. */
    private List<String> directoryAdminRoles(String userId) {
        return realm.admin().users().get(userId).roles().realmLevel().listAll().stream().map(RoleRepresentation::getName)
            .filter(n -> n.startsWith(AdminRoleSets.PREFIX)).sorted().toList();
    }

    private static List<String> roleNames(java.util.Collection<RoleRepresentation> roles) {
        return roles.stream().map(RoleRepresentation::getName).sorted().toList();
    }
}
