package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.duo.DuoRequests;
import io.dirsync.entra.GraphStandIn;
import io.dirsync.entra.TestCertificates;
import io.dirsync.ldap.TestDirectory;

/**
 * No secret is shown after it was created (issue 15): the SCIM token, the Duo Admin API secret key, the LDAP bind
 * credential, the Entra client secret and the Entra certificate's private key go through create, update (with
 * Keycloak's mask), the types' test actions, syncs and pushes, regeneration; then each is searched for in the admin
 * events (with representations), the run reports, the server's log (every line the test framework reads from the
 * server while the test runs), the realm's partial export with its components, and every answer of the extension
 * after the one that issued the secret. Zero hits.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class SecretsNeverShownTest extends DirSyncIntegrationTest {

    static final String DUO_HOST = "duo-api.example.test";

    /** Every line logged in the test JVM (the framework logs each line of the server's output). */
    static final class LogCapture extends Handler {
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        @Override
        public void publish(LogRecord record) {
            lines.add(String.valueOf(record.getMessage()));
        }

        @Override public void flush() { }
        @Override public void close() { }
    }

    @Test
    void noSecretAppearsInEventsRunsLogsExportsOrAnswers() throws Exception {
        LogCapture log = new LogCapture();
        Logger.getLogger("").addHandler(log);
        var realmRep = realm.admin().toRepresentation();
        realmRep.setAdminEventsEnabled(true);
        realmRep.setAdminEventsDetailsEnabled(true);
        realm.admin().update(realmRep);
        Map<String, String> secrets = new LinkedHashMap<>();
        List<Http.Result> answers = new ArrayList<>();
        List<String> directoryIds = new ArrayList<>();

        try (TestDirectory ldap = TestDirectory.start("memory-openldap"); GraphStandIn graph = GraphStandIn.start()) {
            // SCIM: the token of Complete setup, then the regenerated one; a push with it.
            DirSync.ScimDirectory okta = dirsync.scimDirectory("Secret Okta");
            directoryIds.add(okta.id());
            secrets.put("SCIM token", okta.token());
            Http.Result regenerated = dirsync.admin("POST", "/directories/" + okta.id() + "/token", null);
            assertEquals(200, regenerated.status(), regenerated::toString);
            String token = regenerated.json().get("token").asText();
            secrets.put("SCIM token (regenerated)", token);
            answers.add(Http.send("POST", okta.baseUrl() + "/Users", "Bearer " + token,
                DirSync.scimUser("pushed.user", "Pushed", "User", "pushed@corp.test")));

            // Duo Admin API: the secret key of Complete setup, then the regenerated one; a push with it.
            Http.Result duo = dirsync.admin("POST", "/directories", Map.of("type", "duo-admin-api", "name", "Secret Duo",
                "settings", Map.of("apiHostname", DUO_HOST)));
            answers.add(duo);
            String duoId = duo.json().get("id").asText();
            directoryIds.add(duoId);
            Http.Result setup = dirsync.admin("POST", "/directories/" + duoId + "/complete-setup", null);
            secrets.put("Duo secret key", setup.json().get("secretKey").asText());
            Http.Result newKeys = dirsync.admin("POST", "/directories/" + duoId + "/token", null);
            secrets.put("Duo secret key (regenerated)", newKeys.json().get("secretKey").asText());
            DuoRequests signed = new DuoRequests(setup.json().get("endpoint").asText(), DUO_HOST,
                newKeys.json().get("integrationKey").asText(), newKeys.json().get("secretKey").asText());
            answers.add(signed.post("/admin/v1/users", Map.of("username", "duo.user")));
            answers.add(signed.get("/admin/v1/users", Map.of()));

            // LDAP: the bind credential through create, the test actions, a masked update and a full sync.
            String alice = ldap.user("alice", "Alice", "Liddell", "alice@example.org");
            Map<String, Object> ldapSettings = new HashMap<>(ldap.settings("uid"));
            secrets.put("LDAP bind credential", (String) ldapSettings.get("bindCredential"));
            ldapSettings.put("syncedGroups", List.of(ldap.group("Engineering", alice)));
            String ldapId = created(answers, "ldap", "Secret LDAP", ldapSettings);
            directoryIds.add(ldapId);
            answers.add(dirsync.admin("POST", "/directory-types/ldap/test-connection", Map.of("settings", ldapSettings)));
            answers.add(dirsync.admin("POST", "/directory-types/ldap/test-authentication?directory=" + ldapId,
                Map.of("settings", with(ldapSettings, "bindCredential", "**********"))));
            answers.add(dirsync.admin("POST", "/directory-types/ldap/test-authentication",
                Map.of("settings", with(ldapSettings, "bindCredential", secrets.get("LDAP bind credential") + "-wrong"))));
            answers.add(dirsync.admin("PUT", "/directories/" + ldapId,
                Map.of("settings", with(ldapSettings, "bindCredential", "**********"))));
            answers.add(sync(ldapId));

            // Entra ID with a client secret: create, test, masked update, full sync; a wrong secret's test.
            String carol = graph.addUser("carol@contoso.example", Map.of("givenName", "Carol", "surname", "Cloud",
                "mail", "carol@contoso.example"));
            String staff = graph.addGroup("Staff");
            graph.addMember(staff, carol);
            Map<String, Object> entraSettings = entraSettings(graph, staff);
            secrets.put("Entra client secret", GraphStandIn.CLIENT_SECRET);
            String entraId = created(answers, "entra", "Secret Entra", entraSettings);
            directoryIds.add(entraId);
            answers.add(dirsync.admin("POST", "/directory-types/entra/test-connection?directory=" + entraId,
                Map.of("settings", with(entraSettings, "clientSecret", "**********"))));
            answers.add(dirsync.admin("POST", "/directory-types/entra/test-connection",
                Map.of("settings", with(entraSettings, "clientSecret", GraphStandIn.CLIENT_SECRET + "-wrong"))));
            answers.add(dirsync.admin("PUT", "/directories/" + entraId,
                Map.of("settings", with(entraSettings, "clientSecret", "**********"))));
            answers.add(sync(entraId));

            // Entra ID with a certificate: its private key (a slice of the key's base64, whatever the PEM's lines).
            TestCertificates app = TestCertificates.create("dirsync-secrets-app");
            graph.registerCertificate(app.certificate());
            String pem = app.privateKeyPem();
            String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            secrets.put("Entra private key", base64.substring(base64.length() / 2, base64.length() / 2 + 40));
            Map<String, Object> certSettings = entraSettings(graph, staff);
            certSettings.remove("clientSecret");
            certSettings.put("clientCredential", "certificate");
            certSettings.put("certificate", app.certificatePem());
            certSettings.put("privateKey", pem);
            String certId = created(answers, "entra", "Secret Cert Entra", certSettings);
            directoryIds.add(certId);
            answers.add(dirsync.admin("POST", "/directory-types/entra/test-connection?directory=" + certId,
                Map.of("settings", with(certSettings, "privateKey", "**********"))));
            answers.add(dirsync.admin("PUT", "/directories/" + certId,
                Map.of("settings", with(certSettings, "privateKey", "**********"))));
            answers.add(sync(certId));
        } finally {
            Logger.getLogger("").removeHandler(log);
        }

        // Every read of the extension's Admin REST API, and the run reports.
        for (String path : List.of("/directories", "/directory-types", "/trash", "/enrollments", "/enrollment-template",
                "/login-flow")) {
            answers.add(dirsync.admin("GET", path, null));
        }
        int runs = 0;
        for (String id : directoryIds) {
            answers.add(dirsync.admin("GET", "/directories/" + id, null));
            answers.add(dirsync.admin("GET", "/directories/" + id + "/mappings", null));
            answers.add(dirsync.admin("GET", "/directories/" + id + "/groups", null));
            Http.Result history = dirsync.admin("GET", "/directories/" + id + "/runs", null);
            answers.add(history);
            for (JsonNode run : history.json()) {
                answers.add(dirsync.admin("GET", "/directories/" + id + "/runs/" + run.get("id").asText(), null));
                runs++;
            }
        }
        List<AdminEventRepresentation> events = realm.admin().getAdminEvents();
        Http.Result export = Http.send("POST", urls.getBase() + "/admin/realms/" + realm.getName()
            + "/partial-export?exportClients=true&exportGroupsAndRoles=true", dirsync.adminBearer(), null);
        assertEquals(200, export.status(), export::toString);

        // Not vacuous: each place holds what the test did.
        assertTrue(runs >= 3, "the syncs' and pushes' reports: " + runs);
        assertTrue(events.size() >= 10, "admin events: " + events.size());
        assertTrue(events.stream().anyMatch(e -> e.getRepresentation() != null), "events carry representations");
        assertTrue(export.body().contains("\"bindCredential\""), "the export holds the LDAP directory's component");
        List<String> lines = new ArrayList<>(log.lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("Realm " + realm.getName() + ": directory users sign in")),
            "the capture reads the server's log at INFO (" + lines.size() + " lines)");
        assertTrue(lines.stream().anyMatch(l -> l.contains("LDAP directory Secret LDAP: full sync read")),
            "the LDAP sync's INFO line");

        Map<String, List<String>> places = new LinkedHashMap<>();
        places.put("answers", answers.stream().map(a -> a.status() + " " + a.body() + " " + a.headers()).toList());
        places.put("admin events", events.stream().map(e -> e.getOperationType() + " " + e.getResourcePath() + " "
            + e.getRepresentation() + " " + e.getError() + " " + e.getDetails()).toList());
        places.put("partial export", List.of(export.body()));
        places.put("server log", lines);
        List<String> hits = new ArrayList<>();
        secrets.forEach((name, secret) -> {
            assertTrue(secret != null && secret.length() >= 10, name + " is a real marker: " + secret);
            places.forEach((place, texts) -> texts.stream().filter(t -> t.contains(secret))
                .forEach(t -> hits.add(name + " in " + place + ": " + t)));
        });
        System.out.printf("Secrets searched: %d secrets in %d answers, %d admin events, %d run reports, a partial export "
                + "of %d characters, %d server log lines; hits: %d%n", secrets.size(), answers.size(), events.size(), runs,
            export.body().length(), lines.size(), hits.size());
        assertEquals(List.of(), hits);
    }

    private String created(List<Http.Result> answers, String type, String name, Map<String, Object> settings) {
        Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", type, "name", name, "settings", settings));
        assertEquals(201, created.status(), created::toString);
        answers.add(created);
        return created.json().get("id").asText();
    }

    private Http.Result sync(String id) {
        Http.Result run = dirsync.admin("POST", "/directories/" + id + "/sync", Map.of("kind", "full"));
        assertEquals(200, run.status(), run::toString);
        return run;
    }

    private static Map<String, Object> with(Map<String, Object> settings, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(settings);
        copy.put(key, value);
        return copy;
    }

    private static Map<String, Object> entraSettings(GraphStandIn graph, String... syncedGroups) {
        Map<String, Object> s = new HashMap<>();
        s.put("tenantId", GraphStandIn.TENANT);
        s.put("clientId", GraphStandIn.CLIENT_ID);
        s.put("clientSecret", GraphStandIn.CLIENT_SECRET);
        s.put("authorityHost", graph.url());
        s.put("graphEndpoint", graph.url());
        s.put("syncedGroups", List.of(syncedGroups));
        return s;
    }
}
