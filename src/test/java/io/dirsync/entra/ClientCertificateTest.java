package io.dirsync.entra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.dirsync.engine.SyncConflictException;

/**
 * Certificate credentials without a server: what {@link ClientCertificate} accepts and refuses when an admin pastes a
 * certificate and key, the client assertion {@link GraphClient} sends, and {@link GraphStandIn}'s token endpoint
 * refusing every assertion Entra would refuse (so that the server tests' passing sync proves a valid assertion).
 */
class ClientCertificateTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestCertificates app;
    private static TestCertificates other;
    private static CloseableHttpClient apache;

    private GraphStandIn graph;
    private String tokenUrl;

    @BeforeAll
    static void keys() {
        app = TestCertificates.create("dirsync-entra-app");
        other = TestCertificates.create("someone-else");
        apache = HttpClients.createDefault();
    }

    @AfterAll
    static void close() throws Exception {
        apache.close();
    }

    @BeforeEach
    void start() {
        graph = GraphStandIn.start();
        graph.registerCertificate(app.certificate());
        tokenUrl = graph.url() + "/" + GraphStandIn.TENANT + "/oauth2/v2.0/token";
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    // ------------------------------------------------------------------ what an admin may paste

    @Test
    void aPkcs8OrPkcs1KeyOfTheCertificateIsAcceptedAndKeptAsPkcs8() {
        ClientCertificate.of(app.certificatePem(), app.privateKeyPem());
        ClientCertificate pkcs1 = ClientCertificate.of(app.certificatePem(), app.rsaPrivateKeyPem());
        assertEquals(app.keys().getPrivate(), ClientCertificate.privateKey(app.rsaPrivateKeyPem()),
            "PKCS#1 read as the same key");
        assertTrue(ClientCertificate.pem(ClientCertificate.privateKey(app.rsaPrivateKeyPem())).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(pkcs1.toString().contains("dirsync-entra-app") && !pkcs1.toString().contains("PRIVATE"), pkcs1::toString);
        Map<String, Object> shown = ClientCertificate.describe(app.certificate());
        assertEquals(40, shown.get("thumbprint").toString().length(), "SHA-1 in hex, as the portal lists it: " + shown);
        assertEquals("CN=dirsync-entra-app", shown.get("subject"));
        assertEquals(false, shown.get("expired"));
    }

    @Test
    void aMismatchedKeyAnExpiredCertificateASmallKeyAndAnEncryptedKeyAreRefusedWithWhatToFix() {
        assertRefused("is not the private key of settings.certificate",
            () -> ClientCertificate.of(app.certificatePem(), other.privateKeyPem()));
        TestCertificates expired = TestCertificates.create("old", 2048, Instant.now().minus(Duration.ofDays(400)),
            Instant.now().minus(Duration.ofDays(35)));
        assertRefused("settings.certificate expired on", () -> ClientCertificate.of(expired.certificatePem(), expired.privateKeyPem()));
        TestCertificates small = TestCertificates.create("small", 1024, Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)));
        assertRefused("has 1024 bits; Entra ID needs at least 2048", () -> ClientCertificate.of(small.certificatePem(), small.privateKeyPem()));
        assertRefused("is encrypted", () -> ClientCertificate.privateKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----"));
        assertRefused("must be a PEM certificate", () -> ClientCertificate.certificate("not a certificate"));
        assertRefused("is not a readable X.509 certificate",
            () -> ClientCertificate.certificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"));
        assertRefused("must be a PEM private key", () -> ClientCertificate.privateKey(app.certificatePem()));
        assertRefused("not a readable RSA private key",
            () -> ClientCertificate.privateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"));
    }

    // ------------------------------------------------------------------ the client's assertion, the stand-in's check

    @Test
    void graphClientSignsInWithANewAssertionPerTokenRequest() throws Exception {
        ClientCertificate credential = ClientCertificate.of(app.certificatePem(), app.privateKeyPem());
        GraphClient client = new GraphClient(apache, settings(), credential);
        String first = client.token(true);
        String second = client.token(true);
        assertNotEquals(first, second, "a new assertion (new jti) each time: the stand-in refuses a replay");

        JsonNode[] jwt = decode(credential.tokenParameters(GraphStandIn.CLIENT_ID, tokenUrl).get("client_assertion"));
        assertEquals("RS256", jwt[0].get("alg").asText());
        assertEquals("JWT", jwt[0].get("typ").asText());
        assertEquals(ClientAssertions.thumbprint("SHA-256", app.certificate()), jwt[0].get("x5t#S256").asText());
        assertEquals(tokenUrl, jwt[1].get("aud").asText());
        assertEquals(GraphStandIn.CLIENT_ID, jwt[1].get("iss").asText());
        assertEquals(GraphStandIn.CLIENT_ID, jwt[1].get("sub").asText());
        long lifetime = jwt[1].get("exp").asLong() - jwt[1].get("nbf").asLong();
        assertTrue(lifetime > 0 && lifetime <= 600, "exp at most 10 minutes after nbf: " + lifetime);
    }

    @Test
    void aCertificateNotRegisteredOnTheAppIsNamedByTheClient() {
        GraphClient client = new GraphClient(apache, settings(), ClientCertificate.of(other.certificatePem(), other.privateKeyPem()));
        GraphClient.GraphException e = assertThrows(GraphClient.GraphException.class, () -> client.token(true));
        assertEquals("AADSTS700027", e.code, e::getMessage);
        assertTrue(e.getMessage().contains("is not registered on app '" + GraphStandIn.CLIENT_ID + "'"), e::getMessage);
        assertTrue(e.getMessage().contains(ClientCertificate.describe(other.certificate()).get("thumbprint").toString()), e::getMessage);
    }

    @Test
    void theStandInRefusesForgedReplayedMisaddressedAndExpiredAssertions() throws Exception {
        ClientCertificate credential = ClientCertificate.of(app.certificatePem(), app.privateKeyPem());
        long now = Instant.now().getEpochSecond();
        String valid = credential.assertion(GraphStandIn.CLIENT_ID, tokenUrl, now);
        assertEquals(200, token(valid).statusCode(), "the valid assertion");
        assertCode(50027, token(valid), "a replayed jti");

        // re-signed with another key, the registered certificate's thumbprint kept: a forgery
        String fresh = credential.assertion(GraphStandIn.CLIENT_ID, tokenUrl, now);
        assertCode(700027, token(resign(fresh, null)), "signed with a key that is not the certificate's");
        // claims changed after signing
        ObjectNode claims = (ObjectNode) decode(fresh)[1];
        claims.put("jti", "another");
        assertCode(700027, token(replaceClaims(fresh, claims)), "claims changed after signing");
        // a thumbprint of no registered certificate
        assertCode(700027, token(ClientCertificate.of(other.certificatePem(), other.privateKeyPem())
            .assertion(GraphStandIn.CLIENT_ID, tokenUrl, now)), "a certificate the app does not have");

        assertCode(700023, token(credential.assertion(GraphStandIn.CLIENT_ID, graph.url() + "/other-tenant/oauth2/v2.0/token", now)),
            "another audience");
        assertCode(700021, token(credential.assertion("00000000-0000-0000-0000-000000000001", tokenUrl, now)),
            "iss/sub of another client");
        assertCode(700024, token(credential.assertion(GraphStandIn.CLIENT_ID, tokenUrl, now - 3600)), "expired an hour ago");
        claims = (ObjectNode) decode(credential.assertion(GraphStandIn.CLIENT_ID, tokenUrl, now))[1];
        claims.put("exp", now + 3600);
        assertCode(700024, token(resign(replaceClaims(fresh, claims), app)), "valid for an hour: more than 10 minutes");
        assertCode(50027, token("not.a.jwt"), "garbage");

        graph.unregisterCertificates();
        TestCertificates lapsed = TestCertificates.create("lapsed", 2048, Instant.now().minus(Duration.ofDays(30)),
            Instant.now().minusSeconds(60));
        graph.registerCertificate(lapsed.certificate());
        ObjectNode header = (ObjectNode) decode(fresh)[0];
        header.put("x5t#S256", ClientAssertions.thumbprint("SHA-256", lapsed.certificate()));
        header.put("x5t", ClientAssertions.thumbprint("SHA-1", lapsed.certificate()));
        String byLapsed = sign(header, (ObjectNode) decode(credential.assertion(GraphStandIn.CLIENT_ID, tokenUrl, now))[1], lapsed);
        HttpResponse<String> refused = token(byLapsed);
        assertCode(700027, refused, "a registered certificate that expired");
        assertTrue(refused.body().contains("The key used is expired"), refused::body);
    }

    // ------------------------------------------------------------------ helpers

    private EntraSettings settings() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("tenantId", GraphStandIn.TENANT);
        s.put("clientId", GraphStandIn.CLIENT_ID);
        s.put("clientCredential", "certificate");
        s.put("authorityHost", graph.url());
        s.put("graphEndpoint", graph.url());
        return EntraSettings.typed(s);
    }

    private HttpResponse<String> token(String assertion) throws Exception {
        Map<String, String> form = Map.of("grant_type", "client_credentials", "client_id", GraphStandIn.CLIENT_ID,
            "scope", graph.url() + "/.default", "client_assertion_type", ClientAssertions.TYPE, "client_assertion", assertion);
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        return HTTP.send(HttpRequest.newBuilder(URI.create(tokenUrl)).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertCode(int code, HttpResponse<String> response, String what) throws Exception {
        JsonNode body = JSON.readTree(response.body());
        assertEquals(code, body.path("error_codes").path(0).asInt(), () -> what + ": " + response.statusCode() + " " + response.body());
        assertTrue(body.path("error_description").asText().startsWith("AADSTS" + code + ":"), response::body);
    }

    private static void assertRefused(String message, Runnable action) {
        SyncConflictException e = assertThrows(SyncConflictException.class, action::run);
        assertEquals(SyncConflictException.Kind.INVALID, e.getKind(), e::getMessage);
        assertTrue(e.getMessage().contains(message), () -> "expected '" + message + "' in: " + e.getMessage());
    }

    private static JsonNode[] decode(String jwt) throws Exception {
        String[] p = jwt.split("\\.");
        return new JsonNode[] {JSON.readTree(Base64.getUrlDecoder().decode(p[0])), JSON.readTree(Base64.getUrlDecoder().decode(p[1]))};
    }

    /** The same header and claims signed again, by {@code signer} (null: a key that is no registered certificate's). */
    private static String resign(String jwt, TestCertificates signer) throws Exception {
        JsonNode[] parts = decode(jwt);
        return sign((ObjectNode) parts[0], (ObjectNode) parts[1], signer == null ? other : signer);
    }

    /** New claims under the old header and the old signature. */
    private static String replaceClaims(String jwt, ObjectNode claims) throws Exception {
        String[] p = jwt.split("\\.");
        return p[0] + "." + b64(JSON.writeValueAsBytes(claims)) + "." + p[2];
    }

    private static String sign(ObjectNode header, ObjectNode claims, TestCertificates signer) throws Exception {
        String signed = b64(JSON.writeValueAsBytes(header)) + "." + b64(JSON.writeValueAsBytes(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(signer.keys().getPrivate());
        rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signed + "." + b64(rsa.sign());
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
