package io.dirsync.entra;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.http.Header;
import org.apache.http.NameValuePair;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;
import org.jboss.logging.Logger;

/**
 * A small Microsoft Graph client for directory sync: the OAuth client-credentials token of the app registration and
 * GET requests on Graph, on Keycloak's own HTTP client (its truststore and proxy settings) and Jackson. Not the Graph
 * SDK (about 50 MB): a sync needs the token call and a handful of GETs.
 * <p>
 * What Graph asks of a background client is done here once for every caller: {@code x-ms-throttle-priority: low};
 * {@code 429}/{@code 503}/{@code 504} wait for {@code Retry-After} (else back off exponentially) and try again, so that
 * throttling never ends a run (and never trashes anyone); an answer whose {@code x-ms-throttle-limit-percentage} says
 * the app is near its limit slows the next requests down; a {@code 401} for an expired token gets a new token and the
 * request once more. Anything else is a {@link GraphException} naming what Graph said.
 */
final class GraphClient {

    private static final Logger LOG = Logger.getLogger(GraphClient.class);
    static final ObjectMapper JSON = new ObjectMapper();
    /** Attempts of one request while Graph throttles or is unavailable. */
    static final int MAX_ATTEMPTS = 8;
    /** The longest single wait for a throttled request (a larger Retry-After is capped). */
    static final long MAX_WAIT_MILLIS = 120_000;
    /** From this share of the app's limit (Graph starts sending the header at 0.8), requests are paced. */
    static final double SLOW_DOWN_FROM = 0.8;

    /** What Graph or the token endpoint answered instead of data. */
    static final class GraphException extends RuntimeException {
        final int status;
        final String code;

        GraphException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    /** One page of a list or delta round. */
    record Page(List<ObjectNode> values, String nextLink, String deltaLink) {
    }

    /** Waits; tests and the benchmark see the real time spent. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final CloseableHttpClient http;
    private final EntraSettings settings;
    private final AppCredential credential;
    private final Sleeper sleeper;
    private String token;
    private long tokenExpiresAt;
    private long pacingMillis;
    private int requests;
    private int throttled;

    GraphClient(CloseableHttpClient http, EntraSettings settings, AppCredential credential) {
        this(http, settings, credential, Thread::sleep);
    }

    GraphClient(CloseableHttpClient http, EntraSettings settings, AppCredential credential, Sleeper sleeper) {
        this.http = http;
        this.settings = settings;
        this.credential = credential;
        this.sleeper = sleeper;
    }

    /** Graph requests sent so far (token calls not counted), for run logs and benchmarks. */
    int requests() {
        return requests;
    }

    /** Answers that were throttled (429/503/504) and retried. */
    int throttled() {
        return throttled;
    }

    /** The URL of a Graph v1.0 path with its query ({@code /users}, {@code ?$select=...}). */
    String url(String path, String... query) {
        StringBuilder b = new StringBuilder(settings.graphEndpoint).append("/v1.0").append(path);
        for (int i = 0; i + 1 < query.length; i += 2) {
            b.append(i == 0 ? '?' : '&').append(query[i]).append('=')
                .append(URLEncoder.encode(query[i + 1], StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }

    /** A value as one URL path segment (a UPN with {@code /}, {@code ?} or {@code #} stays one segment). */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One page of {@code url} (a first request or a nextLink/deltaLink Graph gave). */
    Page page(String url, boolean delta) {
        ObjectNode body = get(url, delta);
        List<ObjectNode> values = new ArrayList<>();
        for (JsonNode v : body.path("value")) {
            if (v instanceof ObjectNode o) {
                values.add(o);
            }
        }
        return new Page(values, textOrNull(body.get("@odata.nextLink")), textOrNull(body.get("@odata.deltaLink")));
    }

    /** One object ({@code /groups/{id}}); a 404 is a {@link GraphException} with status 404. */
    ObjectNode object(String url) {
        return get(url, false);
    }

    private ObjectNode get(String url, boolean delta) {
        requireOwnHost(url);
        boolean refreshed = false;
        for (int attempt = 1; ; attempt++) {
            pace();
            HttpGet get = new HttpGet(url);
            get.setHeader("Authorization", "Bearer " + token(false));
            get.setHeader("Accept", "application/json");
            get.setHeader("x-ms-throttle-priority", "low");
            if (delta) {
                get.setHeader("Prefer", "odata.maxpagesize=" + settings.pageSize);
            }
            requests++;
            Answer answer = send(get);
            watchThrottle(answer);
            if (answer.status == 200) {
                return answer.object();
            }
            if (answer.status == 401 && !refreshed) {
                refreshed = true; // the token expired mid-run: a new one, the same request again
                token(true);
                attempt--;
                continue;
            }
            if ((answer.status == 429 || answer.status == 503 || answer.status == 504) && attempt < MAX_ATTEMPTS) {
                throttled++;
                long wait = retryAfter(answer, attempt);
                LOG.debugf("Graph answered %s to %s; trying again in %s ms", String.valueOf(answer.status), url, String.valueOf(wait));
                sleep(wait);
                continue;
            }
            throw graphError(answer, url);
        }
    }

    /**
     * The app's access token, asked for again when it is about to expire or {@code renew} says the last one was
     * refused.
     */
    String token(boolean renew) {
        long now = System.currentTimeMillis();
        if (!renew && token != null && now < tokenExpiresAt) {
            return token;
        }
        String tokenUrl = settings.tokenUrl();
        HttpPost post = new HttpPost(tokenUrl);
        List<NameValuePair> form = new ArrayList<>(List.of(new BasicNameValuePair("grant_type", "client_credentials"),
            new BasicNameValuePair("client_id", settings.clientId), new BasicNameValuePair("scope", settings.scope())));
        credential.tokenParameters(settings.clientId, tokenUrl).forEach((k, v) -> form.add(new BasicNameValuePair(k, v)));
        post.setEntity(new UrlEncodedFormEntity(form, StandardCharsets.UTF_8));
        post.setHeader("Accept", "application/json");
        Answer answer = send(post);
        if (answer.status != 200) {
            throw tokenError(answer);
        }
        ObjectNode body = answer.object();
        String t = textOrNull(body.get("access_token"));
        if (t == null) {
            throw new GraphException(answer.status, "no_token", "The token endpoint " + settings.authorityHost
                + " answered without an access token");
        }
        token = t;
        // renewed five minutes before it expires (a run outlasting an hour keeps going)
        tokenExpiresAt = now + Math.max(60, body.path("expires_in").asLong(3600) - 300) * 1000L;
        return token;
    }

    // ------------------------------------------------------------------ HTTP

    private record Answer(int status, String body, Header[] headers) {
        String header(String name) {
            for (Header h : headers) {
                if (h.getName().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }

        ObjectNode object() {
            try {
                JsonNode n = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
                return n instanceof ObjectNode o ? o : JSON.createObjectNode();
            } catch (IOException e) {
                throw new GraphException(status, "invalid_json", "Graph answered something that is not JSON (HTTP "
                    + status + "): " + abbreviate(body));
            }
        }
    }

    private Answer send(HttpRequestBase request) {
        try (CloseableHttpResponse response = http.execute(request)) {
            String body = response.getEntity() == null ? null : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
            return new Answer(response.getStatusLine().getStatusCode(), body, response.getAllHeaders());
        } catch (IOException e) {
            throw new GraphException(0, "network", "Cannot reach " + request.getURI().getScheme() + "://"
                + request.getURI().getAuthority() + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /** nextLinks and deltaLinks come from Graph; the token is only ever sent to the configured Graph endpoint. */
    private void requireOwnHost(String url) {
        URI u = URI.create(url);
        URI graph = URI.create(settings.graphEndpoint);
        if (!graph.getScheme().equalsIgnoreCase(u.getScheme()) || !graph.getAuthority().equalsIgnoreCase(u.getAuthority())) {
            throw new GraphException(0, "foreign_link", "Graph gave a link to another host (" + u.getAuthority()
                + "); not followed");
        }
    }

    private void watchThrottle(Answer answer) {
        String pct = answer.header("x-ms-throttle-limit-percentage");
        if (pct == null) {
            pacingMillis = 0;
            return;
        }
        try {
            double p = Double.parseDouble(pct.trim());
            // 0.8 → 100 ms between requests, 1.0 → 1 s: slow down before Graph answers 429
            pacingMillis = p < SLOW_DOWN_FROM ? 0 : 100 + Math.round((Math.min(p, 1.0) - SLOW_DOWN_FROM) / 0.2 * 900);
        } catch (NumberFormatException e) {
            pacingMillis = 0;
        }
    }

    private void pace() {
        if (pacingMillis > 0) {
            sleep(pacingMillis);
        }
    }

    private static long retryAfter(Answer answer, int attempt) {
        String h = answer.header("Retry-After");
        if (h != null) {
            try {
                return Math.min(MAX_WAIT_MILLIS, Math.max(0, Long.parseLong(h.trim())) * 1000L);
            } catch (NumberFormatException ignore) {
                // an HTTP date: fall back to backing off
            }
        }
        return Math.min(MAX_WAIT_MILLIS, 1000L << Math.min(attempt - 1, 6));
    }

    private void sleep(long millis) {
        try {
            sleeper.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GraphException(0, "interrupted", "Interrupted while waiting for Graph");
        }
    }

    // ------------------------------------------------------------------ errors an admin can act on

    private GraphException graphError(Answer answer, String url) {
        JsonNode error = safe(answer).path("error");
        String code = error.path("code").asText("");
        String message = error.path("message").asText("");
        String what = URI.create(url).getPath();
        if (answer.status == 403 || "Authorization_RequestDenied".equals(code)) {
            return new GraphException(403, code, "Graph refused " + what + ": the app lacks a permission (" + message
                + "). Grant it the application permission " + permissionFor(what) + " and admin consent");
        }
        if (answer.status == 410) {
            return new GraphException(410, code.isEmpty() ? "resyncRequired" : code, "Graph's delta link expired (" + message + ")");
        }
        if (answer.status == 429 || answer.status == 503 || answer.status == 504) {
            return new GraphException(answer.status, code, "Graph still answered " + answer.status + " after "
                + MAX_ATTEMPTS + " attempts for " + what + " (" + message + ")");
        }
        return new GraphException(answer.status, code, "Graph answered " + answer.status + (code.isEmpty() ? "" : " " + code)
            + " for " + what + (message.isEmpty() ? "" : ": " + message));
    }

    /** The least-privileged application permission a path needs. */
    static String permissionFor(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.contains("/groups")) {
            return p.contains("/members") || p.contains("transitivemembers") || p.contains("/delta")
                ? "GroupMember.Read.All" : "Group.Read.All (or GroupMember.Read.All)";
        }
        return "User.Read.All";
    }

    private GraphException tokenError(Answer answer) {
        JsonNode body = safe(answer);
        String error = body.path("error").asText("");
        String description = body.path("error_description").asText("");
        String aadsts = description.startsWith("AADSTS") ? description.substring(0, description.indexOf(':') < 0
            ? description.length() : description.indexOf(':')) : "";
        String advice = switch (aadsts) {
            case "AADSTS90002", "AADSTS900023", "AADSTS90013" ->
                "Tenant '" + settings.tenantId + "' was not found: check settings.tenantId (and the authority host for "
                    + "national clouds)";
            case "AADSTS700016" -> "No app with client id '" + settings.clientId + "' in tenant '" + settings.tenantId
                + "': check settings.clientId and that the app is registered in this tenant";
            case "AADSTS7000215" -> "The client secret is wrong: paste the secret's Value (not its Secret ID)";
            case "AADSTS7000222" -> "The client secret has expired: create a new one in the app registration";
            // certificate credentials
            case "AADSTS700027" -> "The certificate " + thumbprint() + "is not registered on app '" + settings.clientId
                + "' (or the assertion's signature does not verify with the one registered): upload this certificate "
                + "under the app registration's Certificates & secrets → Certificates, or send the certificate and key "
                + "registered there";
            case "AADSTS700024" -> "Entra ID says the client assertion is outside its valid time range: check this "
                + "server's clock (NTP); assertions are valid for " + ClientCertificate.ASSERTION_SECONDS / 60 + " minutes";
            case "AADSTS7000274", "AADSTS1000502" -> "The certificate " + thumbprint() + "is outside its validity period "
                + "at Entra ID: create a new certificate, upload it and send it with its key";
            case "AADSTS7000214", "AADSTS7000277" -> "The certificate " + thumbprint() + "was revoked: create a new one";
            case "AADSTS700023" -> "Entra ID refused the assertion's audience " + settings.tokenUrl()
                + ": check settings.authorityHost and settings.tenantId";
            case "AADSTS700021", "AADSTS50027" -> "Entra ID refused the client assertion (" + error + ")";
            case "AADSTS1002012", "AADSTS70011" -> "The token request was refused (" + error + ")";
            default -> null;
        };
        String detail = description.isEmpty() ? "HTTP " + answer.status : firstLine(description);
        return new GraphException(answer.status, aadsts.isEmpty() ? error : aadsts,
            (advice == null ? "The token endpoint refused the app's credentials" : advice) + " (" + detail + ")");
    }

    /** "(thumbprint X) " of a certificate credential, for messages; else empty. */
    private String thumbprint() {
        return credential instanceof ClientCertificate c
            ? "(thumbprint " + ClientCertificate.describe(c.certificate).get("thumbprint") + ") " : "";
    }

    private static JsonNode safe(Answer answer) {
        try {
            return answer.object();
        } catch (GraphException e) {
            return JSON.createObjectNode();
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        line = line.replace("\r", "");
        int trace = line.indexOf(" Trace ID:");
        return abbreviate(trace < 0 ? line.trim() : line.substring(0, trace).trim());
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static String textOrNull(JsonNode n) {
        return n == null || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }
}
