package io.dirsync.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.keycloak.admin.client.Keycloak;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;

import io.dirsync.it.DirSync;
import io.dirsync.it.Http;
import io.dirsync.ldap.TestDirectory;

/**
 * What the LDAP benchmarks share: a generated OpenLDAP-like directory, the directory sync's full sync followed to its
 * end, and Keycloak's own LDAP provider on the same data in a realm of its own (the anchor every LDAP figure is
 * compared with).
 */
public final class LdapRuns {

    private LdapRuns() {
    }

    /**
     * {@code users} users {@code <prefix><i>} spread round robin over {@code groups} groups {@code <Prefix>Group<g>}
     * (user i is in group i % groups); the groups' DNs, and the users' DNs in {@code userDns} when it is not null.
     */
    public static List<String> populate(TestDirectory ldap, String prefix, int users, int groups, List<String> userDns)
        throws Exception {
        List<List<String>> members = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < users; i++) {
            String dn = ldap.user(prefix + i, "Bench", "User" + i, prefix + i + "@example.org");
            members.get(i % groups).add(dn);
            if (userDns != null) {
                userDns.add(dn);
            }
        }
        List<String> groupDns = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            groupDns.add(ldap.group(prefix + "Group" + g, members.get(g).toArray(String[]::new)));
        }
        return groupDns;
    }

    /** A directory's settings for those groups, read 500 entries a page as Keycloak's anchor reads them. */
    public static Map<String, Object> settings(TestDirectory ldap, List<String> groupDns) {
        Map<String, Object> settings = ldap.settings("uid");
        settings.put("syncedGroups", groupDns);
        settings.put("pageSize", 500);
        return settings;
    }

    /** An LDAP directory of the realm with those settings; its id. */
    public static String directory(DirSync dirsync, String name, Map<String, Object> settings) {
        Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "ldap", "name", name, "settings", settings));
        assertEquals(201, created.status(), created::toString);
        return created.json().get("id").asText();
    }

    /** A full sync; a long one answers 202 with its run id, which is then followed until it ends. */
    public static JsonNode sync(DirSync dirsync, String id) throws Exception {
        HttpResponse<String> r = send(dirsync.adminBearer(), dirsync.adminUrl("/directories/" + id + "/sync"),
            "{\"kind\":\"full\"}");
        JsonNode json = Http.JSON.readTree(r.body());
        if (r.statusCode() == 200) {
            return json;
        }
        assertEquals(202, r.statusCode(), r::body);
        String runId = json.get("id").asText();
        while (true) {
            Thread.sleep(1000); // polling a run that outlives its request; the run's own times are what is measured
            JsonNode run = dirsync.admin("GET", "/directories/" + id + "/runs/" + runId, null).json();
            if (!"running".equals(run.get("status").asText())) {
                return run;
            }
        }
    }

    /** A run's own duration (the server's start and end, not the polling's). */
    public static long millis(JsonNode run) {
        return run.get("endedAt").asLong() - run.get("startedAt").asLong();
    }

    /** The changes a run wrote: created, updated, adopted, trashed, restored and failed users and groups. */
    public static long changes(JsonNode run) {
        long n = 0;
        for (String k : List.of("created", "updated", "adopted", "trashed", "restored", "failed")) {
            n += run.at("/counts/" + k).asLong();
        }
        return n;
    }

    /** A sync of Keycloak's own provider: its answer and how long the REST call took. */
    public record Timed(JsonNode result, long millis) {
    }

    /**
     * Keycloak's plain LDAP provider on the same connection and scope (the groups given, as a memberOf filter), in a
     * realm of its own, optionally with its group mapper (IMPORT mode, which also creates the groups and memberships as
     * the directory sync does); its syncs are Keycloak's "Sync all users" and "Sync changed users". Closing it removes
     * the realm.
     */
    public static final class KeycloakLdap implements AutoCloseable {
        private final Keycloak admin;
        private final DirSync bearer;
        private final String serverUrl;
        private final String realm;
        private boolean keepRealm;
        private final String componentId;

        public KeycloakLdap(Keycloak admin, DirSync bearer, String serverUrl, TestDirectory ldap, List<String> groupDns,
                            boolean groupMapper) {
            this.admin = admin;
            this.bearer = bearer;
            this.serverUrl = serverUrl;
            RealmRepresentation anchorRealm = new RealmRepresentation();
            anchorRealm.setRealm("bench-anchor-" + System.nanoTime());
            anchorRealm.setEnabled(true);
            admin.realms().create(anchorRealm);
            this.realm = anchorRealm.getRealm();
            StringBuilder filter = new StringBuilder("(|");
            groupDns.forEach(dn -> filter.append("(memberOf=").append(dn).append(')'));
            ComponentRepresentation c = ldap.keycloakLdapProvider("plain ldap", filter.append(')').toString());
            c.getConfig().putSingle("pagination", "true");
            c.getConfig().putSingle("batchSizeForSync", "500");
            try (var r = admin.realm(realm).components().add(c)) {
                assertEquals(201, r.getStatus());
                String loc = r.getLocation().toString();
                componentId = loc.substring(loc.lastIndexOf('/') + 1);
            }
            if (groupMapper) {
                addGroupMapper(groupDns);
            }
        }

        private void addGroupMapper(List<String> groupDns) {
            ComponentRepresentation m = new ComponentRepresentation();
            m.setName("groups");
            m.setProviderId("group-ldap-mapper");
            m.setProviderType("org.keycloak.storage.ldap.mappers.LDAPStorageMapper");
            m.setParentId(componentId);
            MultivaluedHashMap<String, String> g = new MultivaluedHashMap<>();
            String first = groupDns.get(0);
            g.putSingle("groups.dn", first.substring(first.indexOf(',') + 1));
            g.putSingle("group.name.ldap.attribute", "cn");
            g.putSingle("group.object.classes", "groupOfNames");
            g.putSingle("preserve.group.inheritance", "false");
            g.putSingle("ignore.missing.groups", "false");
            g.putSingle("membership.ldap.attribute", "member");
            g.putSingle("membership.attribute.type", "DN");
            g.putSingle("membership.user.ldap.attribute", "uid");
            StringBuilder names = new StringBuilder("(|");
            groupDns.forEach(dn -> names.append('(').append(dn, 0, dn.indexOf(',')).append(')'));
            g.putSingle("groups.ldap.filter", names.append(')').toString());
            g.putSingle("mode", "IMPORT");
            g.putSingle("user.roles.retrieve.strategy", "GET_GROUPS_FROM_USER_MEMBEROF_ATTRIBUTE");
            g.putSingle("memberof.ldap.attribute", "memberOf");
            g.putSingle("drop.non.existing.groups.during.sync", "false");
            g.putSingle("groups.path", "/");
            m.setConfig(g);
            try (var r = admin.realm(realm).components().add(m)) {
                assertEquals(201, r.getStatus());
            }
        }

        /** Keycloak's "Sync all users". */
        public Timed fullSync() throws Exception {
            return sync("triggerFullSync");
        }

        /** Keycloak's "Sync changed users" (entries whose modifyTimestamp is after its last sync). */
        public Timed changedSync() throws Exception {
            return sync("triggerChangedUsersSync");
        }

        private Timed sync(String action) throws Exception {
            long t = System.currentTimeMillis();
            HttpResponse<String> r = send(bearer.adminBearer(), serverUrl + "/admin/realms/" + realm + "/user-storage/"
                + componentId + "/sync?action=" + action, "");
            long millis = System.currentTimeMillis() - t;
            assertEquals(200, r.statusCode(), r::body);
            return new Timed(Http.JSON.readTree(r.body()), millis);
        }

        @Override
        public void close() {
            if (!keepRealm) {
                admin.realm(realm).remove();
            }
        }

        /**
         * Leaves the realm in place on close: removing a realm of 100,000 users runs past Keycloak's transaction timeout
         * on H2, and a benchmark's server and database are thrown away after the run anyway.
         */
        public KeycloakLdap keepRealm() {
            keepRealm = true;
            return this;
        }
    }

    private static HttpResponse<String> send(String bearer, String url, String body) throws Exception {
        return HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofHours(3))
                .header("Authorization", bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
