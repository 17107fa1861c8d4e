package io.dirsync.entra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** {@link GraphStandIn} over real HTTP: what a Graph client sees. */
class GraphStandInTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private GraphStandIn graph;
    private String bearer;

    record Res(int status, String body, HttpHeaders headers) {
        JsonNode json() {
            try {
                return body.isEmpty() ? MissingNode.getInstance() : JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON (" + status + "): " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String errorCode() {
            return json().path("error").path("code").asText(null);
        }

        String errorMessage() {
            return json().path("error").path("message").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** A whole delta round (or list walk): every item of every page, the final deltaLink, the page count. */
    record Round(List<JsonNode> items, String deltaLink, int pages, List<JsonNode> pageBodies) {
        Map<String, JsonNode> byId() {
            Map<String, JsonNode> m = new LinkedHashMap<>();
            for (JsonNode n : items) {
                assertNull(m.put(n.get("id").asText(), n), "each object once per round: " + n);
            }
            return m;
        }
    }

    @BeforeEach
    void start() {
        graph = GraphStandIn.start();
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    // ---------------------------------------------------------------- token endpoint

    @Test
    void tokenEndpointIssuesOpaqueBearerTokens() {
        Res r = token(GraphStandIn.TENANT, form("client_credentials", GraphStandIn.CLIENT_ID, GraphStandIn.CLIENT_SECRET,
            graph.url() + "/.default"));
        assertEquals(200, r.status(), r.toString());
        assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
        JsonNode j = r.json();
        assertEquals("Bearer", j.get("token_type").asText());
        assertEquals(3599, j.get("expires_in").asInt());
        assertEquals(3599, j.get("ext_expires_in").asInt());
        String first = j.get("access_token").asText();
        assertTrue(first.length() >= 32, first);
        String second = token(GraphStandIn.TENANT, form("client_credentials", GraphStandIn.CLIENT_ID,
            GraphStandIn.CLIENT_SECRET, graph.url() + "/.default")).json().get("access_token").asText();
        assertNotEquals(first, second);
        assertEquals(200, get("/v1.0/users", "Bearer " + first).status());
        assertEquals(200, get("/v1.0/users", "Bearer " + second).status());

        // client_secret_basic, and Graph's public resource name, are accepted too
        String basic = Base64.getEncoder().encodeToString((GraphStandIn.CLIENT_ID + ":"
            + URLEncoder.encode(GraphStandIn.CLIENT_SECRET, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        Res viaBasic = send(HttpRequest.newBuilder(URI.create(graph.url() + "/" + GraphStandIn.TENANT + "/oauth2/v2.0/token"))
            .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope="
                + enc("https://graph.microsoft.com/.default"))));
        assertEquals(200, viaBasic.status(), viaBasic.toString());
        assertEquals(200, token(GraphStandIn.TENANT, form("client_credentials", GraphStandIn.CLIENT_ID, GraphStandIn.CLIENT_SECRET,
            graph.url().replace("127.0.0.1", "localhost") + "/.default")).status(), "the same resource by host name");
    }

    @Test
    void tokenEndpointAnswersEntraErrors() {
        String scope = graph.url() + "/.default";
        String unknownTenant = "00000000-1111-2222-3333-444444444444";
        Res r = token(unknownTenant, form("client_credentials", GraphStandIn.CLIENT_ID, GraphStandIn.CLIENT_SECRET, scope));
        assertEntraError(r, 400, "invalid_request", 90002);
        assertTrue(r.json().get("error_description").asText().startsWith("AADSTS90002: Tenant '" + unknownTenant + "' not found. "
            + "Check to make sure you have the correct tenant ID and are signing into the correct cloud."), r.toString());

        String unknownClient = "11111111-2222-3333-4444-555555555555";
        r = token(GraphStandIn.TENANT, form("client_credentials", unknownClient, GraphStandIn.CLIENT_SECRET, scope));
        assertEntraError(r, 400, "unauthorized_client", 700016);
        assertTrue(r.json().get("error_description").asText().startsWith("AADSTS700016: Application with identifier '"
            + unknownClient + "' was not found in the directory '" + GraphStandIn.TENANT + "'."), r.toString());

        r = token(GraphStandIn.TENANT, form("client_credentials", GraphStandIn.CLIENT_ID, "wrong", scope));
        assertEntraError(r, 401, "invalid_client", 7000215);
        assertTrue(r.json().get("error_description").asText().startsWith("AADSTS7000215: Invalid client secret provided. Ensure "
            + "the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to "
            + "app '" + GraphStandIn.CLIENT_ID + "'."), r.toString());

        r = token(GraphStandIn.TENANT, form("client_credentials", GraphStandIn.CLIENT_ID, null, scope));
        assertEntraError(r, 401, "invalid_client", 7000218);

        r = token(GraphStandIn.TENANT, form("client_credentials", GraphStandIn.CLIENT_ID, GraphStandIn.CLIENT_SECRET,
            graph.url() + "/User.Read.All"));
        assertEntraError(r, 400, "invalid_scope", 1002012);

        r = token(GraphStandIn.TENANT, form("client_credentials", GraphStandIn.CLIENT_ID, GraphStandIn.CLIENT_SECRET,
            "https://management.azure.com/.default"));
        assertEntraError(r, 400, "invalid_resource", 500011);

        r = token(GraphStandIn.TENANT, form("password", GraphStandIn.CLIENT_ID, GraphStandIn.CLIENT_SECRET, scope));
        assertEntraError(r, 400, "unsupported_grant_type", 70003);

        r = token(GraphStandIn.TENANT, form(null, GraphStandIn.CLIENT_ID, GraphStandIn.CLIENT_SECRET, scope));
        assertEntraError(r, 400, "invalid_request", 900144);
        assertTrue(r.json().get("error_description").asText().contains("'grant_type'"));

        r = token(GraphStandIn.TENANT, form("client_credentials", GraphStandIn.CLIENT_ID, GraphStandIn.CLIENT_SECRET, null));
        assertEntraError(r, 400, "invalid_request", 900144);
        assertTrue(r.json().get("error_description").asText().contains("'scope'"));
    }

    // ---------------------------------------------------------------- Graph: authentication and permissions

    @Test
    void graphRejectsMissingUnknownAndExpiredTokens() {
        Res r = get("/v1.0/users", null);
        assertEquals(401, r.status());
        assertEquals("InvalidAuthenticationToken", r.errorCode());
        assertEquals("Access token is empty.", r.errorMessage());
        assertTrue(r.header("WWW-Authenticate").startsWith("Bearer"), r.header("WWW-Authenticate"));

        r = get("/v1.0/users", "Bearer not-a-token");
        assertEquals(401, r.status());
        assertEquals("InvalidAuthenticationToken", r.errorCode());
        assertTrue(r.errorMessage().startsWith("IDX14100: JWT is not well formed"), r.errorMessage());

        String old = bearer();
        assertEquals(200, get("/v1.0/users").status());
        graph.expireTokens();
        r = get("/v1.0/users", "Bearer " + old);
        assertEquals(401, r.status());
        assertEquals("InvalidAuthenticationToken", r.errorCode());
        assertEquals("Lifetime validation failed, the token is expired.", r.errorMessage());
        bearer = null; // a new token works again
        assertEquals(200, get("/v1.0/users").status());
    }

    @Test
    void permissionsDecideWhatTheAppMayRead() {
        String u = graph.addUser("ann@contoso.example", Map.of());
        String g = graph.addGroup("Staff");
        graph.addMember(g, u);
        // default grant: User.Read.All + GroupMember.Read.All reads everything modelled
        for (String path : List.of("/v1.0/users", "/v1.0/users/" + u, "/v1.0/users/delta", "/v1.0/users/" + u + "/memberOf",
            "/v1.0/groups", "/v1.0/groups/" + g, "/v1.0/groups/delta", "/v1.0/groups/" + g + "/members")) {
            assertEquals(200, get(path).status(), path);
        }
        graph.grant("User.Read.All");
        assertEquals(200, get("/v1.0/users").status());
        Res denied = get("/v1.0/groups");
        assertEquals(403, denied.status());
        assertEquals("Authorization_RequestDenied", denied.errorCode());
        assertEquals("Insufficient privileges to complete the operation.", denied.errorMessage());
        JsonNode inner = denied.json().get("error").get("innerError");
        assertTrue(inner.hasNonNull("date") && inner.hasNonNull("request-id") && inner.hasNonNull("client-request-id"), inner.toString());
        assertEquals(403, get("/v1.0/groups/delta").status());
        assertEquals(403, get("/v1.0/groups/" + g + "/transitiveMembers").status());
        assertEquals(403, get("/v1.0/users/" + u + "/memberOf").status(), "memberOf also needs a group permission");

        graph.grant("Group.Read.All");
        assertEquals(200, get("/v1.0/groups/" + g + "/members").status());
        assertEquals(403, get("/v1.0/users").status());
        assertEquals(403, get("/v1.0/users/delta").status());

        graph.grant("Directory.Read.All");
        assertEquals(200, get("/v1.0/users/" + u + "/transitiveMemberOf").status());
        assertEquals(200, get("/v1.0/groups/delta").status());

        graph.grant();
        assertEquals(403, get("/v1.0/users/" + u).status());
    }

    @Test
    void unknownObjectsPathsAndMethods() {
        String missing = "0f0f0f0f-1111-4222-8333-444444444444";
        for (String path : List.of("/v1.0/users/" + missing, "/v1.0/users/nobody@contoso.example", "/v1.0/groups/" + missing,
            "/v1.0/groups/" + missing + "/members", "/v1.0/users/" + missing + "/memberOf")) {
            Res r = get(path);
            assertEquals(404, r.status(), path);
            assertEquals("Request_ResourceNotFound", r.errorCode());
            String id = path.split("/")[3];
            assertEquals("Resource '" + id + "' does not exist or one of its queried reference-property objects are not present.",
                r.errorMessage());
        }
        Res r = get("/v1.0/applications");
        assertEquals(400, r.status());
        assertEquals("BadRequest", r.errorCode());
        assertEquals("Resource not found for the segment 'applications'.", r.errorMessage());
        String u = graph.addUser("ann@contoso.example", Map.of());
        r = get("/v1.0/users/" + u + "/manager");
        assertEquals(400, r.status());
        assertEquals("Resource not found for the segment 'manager'.", r.errorMessage());

        r = send(HttpRequest.newBuilder(URI.create(graph.url() + "/v1.0/users")).header("Authorization", "Bearer " + bearer())
            .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(405, r.status());
    }

    // ---------------------------------------------------------------- /users

    @Test
    void usersListReturnsGraphsDefaultPropertiesWithNullsAndEmptyLists() {
        String id = graph.addUser("ann@contoso.example", Map.of("givenName", "Ann", "businessPhones", List.of("+1 555 0100"),
            "employeeId", "E1"));
        Res r = get("/v1.0/users");
        assertEquals(200, r.status());
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
        assertEquals(graph.url() + "/v1.0/$metadata#users", r.json().get("@odata.context").asText());
        JsonNode u = r.json().get("value").get(0);
        assertEquals(List.of("id", "displayName", "givenName", "surname", "mail", "userPrincipalName", "mobilePhone",
            "businessPhones", "jobTitle", "officeLocation", "preferredLanguage"), names(u));
        assertEquals(id, u.get("id").asText());
        assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), id);
        assertEquals("Ann", u.get("givenName").asText());
        assertTrue(u.get("surname").isNull());
        assertEquals("+1 555 0100", u.get("businessPhones").get(0).asText());
        assertFalse(r.json().has("@odata.nextLink"));

        // $select (spelled %24select, case-insensitive names): id always, unset values null, unset lists []
        r = get("/v1.0/users?%24select=" + enc("EmployeeId,otherMails,accountEnabled,onPremisesSamAccountName"));
        u = r.json().get("value").get(0);
        assertEquals(List.of("id", "employeeId", "otherMails", "accountEnabled", "onPremisesSamAccountName"), names(u));
        assertEquals("E1", u.get("employeeId").asText());
        assertTrue(u.get("otherMails").isArray() && u.get("otherMails").isEmpty());
        assertTrue(u.get("accountEnabled").asBoolean(), "accountEnabled defaults to true");
        assertTrue(u.get("onPremisesSamAccountName").isNull());

        Res bad = get("/v1.0/users?$select=givenName,shoeSize");
        assertEquals(400, bad.status());
        assertEquals("Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.", bad.errorMessage());

        // extension properties: selectable, null until set
        String ext = "extension_" + GraphStandIn.CLIENT_ID.replace("-", "") + "_costCenter";
        r = get("/v1.0/users?$select=" + ext);
        assertTrue(r.json().get("value").get(0).get(ext).isNull());
        graph.updateUser(id, Map.of(ext, "CC-7"));
        assertEquals("CC-7", get("/v1.0/users?$select=" + ext).json().get("value").get(0).get(ext).asText());
    }

    @Test
    void usersListPagesByTopAndSkipToken() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            ids.add(graph.addUser("user" + i + "@contoso.example", Map.of("givenName", "G" + i)));
        }
        Res first = get("/v1.0/users?$select=givenName,surname&$top=3");
        assertEquals(200, first.status());
        assertEquals(graph.url() + "/v1.0/$metadata#users(givenName,surname)", first.json().get("@odata.context").asText());
        String next = first.json().get("@odata.nextLink").asText();
        assertTrue(next.startsWith(graph.url() + "/v1.0/users?"), next);
        Map<String, String> q = query(next);
        assertEquals("givenName,surname", q.get("$select"));
        assertEquals("3", q.get("$top"));
        assertNotNull(q.get("$skiptoken"));

        Round all = walk("/v1.0/users?$select=givenName,surname&$top=3");
        assertEquals(3, all.pages());
        assertEquals(ids, all.items().stream().map(n -> n.get("id").asText()).toList(), "creation order, each once");
        assertEquals(List.of("id", "givenName", "surname"), names(all.items().get(6)));
        assertFalse(all.pageBodies().get(2).has("@odata.nextLink"));

        // a page boundary exactly at the end: no empty extra page
        assertEquals(1, walk("/v1.0/users?$top=7").pages());
        assertEquals(7, walk("/v1.0/users").items().size());

        for (String top : List.of("1000", "0", "abc")) {
            Res r = get("/v1.0/users?$top=" + top);
            assertEquals(400, r.status());
            assertEquals("Request_UnsupportedQuery", r.errorCode());
            assertEquals("Invalid page size specified: '" + top + "'. Must be between 1 and 999 inclusive.", r.errorMessage());
        }
        Res r = get("/v1.0/users?$top=2&$skiptoken=bm9wZQ");
        assertEquals(400, r.status());
        assertEquals(400, get("/v1.0/users?$orderby=displayName").status());
        assertEquals(400, get("/v1.0/users?$top=2&$top=3").status());
    }

    @Test
    void usersFilterByUserPrincipalNameOrId() {
        String ann = graph.addUser("Ann.O'Brien@contoso.example", Map.of("givenName", "Ann"));
        graph.addUser("bob@contoso.example", Map.of("givenName", "Bob"));
        // URLEncoder writes spaces as '+': decoded as spaces, quotes escaped by doubling them (OData)
        Res r = get("/v1.0/users?$filter=" + URLEncoder.encode("userPrincipalName eq 'ann.o''brien@CONTOSO.example'",
            StandardCharsets.UTF_8) + "&$select=givenName");
        assertEquals(200, r.status(), r.toString());
        assertEquals(1, r.json().get("value").size());
        assertEquals(ann, r.json().get("value").get(0).get("id").asText());

        r = get("/v1.0/users?$filter=" + enc("id eq '" + ann + "'"));
        assertEquals(1, r.json().get("value").size());
        assertEquals("Ann", r.json().get("value").get(0).get("givenName").asText());

        r = get("/v1.0/users?$filter=" + enc("userPrincipalName eq 'nobody@contoso.example'"));
        assertEquals(200, r.status());
        assertEquals(0, r.json().get("value").size());

        r = get("/v1.0/users?$filter=" + enc("startswith(displayName,'A')"));
        assertEquals(400, r.status());
        assertEquals("Request_UnsupportedQuery", r.errorCode());
    }

    @Test
    void singleUserByIdOrUserPrincipalName() {
        String id = graph.addUser("ann@contoso.example", Map.of("givenName", "Ann", "mobilePhone", "+1 555 0101"));
        Res r = get("/v1.0/users/" + id + "?$select=givenName,mobilePhone");
        assertEquals(200, r.status());
        assertEquals(List.of("@odata.context", "id", "givenName", "mobilePhone"), names(r.json()));
        assertEquals("Ann", r.json().get("givenName").asText());

        r = get("/v1.0/users/ann%40contoso.example");
        assertEquals(id, r.json().get("id").asText());
        assertEquals("ann@contoso.example", r.json().get("userPrincipalName").asText());
        assertEquals(id, get("/v1.0/users/" + id.toUpperCase()).json().get("id").asText(), "ids are case-insensitive");

        graph.updateUser(id, Map.of("userPrincipalName", "ann.new@contoso.example"));
        assertEquals(404, get("/v1.0/users/ann@contoso.example").status());
        assertEquals(id, get("/v1.0/users/ann.new@contoso.example").json().get("id").asText());
    }

    // ---------------------------------------------------------------- groups and memberships

    @Test
    void groupsListFiltersByPrefixAndPages() {
        List<String> eng = new ArrayList<>();
        eng.add(graph.addGroup("Engineering"));
        graph.addGroup("Sales");
        eng.add(graph.addGroup("engineering-oncall"));
        graph.addGroup("Finance");
        eng.add(graph.addGroup("ENG Leads"));

        Round all = walk("/v1.0/groups?$top=2");
        assertEquals(5, all.items().size());
        assertEquals(3, all.pages());
        JsonNode g = all.items().get(0);
        assertEquals(List.of("id", "displayName", "description", "mail", "mailEnabled", "mailNickname", "securityEnabled",
            "groupTypes", "createdDateTime"), names(g));
        assertTrue(g.get("securityEnabled").asBoolean());

        Round filtered = walk("/v1.0/groups?$select=displayName&$top=2&$filter="
            + URLEncoder.encode("startswith(displayName,'eng')", StandardCharsets.UTF_8));
        assertEquals(eng, filtered.items().stream().map(n -> n.get("id").asText()).toList());
        assertEquals(2, filtered.pages(), "no trailing empty page when no further group matches");
        assertEquals(Map.of("$select", "displayName", "$top", "2", "$filter", "startswith(displayName,'eng')"),
            without(query(filtered.pageBodies().get(0).get("@odata.nextLink").asText()), "$skiptoken"));
        assertEquals(List.of("id", "displayName"), names(filtered.items().get(0)));

        Res one = get("/v1.0/groups/" + eng.get(0) + "?$select=displayName");
        assertEquals(List.of("@odata.context", "id", "displayName"), names(one.json()));
        assertEquals("Engineering", one.json().get("displayName").asText());
        assertEquals(400, get("/v1.0/groups?$filter=" + enc("displayName eq 'Sales'")).status());
        assertEquals(400, get("/v1.0/groups?$select=members").status(), "members is no property outside delta");
    }

    @Test
    void membersTransitiveMembersAndMemberOf() {
        String ann = graph.addUser("ann@contoso.example", Map.of("givenName", "Ann", "jobTitle", "Dev"));
        String bob = graph.addUser("bob@contoso.example", Map.of("givenName", "Bob"));
        String cy = graph.addUser("cy@contoso.example", Map.of("givenName", "Cy"));
        String all = graph.addGroup("All");
        String eng = graph.addGroup("Engineering");
        String ops = graph.addGroup("Ops");
        String oncall = graph.addGroup("Oncall");
        graph.addMember(all, eng);
        graph.addMember(all, ops);
        graph.addMember(eng, ann);
        graph.addMember(eng, oncall);
        graph.addMember(ops, oncall); // diamond: oncall reachable twice
        graph.addMember(oncall, bob);
        graph.addMember(oncall, ann); // ann reachable twice
        graph.addMember(all, cy);

        Res direct = get("/v1.0/groups/" + all + "/members?$select=displayName,givenName");
        assertEquals(200, direct.status());
        assertEquals(graph.url() + "/v1.0/$metadata#directoryObjects", direct.json().get("@odata.context").asText());
        List<JsonNode> items = list(direct.json().get("value"));
        assertEquals(List.of(eng, ops, cy), ids(items));
        assertEquals("#microsoft.graph.group", items.get(0).get("@odata.type").asText());
        assertEquals(List.of("@odata.type", "id", "displayName"), names(items.get(0)), "a group has no givenName");
        assertEquals("#microsoft.graph.user", items.get(2).get("@odata.type").asText());
        assertEquals(List.of("@odata.type", "id", "displayName", "givenName"), names(items.get(2)));
        assertEquals("Cy", items.get(2).get("givenName").asText());
        assertTrue(items.get(2).get("displayName").isNull());

        Round transitive = walk("/v1.0/groups/" + all + "/transitiveMembers?$top=2&$select=id");
        assertEquals(Set.of(eng, ops, cy, ann, oncall, bob), new HashSet<>(ids(transitive.items())));
        assertEquals(6, transitive.items().size(), "each member once");
        assertEquals(3, transitive.pages());

        Round directPaged = walk("/v1.0/groups/" + oncall + "/members?$top=1");
        assertEquals(List.of(bob, ann), ids(directPaged.items()));
        assertEquals(List.of("@odata.type", "id", "displayName", "givenName", "surname", "mail", "userPrincipalName",
            "mobilePhone", "businessPhones", "jobTitle", "officeLocation", "preferredLanguage"), names(directPaged.items().get(1)),
            "no $select: the user's default properties");

        Res memberOf = get("/v1.0/users/" + ann + "/memberOf?$select=displayName");
        assertEquals(List.of(eng, oncall), ids(list(memberOf.json().get("value"))));
        assertEquals("#microsoft.graph.group", memberOf.json().get("value").get(0).get("@odata.type").asText());
        assertEquals("Engineering", memberOf.json().get("value").get(0).get("displayName").asText());

        Round up = walk("/v1.0/users/" + ann + "/transitiveMemberOf?$top=1&$select=displayName");
        assertEquals(Set.of(eng, oncall, all, ops), new HashSet<>(ids(up.items())));
        assertEquals(4, up.items().size());
        assertEquals(4, up.pages());
        assertEquals(List.of(all), ids(list(get("/v1.0/groups/" + eng + "/memberOf").json().get("value"))));
        assertEquals(Set.of(eng, ops, all), new HashSet<>(ids(list(get("/v1.0/groups/" + oncall + "/transitiveMemberOf")
            .json().get("value")))));

        graph.removeMember(oncall, ann);
        assertEquals(List.of(bob), ids(list(get("/v1.0/groups/" + oncall + "/members").json().get("value"))));
        assertEquals(400, get("/v1.0/groups/" + all + "/members?$top=1000").status());
    }

    // ---------------------------------------------------------------- users delta

    @Test
    void usersDeltaInitialRoundPagesByPreferHeader() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(graph.addUser("u" + i + "@contoso.example", Map.of("givenName", "G" + i, "surname", "S" + i, "jobTitle", "J")));
        }
        Res first = get("/v1.0/users/delta?$select=givenName,surname", "Bearer " + bearer(), "Prefer", "odata.maxpagesize=2");
        assertEquals(200, first.status());
        assertEquals("odata.maxpagesize=2", first.header("Preference-Applied"));
        assertEquals(2, first.json().get("value").size());
        String next = first.json().get("@odata.nextLink").asText();
        assertTrue(next.startsWith(graph.url() + "/v1.0/users/delta?$skiptoken="), next);
        assertEquals(Set.of("$skiptoken"), query(next).keySet(), "the token carries $select");
        assertFalse(first.json().has("@odata.deltaLink"));

        Round round = delta("/v1.0/users/delta?$select=givenName,surname", 2);
        assertEquals(3, round.pages());
        assertEquals(ids, ids(round.items()));
        assertEquals(List.of("id", "givenName", "surname"), names(round.items().get(0)));
        assertTrue(round.deltaLink().startsWith(graph.url() + "/v1.0/users/delta?$deltatoken="), round.deltaLink());
        for (int i = 0; i < 2; i++) {
            assertTrue(round.pageBodies().get(i).has("@odata.nextLink"));
            assertFalse(round.pageBodies().get(i).has("@odata.deltaLink"));
        }

        // no Prefer: 100 a page, no Preference-Applied; more than 999 is not honoured
        Res plain = get("/v1.0/users/delta");
        assertNull(plain.header("Preference-Applied"));
        assertEquals(5, plain.json().get("value").size());
        assertTrue(plain.json().has("@odata.deltaLink"));
        assertEquals(List.of("id", "displayName", "givenName", "surname", "mail", "userPrincipalName", "mobilePhone",
            "businessPhones", "jobTitle", "officeLocation", "preferredLanguage"), names(plain.json().get("value").get(0)));
        assertNull(get("/v1.0/users/delta", "Bearer " + bearer(), "Prefer", "odata.maxpagesize=5000").header("Preference-Applied"));

        // a round limited to some ids
        Round some = delta("/v1.0/users/delta?$select=givenName&$filter="
            + enc("id eq '" + ids.get(3) + "' or id eq '" + ids.get(1) + "'"), 1);
        assertEquals(List.of(ids.get(1), ids.get(3)), ids(some.items()));
        assertEquals(400, get("/v1.0/users/delta?$top=2").status());
    }

    @Test
    void usersDeltaReportsOnlyWhatChangedSinceTheToken() {
        String a = graph.addUser("a@contoso.example", Map.of("givenName", "A", "surname", "Alpha"));
        String b = graph.addUser("b@contoso.example", Map.of("givenName", "B"));
        String c = graph.addUser("c@contoso.example", Map.of("givenName", "C"));
        String d = graph.addUser("d@contoso.example", Map.of("givenName", "D"));
        String e = graph.addUser("e@contoso.example", Map.of("givenName", "E", "mail", "e@contoso.example"));
        String untouched = graph.addUser("z@contoso.example", Map.of("givenName", "Z"));
        String select = "/v1.0/users/delta?$select=" + enc("givenName,surname,mail,accountEnabled,userPrincipalName");
        Round initial = delta(select, 100);
        assertEquals(6, initial.items().size());

        String f = graph.addUser("f@contoso.example", Map.of("givenName", "F"));
        graph.updateUser(a, Map.of("givenName", "A2", "jobTitle", "Dev"));
        graph.updateUser(a, Map.of("givenName", "A3"));          // twice: once in the round, latest value
        Map<String, Object> clear = new HashMap<>();
        clear.put("surname", null);                              // a removed property changes too
        graph.updateUser(a, clear);
        graph.updateUser(b, Map.of("jobTitle", "Ops"));          // not selected: no change for this client
        graph.updateUser(untouched, Map.of("givenName", "Z"));   // same value: no change at all
        graph.deleteUser(c, false);
        graph.deleteUser(d, true);
        graph.deleteUser(e, false);
        graph.restoreUser(e);

        Round changes = delta(initial.deltaLink(), 2);
        Map<String, JsonNode> byId = changes.byId();
        assertEquals(Set.of(a, c, d, e, f), byId.keySet());
        assertEquals(3, changes.pages());
        assertEquals(List.of("id", "givenName", "surname", "mail", "accountEnabled", "userPrincipalName"), names(byId.get(f)),
            "new: all selected properties");
        assertEquals("F", byId.get(f).get("givenName").asText());
        assertEquals(List.of("id", "givenName", "surname"), names(byId.get(a)), "updated: only the selected ones that changed");
        assertEquals("A3", byId.get(a).get("givenName").asText());
        assertTrue(byId.get(a).get("surname").isNull());
        assertEquals("changed", byId.get(c).get("@removed").get("reason").asText());
        assertEquals(List.of("id", "@removed"), names(byId.get(c)));
        assertEquals("deleted", byId.get(d).get("@removed").get("reason").asText());
        assertEquals(List.of("id", "givenName", "surname", "mail", "accountEnabled", "userPrincipalName"), names(byId.get(e)),
            "restored: all selected properties");
        assertEquals("e@contoso.example", byId.get(e).get("mail").asText());

        // nothing changed since: one empty page with a deltaLink
        Round quiet = delta(changes.deltaLink(), 2);
        assertEquals(0, quiet.items().size());
        assertEquals(1, quiet.pages());

        // a soft-deleted user purged later: "deleted"; userPrincipalName change is a property change
        graph.deleteUser(c, true);
        graph.updateUser(b, Map.of("userPrincipalName", "b.new@contoso.example"));
        Map<String, JsonNode> later = delta(quiet.deltaLink(), 10).byId();
        assertEquals("deleted", later.get(c).get("@removed").get("reason").asText());
        assertEquals("b.new@contoso.example", later.get(b).get("userPrincipalName").asText());
        assertEquals(List.of("id", "userPrincipalName"), names(later.get(b)));

        // the old deltaLink still works and sees everything since its own point
        assertEquals(Set.of(a, b, c, d, e, f), delta(initial.deltaLink(), 50).byId().keySet());
    }

    @Test
    void deltaTokenLatestStartsFromNow() {
        String before = graph.addUser("old@contoso.example", Map.of("givenName", "Old"));
        Res r = get("/v1.0/users/delta?$deltatoken=latest&$select=givenName");
        assertEquals(200, r.status());
        assertEquals(0, r.json().get("value").size());
        assertFalse(r.json().has("@odata.nextLink"));
        String link = r.json().get("@odata.deltaLink").asText();
        String after = graph.addUser("new@contoso.example", Map.of("givenName", "New", "surname", "N"));
        graph.updateUser(before, Map.of("surname", "not selected"));
        Round round = delta(link, 10);
        assertEquals(List.of(after), ids(round.items()));
        assertEquals(List.of("id", "givenName"), names(round.items().get(0)), "the $select of the latest request applies");

        Res groups = get("/v1.0/groups/delta?$deltatoken=latest");
        assertEquals(0, groups.json().get("value").size());
        String g = graph.addGroup("New group");
        assertEquals(List.of(g), ids(delta(groups.json().get("@odata.deltaLink").asText(), 10).items()));
    }

    @Test
    void deltaFollowUpsTakeOnlyTheirToken() {
        graph.addUser("a@contoso.example", Map.of());
        graph.addUser("b@contoso.example", Map.of());
        Res first = get("/v1.0/users/delta?$select=givenName", "Bearer " + bearer(), "Prefer", "odata.maxpagesize=1");
        String next = first.json().get("@odata.nextLink").asText();
        Res withSelect = get(next + "&$select=surname", "Bearer " + bearer(), "Prefer", "odata.maxpagesize=1");
        assertEquals(400, withSelect.status());
        Res both = get(next + "&$deltatoken=x");
        assertEquals(400, both.status());
        assertEquals(200, get(next).status(), "the token alone is fine");

        for (String bad : List.of("$deltatoken=garbage", "$skiptoken=" + Base64.getUrlEncoder().encodeToString("[1,2]".getBytes()))) {
            Res r = get("/v1.0/users/delta?" + bad);
            assertEquals(400, r.status(), bad);
            assertEquals("syncStateNotFound", r.errorCode());
        }
        // a users token is no groups token
        String usersLink = delta("/v1.0/users/delta", 10).deltaLink();
        Res cross = get(graph.url() + "/v1.0/groups/delta?" + URI.create(usersLink).getRawQuery());
        assertEquals(400, cross.status());
        assertEquals("syncStateNotFound", cross.errorCode());
        // nor does another stand-in know this one's tokens
        try (GraphStandIn other = GraphStandIn.start()) {
            String foreign = URI.create(usersLink).getRawQuery();
            Res r = get(other.url() + "/v1.0/users/delta?" + foreign, "Bearer " + tokenFor(other));
            assertEquals(400, r.status());
            assertEquals("syncStateNotFound", r.errorCode());
        }
    }

    // ---------------------------------------------------------------- groups delta

    @Test
    void groupsDeltaInitialRoundSplitsLargeGroupsOverPages() {
        List<String> users = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            users.add(graph.addUser("u" + i + "@contoso.example", Map.of()));
        }
        String big = graph.addGroup("Big");
        users.forEach(u -> graph.addMember(big, u));
        String mixed = graph.addGroup("Mixed");
        graph.addMember(mixed, users.get(0));
        graph.addMember(mixed, big);
        String empty = graph.addGroup("Empty");

        Round round = delta("/v1.0/groups/delta?$select=" + enc("displayName,members"), 2);
        for (JsonNode page : round.pageBodies()) {
            assertTrue(page.get("value").size() <= 2, page.toString());
            int members = 0;
            for (JsonNode g : page.get("value")) {
                members += g.path("members@delta").size();
            }
            assertTrue(members <= 2, "at most a page size of members@delta entries: " + page);
        }
        long bigAppearances = round.items().stream().filter(n -> n.get("id").asText().equals(big)).count();
        assertEquals(3, bigAppearances, "5 members in chunks of 2: the group comes back with the next chunk");
        Map<String, List<JsonNode>> merged = mergeMembers(round.items());
        assertEquals(users, merged.get(big).stream().map(m -> m.get("id").asText()).toList());
        assertTrue(merged.get(big).stream().allMatch(m -> m.get("@odata.type").asText().equals("#microsoft.graph.user")));
        assertEquals(List.of(users.get(0), big), merged.get(mixed).stream().map(m -> m.get("id").asText()).toList());
        assertEquals("#microsoft.graph.group", merged.get(mixed).get(1).get("@odata.type").asText());
        assertEquals(List.of(), merged.get(empty));
        JsonNode emptyGroup = round.items().stream().filter(n -> n.get("id").asText().equals(empty)).findFirst().orElseThrow();
        assertEquals("Empty", emptyGroup.get("displayName").asText());
        assertTrue(emptyGroup.get("members@delta").isArray());

        // without $select: default properties and members; with $select=displayName: no members
        Round plain = delta("/v1.0/groups/delta", 100);
        assertEquals(5, mergeMembers(plain.items()).get(big).size());
        assertTrue(plain.items().get(0).has("securityEnabled"));
        Round names = delta("/v1.0/groups/delta?$select=displayName", 100);
        assertEquals(3, names.items().size());
        assertTrue(names.items().stream().noneMatch(n -> n.has("members@delta")));

        // $filter on ids: only those groups; at most 50 ids
        Round one = delta("/v1.0/groups/delta?$select=displayName,members&$filter=" + enc("id eq '" + mixed + "'"), 100);
        assertEquals(List.of(mixed), ids(one.items()));
        String many = java.util.stream.IntStream.range(0, 51).mapToObj(i -> "id eq '" + StandInHttp.guid() + "'")
            .collect(Collectors.joining(" or "));
        Res tooMany = get("/v1.0/groups/delta?$filter=" + enc(many));
        assertEquals(400, tooMany.status());
        assertEquals("Request_UnsupportedQuery", tooMany.errorCode());
        assertEquals(400, get("/v1.0/groups/delta?$filter=" + enc("startswith(displayName,'B')")).status());
        assertEquals(400, get("/v1.0/groups/delta?$select=shoeSize").status());
    }

    @Test
    void groupsDeltaReportsRenamesMembershipChangesAndDeletions() {
        List<String> u = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            u.add(graph.addUser("u" + i + "@contoso.example", Map.of()));
        }
        String g1 = graph.addGroup("One");
        String g2 = graph.addGroup("Two");
        String g3 = graph.addGroup("Three");
        String quiet = graph.addGroup("Quiet");
        graph.addMember(g1, u.get(0));
        graph.addMember(g1, u.get(1));
        graph.addMember(g2, u.get(2));
        graph.addMember(quiet, u.get(3));
        String full = "/v1.0/groups/delta?$select=" + enc("displayName,members");
        String withMembers = delta(full, 100).deltaLink();
        String namesOnly = delta("/v1.0/groups/delta?$select=displayName", 100).deltaLink();

        graph.renameGroup(g2, "Two renamed");
        graph.addMember(g1, u.get(5));
        graph.removeMember(g1, u.get(0));
        graph.deleteUser(u.get(1), false);       // leaves g1: a removal in groups delta
        graph.addMember(g2, u.get(6));
        graph.removeMember(g2, u.get(6));         // added and removed again: no net change
        graph.removeMember(g2, u.get(2));
        graph.addMember(g2, u.get(2));            // removed and added again: no net change
        graph.deleteGroup(g3);
        String g4 = graph.addGroup("Four");
        graph.addMember(g4, u.get(2));
        graph.addMember(g4, g1);

        Round round = delta(withMembers, 100);
        Map<String, JsonNode> byId = round.byId();
        assertEquals(Set.of(g1, g2, g3, g4), byId.keySet(), "Quiet did not change");
        assertEquals(List.of("id", "displayName"), names(byId.get(g2)), "renamed, memberships netted out");
        assertEquals("Two renamed", byId.get(g2).get("displayName").asText());
        assertEquals(List.of("id", "members@delta"), names(byId.get(g1)));
        Map<String, JsonNode> g1Members = new HashMap<>();
        byId.get(g1).get("members@delta").forEach(m -> g1Members.put(m.get("id").asText(), m));
        assertEquals(Set.of(u.get(0), u.get(1), u.get(5)), g1Members.keySet());
        assertFalse(g1Members.get(u.get(5)).has("@removed"));
        assertEquals("#microsoft.graph.user", g1Members.get(u.get(5)).get("@odata.type").asText());
        assertEquals("deleted", g1Members.get(u.get(0)).get("@removed").get("reason").asText());
        assertEquals("deleted", g1Members.get(u.get(1)).get("@removed").get("reason").asText());
        assertEquals("deleted", byId.get(g3).get("@removed").get("reason").asText());
        assertEquals("Four", byId.get(g4).get("displayName").asText());
        assertEquals(List.of(u.get(2), g1), ids(list(byId.get(g4).get("members@delta"))));
        assertEquals("#microsoft.graph.group", byId.get(g4).get("members@delta").get(1).get("@odata.type").asText());

        // same changes for a client that tracks only displayName: member-only changes are invisible
        Map<String, JsonNode> names = delta(namesOnly, 100).byId();
        assertEquals(Set.of(g2, g3, g4), names.keySet());
        assertTrue(names.values().stream().noneMatch(n -> n.has("members@delta")));

        // a restored user is back in its groups (a member added again)
        graph.restoreUser(u.get(1));
        Map<String, JsonNode> restored = delta(round.deltaLink(), 100).byId();
        assertEquals(Set.of(g1), restored.keySet());
        assertEquals(u.get(1), restored.get(g1).get("members@delta").get(0).get("id").asText());
        assertFalse(restored.get(g1).get("members@delta").get(0).has("@removed"));
    }

    @Test
    void groupsDeltaSplitsMemberChangesOverPagesToo() {
        String g = graph.addGroup("Growing");
        String link = delta("/v1.0/groups/delta?$select=members", 10).deltaLink();
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            added.add(graph.addUser("n" + i + "@contoso.example", Map.of()));
            graph.addMember(g, added.get(i));
        }
        Round round = delta(link, 3);
        assertEquals(3, round.pages());
        assertEquals(added, mergeMembers(round.items()).get(g).stream().map(m -> m.get("id").asText()).toList());
    }

    // ---------------------------------------------------------------- expiry, throttling, faults

    @Test
    void expiredDeltaTokensAnswer410WithAFreshRound() {
        String a = graph.addUser("a@contoso.example", Map.of("givenName", "A"));
        String b = graph.addUser("b@contoso.example", Map.of("givenName", "B"));
        String filter = "id eq '" + a + "' or id eq '" + b + "'";
        Res first = get("/v1.0/users/delta?$select=givenName&$filter=" + enc(filter), "Bearer " + bearer(),
            "Prefer", "odata.maxpagesize=1");
        String next = first.json().get("@odata.nextLink").asText();
        String deltaLink = delta("/v1.0/groups/delta", 10).deltaLink();
        graph.expireDeltaTokens();

        Res gone = get(next);
        assertEquals(410, gone.status());
        assertEquals("resyncRequired", gone.errorCode());
        assertEquals("Resync required. Replace any local cached data with the one returned by the fresh delta request.",
            gone.errorMessage());
        String location = gone.header("Location");
        assertTrue(location.startsWith(graph.url() + "/v1.0/users/delta?"), location);
        assertEquals(Map.of("$select", "givenName", "$filter", filter), query(location));
        Res groupsGone = get(deltaLink);
        assertEquals(410, groupsGone.status());
        assertEquals(graph.url() + "/v1.0/groups/delta", groupsGone.header("Location"));

        // the Location starts a working round whose tokens are fresh
        Round fresh = delta(location, 1);
        assertEquals(List.of(a, b), ids(fresh.items()));
        graph.updateUser(a, Map.of("givenName", "A2"));
        assertEquals(List.of(a), ids(delta(fresh.deltaLink(), 1).items()));
    }

    @Test
    void throttleHeaderOnEveryGraphAnswer() {
        graph.throttleLimitPercentage(0.9);
        Res ok = get("/v1.0/users");
        assertEquals("0.9", ok.header("x-ms-throttle-limit-percentage"));
        assertEquals("0.9", get("/v1.0/users/0f0f0f0f-1111-4222-8333-444444444444").header("x-ms-throttle-limit-percentage"));
        assertEquals("0.9", get("/v1.0/users", null).header("x-ms-throttle-limit-percentage"));
        assertEquals("0.9", get("/v1.0/groups/delta").header("x-ms-throttle-limit-percentage"));
        assertNull(token(GraphStandIn.TENANT, form("client_credentials", GraphStandIn.CLIENT_ID, GraphStandIn.CLIENT_SECRET,
            graph.url() + "/.default")).header("x-ms-throttle-limit-percentage"), "the authority is not Graph");
        graph.throttleLimitPercentage(null);
        assertNull(get("/v1.0/users").header("x-ms-throttle-limit-percentage"));
    }

    @Test
    void failNextInjectsExactlyTheQueuedAnswers() {
        for (int i = 1; i <= 3; i++) {
            graph.addUser("u" + i + "@contoso.example", Map.of());
        }
        String body = "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Too many requests.\"}}";
        graph.failNext("/v1.0/users", 1, 429, Map.of("Retry-After", "1"), body);
        Res page1 = get("/v1.0/users?$top=1");
        assertEquals(200, page1.status(), "skip 1: the first request passes");
        String next = page1.json().get("@odata.nextLink").asText();
        Res throttled = get(next);
        assertEquals(429, throttled.status());
        assertEquals("1", throttled.header("Retry-After"));
        assertEquals(body, throttled.body());
        assertEquals("application/json", throttled.header("Content-Type"));
        Res retried = get(next);
        assertEquals(200, retried.status(), "once, then normal again");

        // several queued: consecutive, each once; default bodies; other paths unaffected
        graph.failNext("/v1.0/groups", 0, 503, null, null);
        graph.failNext("/v1.0/groups", 0, 500, Map.of("Retry-After", "2"), null);
        assertEquals(200, get("/v1.0/users").status());
        Res unavailable = get("/v1.0/groups");
        assertEquals(503, unavailable.status());
        assertEquals("serviceNotAvailable", unavailable.errorCode());
        Res failed = get("/v1.0/groups");
        assertEquals(500, failed.status());
        assertEquals("generalException", failed.errorCode());
        assertEquals("2", failed.header("Retry-After"));
        assertEquals(200, get("/v1.0/groups").status());

        // matches the query too (as sent or decoded), and the token endpoint
        graph.failNext("$skiptoken", 0, 429, Map.of("Retry-After", "1"), null);
        assertEquals(200, get("/v1.0/users?%24top=1").status());
        assertEquals(429, get(next).status());
        graph.failNext("/oauth2/v2.0/token", 0, 503, null, "");
        Res tokenFault = token(GraphStandIn.TENANT, form("client_credentials", GraphStandIn.CLIENT_ID,
            GraphStandIn.CLIENT_SECRET, graph.url() + "/.default"));
        assertEquals(503, tokenFault.status());
        assertEquals("", tokenFault.body());
        assertEquals(503, graph.requests().get(graph.requests().size() - 1).status(), "recorded with the injected status");
    }

    @Test
    void requestsAreRecordedInOrderWithDecodedQueries() {
        graph.clearRequests();
        bearer = null;
        get("/v1.0/users?%24select=" + enc("givenName,surname") + "&$top=2", "Bearer " + bearer(), "Prefer",
            "odata.maxpagesize=5", "Client-Request-Id", "abc-123");
        get("/v1.0/users", "Bearer nope");
        List<GraphStandIn.Recorded> recorded = graph.requests();
        assertEquals(3, recorded.size(), recorded.toString());
        GraphStandIn.Recorded token = recorded.get(0);
        assertEquals("POST", token.method());
        assertEquals("/" + GraphStandIn.TENANT + "/oauth2/v2.0/token", token.path());
        assertEquals(200, token.status());
        GraphStandIn.Recorded users = recorded.get(1);
        assertEquals("GET", users.method());
        assertEquals("/v1.0/users", users.path());
        assertEquals(Map.of("$select", "givenName,surname", "$top", "2"), users.query());
        assertEquals("odata.maxpagesize=5", users.headers().get("prefer"));
        assertEquals("abc-123", users.headers().get("client-request-id"));
        assertTrue(users.headers().get("authorization").startsWith("Bearer "));
        assertTrue(users.headers().keySet().stream().allMatch(k -> k.equals(k.toLowerCase())), users.headers().toString());
        assertEquals(200, users.status());
        assertEquals(401, recorded.get(2).status());
        graph.clearRequests();
        assertEquals(List.of(), graph.requests());
    }

    @Test
    void clientRequestIdIsEchoed() {
        Res r = get("/v1.0/users", "Bearer " + bearer(), "client-request-id", "my-id-1");
        assertEquals("my-id-1", r.header("client-request-id"));
        assertNotNull(r.header("request-id"));
    }

    // ---------------------------------------------------------------- Java API

    @Test
    void javaApiKeepsTheTenantConsistent() {
        String ann = graph.addUser("ann@contoso.example", Map.of("givenName", "Ann", "otherMails", List.of("a@x.example")));
        assertThrows(IllegalArgumentException.class, () -> graph.addUser("ANN@contoso.example", Map.of()),
            "userPrincipalName is unique, case-insensitively");
        Map<String, Object> props = graph.user(ann);
        assertEquals(ann, props.get("id"));
        assertEquals("ann@contoso.example", props.get("userPrincipalName"));
        assertEquals(true, props.get("accountEnabled"));
        assertEquals(List.of("a@x.example"), props.get("otherMails"));
        props.put("givenName", "changed in the copy");
        assertEquals("Ann", graph.user(ann).get("givenName"));

        Map<String, Object> changes = new HashMap<>();
        changes.put("givenName", null);
        changes.put("accountEnabled", false);
        graph.updateUser(ann, changes);
        assertFalse(graph.user(ann).containsKey("givenName"));
        assertEquals(false, graph.user(ann).get("accountEnabled"));
        assertThrows(IllegalArgumentException.class, () -> graph.updateUser(ann, Map.of("id", "x")));

        String parent = graph.addGroup("Parent");
        String child = graph.addGroup("Child");
        graph.addMember(parent, child);
        graph.addMember(child, ann);
        graph.addMember(parent, ann);
        graph.deleteUser(ann, false);
        assertEquals(404, get("/v1.0/users/" + ann).status());
        assertEquals(0, get("/v1.0/groups/" + child + "/members").json().get("value").size());
        assertEquals(List.of(child), ids(list(get("/v1.0/groups/" + parent + "/members").json().get("value"))));
        assertNotNull(graph.user(ann), "a soft-deleted user still has its properties");
        assertThrows(IllegalArgumentException.class, () -> graph.addMember(child, ann));

        graph.restoreUser(ann);
        assertEquals(200, get("/v1.0/users/" + ann).status());
        assertEquals(List.of(child, parent), ids(list(get("/v1.0/users/" + ann + "/memberOf").json().get("value"))));

        graph.deleteGroup(child);
        assertEquals(404, get("/v1.0/groups/" + child).status());
        assertEquals(List.of(ann), ids(list(get("/v1.0/groups/" + parent + "/members").json().get("value"))));
        assertEquals(List.of(parent), ids(list(get("/v1.0/users/" + ann + "/memberOf").json().get("value"))));

        graph.deleteUser(ann, true);
        assertNull(graph.user(ann));
        assertThrows(IllegalArgumentException.class, () -> graph.restoreUser(ann));
        assertEquals(0, get("/v1.0/groups/" + parent + "/members").json().get("value").size());

        List<String> groups = graph.populate(5, 2);
        assertEquals(2, groups.size());
        Round users = walk("/v1.0/users?$select=givenName,surname,mail,displayName,employeeId");
        assertEquals(5, users.items().size());
        JsonNode first = users.items().get(0);
        assertEquals("Given00001", first.get("givenName").asText());
        assertEquals("Surname00001", first.get("surname").asText());
        assertEquals("Given00001 Surname00001", first.get("displayName").asText());
        assertEquals("user00001@contoso.example", first.get("mail").asText());
        assertEquals("E00001", first.get("employeeId").asText());
        assertEquals("Group 001", get("/v1.0/groups/" + groups.get(0)).json().get("displayName").asText());
        assertEquals(3, get("/v1.0/groups/" + groups.get(0) + "/members").json().get("value").size());
        assertEquals(2, get("/v1.0/groups/" + groups.get(1) + "/members").json().get("value").size());
        assertEquals("Group 003", get("/v1.0/groups/" + graph.populate(1, 1).get(0)).json().get("displayName").asText(),
            "numbering continues");
    }

    @Test
    void concurrentReadersWhileTheTenantChanges() throws Exception {
        graph.populate(500, 5);
        String token = bearer();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                readers.add(pool.submit(() -> {
                    int seen = 0;
                    for (int i = 0; i < 5; i++) {
                        Round r = walk("/v1.0/users?$top=97&$select=givenName", token);
                        seen = r.items().size();
                        assertEquals(r.items().size(), new HashSet<>(ids(r.items())).size(), "no user twice in a walk");
                    }
                    return seen;
                }));
            }
            for (int i = 0; i < 200; i++) {
                graph.addUser("extra" + i + "@contoso.example", Map.of("givenName", "X"));
            }
            for (Future<Integer> f : readers) {
                int seen = f.get();
                assertTrue(seen >= 500 && seen <= 700, "saw " + seen);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(700, walk("/v1.0/users?$top=999").items().size());
    }

    @Test
    void atTheBenchmarksScaleRoundsPageAndMergeExactly() {
        long t0 = System.nanoTime();
        List<String> groups = graph.populate(50_000, 100);
        long populated = System.nanoTime();

        Round users = delta("/v1.0/users/delta?$select=" + enc("givenName,surname,mail,displayName,employeeId,userPrincipalName"), 999);
        long usersRound = System.nanoTime();
        assertEquals(50_000, users.items().size());
        assertEquals(51, users.pages());
        assertEquals(50_000, new HashSet<>(ids(users.items())).size());

        Round groupsRound = delta("/v1.0/groups/delta?$select=displayName,members", 999);
        long groupsDone = System.nanoTime();
        Map<String, List<JsonNode>> merged = mergeMembers(groupsRound.items());
        assertEquals(100, merged.size());
        assertTrue(merged.values().stream().allMatch(m -> m.size() == 500));
        assertEquals(Set.copyOf(groups), merged.keySet());

        Round listed = walk("/v1.0/users?$top=999&$select=userPrincipalName");
        assertEquals(50_000, listed.items().size());
        assertEquals(500, walk("/v1.0/groups/" + groups.get(7) + "/members?$top=999").items().size());

        // 1,000 changed users: an incremental round with exactly those, each with only the changed property
        List<String> changed = ids(users.items()).subList(10_000, 11_000);
        for (String id : changed) {
            graph.updateUser(id, Map.of("givenName", "Renamed"));
        }
        long t1 = System.nanoTime();
        Round incremental = delta(users.deltaLink(), 999);
        long incrementalDone = System.nanoTime();
        assertEquals(Set.copyOf(changed), incremental.byId().keySet());
        assertTrue(incremental.items().stream().allMatch(n -> names(n).equals(List.of("id", "givenName"))));

        // small answers must not wait for delayed ACKs (Nagle): ~40 ms each would dominate a sync of small pages; the
        // figure is printed for whoever tunes the stand-in
        String token = bearer();
        long s0 = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertEquals(200, get("/v1.0/users?$top=1&$select=id", "Bearer " + token).status());
        }
        double smallMs = (System.nanoTime() - s0) / 1e6 / 100;

        double populateS = (populated - t0) / 1e9;
        double usersS = (usersRound - populated) / 1e9;
        double groupsS = (groupsDone - usersRound) / 1e9;
        double incS = (incrementalDone - t1) / 1e9;
        System.out.printf("GraphStandIn 50k/100: populate %.2fs, users delta %.2fs, groups delta %.2fs, incremental %.2fs, "
            + "small request %.1fms%n", populateS, usersS, groupsS, incS, smallMs);
        // (printed, not asserted: speed is for benchmarks to measure, not for tests to time)
    }

    // ---------------------------------------------------------------- helpers

    private static void assertEntraError(Res r, int status, String error, int code) {
        assertEquals(status, r.status(), r.toString());
        assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
        JsonNode j = r.json();
        assertEquals(error, j.get("error").asText(), r.toString());
        assertEquals(code, j.get("error_codes").get(0).asInt(), r.toString());
        assertTrue(j.get("error_description").asText().startsWith("AADSTS" + code + ": "), r.toString());
        for (String field : List.of("timestamp", "trace_id", "correlation_id")) {
            assertTrue(j.hasNonNull(field), field + " in " + r);
        }
    }

    private static String form(String grant, String clientId, String secret, String scope) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", grant);
        f.put("client_id", clientId);
        f.put("client_secret", secret);
        f.put("scope", scope);
        return f.entrySet().stream().filter(e -> e.getValue() != null).map(e -> e.getKey() + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
    }

    private Res token(String tenant, String form) {
        return tokenAt(graph.url(), tenant, form);
    }

    private static Res tokenAt(String base, String tenant, String form) {
        return send(HttpRequest.newBuilder(URI.create(base + "/" + tenant + "/oauth2/v2.0/token"))
            .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private static String tokenFor(GraphStandIn g) {
        return tokenAt(g.url(), GraphStandIn.TENANT, form("client_credentials", GraphStandIn.CLIENT_ID, GraphStandIn.CLIENT_SECRET,
            g.url() + "/.default")).json().get("access_token").asText();
    }

    private String bearer() {
        if (bearer == null) {
            bearer = tokenFor(graph);
        }
        return bearer;
    }

    private Res get(String pathOrUrl) {
        return get(pathOrUrl, "Bearer " + bearer());
    }

    /** GET with this Authorization (null: none) and header name/value pairs. */
    private Res get(String pathOrUrl, String authorization, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : graph.url() + pathOrUrl))
            .timeout(Duration.ofSeconds(60)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    private static Res send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Res(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Round walk(String first) {
        return walk(first, bearer());
    }

    /** Follows @odata.nextLink to the end. */
    private Round walk(String first, String token) {
        List<JsonNode> items = new ArrayList<>();
        List<JsonNode> bodies = new ArrayList<>();
        String next = first;
        while (next != null) {
            Res r = get(next, "Bearer " + token);
            assertEquals(200, r.status(), next + " -> " + r);
            JsonNode j = r.json();
            bodies.add(j);
            j.get("value").forEach(items::add);
            next = j.hasNonNull("@odata.nextLink") ? j.get("@odata.nextLink").asText() : null;
            assertTrue(bodies.size() < 10_000, "runaway paging");
        }
        JsonNode last = bodies.get(bodies.size() - 1);
        return new Round(items, last.path("@odata.deltaLink").asText(null), bodies.size(), bodies);
    }

    /** A whole delta round with this page size: nextLinks until a deltaLink. */
    private Round delta(String first, int pageSize) {
        List<JsonNode> items = new ArrayList<>();
        List<JsonNode> bodies = new ArrayList<>();
        String next = first;
        while (true) {
            Res r = get(next, "Bearer " + bearer(), "Prefer", "odata.maxpagesize=" + pageSize);
            assertEquals(200, r.status(), next + " -> " + r);
            assertEquals("odata.maxpagesize=" + pageSize, r.header("Preference-Applied"));
            JsonNode j = r.json();
            bodies.add(j);
            j.get("value").forEach(items::add);
            assertTrue(j.has("@odata.nextLink") != j.has("@odata.deltaLink"), "exactly one link: " + j);
            if (j.has("@odata.deltaLink")) {
                return new Round(items, j.get("@odata.deltaLink").asText(), bodies.size(), bodies);
            }
            next = j.get("@odata.nextLink").asText();
            assertTrue(bodies.size() < 10_000, "runaway paging");
        }
    }

    /** Groups delta items merged per group: its members@delta entries in order (a group split over pages is one). */
    private static Map<String, List<JsonNode>> mergeMembers(List<JsonNode> items) {
        Map<String, List<JsonNode>> m = new LinkedHashMap<>();
        for (JsonNode g : items) {
            List<JsonNode> members = m.computeIfAbsent(g.get("id").asText(), k -> new ArrayList<>());
            g.path("members@delta").forEach(members::add);
        }
        return m;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> l = new ArrayList<>();
        array.forEach(l::add);
        return l;
    }

    private static List<String> ids(List<JsonNode> items) {
        return items.stream().map(n -> n.get("id").asText()).toList();
    }

    /** A link's query, decoded. */
    private static Map<String, String> query(String url) {
        Map<String, String> m = new LinkedHashMap<>();
        StandInHttp.parseQuery(URI.create(url).getRawQuery()).forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    private static Map<String, String> without(Map<String, String> m, String key) {
        Map<String, String> copy = new LinkedHashMap<>(m);
        copy.remove(key);
        return copy;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
