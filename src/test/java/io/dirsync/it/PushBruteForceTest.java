package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

import io.dirsync.duo.DuoRequests;

/**
 * Brute force on the push APIs (issue 15), at the default limit (30 failures per address per 60 s): bad SCIM bearer
 * tokens and bad Duo signatures from one client address are refused with 429 and {@code Retry-After} once the address
 * has failed 30 times in its window, whatever it sends next; another address is unaffected; the window ends with
 * Keycloak's clock. The addresses are real: the requests leave from 127.0.0.2 and 127.0.0.3 (Linux routes all of
 * 127/8 to the loopback), which Keycloak sees as the clients' addresses, so no proxy header is involved.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class PushBruteForceTest extends DirSyncIntegrationTest {

    static final String DUO_HOST = "duo-api.example.test";
    static final int MAX_FAILURES = 30;
    static final String ATTACKER = "127.0.0.2";
    static final String CLIENT = "127.0.0.3";

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    @Test
    void anAddressWithTooManyFailuresIsRefusedUntilItsWindowEndsAndOthersAreNot() {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Guarded Okta");
        assertEquals(201, okta.scim("POST", "/Users", DirSync.scimUser("guarded", "Gu", "Arded", "g@corp.test")).status());
        DuoRequests duo = duoDirectory("Guarded Duo");

        // Failures of both APIs count for the address: 29 bad tokens and a bad Duo signature.
        for (int i = 1; i < MAX_FAILURES; i++) {
            assertEquals(401, scim(ATTACKER, okta, "Bearer guess-" + i).status(), "failure " + i);
        }
        DuoRequests forged = new DuoRequests(duo.endpoint(), DUO_HOST, duo.ikey(), "x".repeat(40));
        assertEquals(401, duo(ATTACKER, forged).status());

        // The address is refused now, even with the good token and the good keys; nothing of the users is shown.
        Http.Result refused = scim(ATTACKER, okta, "Bearer " + okta.token());
        assertEquals(429, refused.status(), refused::toString);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 60, refused::toString);
        assertEquals("429", refused.json().get("status").asText(), refused::toString);
        assertFalse(refused.body().contains("guarded"), refused::toString);
        Http.Result duoRefused = duo(ATTACKER, duo);
        assertEquals(429, duoRefused.status(), duoRefused::toString);
        assertEquals(42901, duoRefused.json().get("code").asInt(), duoRefused::toString);
        assertTrue(Long.parseLong(duoRefused.header("Retry-After")) > 0, duoRefused::toString);

        // Other addresses: good credentials work, and a failure there is that address's own.
        assertEquals(200, scim(CLIENT, okta, "Bearer " + okta.token()).status());
        assertEquals(200, duo(CLIENT, duo).status());
        assertEquals(401, scim(CLIENT, okta, "Bearer guess").status());
        assertEquals(200, okta.scim("GET", "/Users", null).status(), "127.0.0.1");

        // At the window's end (Keycloak's clock a minute on; a Duo Date may be 5 min off) the address may try again.
        timeOffSet.set(61);
        assertEquals(200, scim(ATTACKER, okta, "Bearer " + okta.token()).status());
        assertEquals(200, duo(ATTACKER, duo).status());
    }

    private static Http.Result scim(String from, DirSync.ScimDirectory directory, String authorization) {
        return get(from, directory.baseUrl() + "/Users", Map.of("Authorization", authorization));
    }

    private static Http.Result duo(String from, DuoRequests keys) {
        DuoRequests.Signed signed = keys.signedGet("/admin/v1/users", Map.of());
        return get(from, signed.url(), signed.headers());
    }

    /** A GET sent from the local address {@code from} over a plain socket (HTTP/1.1, one request, then closed). */
    private static Http.Result get(String from, String url, Map<String, String> headers) {
        URI uri = URI.create(url);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", uri.getPort()), 10_000); // the test server, over IPv4
            socket.setSoTimeout(60_000);
            StringBuilder request = new StringBuilder("GET " + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\nConnection: close\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new AssertionError("GET " + url + " from " + from + " failed: " + e, e);
        }
    }

    private static Http.Result parse(byte[] raw) throws IOException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] head = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(head[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        boolean chunked = false;
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            String name = head[i].substring(0, colon).trim();
            String value = head[i].substring(colon + 1).trim();
            headers.put(name, List.of(value));
            chunked |= name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked");
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        return new Http.Result(status, new String(chunked ? dechunk(body) : body, StandardCharsets.UTF_8), headers);
    }

    private static byte[] dechunk(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = new java.io.ByteArrayInputStream(body);
        while (true) {
            StringBuilder size = new StringBuilder();
            for (int c = in.read(); c != '\n' && c != -1; c = in.read()) {
                if (c != '\r') {
                    size.append((char) c);
                }
            }
            int n = size.length() == 0 ? 0 : Integer.parseInt(size.toString().split(";")[0].trim(), 16);
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(in.readNBytes(n));
            in.skip(2);
        }
    }

    private DuoRequests duoDirectory(String name) {
        Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "duo-admin-api", "name", name,
            "settings", Map.of("apiHostname", DUO_HOST)));
        assertEquals(201, created.status(), created::toString);
        Http.Result setup = dirsync.admin("POST", "/directories/" + created.json().get("id").asText() + "/complete-setup", null);
        assertEquals(200, setup.status(), setup::toString);
        return new DuoRequests(setup.json().get("endpoint").asText(), DUO_HOST,
            setup.json().get("integrationKey").asText(), setup.json().get("secretKey").asText());
    }
}
