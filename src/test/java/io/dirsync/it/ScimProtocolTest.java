package io.dirsync.it;

import static io.dirsync.it.ScimLifecycleTest.enc;
import static io.dirsync.it.ScimLifecycleTest.patch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;

import io.dirsync.engine.DirectorySyncEngineFactory;

/** RFC 7644 features: the filter grammar, paging, sorting, attribute selection, ETags, discovery, limits. */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class ScimProtocolTest extends DirSyncIntegrationTest {

    static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    @InjectRunOnServer(permittedPackages = "io.dirsync.it")
    RunOnServerClient onServer;

    DirSync.ScimDirectory okta;
    Map<String, String> ids = new HashMap<>();

    @BeforeEach
    void setUp() {
        okta = dirsync.scimDirectory("Protocol Okta", Map.of("mappings", List.of(
            Map.of("source", ENTERPRISE + ":department", "target", "department"),
            Map.of("source", "title", "target", "jobTitle"))));
        String[][] people = {
            {"ann", "Ann", "Archer", "ann@alpha.test", "Sales", "Rep"},
            {"ben", "Ben", "Baker", "ben@beta.test", "Sales", "Lead"},
            {"cat", "Cat", "Cole", "cat@alpha.test", "R&D", "Engineer"},
            {"dan", "Dan", "Drake", "dan@gamma.test", "R&D", "Manager"},
            {"eve", "Eve", "Evans", "eve@alpha.test", "Ops", "Engineer"}};
        for (String[] p : people) {
            Map<String, Object> body = new HashMap<>(DirSync.scimUser(p[0], p[1], p[2], p[3]));
            body.put("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE));
            body.put(ENTERPRISE, Map.of("department", p[4]));
            body.put("title", p[5]);
            Http.Result r = okta.scim("POST", "/Users", body);
            assertEquals(201, r.status(), r::toString);
            ids.put(p[0], DirSync.id(r));
        }
        okta.scim("PATCH", "/Users/" + ids.get("dan"), patch(Map.of("op", "replace", "path", "active", "value", false)));
    }

    /**
     * The users a filter finds, by userName. Asked twice: sorted by userName (the query joins Keycloak's user rows) and
     * unsorted (it reads the managed rows alone unless the filter needs Keycloak's): both must find the same users.
     */
    List<String> names(String filter) {
        List<String> sorted = names(filter, "&sortBy=userName");
        List<String> unsorted = new ArrayList<>(names(filter, ""));
        java.util.Collections.sort(unsorted);
        assertEquals(sorted, unsorted, "the same users with and without sortBy: " + filter);
        return sorted;
    }

    private List<String> names(String filter, String sort) {
        Http.Result r = okta.scim("GET", "/Users?count=50" + sort + "&filter=" + enc(filter), null);
        assertEquals(200, r.status(), r::toString);
        List<String> out = new ArrayList<>();
        r.json().get("Resources").forEach(u -> out.add(u.get("userName").asText()));
        assertEquals(out.size(), r.json().get("totalResults").asInt());
        return out;
    }

    /**
     * An equality on a document value is answered from the users resolved first when few hold the value, and by a
     * subquery when more than 100 do (UserQuery#RESOLVED_IDS): both ways find the same users, counted, paged and negated.
     */
    @Test
    void aValueHeldByMoreThanAHundredUsersIsFilteredLikeAValueFewHold() {
        for (int i = 0; i < 101; i++) {
            Map<String, Object> body = new HashMap<>(DirSync.scimUser("clerk" + i, "Clerk", "C" + i, "clerk" + i + "@alpha.test"));
            body.put("title", "Clerk");
            assertEquals(201, okta.scim("POST", "/Users", body).status());
        }
        JsonNode clerks = okta.scim("GET", "/Users?count=50&sortBy=userName&filter=" + enc("title eq \"CLERK\""), null).json();
        assertEquals(101, clerks.get("totalResults").asInt(), clerks::toString);
        assertEquals(50, clerks.get("Resources").size());
        assertEquals("clerk0", clerks.at("/Resources/0/userName").asText());
        JsonNode last = okta.scim("GET", "/Users?count=50&startIndex=101&filter=" + enc("title eq \"clerk\""), null).json();
        assertEquals(1, last.get("Resources").size(), last::toString);
        assertEquals(List.of("ann", "ben", "cat", "dan", "eve"), names("not (title eq \"clerk\")"));
        assertEquals(List.of("cat", "eve"), names("title eq \"engineer\""));
        assertEquals(List.of("cat", "eve"), names("title eq \"engineer\" and not (title eq \"clerk\")"));
    }

    @Test
    void theWholeFilterGrammarIsAnsweredOnTheDirectorysUsers() {
        assertEquals(List.of("ann"), names("userName eq \"ANN\""));
        assertEquals(List.of(), names("userName eq \"nobody\""));
        assertEquals(List.of("ann", "ben", "cat", "dan", "eve"), names("not (userName eq \"nobody\")"),
            "a name nobody holds: its negation holds for everyone");
        assertEquals(List.of("ann", "ben", "cat", "eve"), names("not (userName eq \"dan\")"));
        assertEquals(List.of("ann", "cat", "eve"), names("emails.value ew \"@alpha.test\""));
        assertEquals(List.of("ann", "cat", "eve"), names("emails[type eq \"work\" and value co \"@alpha\"]"));
        assertEquals(List.of("ben"), names("emails[type eq \"work\"].value eq \"ben@beta.test\""));
        assertEquals(List.of(), names("emails[type eq \"home\"].value eq \"ben@beta.test\""));
        assertEquals(List.of("ben", "cat"), names("name.familyName sw \"b\" or name.givenName eq \"cat\""));
        assertEquals(List.of("ann", "ben"), names(ENTERPRISE + ":department eq \"sales\""));
        assertEquals(List.of("cat"), names("emails.value eq \"CAT@alpha.test\""));
        assertEquals(List.of("ann", "ben", "dan", "eve"), names("not (emails.value eq \"cat@alpha.test\")"));
        assertEquals(List.of(), names("emails.value eq \"nobody@alpha.test\""));
        assertEquals(List.of("ann", "ben", "cat", "dan", "eve"), names("not (emails.value eq \"nobody@alpha.test\")"),
            "a value nobody holds: its negation holds for everyone");
        assertEquals(List.of("cat", "eve"), names("title eq \"Engineer\" and not (userName eq \"dan\")"));
        assertEquals(List.of("dan"), names("active eq false"));
        assertEquals(List.of("ann", "ben", "cat", "eve"), names("active eq true"));
        assertEquals(List.of("ann", "ben", "cat", "dan", "eve"), names("externalId pr"));
        assertEquals(List.of("cat", "dan", "eve"), names("userName gt \"ben\""));
        assertEquals(List.of("ann", "ben"), names("(userName eq \"ann\" or userName eq \"ben\") and active eq true"));
        assertEquals(List.of("ann", "ben", "cat", "dan", "eve"), names("meta.created gt \"2000-01-01T00:00:00Z\""));
        assertEquals(List.of(), names("meta.lastModified lt \"2000-01-01T00:00:00Z\""));

        String gid = DirSync.id(okta.scim("POST", "/Groups", Map.of("displayName", "Engineers",
            "members", List.of(Map.of("value", ids.get("cat")), Map.of("value", ids.get("eve"))))));
        assertEquals(List.of("cat", "eve"), names("groups eq \"" + gid + "\""));
        JsonNode groups = okta.scim("GET", "/Groups?filter=" + enc("members eq \"" + ids.get("cat") + "\""), null).json();
        assertEquals(1, groups.get("totalResults").asInt());
        assertEquals(1, okta.scim("GET", "/Groups?filter=" + enc("displayName sw \"eng\""), null).json().get("totalResults").asInt());

        Http.Result bad = okta.scim("GET", "/Users?filter=" + enc("password eq \"x\""), null);
        assertEquals(400, bad.status());
        assertEquals("invalidFilter", bad.json().get("scimType").asText());
        assertTrue(bad.json().get("detail").asText().contains("password"), bad::toString);
        assertEquals(400, okta.scim("GET", "/Users?filter=" + enc("meta.created gt \"yesterday\""), null).status());
        assertEquals(400, okta.scim("GET", "/Users?filter=" + enc("userName eq \"" + "x".repeat(2100) + "\""), null).status());
    }

    @Test
    void everyAttributeOfTheDocumentIsFilterableAndSortableWhateverItsCase() {
        // Attributes no mapping brings into Keycloak, from the core and Enterprise schemas, with several values.
        patchUser("ann", Map.of("userType", "Contractor", "nickName", "Annie",
            "phoneNumbers", List.of(Map.of("value", "+1 555 0100", "type", "mobile"), Map.of("value", "+44 20 7946", "type", "work")),
            "roles", List.of(Map.of("value", "admin"), Map.of("value", "auditor")),
            "emails", List.of(Map.of("value", "ann@alpha.test", "type", "work", "primary", true),
                Map.of("value", "ann.home@mail.test", "type", "home")),
            ENTERPRISE + ":employeeNumber", "0042"));
        patchUser("ben", Map.of("userType", "Employee", "nickName", "Benny",
            "phoneNumbers", List.of(Map.of("value", "+44 20 1234", "type", "mobile")),
            ENTERPRISE + ":employeeNumber", "0007"));

        assertEquals(List.of("ann"), names("displayName eq \"Ann Archer\""));
        assertEquals(List.of("ann"), names("DisplayName EQ \"ANN ARCHER\""), "attribute names and values in any case");
        assertEquals(List.of("ann"), names("userType eq \"contractor\""));
        assertEquals(List.of("cat", "dan", "eve"), names("not (userType pr)"));
        assertEquals(List.of("ben", "cat", "dan", "eve"), names("userType ne \"Contractor\""));
        assertEquals(List.of("ann", "ben"), names("phoneNumbers.value co \"+44\""));
        assertEquals(List.of("ann"), names("phoneNumbers[type eq \"mobile\" and value sw \"+1\"]"));
        assertEquals(List.of(), names("phoneNumbers[type eq \"work\" and value sw \"+1\"]"), "within one element");
        assertEquals(List.of("ben"), names("phoneNumbers[type eq \"mobile\"].value sw \"+44\""));
        assertEquals(List.of("ann"), names("roles eq \"auditor\""), "a multi-valued attribute means its value");
        assertEquals(List.of("ann"), names("emails.value eq \"ann.home@mail.test\""), "not only Keycloak's one e-mail");
        assertEquals(List.of("ann"), names("emails[type eq \"home\"]"));
        assertEquals(List.of("ben"), names(ENTERPRISE + ":employeeNumber eq \"0007\""));
        assertEquals(List.of("ann"), names("urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:EMPLOYEENUMBER gt \"0010\""));
        assertEquals(List.of("ann", "ben"), names("nickName sw \"Ann\" or nickName ew \"nny\""));

        assertEquals(List.of("ann", "ben", "cat", "dan", "eve"), sorted("displayName", "ascending"));
        assertEquals(List.of("ann", "ben", "cat", "dan", "eve"), sorted("nickName", "ascending"), "Annie < Benny, then none");
        assertEquals(List.of("cat", "dan", "eve", "ben", "ann"), sorted("nickName", "descending"), "none first, then Benny");
        assertEquals(List.of("ben", "ann", "cat", "dan", "eve"), sorted(ENTERPRISE + ":employeeNumber", "ascending"));
        assertEquals(List.of("eve", "dan", "cat", "ben", "ann"), sorted("DisplayName", "descending"));
        assertEquals(List.of("ann", "ben", "cat", "dan", "eve"), sorted("phoneNumbers", "ascending"),
            "by the first phone number (+1 555 0100 before +44 20 1234), users without one last");
        assertEquals(List.of("cat", "dan", "eve", "ben", "ann"), sorted("phoneNumbers", "descending"),
            "users without one first when descending (RFC 7644 §3.4.2.3)");

        JsonNode slim = okta.scim("GET", "/Users?attributes=DisplayName,NAME.GIVENNAME&filter=" + enc("userName eq \"ann\""),
            null).json().at("/Resources/0");
        assertEquals("Ann Archer", slim.get("displayName").asText(), slim::toString);
        assertEquals("Ann", slim.at("/name/givenName").asText(), slim::toString);
        assertFalse(slim.has("emails"), slim::toString);

        Http.Result lower = okta.scim("GET", "/users?filter=" + enc("userName eq \"ann\""), null);
        assertEquals(200, lower.status(), lower::toString);
        assertEquals(1, lower.json().get("totalResults").asInt());
        assertEquals(200, okta.scim("GET", "/users/" + ids.get("ann"), null).status());
        assertEquals(200, okta.scim("GET", "/serviceproviderconfig", null).status());
        assertEquals(200, okta.scim("GET", "/schemas", null).status());

        Http.Result password = okta.scim("GET", "/Users?sortBy=password", null);
        assertEquals(400, password.status(), password::toString);
    }

    @Test
    void documentsStoredBeforeTheirValuesWereIndexedAreIndexedAtStartUp() {
        String ann = ids.get("ann");
        onServer.run(session -> session.getProvider(JpaConnectionProvider.class).getEntityManager()
            .createQuery("delete from SourceValueEntity v where v.userId = :u").setParameter("u", ann).executeUpdate());
        assertEquals(List.of(), names("displayName eq \"Ann Archer\""), "as a document stored by an earlier version");
        onServer.run(session -> DirectorySyncEngineFactory.indexStoredDocuments(session.getKeycloakSessionFactory()));
        assertEquals(List.of("ann"), names("displayName eq \"Ann Archer\""));
    }

    /**
     * A replace that changes one value rewrites that value's row in place (one UPDATE): the filter finds the new value
     * and not the old, and the user keeps one row per value, neither a stale copy nor a lost one.
     */
    @Test
    void aChangedValueIsFoundByItsNewValueOnly() {
        String ann = ids.get("ann");
        long rowsBefore = sourceValueRows(ann);
        String rowIdsBefore = sourceValueRowIds(ann);
        patchUser("ann", Map.of("title", "Director", ENTERPRISE + ":department", "Legal"));
        // Row ids rather than Hibernate's insert count: the count is the server's, and a background job may insert too.
        assertEquals(rowIdsBefore, sourceValueRowIds(ann),
            "the two changed values were rewritten in place (same rows), not deleted and inserted again");
        assertEquals(List.of("ann"), names("title eq \"Director\""));
        assertEquals(List.of(), names("title eq \"Rep\""), "the old value is gone");
        assertEquals(List.of("ann"), names(ENTERPRISE + ":department eq \"legal\""));
        assertEquals(List.of("ben"), names(ENTERPRISE + ":department eq \"Sales\""));
        assertEquals(rowsBefore, sourceValueRows(ann), "one row per value, as before the change");

        Http.Result put = okta.scim("PUT", "/Users/" + ann, DirSync.scimUser("ann", "Ann", "Ashe", "ann@alpha.test"));
        assertEquals(200, put.status(), put::toString);
        assertEquals(List.of("ann"), names("name.familyName eq \"Ashe\""));
        assertEquals(List.of(), names("name.familyName eq \"Archer\""));
        assertEquals(List.of("ben", "cat", "dan", "eve"), names("title pr"), "a replace without the title drops its row");
    }

    private String sourceValueRowIds(String userId) {
        return onServer.fetchString(session -> String.join(",", session.getProvider(JpaConnectionProvider.class)
            .getEntityManager().createQuery("select v.id from SourceValueEntity v where v.userId = :u order by v.id", String.class)
            .setParameter("u", userId).getResultList()));
    }

    private long sourceValueRows(String userId) {
        return Long.parseLong(onServer.fetchString(session -> String.valueOf(session.getProvider(JpaConnectionProvider.class)
            .getEntityManager().createQuery("select count(v) from SourceValueEntity v where v.userId = :u", Long.class)
            .setParameter("u", userId).getSingleResult())));
    }

    private List<String> sorted(String sortBy, String order) {
        Http.Result r = okta.scim("GET", "/Users?count=50&sortBy=" + enc(sortBy) + "&sortOrder=" + order, null);
        assertEquals(200, r.status(), r::toString);
        List<String> out = new ArrayList<>();
        r.json().get("Resources").forEach(u -> out.add(u.get("userName").asText()));
        return out;
    }

    private void patchUser(String name, Map<String, Object> replace) {
        Http.Result r = okta.scim("PATCH", "/Users/" + ids.get(name), patch(Map.of("op", "replace", "value", replace)));
        assertEquals(204, r.status(), r::toString);
    }

    @Test
    void pagingIsStableAndSortingAndAttributeSelectionWork() {
        List<String> seen = new ArrayList<>();
        for (int start = 1; start <= 5; start += 2) {
            JsonNode page = okta.scim("GET", "/Users?startIndex=" + start + "&count=2", null).json();
            assertEquals(5, page.get("totalResults").asInt());
            assertEquals(start, page.get("startIndex").asInt());
            page.get("Resources").forEach(u -> seen.add(u.get("userName").asText()));
        }
        assertEquals(List.of("ann", "ben", "cat", "dan", "eve"), seen, "creation order, no repeats, no gaps");
        assertEquals(0, okta.scim("GET", "/Users?count=0", null).json().get("itemsPerPage").asInt());
        assertEquals(400, okta.scim("GET", "/Users?count=many", null).status());

        JsonNode desc = okta.scim("GET", "/Users?sortBy=name.familyName&sortOrder=descending", null).json();
        assertEquals("eve", desc.at("/Resources/0/userName").asText());

        JsonNode slim = okta.scim("GET", "/Users?attributes=userName,name.givenName&filter=" + enc("userName eq \"ann\""), null).json();
        JsonNode ann = slim.at("/Resources/0");
        assertEquals("ann", ann.get("userName").asText());
        assertEquals("Ann", ann.at("/name/givenName").asText());
        assertFalse(ann.has("emails"));
        assertFalse(ann.at("/name").has("familyName"));
        assertTrue(ann.has("id"), "id is always returned");

        JsonNode noEmails = okta.scim("GET", "/Users/" + ids.get("ann") + "?excludedAttributes=emails," + ENTERPRISE + ":department", null).json();
        assertFalse(noEmails.has("emails"));
        assertFalse(noEmails.path(ENTERPRISE).has("department"));
        assertEquals("Rep", noEmails.get("title").asText());

        JsonNode search = okta.scim("POST", "/Users/.search", Map.of("schemas", List.of("urn:ietf:params:scim:api:messages:2.0:SearchRequest"),
            "filter", "userName sw \"e\"", "attributes", List.of("userName"), "startIndex", 1, "count", 10)).json();
        assertEquals(1, search.get("totalResults").asInt());
        assertEquals("eve", search.at("/Resources/0/userName").asText());
    }

    @Test
    void eTagsProtectConcurrentWritersAndReads() {
        String id = ids.get("ann");
        Http.Result read = okta.scim("GET", "/Users/" + id, null);
        String etag = read.header("ETag");
        assertEquals(read.json().at("/meta/version").asText(), etag);
        assertEquals(304, Http.send("GET", okta.baseUrl() + "/Users/" + id, "Bearer " + okta.token(), null,
            Map.of("If-None-Match", etag)).status());

        Http.Result first = Http.send("PATCH", okta.baseUrl() + "/Users/" + id, "Bearer " + okta.token(),
            patch(Map.of("op", "replace", "path", "name.givenName", "value", "Annie")), Map.of("If-Match", etag));
        assertEquals(204, first.status(), first::toString);
        Http.Result stale = Http.send("PATCH", okta.baseUrl() + "/Users/" + id, "Bearer " + okta.token(),
            patch(Map.of("op", "replace", "path", "name.givenName", "value", "Anna")), Map.of("If-Match", etag));
        assertEquals(412, stale.status(), stale::toString);
        assertEquals("Annie", realm.admin().users().get(id).toRepresentation().getFirstName());

        // PUT and DELETE compare the same version (built only when If-Match is sent): stale → 412, nothing changed
        String bearer = "Bearer " + okta.token();
        Http.Result stalePut = Http.send("PUT", okta.baseUrl() + "/Users/" + id, bearer,
            DirSync.scimUser("ann", "Anne", "Archer", "ann@alpha.test"), Map.of("If-Match", etag));
        assertEquals(412, stalePut.status(), stalePut::toString);
        assertEquals("urn:ietf:params:scim:api:messages:2.0:Error", stalePut.json().at("/schemas/0").asText());
        Http.Result staleDelete = Http.send("DELETE", okta.baseUrl() + "/Users/" + id, bearer, null, Map.of("If-Match", etag));
        assertEquals(412, staleDelete.status(), staleDelete::toString);
        assertTrue(realm.admin().users().get(id).toRepresentation().isEnabled());
        assertEquals("Annie", realm.admin().users().get(id).toRepresentation().getFirstName());
        String current = okta.scim("GET", "/Users/" + id, null).header("ETag");
        Http.Result put = Http.send("PUT", okta.baseUrl() + "/Users/" + id, bearer,
            DirSync.scimUser("ann", "Anne", "Archer", "ann@alpha.test"), Map.of("If-Match", current));
        assertEquals(200, put.status(), put::toString);
        assertEquals("Anne", realm.admin().users().get(id).toRepresentation().getFirstName());

        // groups: a PATCH or PUT against the version before a rename is refused, the current one goes through
        Http.Result made = okta.scim("POST", "/Groups", Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:Group"),
            "displayName", "Etag Team"));
        assertEquals(201, made.status(), made::toString);
        String group = DirSync.id(made);
        String before = made.header("ETag");
        Http.Result rename = Http.send("PATCH", okta.baseUrl() + "/Groups/" + group, bearer,
            patch(Map.of("op", "replace", "path", "displayName", "value", "Etag Team 2")), Map.of("If-Match", before));
        assertEquals(204, rename.status(), rename::toString);
        Http.Result staleAdd = Http.send("PATCH", okta.baseUrl() + "/Groups/" + group, bearer,
            patch(Map.of("op", "add", "path", "members", "value", List.of(Map.of("value", id)))), Map.of("If-Match", before));
        assertEquals(412, staleAdd.status(), staleAdd::toString);
        Http.Result staleGroupPut = Http.send("PUT", okta.baseUrl() + "/Groups/" + group, bearer,
            Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:Group"), "displayName", "Etag Team 3"),
            Map.of("If-Match", before));
        assertEquals(412, staleGroupPut.status(), staleGroupPut::toString);
        JsonNode after = okta.scim("GET", "/Groups/" + group, null).json();
        assertEquals("Etag Team 2", after.get("displayName").asText());
        assertFalse(after.has("members") && after.get("members").size() > 0, after::toString);
    }

    @Test
    void discoveryTellsTheTruth() {
        JsonNode spc = okta.scim("GET", "/ServiceProviderConfig", null).json();
        assertTrue(spc.at("/patch/supported").asBoolean());
        assertTrue(spc.at("/filter/supported").asBoolean());
        assertTrue(spc.at("/etag/supported").asBoolean());
        assertTrue(spc.at("/sort/supported").asBoolean());
        assertTrue(spc.at("/bulk").has("maxOperations") && spc.at("/bulk").has("maxPayloadSize"));
        JsonNode types = okta.scim("GET", "/ResourceTypes", null).json();
        assertEquals(2, types.get("totalResults").asInt());
        JsonNode schemas = okta.scim("GET", "/Schemas", null).json();
        List<String> schemaIds = new ArrayList<>();
        schemas.get("Resources").forEach(s -> schemaIds.add(s.get("id").asText()));
        assertTrue(schemaIds.contains(ENTERPRISE), schemaIds::toString);
        assertEquals(200, okta.scim("GET", "/Schemas/" + ENTERPRISE, null).status());
        assertEquals(200, okta.scim("GET", "/ResourceTypes/User", null).status());
        assertEquals(405, okta.scim("DELETE", "/Schemas/" + ENTERPRISE, null).status(), "read-only");
        assertEquals(404, okta.scim("DELETE", "/Schemas/urn:no:such:schema", null).status(), "no such schema");
        assertEquals(404, okta.scim("GET", "/Schemas/urn:no:such:schema", null).status());
    }

    @Test
    void whatTheClientSentIsReadBackAndMalformedRequestsAreRefusedFirst() {
        Map<String, Object> body = new HashMap<>(DirSync.scimUser("echo", "E", "Cho", "echo@corp.test"));
        body.put("addresses", List.of(Map.of("type", "work", "locality", "Berlin", "country", "DE")));
        body.put("nickName", "Echoes");
        body.put("emails", List.of(Map.of("value", "home@corp.test", "type", "home"), Map.of("value", "echo@corp.test", "type", "work", "primary", true)));
        body.put("password", "never-stored");
        Http.Result created = okta.scim("POST", "/Users", body);
        assertEquals(201, created.status(), created::toString);
        String id = DirSync.id(created);
        JsonNode read = okta.scim("GET", "/Users/" + id, null).json();
        assertEquals("Berlin", read.at("/addresses/0/locality").asText(), "unmapped attributes are kept for the client");
        assertEquals("Echoes", read.get("nickName").asText());
        assertEquals(2, read.get("emails").size());
        assertFalse(read.has("password"));
        assertEquals("echo@corp.test", realm.admin().users().get(id).toRepresentation().getEmail(), "Keycloak keeps the primary");

        // Checked before the user is looked up: a malformed PATCH is a 400 even for an unknown id.
        String unknown = "/Users/" + java.util.UUID.randomUUID();
        assertEquals(400, okta.scim("PATCH", unknown, Map.of("schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"))).status());
        assertEquals(404, okta.scim("PATCH", unknown, patch(Map.of("op", "replace", "path", "title", "value", "x"))).status());
        Http.Result wrongSchema = okta.scim("PATCH", "/Users/" + id, patch(Map.of("op", "replace",
            "path", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:Group:employeeNumber", "value", "1")));
        assertEquals(400, wrongSchema.status(), wrongSchema::toString);
        assertEquals("invalidPath", wrongSchema.json().get("scimType").asText());
        assertEquals(400, okta.scim("PATCH", "/Users/" + id, patch(Map.of("op", "replace", "path", "userName.userName", "value", "x"))).status());
        Http.Result badType = okta.scim("PATCH", "/Users/" + id, patch(Map.of("op", "replace", "path", "displayName", "value", Map.of("a", 1))));
        assertEquals(400, badType.status(), badType::toString);
        assertEquals(400, okta.scim("POST", "/Users", Map.of("userName", "typed", "emails", "typed@corp.test")).status());
        // Custom attributes outside the RFC schemas are kept, not refused (Okta custom apps send them).
        assertEquals(204, okta.scim("PATCH", "/Users/" + id, patch(Map.of("op", "add", "path", "favouriteColour", "value", "green"))).status());
        assertEquals("green", okta.scim("GET", "/Users/" + id, null).json().get("favouriteColour").asText());

        assertEquals(400, okta.scim("GET", "/Users/" + enc("not#an id"), null).status());
        assertEquals(404, okta.scim("GET", "/Users/010101001010101011", null).status());
        Http.Result nowhere = okta.scim("GET", "/Nowhere", null);
        assertEquals(404, nowhere.status());
        assertEquals("urn:ietf:params:scim:api:messages:2.0:Error", nowhere.json().at("/schemas/0").asText());
        assertEquals(405, okta.scim("POST", "/Schemas", Map.of("id", "urn:x")).status());
        assertEquals(501, okta.scim("POST", "/Bulk", Map.of("schemas", List.of("urn:ietf:params:scim:api:messages:2.0:BulkRequest"))).status());
    }

    @Test
    void limitsAreDocumentedScimErrors() {
        List<Map<String, Object>> ops = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            ops.add(Map.of("op", "replace", "path", "title", "value", "t" + i));
        }
        Http.Result tooMany = okta.scim("PATCH", "/Users/" + ids.get("ann"),
            Map.of("schemas", List.of("urn:ietf:params:scim:api:messages:2.0:PatchOp"), "Operations", ops));
        // 413 as for a bulk request over its limits (RFC 7644 §3.7.4): "tooMany" is for a filter's results only.
        assertEquals(413, tooMany.status(), tooMany::toString);
        assertTrue(tooMany.json().path("scimType").isMissingNode(), tooMany::toString);
        assertEquals("413", tooMany.json().get("status").asText());
        assertTrue(tooMany.json().get("detail").asText().contains("at most 1000 operations"), tooMany::toString);
        Http.Result readOnly = okta.scim("PATCH", "/Users/" + ids.get("ann"), patch(Map.of("op", "replace", "path", "id", "value", "x")));
        assertEquals(400, readOnly.status());
        assertEquals("mutability", readOnly.json().get("scimType").asText());
        Http.Result noSchema = okta.scim("PATCH", "/Users/" + ids.get("ann"), Map.of("Operations", List.of(Map.of("op", "add", "path", "title", "value", "x"))));
        assertEquals(400, noSchema.status());
        assertFalse(noSchema.body().contains("Exception"), "no stack traces");
    }
}
