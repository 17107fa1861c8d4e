package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

/** SPEC §2 rules 1-6, 8 and 9, each shown through the paths an admin or a SCIM client really takes. */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class RulesTest extends DirSyncIntegrationTest {

    static final String EMPLOYEE_NUMBER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber";

    @Test
    void rule1AnotherDirectoryCannotTakeAUserUntilTheOwnerIsPaused() {
        DirSync.ScimDirectory first = dirsync.scimDirectory("First Okta");
        DirSync.ScimDirectory second = dirsync.scimDirectory("Second Okta");
        String id = DirSync.id(first.scim("POST", "/Users", DirSync.scimUser("shared", "Sha", "Red", "shared@corp.test")));

        Http.Result refused = second.scim("POST", "/Users", DirSync.scimUser("shared", "Other", "Name", "shared@corp.test"));
        assertEquals(409, refused.status(), refused::toString);
        assertEquals("Cannot sync a user belonging to another directory sync unless that sync is paused",
            refused.json().get("detail").asText());
        assertEquals("Sha", realm.admin().users().get(id).toRepresentation().getFirstName(), "the refused push changed nothing");
        // The run goes on: the error is in the second directory's report, other users still sync.
        assertEquals(201, second.scim("POST", "/Users", DirSync.scimUser("unique2", "U", "Two", "u2@corp.test")).status());
        var report = dirsync.admin("GET", "/directories/" + second.id() + "/runs", null).json().get(0);
        assertEquals(1, report.at("/counts/failed").asInt(), report::toString);
        assertEquals(1, report.at("/counts/created").asInt(), report::toString);
        assertEquals("Cannot sync a user belonging to another directory sync unless that sync is paused",
            report.at("/errors/0/message").asText());
        assertEquals("shared", report.at("/errors/0/subject").asText(), "the error names the refused user");

        assertEquals(200, dirsync.admin("POST", "/directories/" + first.id() + "/pause", null).status());
        Http.Result takeover = second.scim("POST", "/Users", DirSync.scimUser("shared", "Other", "Name", "shared@corp.test"));
        assertEquals(201, takeover.status(), takeover::toString);
        assertEquals(id, DirSync.id(takeover), "the same Keycloak user, now owned by the second directory");
        assertEquals("Other", realm.admin().users().get(id).toRepresentation().getFirstName());
        assertEquals("Second Okta", dirsync.admin("GET", "/users/" + id, null).json().at("/directory/name").asText());
    }

    @Test
    void rule2APreExistingUnmanagedUserIsAdoptedAndItsMappedAttributesOverwritten() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Adopting Okta");
        UserRepresentation local = new UserRepresentation();
        local.setUsername("jdoe");
        local.setFirstName("Johnny");
        local.setLastName("Local");
        local.setEmail("old@corp.test");
        local.setEnabled(true);
        local.setAttributes(Map.of("alias2", List.of("jd-hand-set")));
        String id = created(realm.admin().users().create(local));

        Http.Result adopted = okta.scim("POST", "/Users", DirSync.scimUser("JDoe", "John", "Doe", "john.doe@corp.test"));
        assertEquals(201, adopted.status(), adopted::toString);
        assertEquals(id, DirSync.id(adopted));
        UserRepresentation after = realm.admin().users().get(id).toRepresentation();
        assertEquals("John", after.getFirstName());
        assertEquals("Doe", after.getLastName());
        assertEquals("john.doe@corp.test", after.getEmail());
        assertEquals(List.of("jd-hand-set"), after.getAttributes().get("alias2"), "unmapped attributes are kept");
    }

    /**
     * Rule 2's guard (issue 9 §1): a SCIM token is no way into an administrator's, a service account's or an
     * identity-provider user's account, however the role is held; the refusal is a 409 naming the reason and a
     * per-user error in the run report, and nothing of the account changes.
     */
    @Test
    void rule2NeverAdoptsAnAdministratorAServiceAccountOrAnIdentityProviderUser() {
        String rm = realm.admin().clients().findByClientId("realm-management").get(0).getId();
        RoleRepresentation realmAdmin = realm.admin().clients().get(rm).roles().get("realm-admin").toRepresentation();
        RoleRepresentation viewUsers = realm.admin().clients().get(rm).roles().get("view-users").toRepresentation();
        RoleRepresentation manageUsers = realm.admin().clients().get(rm).roles().get("manage-users").toRepresentation();

        String direct = localUser("local.admin");
        realm.admin().users().get(direct).roles().clientLevel(rm).add(List.of(realmAdmin));
        String viaGroup = localUser("auditor");
        GroupRepresentation auditors = new GroupRepresentation();
        auditors.setName("Auditors");
        String auditorsId = created(realm.admin().groups().add(auditors));
        realm.admin().groups().group(auditorsId).roles().clientLevel(rm).add(List.of(viewUsers));
        realm.admin().users().get(viaGroup).joinGroup(auditorsId);
        String viaComposite = localUser("helpdesk.lead");
        RoleRepresentation helpdesk = new RoleRepresentation();
        helpdesk.setName("helpdesk");
        realm.admin().roles().create(helpdesk);
        realm.admin().roles().get("helpdesk").addComposites(List.of(manageUsers));
        realm.admin().users().get(viaComposite).roles().realmLevel().add(List.of(realm.admin().roles().get("helpdesk").toRepresentation()));
        ClientRepresentation robot = new ClientRepresentation();
        robot.setClientId("robot");
        robot.setServiceAccountsEnabled(true);
        robot.setPublicClient(false);
        created(realm.admin().clients().create(robot));
        String serviceAccount = realm.admin().users().search("service-account-robot", true).get(0).getId();
        String social = localUser("social");
        linkToIdentityProvider(social, "corp-oidc");
        String plain = localUser("plain.user");

        DirSync.ScimDirectory okta = dirsync.scimDirectory("Guarded Okta");
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put("local.admin", "it holds the administrative role 'realm-admin' of client 'realm-management'");
        reasons.put("auditor", "it holds the administrative role 'view-users' of client 'realm-management' through group 'Auditors'");
        reasons.put("helpdesk.lead", "it holds the administrative role 'manage-users' of client 'realm-management' through role 'helpdesk'");
        reasons.put("service-account-robot", "it is the service account of client 'robot'");
        reasons.put("social", "it is linked to identity provider 'corp-oidc'");
        Map<String, String> ids = Map.of("local.admin", direct, "auditor", viaGroup, "helpdesk.lead", viaComposite,
            "service-account-robot", serviceAccount, "social", social);
        for (Map.Entry<String, String> r : reasons.entrySet()) {
            UserRepresentation before = realm.admin().users().get(ids.get(r.getKey())).toRepresentation();
            // Odd casing too: usernames are compared case-insensitively.
            Http.Result refused = okta.scim("POST", "/Users", DirSync.scimUser(r.getKey().toUpperCase(java.util.Locale.ROOT),
                "Eve", "Attacker", "attacker+" + r.getKey() + "@evil.test"));
            assertEquals(409, refused.status(), refused::toString);
            assertEquals("uniqueness", refused.json().get("scimType").asText(), refused::toString);
            String detail = refused.json().get("detail").asText();
            assertTrue(detail.contains(r.getValue()), detail);
            assertTrue(detail.contains("adopt privileged users"), "says how an admin would allow it: " + detail);
            UserRepresentation after = realm.admin().users().get(ids.get(r.getKey())).toRepresentation();
            assertEquals(before.getEmail(), after.getEmail(), "nothing of the account changed");
            assertEquals(before.getFirstName(), after.getFirstName());
            assertEquals(before.getUsername(), after.getUsername());
            assertTrue(dirsync.admin("GET", "/users/" + after.getId(), null).json().path("directory").isMissingNode(),
                "still unmanaged");
        }
        Http.Result adopted = okta.scim("POST", "/Users", DirSync.scimUser("plain.user", "Plain", "User", "plain@corp.test"));
        assertEquals(201, adopted.status(), adopted::toString);
        assertEquals(plain, DirSync.id(adopted), "an ordinary local user is still adopted");

        JsonNode report = dirsync.admin("GET", "/directories/" + okta.id() + "/runs", null).json().get(0);
        assertEquals(5, report.at("/counts/failed").asInt(), report::toString);
        assertEquals(1, report.at("/counts/adopted").asInt(), report::toString);
        List<String> subjects = new ArrayList<>();
        report.get("errors").forEach(e -> subjects.add(e.get("subject").asText()));
        assertEquals(List.of("auditor", "helpdesk.lead", "local.admin", "service-account-robot", "social"),
            subjects.stream().map(x -> x.toLowerCase(java.util.Locale.ROOT)).sorted().toList(), report::toString);
    }

    /** The guard's switch: off by default, a boolean, its change an admin event; on, the directory adopts admins. */
    @Test
    void rule2AnAdminMayLetADirectoryAdoptPrivilegedUsersAndTheChangeIsAnAdminEvent() {
        RealmRepresentation events = realm.admin().toRepresentation();
        events.setAdminEventsEnabled(true);
        events.setAdminEventsDetailsEnabled(true);
        realm.admin().update(events);
        String rm = realm.admin().clients().findByClientId("realm-management").get(0).getId();
        String boss = localUser("boss");
        realm.admin().users().get(boss).roles().clientLevel(rm)
            .add(List.of(realm.admin().clients().get(rm).roles().get("manage-realm").toRepresentation()));
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Trusted Okta");
        assertFalse(dirsync.admin("GET", "/directories/" + okta.id(), null).json().at("/settings/adoptPrivilegedUsers").asBoolean());
        assertEquals(409, okta.scim("POST", "/Users", DirSync.scimUser("boss", "Big", "Boss", "boss@okta.test")).status());

        Http.Result notBoolean = dirsync.admin("PUT", "/directories/" + okta.id(), Map.of("settings", Map.of("adoptPrivilegedUsers", "yes")));
        assertEquals(400, notBoolean.status(), notBoolean::toString);
        assertTrue(notBoolean.body().contains("adoptPrivilegedUsers must be true or false"), notBoolean::toString);

        Http.Result on = dirsync.admin("PUT", "/directories/" + okta.id(), Map.of("settings", Map.of("adoptPrivilegedUsers", true)));
        assertEquals(200, on.status(), on::toString);
        AdminEventRepresentation event = realm.admin().getAdminEvents().stream()
            .filter(e -> "UPDATE".equals(e.getOperationType()) && e.getResourcePath().endsWith("directories/" + okta.id()))
            .findFirst().orElseThrow(() -> new AssertionError("no admin event for the change"));
        assertTrue(event.getRepresentation().contains("\"adoptPrivilegedUsers\":true"), event.getRepresentation());

        Http.Result adopted = okta.scim("POST", "/Users", DirSync.scimUser("boss", "Big", "Boss", "boss@okta.test"));
        assertEquals(201, adopted.status(), adopted::toString);
        assertEquals(boss, DirSync.id(adopted));
        assertEquals("boss@okta.test", realm.admin().users().get(boss).toRepresentation().getEmail());
    }

    /** Rule 1's migration is a claim too: a paused directory's administrator is not taken over without the switch. */
    @Test
    void rule2TheGuardHoldsWhenAnotherDirectoryTakesAUserOverFromAPausedOne() {
        DirSync.ScimDirectory first = dirsync.scimDirectory("Paused Okta");
        DirSync.ScimDirectory second = dirsync.scimDirectory("Taking Okta");
        String id = DirSync.id(first.scim("POST", "/Users", DirSync.scimUser("moved", "Mo", "Ved", "moved@corp.test")));
        String rm = realm.admin().clients().findByClientId("realm-management").get(0).getId();
        realm.admin().users().get(id).roles().clientLevel(rm)
            .add(List.of(realm.admin().clients().get(rm).roles().get("view-realm").toRepresentation()));
        assertEquals(200, dirsync.admin("POST", "/directories/" + first.id() + "/pause", null).status());

        Http.Result refused = second.scim("POST", "/Users", DirSync.scimUser("moved", "Eve", "Attacker", "eve@evil.test"));
        assertEquals(409, refused.status(), refused::toString);
        assertTrue(refused.json().get("detail").asText().contains("'view-realm' of client 'realm-management'"), refused::toString);
        assertEquals("Paused Okta", dirsync.admin("GET", "/users/" + id, null).json().at("/directory/name").asText());
        assertEquals("moved@corp.test", realm.admin().users().get(id).toRepresentation().getEmail());

        assertEquals(200, dirsync.admin("PUT", "/directories/" + second.id(),
            Map.of("settings", Map.of("adoptPrivilegedUsers", true))).status());
        Http.Result takeover = second.scim("POST", "/Users", DirSync.scimUser("moved", "Mo", "Ved", "moved@okta2.test"));
        assertEquals(201, takeover.status(), takeover::toString);
        assertEquals("Taking Okta", dirsync.admin("GET", "/users/" + id, null).json().at("/directory/name").asText());
    }

    /** The run command's demo realm as shipped: its admin cannot be taken over with the demo directory's token. */
    @Test
    void theDemoRealmSAdministratorIsUntouchableByTheDemoToken() throws Exception {
        RealmRepresentation demo = Http.JSON.readValue(java.nio.file.Path.of("realm-config/demo-realm.json").toFile(),
            RealmRepresentation.class);
        demo.setRealm("demo-guard-" + System.nanoTime());
        admin.realms().create(demo);
        try {
            DirSync demoSync = new DirSync(admin, demo.getRealm(), urls.getBase());
            JsonNode scim = null;
            for (JsonNode d : Http.JSON.readTree(java.nio.file.Path.of("realm-config/demo-directories.json").toFile())) {
                if (d.get("type").asText().equals("scim")) {
                    scim = d;
                }
            }
            assertNotNull(scim);
            DirSync.ScimDirectory okta = demoSync.scimDirectory(scim.get("name").asText(),
                Http.JSON.convertValue(scim.get("settings"), Map.class));
            Http.Result refused = okta.scim("POST", "/Users", DirSync.scimUser("local.admin", "Eve", "Attacker", "attacker@evil.test"));
            assertEquals(409, refused.status(), refused::toString);
            UserRepresentation localAdmin = admin.realm(demo.getRealm()).users().search("local.admin", true).get(0);
            assertEquals("local.admin@example.com", localAdmin.getEmail());
            Http.Result jane = okta.scim("POST", "/Users", DirSync.scimUser("jane.doe@example.com", "Jane", "Doe", "jane.doe@example.com"));
            assertEquals(201, jane.status(), "the demo's ordinary local user is still adopted: " + jane);
        } finally {
            admin.realm(demo.getRealm()).remove();
        }
    }

    @Test
    void rule3TwentyConcurrentCreatesOfOneUserNameGiveOneSuccess() throws Exception {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Racing Okta");
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Callable<Http.Result>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            calls.add(() -> okta.scim("POST", "/Users", DirSync.scimUser("racer", "Racer", "N" + n, "racer@corp.test")));
        }
        List<Http.Result> results = new ArrayList<>();
        for (Future<Http.Result> f : pool.invokeAll(calls)) {
            results.add(f.get());
        }
        pool.shutdown();
        long created = results.stream().filter(r -> r.status() == 201).count();
        List<Http.Result> others = results.stream().filter(r -> r.status() != 201).toList();
        assertEquals(1, created, results::toString);
        for (Http.Result r : others) {
            assertEquals(409, r.status(), r::toString);
            assertEquals("uniqueness", r.json().get("scimType").asText(), r::toString);
        }
        assertEquals(1, realm.admin().users().search("racer", true).size());
    }

    @Test
    void rule3AnAliasEqualToAnotherUsersUsernameIsRefusedOnEveryPath() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Alias Okta",
            Map.of("mappings", List.of(Map.of("source", EMPLOYEE_NUMBER, "target", "alias1"))));
        UserRepresentation bob = new UserRepresentation();
        bob.setUsername("bob");
        bob.setEnabled(true);
        created(realm.admin().users().create(bob));

        Map<String, Object> carol = new HashMap<>(DirSync.scimUser("carol", "Carol", "C", "carol@corp.test"));
        carol.put("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
        carol.put("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", Map.of("employeeNumber", "BOB"));
        Http.Result refused = okta.scim("POST", "/Users", carol);
        assertEquals(409, refused.status(), refused::toString);
        assertEquals("uniqueness", refused.json().get("scimType").asText());
        assertTrue(refused.json().get("detail").asText().contains("'bob'"), refused::toString);
        assertTrue(realm.admin().users().search("carol", true).isEmpty(), "nothing half-written");
        JsonNode report = dirsync.admin("GET", "/directories/" + okta.id() + "/runs", null).json().get(0);
        assertEquals("carol", report.at("/errors/0/subject").asText(), "the run report names the refused user: " + report);

        carol.put("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", Map.of("employeeNumber", "c-alias"));
        String carolId = DirSync.id(okta.scim("POST", "/Users", carol));
        assertEquals("c-alias", realm.admin().users().get(carolId).toRepresentation().getAttributes().get("alias1").get(0));

        // Admin REST: an unmanaged user's alias may not be a managed user's username or alias.
        UserRepresentation dave = new UserRepresentation();
        dave.setUsername("dave");
        dave.setEnabled(true);
        String daveId = created(realm.admin().users().create(dave));
        for (String taken : List.of("Carol", "C-ALIAS")) {
            UserRepresentation edit = realm.admin().users().get(daveId).toRepresentation();
            edit.setAttributes(Map.of("alias3", List.of(taken)));
            Http.Result put = Http.send("PUT", urls.getBase() + "/admin/realms/" + realm.getName() + "/users/" + daveId,
                dirsync.adminBearer(), edit);
            assertEquals(400, put.status(), put::toString);
            assertTrue(put.body().contains("'carol'"), put::toString);
        }
        UserRepresentation fine = realm.admin().users().get(daveId).toRepresentation();
        fine.setAttributes(Map.of("alias3", List.of("davey")));
        realm.admin().users().get(daveId).update(fine);
        assertEquals("davey", realm.admin().users().get(daveId).toRepresentation().getAttributes().get("alias3").get(0));

        // And a SCIM username may not be an unmanaged user's alias.
        Http.Result asAlias = okta.scim("POST", "/Users", DirSync.scimUser("Davey", "D", "Y", "davey@corp.test"));
        assertEquals(409, asAlias.status(), asAlias::toString);
        assertTrue(asAlias.json().get("detail").asText().contains("'dave'"), asAlias::toString);
    }

    @Test
    void rule4MappedAttributesAndManagedGroupMembershipAreReadOnlyForAdmins() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Locked Okta");
        String id = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("locked", "Lock", "Ed", "locked@corp.test")));
        String gid = DirSync.id(okta.scim("POST", "/Groups", Map.of("displayName", "Sales", "members", List.of(Map.of("value", id)))));
        String adminUsers = urls.getBase() + "/admin/realms/" + realm.getName() + "/users/" + id;

        UserRepresentation edit = realm.admin().users().get(id).toRepresentation();
        edit.setFirstName("Hacked");
        Http.Result refused = Http.send("PUT", adminUsers, dirsync.adminBearer(), edit);
        assertEquals(400, refused.status(), refused::toString);
        assertTrue(refused.body().contains("Locked Okta"), refused::toString);
        assertEquals("Lock", realm.admin().users().get(id).toRepresentation().getFirstName());

        UserRepresentation unmapped = realm.admin().users().get(id).toRepresentation();
        unmapped.setAttributes(Map.of("alias1", List.of("lockie")));
        Http.Result ok = Http.send("PUT", adminUsers, dirsync.adminBearer(), unmapped);
        assertEquals(204, ok.status(), ok::toString);
        assertEquals("lockie", realm.admin().users().get(id).toRepresentation().getAttributes().get("alias1").get(0));

        Http.Result leave = Http.send("DELETE", adminUsers + "/groups/" + gid, dirsync.adminBearer(), null);
        assertEquals(400, leave.status(), leave::toString);
        assertTrue(leave.body().contains("Locked Okta"), leave::toString);

        UserRepresentation other = new UserRepresentation();
        other.setUsername("outsider");
        other.setEnabled(true);
        String otherId = created(realm.admin().users().create(other));
        Http.Result join = Http.send("PUT", urls.getBase() + "/admin/realms/" + realm.getName() + "/users/" + otherId + "/groups/" + gid,
            dirsync.adminBearer(), null);
        assertEquals(400, join.status(), join::toString);
        assertEquals(1, realm.admin().groups().group(gid).members().size());

        GroupRepresentation rename = realm.admin().groups().group(gid).toRepresentation();
        rename.setName("Renamed by hand");
        Http.Result renamed = Http.send("PUT", urls.getBase() + "/admin/realms/" + realm.getName() + "/groups/" + gid,
            dirsync.adminBearer(), rename);
        assertEquals(400, renamed.status(), renamed::toString);

        Http.Result delete = Http.send("DELETE", adminUsers, dirsync.adminBearer(), null);
        assertEquals(400, delete.status(), delete::toString);
        assertTrue(delete.body().contains("Locked Okta"), delete::toString);

        // A mapping added later overwrites hand-set values on the next push.
        assertEquals(200, dirsync.admin("PUT", "/directories/" + okta.id(),
            Map.of("settings", Map.of("mappings", List.of(Map.of("source", "nickName", "target", "alias1"))))).status());
        Map<String, Object> push = new HashMap<>(DirSync.scimUser("locked", "Lock", "Ed", "locked@corp.test"));
        push.put("nickName", "from-okta");
        assertEquals(200, okta.scim("PUT", "/Users/" + id, push).status());
        assertEquals("from-okta", realm.admin().users().get(id).toRepresentation().getAttributes().get("alias1").get(0));
    }

    @Test
    void rule8RemovingAGroupTrashesMembersInNoOtherGroupAndUnmanagesIt() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Grouped Okta");
        String only = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("only-eng", "O", "E", "oe@corp.test")));
        String both = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("eng-and-ops", "B", "O", "bo@corp.test")));
        String eng = DirSync.id(okta.scim("POST", "/Groups", Map.of("displayName", "Engineering",
            "members", List.of(Map.of("value", only), Map.of("value", both)))));
        okta.scim("POST", "/Groups", Map.of("displayName", "Ops", "members", List.of(Map.of("value", both))));

        Http.Result removed = dirsync.admin("DELETE", "/directories/" + okta.id() + "/groups/" + eng, null);
        assertEquals(204, removed.status(), removed::toString);

        assertEquals("pending deletion", dirsync.admin("GET", "/users/" + only, null).json().get("status").asText());
        assertEquals("active", dirsync.admin("GET", "/users/" + both, null).json().get("status").asText());
        GroupRepresentation group = realm.admin().groups().group(eng).toRepresentation();
        assertEquals("Engineering (formerly from \"Grouped Okta\")", group.getName());
        assertTrue(dirsync.admin("GET", "/groups/" + eng, null).json().path("directory").isMissingNode());
        assertEquals(1, dirsync.admin("GET", "/directories/" + okta.id() + "/groups", null).json().size());
        // Now unmanaged: an admin may change it.
        group.setName("Engineering (archived)");
        realm.admin().groups().group(eng).update(group);
        assertEquals("Engineering (archived)", realm.admin().groups().group(eng).toRepresentation().getName());
    }

    @Test
    void rule9DeletingADirectoryKeepsItsUsersAndANewDirectoryReconnectsThem() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Old Okta");
        String kept = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("kept", "K", "Ept", "kept@corp.test")));
        String trashed = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("binned", "B", "In", "binned@corp.test")));
        String gid = DirSync.id(okta.scim("POST", "/Groups", Map.of("displayName", "Staff", "members", List.of(Map.of("value", kept)))));
        assertEquals(204, okta.scim("DELETE", "/Users/" + trashed, null).status());

        assertEquals(204, dirsync.admin("DELETE", "/directories/" + okta.id(), null).status());

        assertTrue(realm.admin().users().get(kept).toRepresentation().isEnabled());
        assertTrue(realm.admin().users().get(trashed).toRepresentation().isEnabled(), "trashed users are restored to unmanaged");
        assertEquals(0, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());
        assertTrue(dirsync.admin("GET", "/users/" + kept, null).json().path("directory").isMissingNode());
        assertEquals("Staff (formerly from \"Old Okta\")", realm.admin().groups().group(gid).toRepresentation().getName());
        assertEquals(1, realm.admin().groups().group(gid).members().size(), "memberships are kept");
        UserRepresentation editable = realm.admin().users().get(kept).toRepresentation();
        editable.setFirstName("Edited");
        realm.admin().users().get(kept).update(editable);
        assertEquals(401, okta.scim("GET", "/Users", null).status(), "the old token is gone with its directory");

        DirSync.ScimDirectory fresh = dirsync.scimDirectory("New Okta");
        Http.Result reconnected = fresh.scim("POST", "/Users", DirSync.scimUser("kept", "K", "Ept", "kept@corp.test"));
        assertEquals(201, reconnected.status(), reconnected::toString);
        assertEquals(kept, DirSync.id(reconnected));
        assertEquals("K", realm.admin().users().get(kept).toRepresentation().getFirstName());
        assertEquals("New Okta", dirsync.admin("GET", "/users/" + kept, null).json().at("/directory/name").asText());
    }

    static String created(Response response) {
        try (response) {
            assertEquals(201, response.getStatus(), () -> response.readEntity(String.class));
            String location = response.getLocation().toString();
            return location.substring(location.lastIndexOf('/') + 1);
        }
    }
}
