package io.dirsync.entra;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for the Microsoft identity platform's sign-in (OpenID Connect authorization-code flow) of one user at a
 * time, so that a test can sign an Entra user in through the realm's identity provider without the internet:
 * {@code GET /authorize} sends the browser straight back with a code (the user "signed in at Microsoft"), and
 * {@code POST /token} answers an ID token whose {@code sub} is the user's Entra object id — what Keycloak's Microsoft
 * provider reads as the user's id (Graph's {@code id}), and what the directory links its users by. The token is signed
 * with HS256 and the client secret; the test's identity provider does not validate signatures (it is not the test's
 * subject), but it checks audience, expiry and the nonce.
 */
final class MicrosoftSignInStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, Map<String, Object>> codes = new ConcurrentHashMap<>();
    private volatile String signedInObjectId;
    private volatile String signedInUpn;

    private MicrosoftSignInStandIn(HttpServer server) {
        this.server = server;
    }

    static MicrosoftSignInStandIn start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        MicrosoftSignInStandIn s = new MicrosoftSignInStandIn(server);
        server.createContext("/authorize", s::authorize);
        server.createContext("/token", s::token);
        server.start();
        return s;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The user the next sign-in at "Microsoft" is. */
    void signInAs(String objectId, String upn) {
        signedInObjectId = objectId;
        signedInUpn = upn;
    }

    private void authorize(HttpExchange x) throws IOException {
        Map<String, String> q = query(x.getRequestURI().getRawQuery());
        String code = UUID.randomUUID().toString();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", signedInObjectId);
        claims.put("oid", signedInObjectId);
        claims.put("preferred_username", signedInUpn);
        claims.put("aud", q.get("client_id"));
        claims.put("nonce", q.get("nonce"));
        codes.put(code, claims);
        String back = q.get("redirect_uri") + (q.get("redirect_uri").contains("?") ? "&" : "?") + "code=" + code
            + "&state=" + URLEncoder.encode(q.getOrDefault("state", ""), StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Location", back);
        x.sendResponseHeaders(302, -1);
        x.close();
    }

    private void token(HttpExchange x) throws IOException {
        String body;
        try (InputStream in = x.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> form = query(body);
        Map<String, Object> claims = codes.remove(form.get("code"));
        if (claims == null) {
            send(x, 400, Map.of("error", "invalid_grant", "error_description", "AADSTS70000: The provided code is invalid."));
            return;
        }
        long now = System.currentTimeMillis() / 1000;
        claims.put("iss", url() + "/v2.0");
        claims.put("iat", now);
        claims.put("exp", now + 3600);
        send(x, 200, Map.of("token_type", "Bearer", "expires_in", 3600, "access_token", UUID.randomUUID().toString(),
            "id_token", jwt(claims, form.getOrDefault("client_secret", "secret"))));
    }

    private static String jwt(Map<String, Object> claims, String key) throws IOException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(JSON.writeValueAsBytes(Map.of("alg", "HS256", "typ", "JWT")));
        String payload = b64.encodeToString(JSON.writeValueAsBytes(claims));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return header + "." + payload + "." + b64.encodeToString(mac.doFinal((header + "." + payload)
                .getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static void send(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            q.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    @Override
    public void close() {
        server.stop(0);
    }

}
