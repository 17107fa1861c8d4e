package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

import io.dirsync.duo.DuoRequests;
import io.dirsync.endpoint.RealmEndpointProviderFactory;

/**
 * Malformed requests at volume against the real server: the SCIM endpoint (Users, Groups, their PATCH and PUT, .search,
 * Bulk, filters) and the Duo Admin API endpoint (signed correctly, so that the input reaches the parsers), with broken
 * JSON, wrong types, deep nesting, huge strings, lone surrogates, NUL, RTL and combining marks, 500-clause filters, odd
 * casing and bad PATCH paths. Asserted: no 5xx, no stack trace or Java class name in any answer, and nothing written but
 * by the requests that happened to be valid (counted and compared with the realm's user and group counts).
 * {@code -Dfuzz.requests=N} (default 10,000, half each), {@code -Dfuzz.seed=S} replays a run (its seed is printed).
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class HttpFuzzTest extends DirSyncIntegrationTest {

    static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    static final String CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
    /** What a leaked exception looks like: a stack frame, or a qualified class name of the server's libraries. */
    static final Pattern LEAK = Pattern.compile("\\tat |\\bat [a-z]+\\.[a-z]+\\.|(java|javax|jakarta|org\\.keycloak|org\\.hibernate|"
        + "org\\.h2|org\\.postgresql|com\\.fasterxml|com\\.unboundid|io\\.dirsync|io\\.quarkus|io\\.vertx|org\\.jboss)\\.[a-z]+\\.[A-Za-z]"
        + "|Exception\\b|NullPointer");

    Random random;
    final List<String> failures = new ArrayList<>();
    int sent;
    int unauthorizedInWindow;
    int clockMoved;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;
    int usersCreated;
    int groupsCreated;
    final Map<Integer, Integer> statuses = new TreeMap<>();

    @Test
    void tenThousandMalformedRequestsGetNo5xxNoStackTraceAndWriteNothing() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int total = Integer.getInteger("fuzz.requests", 10_000);
        System.out.println("HttpFuzzTest seed " + seed + " (replay: -Dfuzz.seed=" + seed + "), " + total + " requests");
        random = new Random(seed);

        DirSync.ScimDirectory scim = dirsync.scimDirectory("Fuzzed Okta", Map.of("mappings", List.of(
            Map.of("source", "nickName", "target", "alias1"), Map.of("source", "title", "target", "jobTitle"))));
        DuoRequests duo = DuoRequests.directory(dirsync, "Fuzzed Duo");
        // One user and one group of each, for the requests on an id.
        String userId = DirSync.id(scim.scim("POST", "/Users", DirSync.scimUser("target", "Tar", "Get", "target@corp.test")));
        String groupId = DirSync.id(scim.scim("POST", "/Groups", Map.of("displayName", "Target group")));
        Http.Result duoUser = duo.post("/admin/v1/users", Map.of("username", "duo.target"));
        String duoUserId = duoUser.json().at("/response/user_id").asText();
        String duoGroupId = duo.post("/admin/v1/groups", Map.of("name", "Duo target")).json().at("/response/group_id").asText();
        long usersBefore = realm.admin().users().count();
        long groupsBefore = realm.admin().groups().count().get("count");

        long started = System.nanoTime();
        for (int i = 0; i < total; i++) {
            if (i % 2 == 0) {
                scimRequest(scim, userId, groupId);
            } else {
                duoRequest(duo, duoUserId, duoGroupId);
            }
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        long usersAfter = realm.admin().users().count();
        long groupsAfter = realm.admin().groups().count().get("count");
        System.out.printf("HttpFuzzTest: %d requests in %d s, statuses %s, valid by chance: %d user and %d group creates%n",
            sent, seconds, statuses, usersCreated, groupsCreated);
        assertEquals(null, statuses.get(429), "every request reached the endpoint's parsers, none throttled (seed " + seed + ")");
        assertTrue(failures.isEmpty(), () -> failures.size() + " bad answers (seed " + seed + "), first ones:\n"
            + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
        assertEquals(usersBefore + usersCreated, usersAfter, "users written only by the valid creates (seed " + seed + ")");
        assertEquals(groupsBefore + groupsCreated, groupsAfter, "groups written only by the valid creates (seed " + seed + ")");
    }

    // ------------------------------------------------------------------ SCIM

    void scimRequest(DirSync.ScimDirectory scim, String userId, String groupId) {
        int kind = random.nextInt(12);
        String method;
        String path;
        Object body = null;
        switch (kind) {
            case 0, 1 -> { method = "POST"; path = "/Users"; body = userBody(); }
            case 2 -> { method = "PUT"; path = "/Users/" + userId; body = userBody(); }
            case 3, 4 -> { method = "PATCH"; path = "/Users/" + userId; body = patchBody(false); }
            case 5 -> { method = "POST"; path = "/Groups"; body = groupBody(); }
            case 6 -> { method = pick("PATCH", "PUT"); path = "/Groups/" + groupId;
                body = method.equals("PATCH") ? patchBody(true) : groupBody(); }
            case 7, 8 -> { method = "GET"; path = pick("/Users", "/Groups") + "?" + queryString(); }
            case 9 -> { method = "POST"; path = pick("/Users/.search", "/Groups/.search", "/Bulk", "/.search");
                body = searchBody(); }
            case 10 -> { method = pick("GET", "DELETE", "PATCH"); path = pick("/Users/", "/Groups/") + oddId();
                body = method.equals("PATCH") ? patchBody(false) : null; }
            default -> { method = pick("POST", "PUT", "GET"); path = pick("/USERS", "/users", "/Users/" + userId + "/x",
                "/Schemas/" + oddId(), "/ResourceTypes/x", "/ServiceProviderConfig", "/Me");
                body = method.equals("GET") ? null : brokenJson(); }
        }
        String raw = body == null ? null : body instanceof String s ? s : json(body);
        Http.Result r;
        try {
            r = Http.send(method, scim.baseUrl() + path, "Bearer " + scim.token(), raw,
                Map.of("Accept", "application/scim+json", "Content-Type", pick("application/scim+json", "application/json")));
        } catch (AssertionError | IllegalArgumentException e) {
            // A URI the client library itself refuses to send (it never reached the server).
            return;
        }
        check("SCIM " + method + " " + abbreviate(path), raw, r);
        // The endpoint's names are case-insensitive (RFC 7643 §2.1): POST /USERS with a valid body creates a user too.
        if (r.status() == 201 && path.equalsIgnoreCase("/Users")) {
            usersCreated++;
        } else if (r.status() == 201 && path.equalsIgnoreCase("/Groups")) {
            groupsCreated++;
        }
    }

    Object userBody() {
        if (random.nextInt(4) == 0) {
            return brokenJson();
        }
        Map<String, Object> u = new LinkedHashMap<>();
        if (random.nextBoolean()) {
            u.put("schemas", random.nextBoolean() ? List.of(CORE_USER) : value());
        }
        u.put(casing("userName"), random.nextInt(3) == 0 ? value() : "fz" + random.nextInt(1_000_000) + oddText(8));
        int extra = random.nextInt(6);
        for (int i = 0; i < extra; i++) {
            u.put(casing(pick("externalId", "name", "emails", "active", "nickName", "title", "displayName", "phoneNumbers",
                "groups", "password", "meta", "id", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                "urn:x:y:" + oddText(5), oddText(6))), value());
        }
        return u;
    }

    Object groupBody() {
        if (random.nextInt(4) == 0) {
            return brokenJson();
        }
        Map<String, Object> g = new LinkedHashMap<>();
        g.put(casing("displayName"), random.nextInt(3) == 0 ? value() : "fz" + random.nextInt(1_000_000) + oddText(8));
        if (random.nextBoolean()) {
            g.put(casing(pick("externalId", "members", "schemas", "id", "meta")), value());
        }
        return g;
    }

    Object patchBody(boolean group) {
        if (random.nextInt(5) == 0) {
            return brokenJson();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemas", random.nextInt(6) == 0 ? value() : List.of(PATCH_OP));
        List<Object> ops = new ArrayList<>();
        int n = random.nextInt(10) == 0 ? 1001 : 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("op", pick("add", "replace", "remove", "Replace", "ADD", "move", "copy", "", oddText(4)));
            if (random.nextInt(4) != 0) {
                op.put("path", patchPath(group));
            }
            op.put("value", value());
            ops.add(random.nextInt(15) == 0 ? value() : op);
        }
        body.put(pick("Operations", "operations", "OPERATIONS"), random.nextInt(15) == 0 ? value() : ops);
        return body;
    }

    String patchPath(boolean group) {
        return pick(group ? "displayName" : "name.givenName", group ? "members" : "emails[type eq \"work\"].value",
            group ? "members[value eq \"" + oddText(5) + "\"]" : "name.familyName", "externalId", "id", "meta.created",
            "groups", "emails[type eq", "name..x", "members[", "urn:ietf:params:scim:schemas:core:2.0:User:",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "a.b.c.d", "[]", "\"", " ",
            "emails[value pr].type", "title", "nickName", casing("userName"), oddText(12), filter(1 + random.nextInt(3)));
    }

    Object searchBody() {
        if (random.nextInt(3) == 0) {
            return brokenJson();
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("schemas", List.of("urn:ietf:params:scim:api:messages:2.0:SearchRequest"));
        b.put("filter", random.nextInt(4) == 0 ? value() : filter(1 + random.nextInt(8)));
        if (random.nextBoolean()) {
            b.put(pick("startIndex", "count", "sortBy", "sortOrder", "attributes", "excludedAttributes"), value());
        }
        return b;
    }

    String queryString() {
        List<String> params = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            String name = pick("filter", "filter", "startIndex", "count", "sortBy", "sortOrder", "attributes",
                "excludedAttributes", "FILTER", oddText(3));
            String v = name.equalsIgnoreCase("filter") ? (random.nextInt(10) == 0 ? manyClauses() : filter(1 + random.nextInt(6)))
                : pick("-1", "0", "1", "99999999999999999999", "abc", "", "1.5", "userName", "meta.created", "descending",
                    oddText(10), "emails[type eq \"work\"].value");
            params.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
        }
        return String.join("&", params);
    }

    /** A filter of 500 clauses (longer than the documented 2,048 characters, or just under it). */
    String manyClauses() {
        List<String> clauses = new ArrayList<>();
        int n = random.nextBoolean() ? 500 : 60;
        for (int i = 0; i < n; i++) {
            clauses.add(comparison());
        }
        return String.join(pick(" or ", " and ", " OR "), clauses);
    }

    String filter(int depth) {
        if (depth <= 1) {
            return random.nextInt(8) == 0 ? oddText(20) : comparison();
        }
        return switch (random.nextInt(5)) {
            case 0 -> filter(depth - 1) + pick(" and ", " or ", " AnD ", " OR ") + filter(depth - 1);
            case 1 -> pick("not (", "NOT(", "not ") + filter(depth - 1) + ")";
            case 2 -> "(" + filter(depth - 1) + pick(")", "", "))");
            case 3 -> pick("emails", "phoneNumbers", "members", "groups", "x") + "[" + filter(depth - 1) + pick("]", "", "]]");
            default -> comparison();
        };
    }

    String comparison() {
        String attr = casing(pick("userName", "name.givenName", "emails.value", "emails", "externalId", "id", "meta.created",
            "meta.lastModified", "active", "title", "nickName", "groups", "groups.display", "members", "displayName",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "password", "x.y.z", oddText(5)));
        String op = casing(pick("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr", "xx"));
        if (op.equalsIgnoreCase("pr")) {
            return attr + " " + op;
        }
        return attr + " " + op + " " + pick("\"a\"", "true", "false", "null", "42", "-1e308", "1e999",
            "\"2015-10-10T14:38:21Z\"", "\"" + oddText(10).replace("\\", "\\\\").replace("\"", "\\\"") + "\"", "bare",
            "\"unterminated", "\"\\ud800\"", "\"\\u0000\"");
    }

    // ------------------------------------------------------------------ Duo

    void duoRequest(DuoRequests duo, String userId, String groupId) {
        int kind = random.nextInt(8);
        Http.Result r;
        String what;
        try {
            switch (kind) {
                case 0, 1, 2 -> {
                    what = "POST users";
                    r = random.nextInt(3) == 0 ? duo.postRaw("/admin/v1/users", duoRawBody(), "application/json")
                        : duo.post("/admin/v1/users", duoUserParams(true));
                    if (r.status() == 200) {
                        usersCreated++;
                    }
                }
                case 3 -> {
                    what = "POST users/{id}";
                    r = duo.post("/admin/v1/users/" + pick(userId, oddId()), duoUserParams(false));
                }
                case 4 -> {
                    what = "POST groups";
                    Map<String, String> p = new TreeMap<>();
                    p.put("name", random.nextInt(4) == 0 ? oddText(random.nextInt(400)) : "fz" + random.nextInt(1_000_000) + oddText(6));
                    if (random.nextBoolean()) {
                        p.put(pick("desc", "status", "push_enabled", oddText(4)), oddText(random.nextInt(300)));
                    }
                    r = duo.post("/admin/v1/groups", p);
                    if (r.status() == 200) {
                        groupsCreated++;
                    }
                }
                case 5 -> {
                    what = "POST groups/{id} or users/{id}/groups";
                    r = random.nextBoolean() ? duo.post("/admin/v1/groups/" + pick(groupId, oddId()), Map.of(
                            pick("name", "desc", "status"), oddText(random.nextInt(300))))
                        : duo.post("/admin/v1/users/" + userId + "/groups", Map.of("group_id", pick(groupId, oddId(), oddText(40))));
                }
                case 6 -> {
                    what = "GET users";
                    Map<String, String> p = new TreeMap<>();
                    p.put(pick("username", "email", "username_list", "user_id_list", "limit", "offset", oddText(3)),
                        pick(oddText(20), "-1", "0", "99999999999999999999", "[\"a\",1]", "[" + "\"x\",".repeat(200) + "\"x\"]",
                            "not json", "" ));
                    r = duo.get("/admin/v1/users", p);
                }
                default -> {
                    what = "GET other";
                    r = duo.get(pick("/admin/v1/users/" + oddId(), "/admin/v2/groups/" + oddId() + "/users",
                        "/admin/v1/groups", "/admin/v1/info/summary", "/admin/v1/settings", "/admin/v3/users", "/admin/v1/x"),
                        Map.of(pick("limit", "offset", "x"), pick("-5", "abc", "1000000", oddText(5))));
                }
            }
        } catch (AssertionError | IllegalArgumentException e) {
            return; // a request the client library refuses to send
        }
        check("Duo " + what, null, r);
    }

    Map<String, String> duoUserParams(boolean create) {
        Map<String, String> p = new TreeMap<>();
        if (create || random.nextBoolean()) {
            p.put("username", random.nextInt(4) == 0 ? oddText(random.nextInt(600)) : "fz" + random.nextInt(1_000_000) + oddText(6));
        }
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            p.put(pick("realname", "email", "firstname", "lastname", "status", "notes", "alias1", "alias8", "alias9",
                "aliases", "phones", "enabled", "userType", "custom_attributes", oddText(4)),
                pick(oddText(random.nextInt(300)), "{\"alias1\":\"" + oddText(5) + "\"}", "alias2=a&alias9=b", "true", "maybe",
                    "admin", "[1,2]", "a@b.c", "x".repeat(5000)));
        }
        return p;
    }

    String duoRawBody() {
        return random.nextBoolean() ? brokenJson()
            : json(map("username", value(), pick("realname", "aliases", "phones", "email"), value()));
    }

    // ------------------------------------------------------------------ values

    /** Any JSON value: wrong types, deep nesting, huge and odd strings. */
    Object value() {
        return switch (random.nextInt(10)) {
            case 0 -> random.nextInt(1000) - 500;
            case 1 -> random.nextBoolean();
            case 2 -> null;
            case 3 -> java.util.Arrays.asList(oddText(5), random.nextInt(), map("value", oddText(5), "primary", pick("true", "yes")));
            case 4 -> map(casing("value"), oddText(10), casing("type"), pick("work", "home", oddText(3)), "primary", value());
            // (deeper than Jackson writes, 1,000, is sent as text by brokenJson)
            case 5 -> nested(1 + random.nextInt(random.nextInt(10) == 0 ? 900 : 20));
            case 6 -> "x".repeat(random.nextInt(10) == 0 ? 100_000 : 1 + random.nextInt(400));
            case 7 -> 1e308 * (random.nextBoolean() ? 10 : 1);
            default -> oddText(1 + random.nextInt(30));
        };
    }

    Object nested(int depth) {
        Object v = oddText(3);
        for (int i = 0; i < depth; i++) {
            v = random.nextBoolean() ? List.of(v) : Map.of("a", v);
        }
        return v;
    }

    /** Malformed JSON text. */
    String brokenJson() {
        String valid = json(Map.of("userName", oddText(6), "displayName", oddText(6), "schemas", List.of(CORE_USER)));
        return switch (random.nextInt(9)) {
            case 0 -> valid.substring(0, random.nextInt(valid.length()));
            case 1 -> valid.replace(":", "");
            case 2 -> "[".repeat(5000) + "]".repeat(5000);
            case 3 -> "{\"a\":".repeat(3000) + "1" + "}".repeat(3000);
            case 4 -> "{\"userName\":\"\\ud800\",\"displayName\":\"\\udfff\\u0000\"}";
            case 5 -> pick("", " ", "null", "1", "\"s\"", "[]", "{", "}", "{\"a\":}", "{\"a\":1,}", "\ufeff{}", "{'a':1}",
                "{\"a\":NaN}", "{\"a\":01}", "{\"a\":1}{\"b\":2}");
            case 6 -> "{\"userName\":\"" + "\u202E".repeat(10) + "\u0301".repeat(50) + "\"," + "\"userName\":1}";
            case 7 -> new String(randomBytes(), StandardCharsets.ISO_8859_1);
            default -> valid + oddText(3);
        };
    }

    byte[] randomBytes() {
        byte[] b = new byte[1 + random.nextInt(200)];
        random.nextBytes(b);
        return b;
    }

    /** Text with unicode edge cases: lone surrogates, NUL, RTL and other format marks, combining marks, quotes. */
    String oddText(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(14)) {
                case 0 -> b.append('\ud800');
                case 1 -> b.append('\udfff');
                case 2 -> b.append('\u0000');
                case 3 -> b.append('\u202E');
                case 4 -> b.append('\u0301');
                case 5 -> b.append("\"'\\");
                case 6 -> b.append("()[]*");
                case 7 -> b.append("\uD83D\uDE00");
                case 8 -> b.append('\u200B');
                case 9 -> b.append("İ");
                case 10 -> b.append((char) random.nextInt(0x20));
                default -> b.append((char) ('a' + random.nextInt(26)));
            }
        }
        return b.toString();
    }

    String oddId() {
        return URLEncoder.encode(pick(oddText(10), "x".repeat(300), "..", "%2e%2e", "00000000-0000-0000-0000-000000000000",
            "' or 1=1 --", "*"), StandardCharsets.UTF_8);
    }

    /** The name in a random letter case (names are case-insensitive in SCIM). */
    String casing(String name) {
        return switch (random.nextInt(4)) {
            case 0 -> name.toUpperCase(Locale.ROOT);
            case 1 -> name.toLowerCase(Locale.ROOT);
            case 2 -> {
                StringBuilder b = new StringBuilder();
                for (char c : name.toCharArray()) {
                    b.append(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
                }
                yield b.toString();
            }
            default -> name;
        };
    }

    /** A map that may hold null values (JSON null), unlike Map.of. */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    @SafeVarargs
    final <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    static String json(Object body) {
        try {
            return Http.JSON.writeValueAsString(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void check(String what, String body, Http.Result r) {
        sent++;
        statuses.merge(r.status(), 1, Integer::sum);
        if (r.status() == 401 && ++unauthorizedInWindow >= RealmEndpointProviderFactory.DEFAULT_MAX_AUTH_FAILURES - 5) {
            // Duo requests whose odd values the test's signer cannot sign as the server reads them are refused (401), and
            // past the push APIs' brute-force limit every request from this address would be 429, never reaching the
            // parsers this test is about: move Keycloak's clock past the limit's window (a test of its own shows it), and
            // back: a window that starts after the clock's time does not count either, and Duo's signed Date (real time)
            // stays within the server's clock-skew window.
            clockMoved = clockMoved == 0 ? RealmEndpointProviderFactory.DEFAULT_AUTH_FAILURE_WINDOW_SECONDS + 1 : 0;
            timeOffSet.set(clockMoved);
            unauthorizedInWindow = 0;
        }
        String problem = r.status() >= 500 && r.status() != 501 ? "status " + r.status()
            : r.body() != null && LEAK.matcher(r.body()).find() ? "a stack trace or class name" : null;
        if (problem != null) {
            failures.add(what + " → " + problem + ": " + abbreviate(r.body()) + "\n    request: " + abbreviate(body));
        }
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() <= 300 ? s : s.substring(0, 300) + "…(" + s.length() + ")";
    }
}
