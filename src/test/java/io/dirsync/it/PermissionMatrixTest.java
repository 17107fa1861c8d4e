package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.admin.DirSyncAdminResource;

/**
 * Who may do what (issue 15): every endpoint of the Admin REST API × every kind of caller, with the exact status. The
 * endpoints are read from {@link DirSyncAdminResource}'s JAX-RS annotations, so an endpoint added without a row fails
 * this test. The policy is Keycloak's for its own user federation: a directory's configuration is read with view-users
 * or view-realm and changed with manage-realm (components), what concerns users is read with view-users and changed
 * with manage-users ("sync users"), the login flow and enrollment template are realm settings. Refusals come before any
 * look-up: a refused caller gets 403 whether the id exists or not, and nothing is written.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class PermissionMatrixTest extends DirSyncIntegrationTest {

    /** The callers, in the order of the table's columns. */
    enum Caller { NO_TOKEN, OTHER_REALM_ADMIN, VIEW_USERS, MANAGE_USERS, MANAGE_REALM, MASTER_ADMIN }

    /** One row: an endpoint as annotated, the request that tries it, and the status for each caller. */
    record Row(String method, String endpoint, String path, Function<Caller, Object> body, int[] expected) {
    }

    private static final String MISSING = "00000000-0000-0000-0000-000000000000";

    @Test
    void everyEndpointAnswersEachKindOfCallerWithTheStatusOfThePolicy() {
        // What the rows read: a SCIM directory with a pushed user, a group, a trashed user and the day's push run.
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Matrix Okta");
        String userId = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("matrix-user", "M", "U", "mu@corp.test")));
        String leaverId = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("matrix-leaver", "M", "L", "ml@corp.test")));
        assertEquals(204, okta.scim("DELETE", "/Users/" + leaverId, null).status());
        String groupId = DirSync.id(okta.scim("POST", "/Groups", Map.of("displayName", "Matrix Team")));
        String runId = dirsync.admin("GET", "/directories/" + okta.id() + "/runs", null).json().at("/0/id").asText();
        assertTrue(!runId.isEmpty(), "the day's push run");
        String dir = okta.id();

        Function<Caller, Object> none = c -> null;
        Map<String, Object> template = Map.of("subject", "Enrol your second factor",
            "body", "Open <enrollment-link> to enrol.", "contact", "it@corp.test");
        Function<Caller, Object> userIds = c -> Map.of("userIds", List.of(MISSING));
        Function<Caller, Object> status = c -> Map.of("status", "bypass");

        List<Row> rows = List.of(
            //                                                                               no    other view  manage manage master
            //                                                                               token realm users users  realm  admin
            // directories: configuration (Keycloak's components: view-users or view-realm reads, manage-realm changes)
            row("GET", "directories", "directories", none,                                    401, 403, 200, 200, 200, 200),
            row("POST", "directories", "directories",
                c -> Map.of("type", "scim", "name", "Matrix " + c),                           401, 403, 403, 403, 201, 201),
            row("GET", "directories/{id}", "directories/" + dir, none,                        401, 403, 200, 200, 200, 200),
            row("PUT", "directories/{id}", "directories/" + dir,
                c -> Map.of("name", "Matrix Okta"),                                           401, 403, 403, 403, 200, 200),
            row("DELETE", "directories/{id}", "directories/" + MISSING, none,                 401, 403, 403, 403, 404, 404),
            row("POST", "directories/{id}/pause", "directories/" + MISSING + "/pause", none,  401, 403, 403, 403, 404, 404),
            row("POST", "directories/{id}/resume", "directories/" + MISSING + "/resume", none, 401, 403, 403, 403, 404, 404),
            row("GET", "directory-types", "directory-types", none,                            401, 403, 200, 200, 200, 200),
            row("GET", "directory-types/{type}", "directory-types/scim", none,                401, 403, 200, 200, 200, 200),
            row("POST", "directory-types/{type}/{action}", "directory-types/scim/test-connection",
                c -> Map.of(),                                                                401, 403, 403, 403, 404, 404),
            row("POST", "directories/{id}/complete-setup", "directories/" + MISSING + "/complete-setup", none,
                                                                                              401, 403, 403, 403, 404, 404),
            row("POST", "directories/{id}/token", "directories/" + MISSING + "/token", none,  401, 403, 403, 403, 404, 404),
            row("GET", "directories/{id}/mappings", "directories/" + dir + "/mappings", none, 401, 403, 200, 200, 200, 200),
            row("PUT", "directories/{id}/mappings", "directories/" + MISSING + "/mappings",
                c -> Map.of("optional", List.of()),                                           401, 403, 403, 403, 404, 404),
            row("DELETE", "directories/{id}/groups/{groupId}", "directories/" + dir + "/groups/" + MISSING, none,
                                                                                              401, 403, 403, 403, 404, 404),
            // runs and managed groups: about users (view-users reads; a sync or a confirmation is manage-users)
            row("GET", "directories/{id}/runs", "directories/" + dir + "/runs", none,         401, 403, 200, 200, 403, 200),
            row("GET", "directories/{id}/runs/count", "directories/" + dir + "/runs/count", none,
                                                                                              401, 403, 200, 200, 403, 200),
            row("GET", "directories/{id}/runs/{runId}", "directories/" + dir + "/runs/" + runId, none,
                                                                                              401, 403, 200, 200, 403, 200),
            row("POST", "directories/{id}/sync", "directories/" + MISSING + "/sync",
                c -> Map.of("kind", "full"),                                                  401, 403, 403, 404, 403, 404),
            row("POST", "directories/{id}/runs/{runId}/confirm", "directories/" + MISSING + "/runs/" + runId + "/confirm",
                none,                                                                         401, 403, 403, 404, 403, 404),
            row("GET", "directories/{id}/groups", "directories/" + dir + "/groups", none,     401, 403, 200, 200, 403, 200),
            // trash, users, groups: view-users reads, manage-users changes
            row("GET", "trash", "trash", none,                                                401, 403, 200, 200, 403, 200),
            row("GET", "trash/count", "trash/count", none,                                    401, 403, 200, 200, 403, 200),
            row("POST", "trash/{userId}/restore", "trash/" + MISSING + "/restore", none,      401, 403, 403, 404, 403, 404),
            row("DELETE", "trash/{userId}", "trash/" + MISSING, none,                         401, 403, 403, 404, 403, 404),
            row("POST", "trash/restore", "trash/restore", userIds,                            401, 403, 403, 200, 403, 200),
            row("POST", "trash/delete", "trash/delete", userIds,                              401, 403, 403, 200, 403, 200),
            row("GET", "users/{userId}", "users/" + userId, none,                             401, 403, 200, 200, 403, 200),
            row("PUT", "users/{userId}/status", "users/" + MISSING + "/status", status,       401, 403, 403, 404, 403, 404),
            row("GET", "groups/{groupId}", "groups/" + groupId, none,                         401, 403, 200, 200, 403, 200),
            row("PUT", "groups/{groupId}/status", "groups/" + MISSING + "/status", status,    401, 403, 403, 404, 403, 404),
            row("GET", "enrollments", "enrollments", none,                                    401, 403, 200, 200, 403, 200),
            row("POST", "enrollments/{id}/resend", "enrollments/" + MISSING + "/resend", none, 401, 403, 403, 404, 403, 404),
            row("POST", "enrollments/resend-all", "enrollments/resend-all", none,             401, 403, 403, 200, 403, 200),
            row("DELETE", "enrollments/{id}", "enrollments/" + MISSING, none,                 401, 403, 403, 404, 403, 404),
            // realm settings: view-realm reads, manage-realm changes
            row("GET", "enrollment-template", "enrollment-template", none,                    401, 403, 403, 403, 200, 200),
            row("PUT", "enrollment-template", "enrollment-template", c -> template,            401, 403, 403, 403, 200, 200),
            row("GET", "login-flow", "login-flow", none,                                      401, 403, 403, 403, 200, 200),
            row("POST", "login-flow", "login-flow", c -> Map.of("bind", false),               401, 403, 403, 403, 200, 200));

        assertEquals(annotatedEndpoints(), new TreeSet<>(rows.stream().map(r -> r.method() + " " + r.endpoint()).toList()),
            "every endpoint of DirSyncAdminResource has exactly one row");

        Map<Caller, Supplier<String>> authorization = callers();
        List<String> wrong = new ArrayList<>();
        int requests = 0;
        try {
            for (Row row : rows) {
                for (Caller caller : Caller.values()) {
                    Http.Result r = Http.send(row.method(), dirsync.adminUrl("/" + row.path()), authorization.get(caller).get(),
                        row.body().apply(caller));
                    requests++;
                    int expected = row.expected()[caller.ordinal()];
                    if (r.status() != expected) {
                        wrong.add(row.method() + " " + row.path() + " as " + caller + ": expected " + expected + ", got " + r);
                    }
                }
            }
        } finally {
            admin.realms().realm(otherRealm()).remove();
        }
        assertEquals(List.of(), wrong, "cells of " + requests + " requests that differ from the policy");

        // The refused creations wrote nothing: the fixture's directory and the two allowed creations only.
        assertEquals(Set.of("Matrix Okta", "Matrix " + Caller.MANAGE_REALM, "Matrix " + Caller.MASTER_ADMIN),
            names(dirsync.admin("GET", "/directories", null)));
    }

    private static Row row(String method, String endpoint, String path, Function<Caller, Object> body, int... expected) {
        assertEquals(Caller.values().length, expected.length, endpoint);
        return new Row(method, endpoint, path, body, expected);
    }

    /** {@code METHOD path} of every resource method of the Admin REST API, from its annotations. */
    private static Set<String> annotatedEndpoints() {
        Set<String> endpoints = new TreeSet<>();
        for (Method m : DirSyncAdminResource.class.getDeclaredMethods()) {
            Path path = m.getAnnotation(Path.class);
            for (var a : m.getAnnotations()) {
                HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
                if (http != null) {
                    endpoints.add(http.value() + " " + (path == null ? "" : path.value()));
                }
            }
        }
        return endpoints;
    }

    private static Set<String> names(Http.Result list) {
        Set<String> names = new TreeSet<>();
        list.json().forEach(d -> names.add(d.get("name").asText()));
        return names;
    }

    /**
     * The Authorization header of each caller: admins of the test realm by role, another realm's admin, master's. Each
     * token is fetched again after a minute (master's admin-cli tokens live 60 s), so a slow run never sends an
     * expired one.
     */
    private Map<Caller, Supplier<String>> callers() {
        Map<Caller, Supplier<String>> callers = new LinkedHashMap<>();
        callers.put(Caller.NO_TOKEN, () -> null);
        callers.put(Caller.OTHER_REALM_ADMIN, fresh(otherRealmAdmin()));
        callers.put(Caller.VIEW_USERS, fresh(roleAdmin("matrix-view-users", "view-users")));
        callers.put(Caller.MANAGE_USERS, fresh(roleAdmin("matrix-manage-users", "manage-users")));
        callers.put(Caller.MANAGE_REALM, fresh(roleAdmin("matrix-manage-realm", "manage-realm")));
        callers.put(Caller.MASTER_ADMIN, dirsync::adminBearer);
        return callers;
    }

    /** A bearer header from {@code token}, fetched again when 50 s old. */
    private static Supplier<String> fresh(Supplier<String> token) {
        return new Supplier<>() {
            private String value;
            private long at;

            @Override
            public String get() {
                if (value == null || System.nanoTime() - at > 50_000_000_000L) {
                    value = "Bearer " + token.get();
                    at = System.nanoTime();
                }
                return value;
            }
        };
    }

    /** A user of the test realm holding one {@code realm-management} role; how to get its token from admin-cli. */
    private Supplier<String> roleAdmin(String username, String role) {
        String id = localUser(username);
        setPassword(realm.admin().users().get(id), "Matrix-Pass-1");
        String clientId = realm.admin().clients().findByClientId("realm-management").get(0).getId();
        RoleRepresentation r = realm.admin().clients().get(clientId).roles().get(role).toRepresentation();
        realm.admin().users().get(id).roles().clientLevel(clientId).add(List.of(r));
        return () -> token(realm.getName(), username, "Matrix-Pass-1");
    }

    /** The admin ({@code realm-admin}) of another realm, which holds the same kind of directory. */
    private Supplier<String> otherRealmAdmin() {
        String other = otherRealm();
        RealmRepresentation rep = new RealmRepresentation();
        rep.setRealm(other);
        rep.setEnabled(true);
        admin.realms().create(rep);
        var users = admin.realms().realm(other).users();
        UserRepresentation u = new UserRepresentation();
        u.setUsername("other-admin");
        u.setFirstName("Other");
        u.setLastName("Admin");
        u.setEmail("other-admin@corp.test");
        u.setEnabled(true);
        String id;
        try (Response r = users.create(u)) {
            assertEquals(201, r.getStatus());
            String location = r.getLocation().toString();
            id = location.substring(location.lastIndexOf('/') + 1);
        }
        setPassword(users.get(id), "Matrix-Pass-1");
        var clients = admin.realms().realm(other).clients();
        String clientId = clients.findByClientId("realm-management").get(0).getId();
        RoleRepresentation realmAdmin = clients.get(clientId).roles().get("realm-admin").toRepresentation();
        users.get(id).roles().clientLevel(clientId).add(List.of(realmAdmin));
        return () -> token(other, "other-admin", "Matrix-Pass-1");
    }

    private String otherRealm() {
        return "matrix-other-" + realm.getName();
    }

    private static void setPassword(org.keycloak.admin.client.resource.UserResource user, String password) {
        CredentialRepresentation c = new CredentialRepresentation();
        c.setType(CredentialRepresentation.PASSWORD);
        c.setValue(password);
        c.setTemporary(false);
        user.resetPassword(c);
    }

    private String token(String realmName, String username, String password) {
        Http.Result t = Http.form(urls.getBase() + "/realms/" + realmName + "/protocol/openid-connect/token",
            Map.of("grant_type", "password", "client_id", "admin-cli", "username", username, "password", password));
        assertEquals(200, t.status(), t::toString);
        return t.json().get("access_token").asText();
    }
}
