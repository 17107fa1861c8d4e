package io.dirsync.it;

import java.net.URI;
import java.nio.ByteBuffer;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import org.keycloak.representations.idm.ClientRepresentation;

/**
 * Keycloak's login pages, driven over plain HTTP as a browser would (the HTML forms of the browser flow): cookies are
 * kept by hand, since Java's cookie manager does not send Keycloak's Secure cookies over http, and redirects are followed
 * until Keycloak sends the browser back to the client's {@link #CALLBACK}.
 */
public final class LoginPages {

    public static final String CALLBACK = "http://localhost/callback";
    private static final Pattern ENROLLMENT_LINK =
        Pattern.compile("https?://\\S+/login-actions/action-token\\?key=[A-Za-z0-9._\\-]+");

    private final Map<String, String> cookies = new LinkedHashMap<>();
    /** The last page's address, against which a page's relative links resolve. */
    private String lastUrl;

    /** A page Keycloak answered, or the redirect back to the client ({@code location}) that ends a sign-in. */
    public record Page(int status, String body, String location) {
        /** Keycloak sent the browser back to the client with an authorization code. */
        public boolean signedIn() {
            return location != null && location.startsWith(CALLBACK) && location.contains("code=");
        }
    }

    /** A public client of the browser flow that redirects to {@link #CALLBACK}; create it in the realm first. */
    public static ClientRepresentation webClient() {
        ClientRepresentation web = new ClientRepresentation();
        web.setClientId("web-" + System.nanoTime());
        web.setPublicClient(true);
        web.setStandardFlowEnabled(true);
        web.setRedirectUris(List.of(CALLBACK));
        return web;
    }

    /** The realm's login page for {@code clientId}. */
    public Page open(String serverUrl, String realm, String clientId) throws Exception {
        return browse(serverUrl + "/realms/" + realm + "/protocol/openid-connect/auth?response_type=code&scope=openid"
            + "&client_id=" + clientId + "&redirect_uri=" + URLEncoder.encode(CALLBACK, StandardCharsets.UTF_8), null);
    }

    /** Submits the form of {@code page} (the login form, the update-password form, ...) with {@code fields}. */
    public Page submit(Page page, Map<String, String> fields) throws Exception {
        Matcher m = Pattern.compile("action=\"([^\"]*login-actions[^\"]*)\"").matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("No login form on the page: " + page.body());
        }
        return browse(m.group(1).replace("&amp;", "&"), fields);
    }

    /** Opens a link (from an e-mail, or a page's link, relative to the last page) in this browser. */
    public Page get(String url) throws Exception {
        return browse(lastUrl == null ? url : URI.create(lastUrl).resolve(url).toString(), null);
    }

    /** The target of the page's first link whose text contains {@code text}. */
    public static String linkOf(Page page, String text) {
        Matcher m = Pattern.compile("<a[^>]*href=\"([^\"]*)\"[^>]*>([^<]*)</a>").matcher(page.body());
        while (m.find()) {
            if (m.group(2).contains(text)) {
                return m.group(1).replace("&amp;", "&");
            }
        }
        throw new AssertionError("No link '" + text + "' on the page: " + page.body());
    }

    /** The enrollment link (an action token of the extension's e-mails) in the text part of e-mail {@code m}. */
    public static String enrollmentLink(MimeMessage m) throws Exception {
        Object content = m.getContent();
        String text = content.toString();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                if (multipart.getBodyPart(i).isMimeType("text/plain")) {
                    text = multipart.getBodyPart(i).getContent().toString();
                }
            }
        }
        Matcher matcher = ENROLLMENT_LINK.matcher(text);
        if (!matcher.find()) {
            throw new AssertionError("No enrollment link in " + text);
        }
        return matcher.group();
    }

    /** The current code of an OTP {@code secret} (the value of Keycloak's setup page's {@code totpSecret}). */
    public static String totp(String secret) throws Exception {
        return totp(secret, 0);
    }

    /**
     * RFC 6238 TOTP with Keycloak's default OTP policy (HmacSHA1, 6 digits, 30 s; Keycloak's key is the secret's bytes),
     * by the wall clock as Keycloak checks it (not Keycloak's moved one), {@code stepsAhead} 30-second steps from now:
     * Keycloak accepts the next step's code too, which is not the one just used to set the OTP up (a code is accepted
     * only once).
     */
    public static String totp(String secret, int stepsAhead) throws Exception {
        long counter = System.currentTimeMillis() / 1000 / 30 + stepsAhead;
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
        int o = h[h.length - 1] & 0xf;
        int bin = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8) | (h[o + 3] & 0xff);
        return String.format("%06d", bin % 1_000_000);
    }

    /** The value of the page's hidden (or other) input {@code name}, or null. */
    public static String inputValue(Page page, String name) {
        Matcher m = Pattern.compile("<input[^>]*name=\"" + Pattern.quote(name) + "\"[^>]*>").matcher(page.body());
        if (!m.find()) {
            return null;
        }
        Matcher v = Pattern.compile("value=\"([^\"]*)\"").matcher(m.group());
        return v.find() ? v.group(1) : null;
    }

    /** GET {@code url}, or POST {@code form} to it, sending and keeping cookies, following Keycloak's redirects. */
    private Page browse(String url, Map<String, String> form) throws Exception {
        lastUrl = url;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; ")));
        }
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(
                form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"))));
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String set : response.headers().allValues("Set-Cookie")) {
            String pair = set.split(";", 2)[0];
            int eq = pair.indexOf('=');
            cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        String next = response.headers().firstValue("Location").orElse(null);
        if (response.statusCode() / 100 == 3 && next != null && !next.startsWith(CALLBACK)) {
            return browse(URI.create(url).resolve(next).toString(), null);
        }
        return new Page(response.statusCode(), response.body(), next);
    }
}
