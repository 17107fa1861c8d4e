package io.dirsync.duo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.dirsync.it.Http;

/**
 * Duo-signed requests (signature v5, HMAC-SHA512, as Duo's Java client 0.7.1 signs by default) sent straight to a
 * directory's endpoint over plain HTTP with the tests' one keep-alive {@code java.net.http} client: no proxy, no TLS,
 * so that what is measured or asserted is Keycloak's answer. The canonical form is written here from the client's
 * {@code Http.canonRequest}, not taken from the main code, so that a test does not sign with the code it tests. The
 * signed host is the directory's {@code apiHostname}, whatever host the request is sent to.
 *
 * @param endpoint the directory's endpoint ({@code .../dirsync/<id>/duo}); paths are {@code /admin/...}
 */
public record DuoRequests(String endpoint, String apiHost, String ikey, String skey) {

    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US);
    private static final String EMPTY_SHA512 = sha512("");

    /** A POST with a JSON body, as the Java client sends creates and modifies. */
    public Http.Result post(String path, Map<String, String> params) {
        String body;
        try {
            body = Http.JSON.writeValueAsString(new TreeMap<>(params));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        String date = date();
        String canonical = String.join("\n", date, "POST", apiHost.toLowerCase(Locale.ROOT), path, "", sha512(body),
            EMPTY_SHA512);
        return Http.send("POST", endpoint + path, authorization(canonical), body, Map.of("Date", date));
    }

    /** The API host name the tests' Duo directories are saved with (what the client signs). */
    public static final String API_HOST = "duo-api.example.test";

    /** A Duo Admin API directory with setup completed, and requests signed with its keys. */
    public static DuoRequests directory(io.dirsync.it.DirSync dirsync, String name) {
        Http.Result created = dirsync.admin("POST", "/directories", Map.of("type", "duo-admin-api", "name", name,
            "settings", Map.of("apiHostname", API_HOST)));
        if (created.status() != 201) {
            throw new AssertionError("Duo directory not created: " + created);
        }
        Http.Result setup = dirsync.admin("POST", "/directories/" + created.json().get("id").asText() + "/complete-setup", null);
        return new DuoRequests(setup.json().get("endpoint").asText(), API_HOST, setup.json().get("integrationKey").asText(),
            setup.json().get("secretKey").asText());
    }

    /** A POST of any body (signed as sent, v5), for input a well-behaved client would not send. */
    public Http.Result postRaw(String path, String body, String contentType) {
        String date = date();
        String canonical = String.join("\n", date, "POST", apiHost.toLowerCase(Locale.ROOT), path, "", sha512(body),
            EMPTY_SHA512);
        return Http.send("POST", endpoint + path, authorization(canonical), body, Map.of("Date", date, "Content-Type", contentType));
    }

    /** A GET with its parameters in the query string (sorted and %-encoded, as signed). */
    public Http.Result get(String path, Map<String, String> params) {
        Signed signed = signedGet(path, params);
        return Http.send("GET", signed.url(), signed.headers().get("Authorization"), null,
            Map.of("Date", signed.headers().get("Date")));
    }

    /** A signed request's URL and headers ({@code Authorization}, {@code Date}), for a test that sends it its own way. */
    public record Signed(String url, Map<String, String> headers) {
    }

    /** The GET {@link #get} sends, signed now. */
    public Signed signedGet(String path, Map<String, String> params) {
        String query = query(params);
        String date = date();
        String canonical = String.join("\n", date, "GET", apiHost.toLowerCase(Locale.ROOT), path, query, EMPTY_SHA512,
            EMPTY_SHA512);
        return new Signed(endpoint + path + (query.isEmpty() ? "" : "?" + query),
            Map.of("Authorization", authorization(canonical), "Date", date));
    }

    private String authorization(String canonical) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(skey.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
            String signature = HexFormat.of().formatHex(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
            return "Basic " + Base64.getEncoder().encodeToString((ikey + ":" + signature).getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client's clock, as a Duo client sends it (not Keycloak's, which a test may move). */
    private static String date() {
        return RFC_2822.format(ZonedDateTime.now(ZoneOffset.UTC));
    }

    private static String query(Map<String, String> params) {
        List<String> args = new ArrayList<>();
        new TreeMap<>(params).forEach((k, v) -> args.add(encode(k) + "=" + encode(v)));
        return String.join("&", args);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static String sha512(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
