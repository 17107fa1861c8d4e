package io.dirsync.entra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.it.DirSync;
import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.it.Http;
import io.dirsync.it.LoginPages;

/**
 * Issue 13 against a real Keycloak 26.7.3 and {@link GraphStandIn} (a stateful local stand-in for the Entra token
 * endpoint and Microsoft Graph v1.0, in this JVM): full, incremental (delta), admin and single-user runs of a directory
 * of type {@code entra}, with the engine's rules.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class EntraSyncTest extends DirSyncIntegrationTest {

    GraphStandIn graph;

    @BeforeEach
    void startGraph() {
        graph = GraphStandIn.start();
    }

    @AfterEach
    void stopGraph() {
        graph.close();
    }

    // ------------------------------------------------------------------ full runs

    @Test
    void aFullSyncOfThreeGroupsOneNestedCreatesUsersAndManagedGroupsAndASecondRunWritesNothing() {
        String alice = user("alice@contoso.example", "Alice", "Liddell", Map.of("mobilePhone", "+1 555 0100",
            "otherMails", List.of("ali@home.example"), "employeeId", "E-1",
            "extension_0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5_costCenter", "CC-42"));
        String bob = user("bob@contoso.example", "Bob", "Builder", Map.of());
        String dave = user("dave@contoso.example", "Dave", "Sales", Map.of());
        String erin = user("erin@contoso.example", "Erin", "Platform", Map.of());
        user("carol@contoso.example", "Carol", "Outside", Map.of());
        String eng = group("Engineering", alice, bob);
        String platform = group("Platform", erin);
        graph.addMember(eng, platform); // nested: Erin is in Engineering through Platform
        String sales = group("Sales", dave);
        String support = group("Support");
        Map<String, Object> settings = settings(eng, sales, support);
        settings.put("transitiveMembers", true);
        settings.put("mappings", List.of(Map.of("source", "mobilePhone", "target", "phone"),
            Map.of("source", "otherMails", "target", "alias1"), Map.of("source", "employeeId", "target", "employeeNumber"),
            Map.of("source", "extension_0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5_costCenter", "target", "costCenter")));
        String id = createDirectory("Corp Entra", settings);

        JsonNode run = sync(id, "full");
        assertEquals("completed", run.get("status").asText(), run::toString);
        assertEquals(7, run.at("/counts/created").asInt(), "4 users and 3 managed groups: " + run);
        assertEquals(0, run.at("/counts/failed").asInt(), run::toString);
        assertEquals(4, dirsync.admin("GET", "/directories/" + id, null).json().get("userCount").asInt(),
            "carol is in no synced group: out of scope");
        JsonNode groups = dirsync.admin("GET", "/directories/" + id + "/groups", null).json();
        List<String> names = new ArrayList<>();
        groups.forEach(g -> names.add(g.get("name").asText()));
        assertEquals(List.of("Engineering from Entra ID Sync \"Corp Entra\"", "Sales from Entra ID Sync \"Corp Entra\"",
            "Support from Entra ID Sync \"Corp Entra\""), names.stream().sorted().toList());
        List<String> engineers = realm.admin().groups().group(groupId(groups, "Engineering")).members().stream()
            .map(UserRepresentation::getUsername).sorted().toList();
        assertEquals(List.of("alice@contoso.example", "bob@contoso.example", "erin@contoso.example"), engineers,
            "Erin through the nested group");

        UserRepresentation a = kcUser("alice@contoso.example");
        assertEquals("Alice", a.getFirstName());
        assertEquals("alice@contoso.example", a.getEmail());
        assertNull(a.getFederationLink(), "Entra users are Keycloak's own users");
        assertEquals(List.of("+1 555 0100"), a.getAttributes().get("phone"));
        assertEquals(List.of("ali@home.example"), a.getAttributes().get("alias1"), "the first of otherMails");
        assertEquals(List.of("E-1"), a.getAttributes().get("employeeNumber"));
        assertEquals(List.of("CC-42"), a.getAttributes().get("costCenter"), "an extension attribute");
        // the documented sign-in path: the realm's Microsoft identity provider, linked to the user by object id
        List<FederatedIdentityRepresentation> links = realm.admin().users().get(a.getId()).getFederatedIdentity();
        assertEquals(1, links.size(), links::toString);
        assertEquals("entra", links.get(0).getIdentityProvider());
        assertEquals(alice, links.get(0).getUserId(), "linked by the Entra object id");

        graph.clearRequests();
        JsonNode again = sync(id, "full");
        assertEquals("completed", again.get("status").asText(), again::toString);
        assertEquals(0, again.at("/counts/created").asInt(), again::toString);
        assertEquals(0, again.at("/counts/updated").asInt(), again::toString);
        assertEquals(0, again.at("/counts/trashed").asInt(), again::toString);
        assertEquals(4, again.at("/counts/unchanged").asInt(), again::toString);
        for (GraphStandIn.Recorded r : graph.requests()) {
            assertEquals("GET".equals(r.method()) || r.path().endsWith("/token"), true, r::toString);
            if (r.path().contains("/members") || r.path().contains("transitiveMembers")) {
                assertEquals("999", r.query().getOrDefault("$top", "999"), "pages of 999: " + r);
            }
            if (!r.path().endsWith("/token")) {
                assertEquals("low", r.headers().get("x-ms-throttle-priority"), "a background client: " + r);
            }
        }
        assertTrue(graph.requests().stream().anyMatch(r -> r.query().getOrDefault("$select", "").contains("mobilePhone")),
            "$select names the mapped properties");
    }

    @Test
    void anEntraUserSignsInThroughTheRealmsMicrosoftIdentityProviderLinkedByObjectId() throws Exception {
        try (MicrosoftSignInStandIn microsoft = MicrosoftSignInStandIn.start()) {
            IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
            idp.setAlias("microsoft");
            idp.setProviderId("oidc");
            idp.setEnabled(true);
            idp.setConfig(Map.of("clientId", GraphStandIn.CLIENT_ID, "clientSecret", GraphStandIn.CLIENT_SECRET,
                "authorizationUrl", microsoft.url() + "/authorize", "tokenUrl", microsoft.url() + "/token",
                "clientAuthMethod", "client_secret_post", "validateSignature", "false", "disableUserInfo", "true"));
            realm.admin().identityProviders().create(idp).close();
            String alice = user("alice@contoso.example", "Alice", "Liddell", Map.of());
            String staff = group("Staff", alice);
            Map<String, Object> settings = settings(staff);
            settings.put("identityProvider", "microsoft");
            String id = createDirectory("Sign-in Entra", settings);
            assertEquals("completed", sync(id, "full").get("status").asText());
            String userId = kcUser("alice@contoso.example").getId();
            assertEquals(0, realm.admin().users().get(userId).getUserSessions().size());

            org.keycloak.representations.idm.ClientRepresentation client = LoginPages.webClient();
            realm.admin().clients().create(client).close();
            String web = client.getClientId();
            microsoft.signInAs(alice, "alice@contoso.example");
            LoginPages pages = new LoginPages();
            LoginPages.Page page = pages.get(urls.getBase() + "/realms/" + realm.getName()
                + "/protocol/openid-connect/auth?response_type=code&scope=openid&client_id=" + web + "&redirect_uri="
                + java.net.URLEncoder.encode(LoginPages.CALLBACK, java.nio.charset.StandardCharsets.UTF_8)
                + "&kc_idp_hint=microsoft");
            assertTrue(page.signedIn(), () -> "signed in through the identity provider: " + page.status() + " " + page.body());
            assertEquals(1, realm.admin().users().get(userId).getUserSessions().size(),
                "the session is the synced user's (found by its link), not a new account");
            assertEquals(1, realm.admin().users().search("alice@contoso.example", true).size());

            // With an identity provider, a Keycloak password is no way in (passwordSignIn is off by default then)
            org.keycloak.representations.idm.CredentialRepresentation password =
                new org.keycloak.representations.idm.CredentialRepresentation();
            password.setType("password");
            password.setValue("Corr3ct-Horse-Battery");
            password.setTemporary(false);
            realm.admin().users().get(userId).resetPassword(password);
            Http.Result flow = dirsync.admin("POST", "/login-flow", Map.of());
            assertEquals(200, flow.status(), flow::toString);
            LoginPages browser = new LoginPages();
            LoginPages.Page form = browser.open(urls.getBase(), realm.getName(), web);
            LoginPages.Page refused = browser.submit(form, Map.of("username", "alice@contoso.example",
                "password", "Corr3ct-Horse-Battery"));
            assertFalse(refused.signedIn(), refused::toString);
            assertTrue(refused.body().contains("Your organization signs you in with its own account"), refused::body);
        }
    }

    @Test
    void theClientSecretIsNeverShownAndTheSettingsSayWhatIsWrong() {
        String g = group("Staff");
        Map<String, Object> settings = settings(g);
        String id = createDirectory("Secret Entra", settings);
        Http.Result read = dirsync.admin("GET", "/directories/" + id, null);
        assertFalse(read.body().contains(GraphStandIn.CLIENT_SECRET), read::toString);
        assertTrue(read.json().at("/entra/clientSecretStored").asBoolean(), read::toString);

        Map<String, Object> bad = new HashMap<>(settings);
        bad.put("syncedGroups", List.of("Engineering"));
        Http.Result refused = dirsync.admin("POST", "/directories", Map.of("type", "entra", "name", "Bad", "settings", bad));
        assertEquals(400, refused.status(), refused::toString);
        assertTrue(refused.body().contains("'Engineering' is not a group object id"), refused::toString);

        // passwordSignIn is a JSON boolean: a string or a number is refused, not read as the default, and nothing is written
        for (Object notBoolean : List.of("yes", "false", "true", 0, 1)) {
            Map<String, Object> typo = new HashMap<>(settings);
            typo.put("passwordSignIn", notBoolean);
            refused = dirsync.admin("PUT", "/directories/" + id, Map.of("settings", typo));
            assertEquals(400, refused.status(), notBoolean + ": " + refused);
            assertTrue(refused.body().contains("settings.passwordSignIn must be true or false"), refused::toString);
        }
        assertTrue(dirsync.admin("GET", "/directories/" + id, null).json().at("/settings/passwordSignIn").isMissingNode(),
            "nothing written");
        Map<String, Object> withFlag = new HashMap<>(settings);
        withFlag.put("passwordSignIn", false);
        withFlag.remove("clientSecret");
        assertEquals(200, dirsync.admin("PUT", "/directories/" + id, Map.of("settings", withFlag)).status());
        assertFalse(dirsync.admin("GET", "/directories/" + id, null).json().at("/settings/passwordSignIn").asBoolean(true));

        Map<String, Object> noSecret = new HashMap<>(settings);
        noSecret.remove("clientSecret");
        refused = dirsync.admin("POST", "/directories", Map.of("type", "entra", "name", "No secret", "settings", noSecret));
        assertEquals(400, refused.status(), refused::toString);
        assertTrue(refused.body().contains("settings.clientSecret is required"), refused::toString);

        // saved again without the secret (or with Keycloak's mask): the stored one stays
        noSecret.put("clientSecret", "**********");
        Http.Result saved = dirsync.admin("PUT", "/directories/" + id, Map.of("settings", noSecret));
        assertEquals(200, saved.status(), saved::toString);
        assertEquals("completed", sync(id, "full").get("status").asText());

        // the stored secret goes nowhere else: another Graph endpoint (or tenant, client, authority) needs it typed again
        Map<String, Object> elsewhere = new HashMap<>(noSecret);
        elsewhere.put("graphEndpoint", "http://127.0.0.1:1");
        Http.Result moved = dirsync.admin("PUT", "/directories/" + id, Map.of("settings", elsewhere));
        assertEquals(400, moved.status(), moved::toString);
        assertTrue(moved.body().contains("type the client secret again"), moved::toString);
        Http.Result probe = dirsync.admin("POST", "/directory-types/entra/test-connection?directory=" + id,
            Map.of("settings", elsewhere));
        assertEquals(400, probe.status(), "nor is it sent by a test of other settings: " + probe);
        elsewhere.put("clientSecret", GraphStandIn.CLIENT_SECRET);
        assertEquals(200, dirsync.admin("PUT", "/directories/" + id, Map.of("settings", elsewhere)).status(),
            "with the secret typed again it may change");
    }

    // ------------------------------------------------------------------ managed groups (rules 6 and 8)

    @Test
    void aGroupRenamedInTheTenantKeepsItsManagedGroupAndMembersUnderItsNewName() {
        String ann = user("ann@contoso.example", "Ann", "Able", Map.of());
        String eng = group("Engineering", ann);
        String id = createDirectory("Renaming Entra", settings(eng));
        assertEquals("completed", sync(id, "full").get("status").asText());
        String managed = groupId(managedGroups(id), "Engineering");

        graph.renameGroup(eng, "Research");
        JsonNode incremental = sync(id, "incremental");
        assertEquals("completed", incremental.get("status").asText(), incremental::toString);
        assertEquals(1, incremental.at("/groupCounts/updated").asInt(), "the delta's rename: " + incremental);
        assertEquals("Research from Entra ID Sync \"Renaming Entra\"", realm.admin().groups().group(managed)
            .toRepresentation().getName(), "found by object id, not by name: the same Keycloak group");
        assertEquals(managed, groupId(managedGroups(id), "Research"));
        assertEquals(List.of("ann@contoso.example"), members(managed));

        graph.renameGroup(eng, "R&D");
        JsonNode full = sync(id, "full");
        assertEquals("completed", full.get("status").asText(), full::toString);
        assertEquals(0, full.at("/groupCounts/created").asInt(), full::toString);
        assertEquals(1, full.at("/groupCounts/updated").asInt(), "a full run renames too: " + full);
        assertEquals("R&D from Entra ID Sync \"Renaming Entra\"", realm.admin().groups().group(managed).toRepresentation().getName());
        assertEquals(1, managedGroups(id).size(), managedGroups(id)::toString);
        assertEquals(List.of("ann@contoso.example"), members(managed));
    }

    @Test
    void aGroupTakenOutOfTheSettingsOrRemovedByTheApiTrashesTheMembersOnlyItKeptAndIsUnmanaged() {
        String both = user("both@contoso.example", "Both", "Groups", Map.of());
        String onlyA = user("only-a@contoso.example", "Only", "Alpha", Map.of());
        String onlyC = user("only-c@contoso.example", "Only", "Gamma", Map.of());
        String alpha = group("Alpha", both, onlyA);
        String beta = group("Beta", both);
        String gamma = group("Gamma", onlyC);
        // Gamma spelt in upper case: the settings and the managed group's id are compared in Entra's canonical form
        Map<String, Object> settings = settings(alpha, beta, gamma.toUpperCase(java.util.Locale.ROOT));
        String id = createDirectory("Rule8 Entra", settings);
        assertEquals("completed", sync(id, "full").get("status").asText());
        JsonNode groups = managedGroups(id);
        String alphaGroup = groupId(groups, "Alpha");
        String gammaGroup = groupId(groups, "Gamma");

        // the admin saves the settings without Alpha
        Map<String, Object> withoutAlpha = new HashMap<>(settings);
        withoutAlpha.remove("clientSecret");
        withoutAlpha.put("syncedGroups", List.of(beta, gamma.toUpperCase(java.util.Locale.ROOT)));
        Http.Result saved = dirsync.admin("PUT", "/directories/" + id, Map.of("settings", withoutAlpha));
        assertEquals(200, saved.status(), saved::toString);
        assertEquals("Alpha (formerly from \"Rule8 Entra\")", realm.admin().groups().group(alphaGroup).toRepresentation().getName());
        assertEquals(List.of("both@contoso.example", "only-a@contoso.example"), members(alphaGroup), "the group keeps its members");
        assertEquals("pending deletion", status(kcUser("only-a@contoso.example").getId()), "in no other synced group");
        assertEquals("active", status(kcUser("both@contoso.example").getId()), "still in Beta");
        assertEquals(List.of("Beta", "Gamma"), sourceNames(managedGroups(id)), "Gamma's other spelling is the same group");

        // the admin removes Gamma through the API: it leaves the settings too, whatever their spelling
        assertEquals(204, dirsync.admin("DELETE", "/directories/" + id + "/groups/" + gammaGroup, null).status());
        assertEquals("Gamma (formerly from \"Rule8 Entra\")", realm.admin().groups().group(gammaGroup).toRepresentation().getName());
        assertEquals("pending deletion", status(kcUser("only-c@contoso.example").getId()));
        JsonNode dir = dirsync.admin("GET", "/directories/" + id, null).json();
        assertEquals(List.of(beta), textList(dir.at("/settings/syncedGroups")), "the object id left the synced groups: " + dir);

        JsonNode next = sync(id, "full");
        assertEquals("completed", next.get("status").asText(), next::toString);
        assertEquals(0, next.at("/counts/created").asInt(), "neither group comes back: " + next);
        assertEquals(List.of("Beta"), sourceNames(managedGroups(id)));
        assertEquals("pending deletion", status(kcUser("only-a@contoso.example").getId()));
        assertEquals("active", status(kcUser("both@contoso.example").getId()));
    }

    // ------------------------------------------------------------------ incremental runs

    @Test
    void anIncrementalRunAppliesARenameARemovalADisableAndADeleteAndReadsOnlyThem() {
        Map<String, String> ids = new LinkedHashMap<>();
        for (String n : List.of("alice", "bob", "carol", "dave", "erin", "frank", "gina", "hal", "ivy", "jon", "kim")) {
            ids.put(n, user(n + "@contoso.example", n.substring(0, 1).toUpperCase() + n.substring(1), "Staff", Map.of()));
        }
        String staff = group("Staff", ids.values().toArray(String[]::new));
        String id = createDirectory("Delta Entra", settings(staff));
        assertEquals("completed", sync(id, "full").get("status").asText());

        graph.updateUser(ids.get("alice"), Map.of("surname", "Liddell", "displayName", "Alice Liddell"));
        graph.removeMember(staff, ids.get("bob"));
        graph.updateUser(ids.get("carol"), Map.of("accountEnabled", false));
        graph.deleteUser(ids.get("dave"), false);
        graph.clearRequests();
        JsonNode run = sync(id, "incremental");
        assertEquals("incremental", run.get("kind").asText(), run::toString);
        assertEquals("completed", run.get("status").asText(), run::toString);
        assertEquals(1, run.at("/counts/updated").asInt(), run::toString);
        assertEquals(3, run.at("/counts/trashed").asInt(), run::toString);
        assertEquals("Liddell", kcUser("alice@contoso.example").getLastName());
        for (String gone : List.of("bob", "carol", "dave")) {
            assertEquals("pending deletion", status(kcUser(gone + "@contoso.example").getId()), gone);
        }
        assertEquals("active", status(kcUser("erin@contoso.example").getId()));
        // only the changes were read: the two delta rounds and the one group whose members changed, no user by id
        List<String> paths = graph.requests().stream().filter(r -> !r.path().endsWith("/token")).map(r -> r.path()).toList();
        assertTrue(paths.stream().noneMatch(p -> p.matches(".*/users/[0-9a-f-]{36}.*")), paths::toString);
        assertEquals(1, paths.stream().filter(p -> p.endsWith("/users/delta")).count(), paths::toString);
        assertEquals(1, paths.stream().filter(p -> p.endsWith("/groups/delta")).count(), paths::toString);
        assertEquals(List.of("/v1.0/groups/" + staff + "/members"),
            paths.stream().filter(p -> p.contains("/members")).toList(), paths::toString);

        // nothing changed since: the next incremental run writes nothing
        JsonNode quiet = sync(id, "incremental");
        assertEquals(0, quiet.at("/counts/updated").asInt() + quiet.at("/counts/trashed").asInt()
            + quiet.at("/counts/created").asInt(), quiet::toString);

        // back in the tenant, enabled again: restored from the trash by the next run
        graph.restoreUser(ids.get("dave"));
        graph.updateUser(ids.get("carol"), Map.of("accountEnabled", true));
        JsonNode back = sync(id, "incremental");
        assertEquals("completed", back.get("status").asText(), back::toString);
        assertEquals("active", status(kcUser("dave@contoso.example").getId()), back::toString);
        assertEquals("active", status(kcUser("carol@contoso.example").getId()), back::toString);
    }

    @Test
    void anExpiredDeltaLinkStartsAFullRunInstead() {
        String a = user("ann@contoso.example", "Ann", "A", Map.of());
        String staff = group("Staff", a);
        String id = createDirectory("Expiring Entra", settings(staff));
        assertEquals("completed", sync(id, "full").get("status").asText());
        graph.expireDeltaTokens();
        String b = user("ben@contoso.example", "Ben", "B", Map.of());
        graph.addMember(staff, b);
        JsonNode run = sync(id, "incremental");
        assertEquals("full", run.get("kind").asText(), "Graph said 410 Gone: a full run instead: " + run);
        assertEquals("completed", run.get("status").asText(), run::toString);
        assertNotNull(kcUser("ben@contoso.example"));
        List<String> kinds = new ArrayList<>();
        dirsync.admin("GET", "/directories/" + id + "/runs", null).json().forEach(r -> kinds.add(r.get("kind").asText()));
        assertEquals(List.of("full", "full", "incremental"), kinds.stream().sorted().toList(),
            "the first full run, the incremental one that found its link expired, the full one after it: " + kinds);
    }

    @Test
    void anIncrementalRunThatWouldTrashMoreThanTheGuardAllowsIsHeld() {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            users.add(user("m" + i + "@contoso.example", "Mass", "User" + i, Map.of()));
        }
        String all = group("Everyone", users.toArray(String[]::new));
        Map<String, Object> settings = settings(all);
        // pages of 5: the groups delta round lists the group's 12 removals on three pages, the group on each of them
        settings.put("pageSize", 5);
        String id = createDirectory("Mass Entra", settings);
        assertEquals(31, sync(id, "full").at("/counts/created").asInt(), "30 users and the managed group");
        for (int i = 0; i < 12; i++) {
            graph.removeMember(all, users.get(i));
        }
        graph.clearRequests();
        JsonNode held = sync(id, "incremental");
        assertTrue(graph.requests().stream().filter(r -> r.path().endsWith("/groups/delta")).count() >= 3,
            "the group's changes span pages: " + graph.requests());
        assertEquals("held", held.get("status").asText(), held::toString);
        assertTrue(held.get("message").asText().contains("12 of 30"), held::toString);
        assertEquals(0, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt(), "nobody was trashed");
        Http.Result confirmed = dirsync.admin("POST", "/directories/" + id + "/runs/" + held.get("id").asText() + "/confirm", null);
        assertEquals(200, confirmed.status(), confirmed::toString);
        assertEquals(12, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());
    }

    // ------------------------------------------------------------------ Graph misbehaving

    @Test
    void throttlingIsWaitedOutAndAServerErrorMidRunFailsTheRunAndTrashesNobody() {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            users.add(user("t" + i + "@contoso.example", "Throttled", "User" + i, Map.of()));
        }
        String staff = group("Staff", users.toArray(String[]::new));
        Map<String, Object> settings = settings(staff);
        settings.put("pageSize", 2); // three pages of members with properties
        String id = createDirectory("Throttled Entra", settings);

        // requests to the members: the ids (one page of 999), then the properties, page 1, 2, 3
        graph.failNext("/members", 2, 429, Map.of("Retry-After", "1"),
            "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Too many requests.\"}}");
        graph.throttleLimitPercentage(0.9);
        JsonNode run = sync(id, "full");
        graph.throttleLimitPercentage(null);
        assertEquals("completed", run.get("status").asText(), run::toString);
        assertEquals(7, run.at("/counts/created").asInt(), run::toString);
        List<GraphStandIn.Recorded> members = graph.requests().stream().filter(r -> r.path().contains("/members")).toList();
        assertTrue(members.stream().anyMatch(r -> r.status() == 429), members::toString);
        assertEquals(200, members.get(members.size() - 1).status(), "the throttled page was asked again: " + members);

        graph.removeMember(staff, users.get(5)); // absent from the run that fails: still not trashed
        graph.failNext("/members", 3, 500, Map.of(), "{\"error\":{\"code\":\"generalException\",\"message\":\"boom\"}}");
        JsonNode failed = sync(id, "full");
        assertEquals("failed", failed.get("status").asText(), failed::toString);
        assertTrue(failed.get("message").asText().contains("nobody was trashed"), failed::toString);
        assertEquals(0, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());
    }

    @Test
    void anExpiredAccessTokenMidRunIsRenewedAndTheRunGoesOn() {
        String staff = group("Staff", user("tok@contoso.example", "Tok", "En", Map.of()));
        String id = createDirectory("Token Entra", settings(staff));
        graph.failNext("/members", 1, 401, Map.of(),
            "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Lifetime validation failed, the token is expired.\"}}");
        JsonNode run = sync(id, "full");
        assertEquals("completed", run.get("status").asText(), run::toString);
        assertEquals(2, graph.requests().stream().filter(r -> r.path().endsWith("/token")).count(),
            "a second token after the 401: " + graph.requests());
    }

    // ------------------------------------------------------------------ rules through Entra

    @Test
    void anAdminGroupGrantsItsRoleAndTheAdminSyncRevokesIt() {
        String ann = user("ann@contoso.example", "Ann", "Admin", Map.of());
        String sam = user("sam@contoso.example", "Sam", "Staff", Map.of());
        String staff = group("Staff", sam);
        String admins = group("IT Admins", ann);
        Map<String, Object> settings = settings(staff);
        settings.put("adminGroups", List.of(Map.of("group", admins, "role", "administrator")));
        String id = createDirectory("Admin Entra", settings);

        JsonNode run = sync(id, "admin");
        assertEquals("completed", run.get("status").asText(), run::toString);
        String annId = kcUser("ann@contoso.example").getId();
        assertTrue(realmRoles(annId).contains("dirsync-admin-administrator"), realmRoles(annId)::toString);

        graph.removeMember(admins, ann);
        graph.addMember(staff, ann);
        sync(id, "admin");
        assertFalse(realmRoles(annId).contains("dirsync-admin-administrator"), realmRoles(annId)::toString);
        assertEquals(0, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt(), "an admin sync trashes nobody");
    }

    @Test
    void aUserOwnedByAnotherDirectoryAndAnAliasClashFailOnlyTheirUser() {
        String shared = user("shared@contoso.example", "Sha", "Red", Map.of());
        String clash = user("clash@contoso.example", "Cla", "Sh", Map.of("otherMails", List.of("taken-name@contoso.example")));
        String fine = user("fine@contoso.example", "Fi", "Ne", Map.of());
        String staff = group("Staff", shared, clash, fine);
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Okta");
        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("shared@contoso.example", "Okta", "Owned",
            "shared@corp.test")).status());
        UserRepresentation local = new UserRepresentation();
        local.setUsername("taken-name@contoso.example");
        local.setEnabled(true);
        realm.admin().users().create(local).close();
        Map<String, Object> settings = settings(staff);
        settings.put("mappings", List.of(Map.of("source", "otherMails", "target", "alias1")));
        String id = createDirectory("Clash Entra", settings);

        JsonNode run = sync(id, "full");
        assertEquals("completed", run.get("status").asText(), run::toString);
        assertEquals(2, run.at("/counts/failed").asInt(), run::toString);
        Map<String, String> errors = new LinkedHashMap<>();
        run.get("errors").forEach(e -> errors.put(e.get("subject").asText(), e.get("message").asText()));
        assertEquals("Cannot sync a user belonging to another directory sync unless that sync is paused",
            errors.get("shared@contoso.example"), errors::toString);
        assertTrue(errors.get("clash@contoso.example").contains("'taken-name@contoso.example' is already the username"),
            errors::toString);
        assertEquals("Owned", kcUser("shared@contoso.example").getLastName(), "the other directory's user is untouched");
        assertNotNull(kcUser("fine@contoso.example"));
    }

    @Test
    void theUsernameAttributeIsLockedAfterTheFirstSuccessfulSync() {
        String staff = group("Staff", user("lock@contoso.example", "Lo", "Ck", Map.of()));
        Map<String, Object> settings = settings(staff);
        String id = createDirectory("Locked Entra", settings);
        settings.put("usernameAttribute", "mail");
        settings.remove("clientSecret");
        assertEquals(200, dirsync.admin("PUT", "/directories/" + id, Map.of("settings", settings)).status(),
            "before the first sync it may change");
        settings.put("usernameAttribute", "userPrincipalName");
        assertEquals(200, dirsync.admin("PUT", "/directories/" + id, Map.of("settings", settings)).status());
        assertEquals("completed", sync(id, "full").get("status").asText());
        settings.put("usernameAttribute", "mail");
        Http.Result refused = dirsync.admin("PUT", "/directories/" + id, Map.of("settings", settings));
        assertEquals(400, refused.status(), refused::toString);
        assertTrue(refused.body().contains("cannot be changed after its first successful sync"), refused::toString);
    }

    @Test
    void aSingleUserSyncImportsOneUserByUserPrincipalNameAndTrashesOneThatLeft() {
        String solo = user("solo@contoso.example", "So", "Lo", Map.of());
        String staff = group("Staff", solo);
        String id = createDirectory("Single Entra", settings(staff));
        JsonNode run = sync(id, "user", "solo@contoso.example");
        assertEquals("completed", run.get("status").asText(), run::toString);
        assertEquals(1, run.at("/userCounts/created").asInt(), run::toString);
        graph.removeMember(staff, solo);
        JsonNode left = sync(id, "user", "solo@contoso.example");
        assertEquals(1, left.at("/counts/trashed").asInt(), left::toString);
        JsonNode unknown = sync(id, "user", "nobody@contoso.example");
        assertEquals(1, unknown.at("/counts/failed").asInt(), unknown::toString);
    }

    // ------------------------------------------------------------------ the wizard's actions

    @Test
    void testConnectionNamesTheWrongTenantTheWrongSecretAndTheMissingPermission() {
        Map<String, Object> settings = settings();
        JsonNode ok = action("test-connection", settings);
        assertTrue(ok.get("ok").asBoolean(), ok::toString);

        Map<String, Object> wrongSecret = new HashMap<>(settings);
        wrongSecret.put("clientSecret", "not-the-secret");
        JsonNode secret = action("test-connection", wrongSecret);
        assertFalse(secret.get("ok").asBoolean(), secret::toString);
        assertTrue(secret.get("message").asText().contains("The client secret is wrong"), secret::toString);

        Map<String, Object> wrongTenant = new HashMap<>(settings);
        wrongTenant.put("tenantId", "00000000-0000-0000-0000-000000000000");
        JsonNode tenant = action("test-connection", wrongTenant);
        assertFalse(tenant.get("ok").asBoolean(), tenant::toString);
        assertTrue(tenant.get("message").asText().contains("Tenant '00000000-0000-0000-0000-000000000000' was not found"),
            tenant::toString);

        graph.grant("User.Read.All");
        JsonNode missing = action("test-connection", settings);
        assertFalse(missing.get("ok").asBoolean(), missing::toString);
        assertTrue(missing.get("message").asText().contains("GroupMember.Read.All"), missing::toString);

        Map<String, Object> unreachable = new HashMap<>(settings);
        unreachable.put("authorityHost", "http://127.0.0.1:1");
        JsonNode network = action("test-connection", unreachable);
        assertFalse(network.get("ok").asBoolean(), network::toString);
        assertTrue(network.get("message").asText().contains("Cannot reach http://127.0.0.1:1"), network::toString);
    }

    @Test
    void searchGroupsFindsTheTenantsGroupsByName() {
        String eng = group("Engineering");
        group("Engineering Leads");
        group("Sales");
        Map<String, Object> body = new HashMap<>(Map.of("settings", settings(), "search", "eng", "max", 1));
        Http.Result r = dirsync.admin("POST", "/directory-types/entra/search-groups", body);
        assertEquals(200, r.status(), r::toString);
        assertEquals(1, r.json().get("groups").size(), r::toString);
        assertTrue(r.json().get("more").asBoolean(), r::toString);
        assertEquals(eng, r.json().at("/groups/0/id").asText(), r::toString);
        assertEquals("Engineering", r.json().at("/groups/0/name").asText());
    }

    // ------------------------------------------------------------------ helpers

    private String user(String upn, String given, String surname, Map<String, Object> more) {
        Map<String, Object> p = new HashMap<>(more);
        p.put("givenName", given);
        p.put("surname", surname);
        p.put("mail", upn);
        p.put("displayName", given + " " + surname);
        return graph.addUser(upn, p);
    }

    private String group(String name, String... members) {
        String g = graph.addGroup(name);
        for (String m : members) {
            graph.addMember(g, m);
        }
        return g;
    }

    /** Settings that reach the stand-in, with the realm's identity provider {@code entra} to link users to. */
    private Map<String, Object> settings(String... syncedGroups) {
        if (realm.admin().identityProviders().findAll().stream().noneMatch(p -> p.getAlias().equals("entra"))) {
            IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
            idp.setAlias("entra");
            idp.setProviderId("oidc");
            idp.setEnabled(true);
            idp.setConfig(Map.of("clientId", GraphStandIn.CLIENT_ID, "clientSecret", "s",
                "authorizationUrl", graph.url() + "/authorize", "tokenUrl", graph.url() + "/token",
                "clientAuthMethod", "client_secret_post"));
            realm.admin().identityProviders().create(idp).close();
        }
        Map<String, Object> s = new HashMap<>();
        s.put("tenantId", GraphStandIn.TENANT);
        s.put("clientId", GraphStandIn.CLIENT_ID);
        s.put("clientSecret", GraphStandIn.CLIENT_SECRET);
        s.put("authorityHost", graph.url());
        s.put("graphEndpoint", graph.url());
        s.put("syncedGroups", List.of(syncedGroups));
        s.put("identityProvider", "entra");
        return s;
    }

    private String createDirectory(String name, Map<String, Object> settings) {
        Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "entra", "name", name, "settings", settings));
        assertEquals(201, created.status(), created::toString);
        assertFalse(created.body().contains(GraphStandIn.CLIENT_SECRET), "the client secret is never shown");
        return created.json().get("id").asText();
    }

    private JsonNode sync(String id, String kind) {
        Http.Result r = dirsync.admin("POST", "/directories/" + id + "/sync", Map.of("kind", kind));
        assertEquals(200, r.status(), r::toString);
        return r.json();
    }

    private JsonNode sync(String id, String kind, String username) {
        Http.Result r = dirsync.admin("POST", "/directories/" + id + "/sync", Map.of("kind", kind, "username", username));
        assertEquals(200, r.status(), r::toString);
        return r.json();
    }

    private JsonNode action(String action, Map<String, Object> settings) {
        Http.Result r = dirsync.admin("POST", "/directory-types/entra/" + action, Map.of("settings", settings));
        assertEquals(200, r.status(), r::toString);
        return r.json();
    }

    private UserRepresentation kcUser(String username) {
        List<UserRepresentation> found = realm.admin().users().search(username, true);
        return found.isEmpty() ? null : found.get(0);
    }

    private String status(String userId) {
        return dirsync.admin("GET", "/users/" + userId, null).json().get("status").asText();
    }

    private List<String> realmRoles(String userId) {
        return realm.admin().users().get(userId).roles().realmLevel().listAll().stream().map(RoleRepresentation::getName).toList();
    }

    private JsonNode managedGroups(String directoryId) {
        return dirsync.admin("GET", "/directories/" + directoryId + "/groups", null).json();
    }

    private List<String> members(String groupId) {
        return realm.admin().groups().group(groupId).members().stream().map(UserRepresentation::getUsername).sorted().toList();
    }

    private static List<String> sourceNames(JsonNode groups) {
        List<String> names = new ArrayList<>();
        groups.forEach(g -> names.add(g.get("sourceName").asText()));
        return names.stream().sorted().toList();
    }

    private static List<String> textList(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static String groupId(JsonNode groups, String sourceName) {
        for (JsonNode g : groups) {
            if (g.get("sourceName").asText().equals(sourceName)) {
                return g.get("id").asText();
            }
        }
        throw new AssertionError("No managed group " + sourceName + " in " + groups);
    }
}
