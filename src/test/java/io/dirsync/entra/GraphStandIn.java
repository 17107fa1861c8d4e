package io.dirsync.entra;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.dirsync.entra.StandInHttp.Answer;

/**
 * A local, stateful stand-in for Microsoft Entra ID's token endpoint and Microsoft Graph v1.0 (read side), for tests
 * and benchmarks of a directory sync that pulls from Entra ID. One {@link #url()} ({@code http://127.0.0.1:<port>})
 * serves both the authority and Graph, on the JDK's HTTP server with a thread pool; every request is answered from one
 * in-memory tenant, locked per request, and recorded. It turns TCP_NODELAY on for the JDK's HTTP server (system
 * property {@code sun.net.httpserver.nodelay}, unless set) so that small answers do not wait ~40 ms for delayed ACKs.
 *
 * <h2>Modelled</h2>
 * <ul>
 * <li><b>Token endpoint</b> {@code POST /{tenant}/oauth2/v2.0/token}, client credentials only, client secret in the form
 * or as HTTP Basic. Answers 200 {@code {token_type, expires_in: 3599, ext_expires_in, access_token}} with an opaque
 * random token, or Entra's JSON errors: unknown tenant (400 invalid_request AADSTS90002), missing parameter (400
 * AADSTS900144), other grant (400 unsupported_grant_type AADSTS70003), unknown client id (400 unauthorized_client
 * AADSTS700016), scope without "/.default" (400 invalid_scope AADSTS1002012), scope of another resource (400
 * invalid_resource AADSTS500011; accepted: {@code <url()>/.default} (also spelled with "localhost"),
 * {@code https://graph.microsoft.com/.default} and Graph's app id), missing secret (401 invalid_client AADSTS7000218), wrong secret (401 invalid_client AADSTS7000215),
 * GET (400 AADSTS900561). Certificate credentials: {@code client_assertion_type} jwt-bearer and a {@code client_assertion}
 * verified against the certificates {@link #registerCertificate registered} on the app (signature, {@code x5t#S256} /
 * {@code x5t}, aud, iss = sub = client id, exp/nbf and lifetime, jti not replayed; {@link ClientAssertions} lists each
 * refusal's AADSTS code); an assertion and a secret together, 401 AADSTS7000216 (the code is this stand-in's choice).</li>
 * <li><b>Graph authentication</b>: missing/empty bearer token, unknown token (IDX14100), expired token (after
 * {@link #expireTokens()} or 3599 s) answer 401 InvalidAuthenticationToken with a WWW-Authenticate header.</li>
 * <li><b>Application permissions</b> ({@link #grant}): user endpoints need User.Read.All or Directory.Read.All (or
 * their ReadWrite forms), group endpoints GroupMember.Read.All, Group.Read.All or Directory.Read.All (or ReadWrite),
 * a user's memberOf/transitiveMemberOf both; else 403 Authorization_RequestDenied.</li>
 * <li><b>Reads</b>: {@code GET /v1.0/users} ($select, $top 1..999, $filter {@code userPrincipalName eq '..'} or
 * {@code id eq '..'}), {@code /users/{id|userPrincipalName}} ($select), {@code /users/{id}/memberOf} and
 * {@code /transitiveMemberOf}, {@code /groups} ($select, $top, $filter {@code startswith(displayName,'..')}
 * case-insensitive), {@code /groups/{id}} ($select), {@code /groups/{id}/members}, {@code /transitiveMembers},
 * {@code /memberOf}, {@code /transitiveMemberOf}. Lists page with an absolute {@code @odata.nextLink} (the request's
 * options plus an opaque {@code $skiptoken}) in creation order; default page 100. id is always returned; a selected
 * property never set is null, a never-set collection []; no $select gives Graph's default property set. Directory
 * objects carry {@code @odata.type}. Unknown ids answer 404 Request_ResourceNotFound; a $select of a property the user
 * (group) resource does not have, 400; unsupported $filter or $-options ($orderby, $count, $search, $expand, ...), 400
 * Request_UnsupportedQuery; an unknown path, 400 BadRequest "Resource not found for the segment"; non-GET, 405.</li>
 * <li><b>Delta</b> {@code /users/delta} and {@code /groups/delta}: page size from {@code Prefer: odata.maxpagesize}
 * (1..999, default 100, echoed in Preference-Applied); $select and $filter ({@code id eq '..' or ...}, at most 50) only
 * on a round's first request, carried in the opaque $skiptoken/$deltatoken afterwards; {@code $deltatoken=latest}.
 * Initial rounds list every live object; later rounds, from a global change log, list each changed object once:
 * users new/restored (all selected properties), updated (id + only the selected properties that changed), soft-deleted
 * ({@code @removed: changed}), permanently deleted ({@code @removed: deleted}); groups created (all, with every
 * member), renamed (displayName), membership changes netted over the round ({@code members@delta}, removals with
 * {@code @removed: deleted}), deleted ({@code @removed: deleted}). members are tracked when selected (and with no
 * $select). A groups page holds at most n groups and n members@delta entries: a larger group is split over pages and
 * repeated with the next chunk. {@link #expireDeltaTokens()} makes earlier delta tokens answer 410 resyncRequired with
 * a Location for a fresh round; a token this instance did not issue answers 400 syncStateNotFound.</li>
 * <li><b>Faults and throttling</b>: {@link #failNext} answers chosen requests with any status, headers and body (429
 * TooManyRequests, 503 serviceNotAvailable, 500 generalException bodies by default);
 * {@link #throttleLimitPercentage} adds {@code x-ms-throttle-limit-percentage} to every Graph answer. Graph answers
 * also carry request-id and client-request-id (echoed).</li>
 * </ul>
 *
 * <h2>Not modelled</h2>
 * Writes through HTTP (POST/PATCH/DELETE; the tenant changes only through this Java API); advanced queries
 * (ConsistencyLevel: eventual, $count, $search, $orderby, other $filter forms); $expand; OData type casts in paths;
 * the deletedItems endpoints; delta of users' memberOf or manager; any other resource (applications, devices,
 * directory roles, ...); real throttling (nothing is ever 429 unless injected); JWT access tokens (tokens are opaque,
 * and a Graph token for another tenant/app is not a concept here); certificate revocation, trusted certificate subjects
 * and federated (workload identity) assertions; national clouds;
 * group types other than security groups with fixed properties (only displayName is settable); and the exact server
 * page sizes and ordering of real Graph (here: creation order, sizes exactly as asked). List $skiptokens (plain
 * /users, /groups, members) do not expire; index-paged lists (memberOf, transitive lists) may skip or repeat an object
 * if the tenant changes between their pages, as real Graph may.
 */
public final class GraphStandIn implements AutoCloseable {

    public static final String TENANT = "8a1f6c2e-3b4d-4e5f-9a0b-1c2d3e4f5a6b";
    public static final String CLIENT_ID = "5d6e7f80-9a1b-4c2d-8e3f-405162738495";
    public static final String CLIENT_SECRET = "stand-in~secret.0123456789";

    static {
        // The JDK's server leaves Nagle's algorithm on, so with delayed ACKs a small answer waits ~40 ms: a sync of
        // many small pages would measure that instead of itself. The JDK reads this once, when its first HttpServer
        // starts; a JVM that already ran one keeps its setting, and an explicit setting is left alone.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /**
     * One request as received. {@code path} is percent-decoded and without the query; {@code query} has decoded names and
     * values (the last one when repeated); {@code headers} has lower-cased names (repeated values joined by ", ").
     */
    public record Recorded(String method, String path, Map<String, String> query, Map<String, String> headers, int status) {
    }

    /** A queued {@link #failNext} answer. */
    private static final class Fault {
        final String pathContains;
        int skip;
        final Answer answer;

        Fault(String pathContains, int skip, Answer answer) {
            this.pathContains = pathContains;
            this.skip = skip;
            this.answer = answer;
        }
    }

    private final StandInDirectory directory = new StandInDirectory();
    private final StandInAuthority authority = new StandInAuthority();
    private final StandInGraphApi graph;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String url;
    private final List<Recorded> recorded = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();
    private volatile Double throttle;

    private GraphStandIn(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 256);
        url = "http://127.0.0.1:" + server.getAddress().getPort();
        graph = new StandInGraphApi(directory, authority, this::url);
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "graph-stand-in-" + threads.incrementAndGet());
            t.setDaemon(true); // a test that forgets close() must not keep the JVM alive
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
        server.start();
    }

    /** Starts a stand-in on 127.0.0.1 and a free port, with an empty tenant. */
    public static GraphStandIn start() {
        return start(0);
    }

    /**
     * Starts a stand-in on 127.0.0.1 and the given port (0: a free one), with an empty tenant; a port in use throws
     * {@link UncheckedIOException} (a {@link java.net.BindException} inside).
     */
    public static GraphStandIn start(int port) {
        try {
            return new GraphStandIn(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "http://127.0.0.1:<port>": the authority ({@code /<TENANT>/oauth2/v2.0/token}) and Graph ({@code /v1.0/...}). */
    public String url() {
        return url;
    }

    /** Replaces the app's application permissions (default: User.Read.All, GroupMember.Read.All). */
    public void grant(String... permissions) {
        graph.grant(permissions);
    }

    /**
     * From now on, new users and groups get object ids drawn from a generator seeded with {@code seed}: the same calls
     * after the same seed give the same ids, in every run (a demo tenant that keeps its ids across restarts). Without
     * it, ids are random.
     */
    public void seedIds(long seed) {
        synchronized (directory) {
            directory.seedIds(seed);
        }
    }

    // ---- Users ----

    /**
     * Adds a user; {@code properties} may hold any Graph user property (a list property as a List). accountEnabled
     * defaults to true, createdDateTime to now. Returns its id (a random lower-case GUID).
     */
    public String addUser(String userPrincipalName, Map<String, Object> properties) {
        synchronized (directory) {
            return directory.addUser(userPrincipalName, properties);
        }
    }

    /** Changes properties; a null value removes one. Only properties whose value really changes count as changed. */
    public void updateUser(String id, Map<String, Object> changes) {
        synchronized (directory) {
            directory.updateUser(id, changes);
        }
    }

    /** Soft delete (restorable, like Entra's recycle bin) or permanent delete; either way the user leaves its groups. */
    public void deleteUser(String id, boolean permanently) {
        synchronized (directory) {
            directory.deleteUser(id, permanently);
        }
    }

    /** Restores a soft-deleted user: same id, back in the groups it was in (those that still exist). */
    public void restoreUser(String id) {
        synchronized (directory) {
            directory.restoreUser(id);
        }
    }

    /** The user's current properties with its id (a copy; also for a soft-deleted user), or null if there is none. */
    public Map<String, Object> user(String id) {
        synchronized (directory) {
            return directory.userCopy(id);
        }
    }

    /** The object id of the (not deleted) user with this userPrincipalName, or null. */
    public String userIdOf(String userPrincipalName) {
        synchronized (directory) {
            return directory.userIdOf(userPrincipalName);
        }
    }

    // ---- Groups ----

    public String addGroup(String displayName) {
        synchronized (directory) {
            return directory.addGroup(displayName);
        }
    }

    public void renameGroup(String id, String displayName) {
        synchronized (directory) {
            directory.renameGroup(id, displayName);
        }
    }

    /** Deletes a group for good: it leaves its parent groups and its members lose it. */
    public void deleteGroup(String id) {
        synchronized (directory) {
            directory.deleteGroup(id);
        }
    }

    /** Adds an active user or a group (nesting) to a group; adding an existing member changes nothing. */
    public void addMember(String groupId, String memberId) {
        synchronized (directory) {
            directory.addMember(groupId, memberId);
        }
    }

    /** Removes a direct member; removing a non-member changes nothing. */
    public void removeMember(String groupId, String memberId) {
        synchronized (directory) {
            directory.removeMember(groupId, memberId);
        }
    }

    /**
     * Adds {@code users} users "user00001@contoso.example", ... (givenName "Given00001", surname "Surname00001",
     * displayName "Given00001 Surname00001", mail = userPrincipalName, employeeId "E00001") and {@code groups} groups
     * "Group 001", ...; user i joins group i mod groups. A second call continues the numbering. Returns the new groups' ids.
     */
    public List<String> populate(int users, int groups) {
        synchronized (directory) {
            return directory.populate(users, groups);
        }
    }

    // ---- Faults ----

    /**
     * Queues an answer: the (skip+1)-th request from now whose path+query contains {@code pathContains} (as sent or
     * decoded) gets exactly this status, these headers and this body, once. A null body gives Graph's body for 429,
     * 500 and 503 (an empty one otherwise); "" gives none. Queued faults count requests independently; when two are
     * due on the same request, the one queued first answers and the other takes the next matching request.
     */
    public void failNext(String pathContains, int skip, int status, Map<String, String> headers, String body) {
        Map<String, String> h = new LinkedHashMap<>();
        byte[] bytes;
        if (body == null) {
            String[] error = switch (status) {
                case 429 -> new String[] {"TooManyRequests", "Too many requests."};
                case 503 -> new String[] {"serviceNotAvailable", "Service is temporarily unavailable. Please try again later."};
                case 500 -> new String[] {"generalException", "General exception while processing."};
                default -> null;
            };
            bytes = error == null ? new byte[0]
                : StandInHttp.write(Map.of("error", Map.of("code", error[0], "message", error[1])));
        } else {
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length > 0) {
            h.put("Content-Type", "application/json");
        }
        if (headers != null) {
            headers.forEach((k, v) -> {
                h.keySet().removeIf(k::equalsIgnoreCase); // the caller's spelling wins
                h.put(k, v);
            });
        }
        synchronized (faults) {
            faults.add(new Fault(pathContains, skip, new Answer(status, h, bytes)));
        }
    }

    /**
     * Registers a certificate on the app (its "Certificates &amp; secrets"): client assertions signed with its key
     * authenticate the app (see {@link ClientAssertions}). None is registered at first.
     */
    public void registerCertificate(java.security.cert.X509Certificate certificate) {
        authority.assertions.register(certificate);
    }

    /** Removes every certificate of the app. */
    public void unregisterCertificates() {
        authority.assertions.unregisterAll();
    }

    /** Every access token issued so far is now expired (Graph answers 401). New tokens work. */
    public void expireTokens() {
        authority.expireAll();
    }

    /** Every delta nextLink/deltaLink token issued so far now answers 410 Gone (resyncRequired). */
    public void expireDeltaTokens() {
        graph.expireDeltaTokens();
    }

    /** Non-null: every Graph answer carries {@code x-ms-throttle-limit-percentage: <value>}; null: none does. */
    public void throttleLimitPercentage(Double percentage) {
        throttle = percentage;
    }

    // ---- Observation ----

    /** Every request so far, in the order answered (token calls and failed ones too). */
    public List<Recorded> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    public void clearRequests() {
        synchronized (recorded) {
            recorded.clear();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- HTTP ----

    private void exchange(HttpExchange ex) throws IOException {
        try {
            String method = ex.getRequestMethod();
            URI uri = ex.getRequestURI();
            String rawPath = uri.getRawPath() == null ? "/" : uri.getRawPath();
            String rawQuery = uri.getRawQuery();
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));

            Answer answer = null;
            List<String> segments = new ArrayList<>();
            List<Map.Entry<String, String>> query = List.of();
            try {
                for (String s : rawPath.split("/")) {
                    if (!s.isEmpty()) {
                        segments.add(StandInHttp.decodeSegment(s));
                    }
                }
                query = StandInHttp.parseQuery(rawQuery);
            } catch (IllegalArgumentException e) { // a broken %-escape
                answer = StandInHttp.graphError(400, "BadRequest", "Malformed URL: " + e.getMessage());
            }
            String path = "/" + String.join("/", segments);
            Map<String, String> decodedQuery = new LinkedHashMap<>();
            query.forEach(p -> decodedQuery.put(p.getKey(), p.getValue()));
            StringBuilder decoded = new StringBuilder(path);
            query.forEach(p -> decoded.append(decoded.length() == path.length() ? '?' : '&').append(p.getKey()).append('=')
                .append(p.getValue()));

            Answer injected = injected(rawPath + (rawQuery == null ? "" : "?" + rawQuery), decoded.toString());
            if (injected != null) {
                answer = injected;
            } else if (answer == null) {
                try {
                    answer = route(method, segments, query, headers, body);
                } catch (RuntimeException e) { // a stand-in bug: visible to the client and in requests()
                    answer = StandInHttp.graphError(500, "generalException", "Stand-in failure: " + e);
                }
            }
            boolean isGraph = !segments.isEmpty() && segments.get(0).equals("v1.0");
            Double t = throttle;
            if (isGraph && t != null) {
                answer = answer.with("x-ms-throttle-limit-percentage", t.toString());
            }
            // Recorded before the answer leaves, so a client that reads requests() after its response sees it.
            synchronized (recorded) {
                recorded.add(new Recorded(method, path, Collections.unmodifiableMap(decodedQuery),
                    Collections.unmodifiableMap(headers), answer.status()));
            }
            send(ex, answer);
        } finally {
            ex.close();
        }
    }

    private Answer route(String method, List<String> segments, List<Map.Entry<String, String>> query,
                         Map<String, String> headers, byte[] body) {
        if (segments.size() == 4 && segments.get(1).equalsIgnoreCase("oauth2") && segments.get(2).equalsIgnoreCase("v2.0")
            && segments.get(3).equalsIgnoreCase("token")) {
            return authority.token(segments.get(0), method, headers.get("content-type"), body, headers.get("authorization"), url);
        }
        if (!segments.isEmpty() && segments.get(0).equals("v1.0")) {
            return graph.handle(method, segments.subList(1, segments.size()), query, headers);
        }
        return StandInHttp.graphError(400, "BadRequest", "Resource not found for the segment '"
            + (segments.isEmpty() ? "" : segments.get(0)) + "'.");
    }

    /** The queued fault due for this request, if any; counts this request against the others. */
    private Answer injected(String raw, String decoded) {
        synchronized (faults) {
            Answer due = null;
            for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
                Fault f = it.next();
                if (!raw.contains(f.pathContains) && !decoded.contains(f.pathContains)) {
                    continue;
                }
                if (f.skip > 0) {
                    f.skip--;
                } else if (due == null) {
                    due = f.answer;
                    it.remove();
                }
            }
            return due;
        }
    }

    private static void send(HttpExchange ex, Answer answer) throws IOException {
        answer.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        byte[] body = answer.body();
        boolean empty = body == null || body.length == 0 || "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(answer.status(), empty ? -1 : body.length);
        if (!empty) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
