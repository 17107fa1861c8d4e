package io.dirsync.entra;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.dirsync.entra.StandInHttp.Answer;

/**
 * The Microsoft identity platform's token endpoint, client credentials grant only:
 * {@code POST /{tenant}/oauth2/v2.0/token}, with the app's client secret or a client assertion signed with one of its
 * registered certificates ({@link ClientAssertions}). Issues opaque bearer tokens and later tells Graph whether a token is
 * valid, unknown or expired.
 */
final class StandInAuthority {

    /** Graph's well-known application id: a scope of "00000003-0000-0000-c000-000000000000/.default" names it too. */
    private static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
    private static final long LIFETIME_SECONDS = 3599;
    private static final DateTimeFormatter ENTRA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    enum Check { VALID, EMPTY, UNKNOWN, EXPIRED }

    private record Issued(long serial, Instant expires) {
    }

    private final SecureRandom random = new SecureRandom();
    /** The app's certificate credentials and the assertions it already used. */
    final ClientAssertions assertions = new ClientAssertions();
    private final Map<String, Issued> issued = new HashMap<>();
    private long serial;
    /** Tokens with a serial below this were expired by {@link GraphStandIn#expireTokens()}. */
    private long expiredBelow;

    synchronized void expireAll() {
        expiredBelow = serial;
    }

    /** What Graph makes of an Authorization header value. */
    synchronized Check check(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.substring(7).isBlank()) {
            return Check.EMPTY;
        }
        Issued token = issued.get(authorization.substring(7).trim());
        if (token == null) {
            return Check.UNKNOWN;
        }
        return token.serial < expiredBelow || Instant.now().isAfter(token.expires) ? Check.EXPIRED : Check.VALID;
    }

    /**
     * One token request. {@code graphUrl} is the stand-in's own URL: a scope of "<graphUrl>/.default" names the Graph
     * it serves.
     */
    Answer token(String tenant, String method, String contentType, byte[] body, String authorization, String graphUrl) {
        if (!GraphStandIn.TENANT.equalsIgnoreCase(tenant)) {
            return error(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you have the correct "
                + "tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen "
                + "if there are no active subscriptions for the tenant.");
        }
        if (!"POST".equals(method)) {
            return error(400, "invalid_request", 900561, "The endpoint only accepts POST requests. Received a " + method + " request.");
        }
        // Entra reads only a form body; anything else leaves every parameter missing.
        Map<String, String> form = new HashMap<>();
        if (contentType != null && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            for (Map.Entry<String, String> p : StandInHttp.parseQuery(new String(body, StandardCharsets.UTF_8))) {
                form.put(p.getKey(), p.getValue());
            }
        }
        // client_secret_basic: Entra also takes the client's credentials from an HTTP Basic header.
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            // RFC 6749 2.3.1: both halves are form-encoded before Base64.
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                pair = "";
            }
            int colon = pair.indexOf(':');
            if (colon > 0) {
                clientId = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
                secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        String grant = form.get("grant_type");
        if (grant == null || grant.isEmpty()) {
            return missing("grant_type");
        }
        if (!"client_credentials".equals(grant)) {
            return error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '" + grant + "'.");
        }
        if (clientId == null || clientId.isEmpty()) {
            return missing("client_id");
        }
        if (!GraphStandIn.CLIENT_ID.equalsIgnoreCase(clientId)) {
            return error(400, "unauthorized_client", 700016, "Application with identifier '" + clientId + "' was not found in the "
                + "directory '" + tenant + "'. This can happen if the application has not been installed by the administrator of the "
                + "tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.");
        }
        String scope = form.get("scope");
        if (scope == null || scope.isBlank()) {
            return missing("scope");
        }
        scope = scope.trim();
        if (!scope.endsWith("/.default") || scope.contains(" ")) {
            return error(400, "invalid_scope", 1002012, "The provided value for scope " + scope + " is not valid. Client credential "
                + "flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
        }
        String resource = scope.substring(0, scope.length() - "/.default".length());
        // The stand-in by either name of the loopback host, or Graph by its public names (what a real tenant expects).
        String byName = graphUrl.replace("://127.0.0.1:", "://localhost:");
        if (!List.of(graphUrl, graphUrl + "/", byName, byName + "/", "https://graph.microsoft.com", "https://graph.microsoft.com/",
            GRAPH_APP_ID).contains(resource)) {
            return error(400, "invalid_resource", 500011, "The resource principal named " + resource + " was not found in the tenant "
                + "named " + tenant + ". This can happen if the application has not been installed by the administrator of the tenant "
                + "or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.");
        }
        String assertionType = form.get("client_assertion_type");
        String assertion = form.get("client_assertion");
        if (assertion != null || assertionType != null) {
            if (secret != null) {
                return error(401, "invalid_client", 7000216, "'client_assertion', 'client_secret' or 'request' is required "
                    + "for the 'client_credentials' grant type, and only one may be sent.");
            }
            if (assertion == null || assertion.isEmpty()) {
                return missing("client_assertion");
            }
            if (!ClientAssertions.TYPE.equals(assertionType)) {
                return error(400, "invalid_request", 50027, "Invalid client_assertion_type '" + assertionType + "': "
                    + "expected '" + ClientAssertions.TYPE + "'.");
            }
            ClientAssertions.Refusal refusal = assertions.verify(assertion, clientId,
                List.of(graphUrl + "/" + tenant + "/oauth2/v2.0/token", byName + "/" + tenant + "/oauth2/v2.0/token"),
                Instant.now());
            if (refusal != null) {
                return error(refusal.status(), refusal.error(), refusal.code(), refusal.description());
            }
            return issue();
        }
        if (secret == null || secret.isEmpty()) {
            return error(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' "
                + "or 'client_secret'.");
        }
        if (!GraphStandIn.CLIENT_SECRET.equals(secret)) {
            return error(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request "
                + "is the client secret value, not the client secret ID, for a secret added to app '" + clientId + "'.");
        }
        return issue();
    }

    private Answer issue() {
        byte[] raw = new byte[48];
        random.nextBytes(raw);
        String token = StandInHttp.base64Url(raw);
        synchronized (this) {
            issued.put(token, new Issued(serial++, Instant.now().plusSeconds(LIFETIME_SECONDS)));
        }
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("token_type", "Bearer");
        ok.put("expires_in", LIFETIME_SECONDS);
        ok.put("ext_expires_in", LIFETIME_SECONDS);
        ok.put("access_token", token);
        return noStore(StandInHttp.json(200, "application/json; charset=utf-8", ok));
    }

    private static Answer missing(String parameter) {
        return error(400, "invalid_request", 900144, "The request body must contain the following parameter: '" + parameter + "'.");
    }

    /** Entra's error body: the AADSTS code both in the text and in error_codes, plus the ids Entra always adds. */
    private static Answer error(int status, String error, int code, String description) {
        String trace = StandInHttp.guid();
        String correlation = StandInHttp.guid();
        String timestamp = ENTRA_TIME.format(Instant.now());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", "AADSTS" + code + ": " + description + " Trace ID: " + trace + " Correlation ID: "
            + correlation + " Timestamp: " + timestamp);
        body.put("error_codes", List.of(code));
        body.put("timestamp", timestamp);
        body.put("trace_id", trace);
        body.put("correlation_id", correlation);
        body.put("error_uri", "https://login.microsoftonline.com/error?code=" + code);
        return noStore(StandInHttp.json(status, "application/json; charset=utf-8", body));
    }

    private static Answer noStore(Answer a) {
        return a.with("Cache-Control", "no-store, no-cache").with("Pragma", "no-cache");
    }
}
