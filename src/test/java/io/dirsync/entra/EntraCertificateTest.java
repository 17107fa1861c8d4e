package io.dirsync.entra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;

import io.dirsync.it.DirSyncIntegrationTest;
import io.dirsync.it.DirSyncServerConfig;
import io.dirsync.it.Http;

/**
 * Issue 13's certificate credentials against a real Keycloak and {@link GraphStandIn}, whose token endpoint verifies
 * each client assertion against the certificates registered on its app ({@link ClientAssertions}; that it refuses
 * forgeries is shown by {@link ClientCertificateTest}).
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class EntraCertificateTest extends DirSyncIntegrationTest {

    private static TestCertificates app;
    private static TestCertificates other;

    GraphStandIn graph;

    @BeforeAll
    static void keys() {
        app = TestCertificates.create("dirsync-entra-app");
        other = TestCertificates.create("another-app");
    }

    @BeforeEach
    void startGraph() {
        graph = GraphStandIn.start();
        graph.registerCertificate(app.certificate());
    }

    @AfterEach
    void stopGraph() {
        graph.close();
    }

    @Test
    void aFullSyncSignsInWithTheCertificateAndTheKeyIsNeverShownNorInAdminEvents() {
        var rep = realm.admin().toRepresentation();
        rep.setAdminEventsEnabled(true);
        rep.setAdminEventsDetailsEnabled(true);
        realm.admin().update(rep);
        String alice = graph.addUser("alice@contoso.example", Map.of("givenName", "Alice", "surname", "Liddell",
            "mail", "alice@contoso.example"));
        String staff = graph.addGroup("Staff");
        graph.addMember(staff, alice);
        Map<String, Object> settings = settings(staff);
        settings.put("privateKey", app.rsaPrivateKeyPem()); // PKCS#1 as older openssl writes it; kept as PKCS#8
        Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "entra", "name", "Cert Entra", "settings", settings));
        assertEquals(201, created.status(), created::toString);
        String id = created.json().get("id").asText();

        JsonNode run = sync(id);
        assertEquals("completed", run.get("status").asText(), run::toString);
        assertEquals(1, run.at("/counts/created").asInt() - 1, "alice and the managed group: " + run);
        assertTrue(graph.requests().stream().anyMatch(r -> r.path().endsWith("/oauth2/v2.0/token") && r.status() == 200),
            "a token from an assertion the stand-in verified");

        Http.Result read = dirsync.admin("GET", "/directories/" + id, null);
        assertNoKey(read.body());
        JsonNode entra = read.json().get("entra");
        assertEquals("certificate", entra.get("clientCredential").asText(), read::toString);
        assertTrue(entra.get("privateKeyStored").asBoolean(), read::toString);
        assertFalse(entra.get("clientSecretStored").asBoolean(), read::toString);
        assertEquals(ClientCertificate.describe(app.certificate()).get("thumbprint"), entra.at("/certificate/thumbprint").asText());
        assertEquals("CN=dirsync-entra-app", entra.at("/certificate/subject").asText());
        assertEquals(app.certificate().getNotAfter().toInstant().toString(), entra.at("/certificate/notAfter").asText());
        assertTrue(read.json().at("/settings/certificate").asText().startsWith("-----BEGIN CERTIFICATE-----"), read::toString);

        // saved again with the key masked (or left out): the stored one stays and still signs in
        Map<String, Object> masked = new HashMap<>(settings);
        masked.put("privateKey", "**********");
        assertEquals(200, dirsync.admin("PUT", "/directories/" + id, Map.of("settings", masked)).status());
        masked.remove("privateKey");
        Http.Result saved = dirsync.admin("PUT", "/directories/" + id, Map.of("settings", masked));
        assertEquals(200, saved.status(), saved::toString);
        assertNoKey(saved.body());
        assertEquals("completed", sync(id).get("status").asText());
        JsonNode test = action("test-connection?directory=" + id, masked);
        assertTrue(test.get("ok").asBoolean(), "the stored key stands in for the typed one: " + test);

        // the stored key signs only for the app and hosts it was saved for
        Map<String, Object> elsewhere = new HashMap<>(masked);
        elsewhere.put("authorityHost", "http://127.0.0.1:1");
        Http.Result moved = dirsync.admin("PUT", "/directories/" + id, Map.of("settings", elsewhere));
        assertEquals(400, moved.status(), moved::toString);
        assertTrue(moved.body().contains("send the private key again"), moved::toString);
        Http.Result probe = dirsync.admin("POST", "/directory-types/entra/test-connection?directory=" + id, Map.of("settings", elsewhere));
        assertEquals(400, probe.status(), "nor does a test of other settings use it: " + probe);

        List<AdminEventRepresentation> events = realm.admin().getAdminEvents();
        assertTrue(events.stream().anyMatch(e -> e.getRepresentation() != null && e.getRepresentation().contains("BEGIN CERTIFICATE")),
            "the directory's events are recorded (with its public certificate)");
        for (AdminEventRepresentation e : events) {
            assertNoKey(String.valueOf(e.getRepresentation()));
        }

        // back to a client secret: the key is forgotten
        Map<String, Object> secret = new HashMap<>(masked);
        secret.put("clientCredential", "secret");
        Http.Result noSecret = dirsync.admin("PUT", "/directories/" + id, Map.of("settings", secret));
        assertEquals(400, noSecret.status(), noSecret::toString);
        assertTrue(noSecret.body().contains("settings.clientSecret is required"), noSecret::toString);
        secret.put("clientSecret", GraphStandIn.CLIENT_SECRET);
        Http.Result switched = dirsync.admin("PUT", "/directories/" + id, Map.of("settings", secret));
        assertEquals(200, switched.status(), switched::toString);
        assertFalse(switched.json().at("/entra/privateKeyStored").asBoolean(), switched::toString);
        assertTrue(switched.json().at("/settings/certificate").isMissingNode(), switched::toString);
        assertEquals("completed", sync(id).get("status").asText());
    }

    @Test
    void testConnectionNamesACertificateThatIsNotRegisteredOnTheApp() {
        Map<String, Object> settings = settings();
        assertTrue(action("test-connection", settings).get("ok").asBoolean());

        Map<String, Object> unregistered = settings();
        unregistered.put("certificate", other.certificatePem());
        unregistered.put("privateKey", other.privateKeyPem());
        JsonNode refused = action("test-connection", unregistered);
        assertFalse(refused.get("ok").asBoolean(), refused::toString);
        String message = refused.get("message").asText();
        assertTrue(message.contains("is not registered on app '" + GraphStandIn.CLIENT_ID + "'"), message);
        assertTrue(message.contains(ClientCertificate.describe(other.certificate()).get("thumbprint").toString()), message);
        assertTrue(message.contains("AADSTS700027"), message);

        graph.unregisterCertificates();
        JsonNode removed = action("test-connection", settings);
        assertFalse(removed.get("ok").asBoolean(), "the app's certificate was removed in Entra: " + removed);
    }

    @Test
    void aKeyOfAnotherCertificateAnExpiredCertificateOrNoKeyIsRefusedAtSave() {
        Map<String, Object> mismatch = settings();
        mismatch.put("privateKey", other.privateKeyPem());
        assertRefused(mismatch, "settings.privateKey is not the private key of settings.certificate");

        TestCertificates expired = TestCertificates.create("expired", 2048, Instant.now().minus(Duration.ofDays(400)),
            Instant.now().minus(Duration.ofDays(1)));
        Map<String, Object> old = settings();
        old.put("certificate", expired.certificatePem());
        old.put("privateKey", expired.privateKeyPem());
        assertRefused(old, "settings.certificate expired on");

        Map<String, Object> noKey = settings();
        noKey.remove("privateKey");
        assertRefused(noKey, "settings.privateKey is required");

        Map<String, Object> noCertificate = settings();
        noCertificate.remove("certificate");
        assertRefused(noCertificate, "settings.certificate is required");

        Map<String, Object> unknown = settings();
        unknown.put("clientCredential", "password");
        assertRefused(unknown, "settings.clientCredential must be");

        // a directory that signed in with a secret needs the key when it changes to a certificate
        Map<String, Object> bySecret = settings();
        bySecret.remove("certificate");
        bySecret.remove("privateKey");
        bySecret.put("clientCredential", "secret");
        bySecret.put("clientSecret", GraphStandIn.CLIENT_SECRET);
        Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "entra", "name", "Secret first", "settings", bySecret));
        assertEquals(201, created.status(), created::toString);
        Map<String, Object> toCertificate = settings();
        toCertificate.remove("privateKey");
        Http.Result refused = dirsync.admin("PUT", "/directories/" + created.json().get("id").asText(), Map.of("settings", toCertificate));
        assertEquals(400, refused.status(), refused::toString);
        assertTrue(refused.body().contains("settings.privateKey is required"), refused::toString);
        assertEquals(0, dirsync.admin("GET", "/directories", null).json().findValues("name").stream()
            .filter(n -> n.asText().startsWith("Refused")).count(), "nothing half-written");
    }

    // ------------------------------------------------------------------ helpers

    private void assertRefused(Map<String, Object> settings, String message) {
        Http.Result r = dirsync.admin("POST", "/directories", Map.of("type", "entra", "name", "Refused", "settings", settings));
        assertEquals(400, r.status(), r::toString);
        assertTrue(r.body().contains(message), () -> "expected '" + message + "': " + r);
    }

    /** No private key, in any form, in what Keycloak answered or recorded. */
    private static void assertNoKey(String text) {
        assertFalse(text.contains("PRIVATE KEY"), text);
        // the end of PKCS#8 is the CRT coefficient, private (its start holds the modulus, which the certificate shows)
        String pkcs8 = java.util.Base64.getEncoder().encodeToString(app.keys().getPrivate().getEncoded());
        String unwrapped = text.replace("\\n", "").replace("\n", "");
        assertFalse(unwrapped.contains(pkcs8.substring(pkcs8.length() - 80, pkcs8.length() - 40)),
            "no fragment of the key's base64: " + text);
    }

    private Map<String, Object> settings(String... syncedGroups) {
        Map<String, Object> s = new HashMap<>();
        s.put("tenantId", GraphStandIn.TENANT);
        s.put("clientId", GraphStandIn.CLIENT_ID);
        s.put("clientCredential", "certificate");
        s.put("certificate", app.certificatePem());
        s.put("privateKey", app.privateKeyPem());
        s.put("authorityHost", graph.url());
        s.put("graphEndpoint", graph.url());
        s.put("syncedGroups", List.of(syncedGroups));
        return s;
    }

    private JsonNode sync(String id) {
        Http.Result r = dirsync.admin("POST", "/directories/" + id + "/sync", Map.of("kind", "full"));
        assertEquals(200, r.status(), r::toString);
        return r.json();
    }

    private JsonNode action(String action, Map<String, Object> settings) {
        Http.Result r = dirsync.admin("POST", "/directory-types/entra/" + action, Map.of("settings", settings));
        assertEquals(200, r.status(), r::toString);
        return r.json();
    }
}
