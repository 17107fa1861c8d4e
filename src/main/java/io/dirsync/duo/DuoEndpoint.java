package io.dirsync.duo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.urls.UrlType;

import io.dirsync.endpoint.AuthenticationFailures;
import io.dirsync.endpoint.RealmEndpointProviderFactory;
import io.dirsync.engine.AdminEvents;
import io.dirsync.engine.AdminRoleSets;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectoryStatus;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.EngineWrites;
import io.dirsync.engine.ManagedGroup;
import io.dirsync.engine.ManagedUser;
import io.dirsync.engine.SubjectStatus;
import io.dirsync.engine.InputLimits;
import io.dirsync.engine.RequestJson;
import io.dirsync.engine.SyncConflictException;
import io.dirsync.engine.SyncRuns;
import io.dirsync.engine.UserSync;
import io.dirsync.storage.Condition;
import io.dirsync.storage.SubjectType;

/**
 * One directory's Duo Admin API, served at {@code /realms/{realm}/dirsync/{directoryId}/duo/admin/...} and reached by
 * clients as {@code https://<apiHostname>/admin/...} through the operator's reverse proxy. A thin adapter: it checks
 * Duo's request signature against the directory's keys, its host name and the {@code /admin/...} path, translates Duo's
 * parameters into {@link io.dirsync.engine.SourceUser}s and group operations, and lets the engine apply every rule.
 * Answers are Duo's envelope; a refused write rolls back the whole request.
 */
public class DuoEndpoint {

    private static final Logger LOG = Logger.getLogger(DuoEndpoint.class);

    static final String API = "duo";
    static final String ADMIN = "admin";
    static final int USERS_DEFAULT = 100;
    static final int USERS_MAX = 300;
    static final int GROUPS_DEFAULT = 100;
    static final int GROUPS_MAX = 100;
    static final int GROUP_USERS_MAX = 500;
    private static final int LIST_MAX = 100;

    private final KeycloakSession session;
    private final String directoryId;
    private final DuoConfig config;
    private final DuoRateLimit rateLimit;
    private final RealmModel realm;
    private final DirectorySyncEngine engine;
    private Directory directory;
    private Map<String, String> params;

    DuoEndpoint(KeycloakSession session, String directoryId, DuoConfig config, DuoRateLimit rateLimit) {
        this.session = session;
        this.directoryId = directoryId;
        this.config = config;
        this.rateLimit = rateLimit;
        this.realm = session.getContext().getRealm();
        this.engine = DirectorySyncEngine.of(session);
    }

    /** Where the operator's reverse proxy sends {@code https://<apiHostname>/admin/...} (this prefix + {@code /admin/...}). */
    static String baseUrl(KeycloakSession session, RealmModel realm, Directory directory) {
        String base = session.getContext().getUri(UrlType.FRONTEND).getBaseUri().toString();
        if (!base.endsWith("/")) {
            base += "/";
        }
        return base + "realms/" + realm.getName() + "/" + RealmEndpointProviderFactory.ID + "/" + directory.id() + "/" + API;
    }

    @GET
    @Path("{path: .+}")
    public Response get(@PathParam("path") String path) {
        return call("GET", path, new byte[0]);
    }

    @POST
    @Path("{path: .+}")
    public Response post(@PathParam("path") String path, byte[] body) {
        return call("POST", path, body == null ? new byte[0] : body);
    }

    @DELETE
    @Path("{path: .+}")
    public Response delete(@PathParam("path") String path) {
        return call("DELETE", path, new byte[0]);
    }

    // ------------------------------------------------------------------ dispatch

    private Response call(String method, String path, byte[] body) {
        try {
            authenticate(method, body);
            return route(method, path.split("/", -1));
        } catch (DuoError e) {
            session.getTransactionManager().setRollbackOnly();
            return e.toResponse();
        } catch (SyncConflictException e) {
            engine.runs().refusedPush(realm, directory,
                path.contains("groups") && !path.startsWith("v1/users") ? SubjectType.GROUP : SubjectType.USER, e);
            return DuoError.of(e).toResponse();
        } catch (RuntimeException e) {
            session.getTransactionManager().setRollbackOnly();
            LOG.errorf(e, "Duo Admin API request to directory %s failed", directoryId);
            return new DuoError(500, 50000, "Internal error; see the Keycloak server log", null).toResponse();
        }
    }

    private Response route(String method, String[] p) {
        String version = p[0];
        int n = p.length;
        if (version.equals("v1") && n >= 2) {
            switch (p[1]) {
                case "users" -> {
                    if (n == 2 && method.equals("GET")) return listUsers();
                    if (n == 2 && method.equals("POST")) return createUser();
                    if (n == 3 && method.equals("GET")) return ok(userObject(user(p[2])));
                    if (n == 3 && method.equals("POST")) return modifyUser(p[2]);
                    if (n == 3 && method.equals("DELETE")) return deleteUser(p[2]);
                    if (n == 4 && p[3].equals("groups") && method.equals("GET")) return userGroups(p[2]);
                    if (n == 4 && p[3].equals("groups") && method.equals("POST")) return addUserGroup(p[2]);
                    if (n == 5 && p[3].equals("groups") && method.equals("DELETE")) return removeUserGroup(p[2], p[4]);
                }
                case "groups" -> {
                    if (n == 2 && method.equals("GET")) return listGroups();
                    if (n == 2 && method.equals("POST")) return createGroup();
                    if (n == 3 && method.equals("GET")) return ok(groupObject(group(p[2])));
                    if (n == 3 && method.equals("POST")) return modifyGroup(p[2]);
                    if (n == 3 && method.equals("DELETE")) return deleteGroup(p[2]);
                }
                case "info" -> {
                    if (n == 3 && p[2].equals("summary") && method.equals("GET")) return summary();
                }
                case "settings" -> {
                    if (n == 2 && method.equals("GET")) return settings();
                }
                default -> {
                }
            }
        } else if (version.equals("v2") && n >= 3 && p[1].equals("groups") && method.equals("GET")) {
            if (n == 3) return ok(groupObject(group(p[2])));
            if (n == 4 && p[3].equals("users")) return groupUsers(p[2]);
        }
        throw DuoError.notFound();
    }

    // ------------------------------------------------------------------ authentication

    /**
     * The push APIs' brute-force protection around {@link #verifySignature}: an address with too many failed
     * authentications is refused (429 {@code 42901}, {@code Retry-After}) before its signature is looked at, and every
     * 401 of a bad signature or key counts as a failure. A paused directory's rightly signed request is a 401 too
     * (nothing read), not counted.
     */
    private void authenticate(String method, byte[] body) {
        if (realm == null) {
            throw DuoError.notFound();
        }
        AuthenticationFailures failures = AuthenticationFailures.of(session);
        long retryAfter = failures.retryAfterSeconds(session);
        if (retryAfter > 0) {
            throw DuoError.tooManyRequests().retryAfter(retryAfter);
        }
        Map<String, List<String>> signed;
        try {
            signed = verifySignature(method, body);
        } catch (DuoError e) {
            if (e.status == 401) {
                failures.failed(session);
            }
            throw e;
        }
        requireActive();
        params = operationParams(method, body, session.getContext().getRequestHeaders(), signed);
        engine.directories().touch(directory);
    }

    /**
     * A paused (or not yet set up) directory accepts nothing: Duo's 401 for keys that no longer work ({@code 40102}),
     * which clients report to their admin as refused credentials, with the reason in {@code message_detail}; the
     * brute-force limit does not count it (the signature was right).
     */
    private void requireActive() {
        if (directory.status() != DirectoryStatus.ACTIVE) {
            Directory d = directory;
            directory = null;
            throw new DuoError(401, 40102, "Invalid integration key in request credentials", "Directory \"" + d.name()
                + "\" is " + (d.status() == DirectoryStatus.PAUSED
                    ? "paused in Keycloak; it accepts no request until an administrator resumes it there"
                    : d.status().id() + " in Keycloak; it accepts requests once its setup is completed there"));
        }
    }

    /**
     * Duo's request signature: {@code Authorization: Basic ikey:hex}, a {@code Date} within the clock-skew window of
     * Keycloak's clock, the canonical request (this directory's API host name, the {@code /admin/...} path the client
     * signed, its parameters, body and {@code X-Duo-*} headers) signed with the directory's secret key, never seen
     * before within the window (cluster-wide, Keycloak's single-use store). Every failure is the same 401. Answers the
     * signed parameters.
     */
    private Map<String, List<String>> verifySignature(String method, byte[] body) {
        HttpHeaders headers = session.getContext().getRequestHeaders();
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw DuoError.missingCredentials();
        }
        String ikey;
        String signature;
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw DuoError.invalidSignature();
            }
            ikey = decoded.substring(0, colon);
            signature = decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            throw DuoError.invalidSignature();
        }
        String date = headers.getHeaderString("Date");
        Long sent = DuoSignature.parseDate(date);
        if (sent == null || Math.abs(Time.currentTimeMillis() - sent) > config.clockSkewSeconds() * 1000L) {
            throw DuoError.invalidSignature();
        }
        directory = engine.directories().get(realm, directoryId)
            .filter(d -> DuoDirectoryTypeFactory.ID.equals(d.typeId())).orElse(null);
        DuoKeys.Current keys = directory == null ? null : new DuoKeys(engine, config).current(directory);
        String host = directory == null ? null : directory.setting(DuoDirectoryTypeFactory.API_HOSTNAME_SETTING);
        if (keys == null || host == null
                || !java.security.MessageDigest.isEqual(keys.integrationKey().getBytes(StandardCharsets.UTF_8),
                    ikey.getBytes(StandardCharsets.UTF_8))
                || keys.expiresAt() <= Time.currentTimeMillis()) {
            directory = null;
            throw DuoError.invalidSignature();
        }
        Map<String, List<String>> signed = requestParams(method, body, headers);
        DuoSignature.Request request = new DuoSignature.Request(date, method, host, signedPath(), signed, body,
            duoHeaders(headers));
        // A body that is not the form parameters (JSON) must be covered by the signature (v4/v5), not only v2's lines.
        boolean bodyMustBeSigned = body.length > 0 && !isForm(headers);
        if (!DuoSignature.verify(request, keys.secretKey(), signature, bodyMustBeSigned)) {
            directory = null;
            throw DuoError.invalidSignature();
        }
        // Before the replay guard: on 429 Duo's clients resend the very same signed request, which must then pass.
        if (!rateLimit.allow(ikey, config.rateLimitPerMinute())) {
            directory = null;
            throw DuoError.tooManyRequests();
        }
        // A write is good once: the same signed write sent again within the window is a replay (it could undo a later
        // change). Reads are not: Duo's Date has one-second resolution, so a client reading the same resource twice
        // within a second (a read-back, a poll) signs both alike, and Duo answers both.
        if (!method.equals("GET") && !session.singleUseObjects().putIfAbsent(
                "dirsync-duo::" + ikey + "::" + signature.toLowerCase(Locale.ROOT), 2L * config.clockSkewSeconds())) {
            directory = null;
            throw DuoError.invalidSignature();
        }
        return signed;
    }

    /** The path the client signed: {@code /admin/...}, as sent (still %-encoded), after this directory's prefix. */
    private String signedPath() {
        String raw = session.getContext().getUri().getRequestUri().getRawPath();
        String marker = "/" + directoryId + "/" + API + "/" + ADMIN + "/";
        int at = raw.indexOf(marker);
        if (at < 0) {
            throw DuoError.notFound();
        }
        return raw.substring(at + marker.length() - ADMIN.length() - 2);
    }

    /** The parameters in the canonical request: the query string, or a form-encoded body (v2); a JSON body is hashed. */
    private Map<String, List<String>> requestParams(String method, byte[] body, HttpHeaders headers) {
        if (isForm(headers) && !method.equals("GET") && !method.equals("DELETE")) {
            return DuoSignature.parseForm(new String(body, StandardCharsets.UTF_8));
        }
        return DuoSignature.parseForm(session.getContext().getUri().getRequestUri().getRawQuery());
    }

    private static boolean isForm(HttpHeaders headers) {
        MediaType type = headers.getMediaType();
        return type != null && type.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE);
    }

    private static Map<String, String> duoHeaders(HttpHeaders headers) {
        Map<String, String> out = new TreeMap<>();
        headers.getRequestHeaders().forEach((name, values) -> {
            if (name.toLowerCase(Locale.ROOT).startsWith("x-duo-") && !values.isEmpty()) {
                out.put(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        return out;
    }

    /** The operation's parameters: the query or form ones, or a JSON body's fields (objects and lists as JSON text). */
    private static Map<String, String> operationParams(String method, byte[] body, HttpHeaders headers,
                                                       Map<String, List<String>> signed) {
        Map<String, String> out = new LinkedHashMap<>();
        MediaType type = headers.getMediaType();
        boolean json = (method.equals("POST")) && body.length > 0 && !isForm(headers)
            && (type == null || type.getSubtype().toLowerCase(Locale.ROOT).contains("json"));
        if (json) {
            JsonNode node;
            try {
                node = RequestJson.read(body);
            } catch (RequestJson.Malformed e) {
                throw new DuoError(400, 40002, "Invalid request parameters", "the body: " + e.getMessage());
            }
            if (!(node instanceof ObjectNode object)) {
                throw new DuoError(400, 40002, "Invalid request parameters", "the body is not a JSON object");
            }
            object.fields().forEachRemaining(e -> out.put(e.getKey(),
                e.getValue().isNull() ? null : e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        } else {
            signed.forEach((k, vs) -> out.put(k, vs.get(vs.size() - 1)));
        }
        // U+0000 reaches no parser or query: PostgreSQL refuses it in text, as a value or as a search parameter.
        out.forEach((name, value) -> {
            DuoUsers.requireFits(name.indexOf('\u0000') >= 0 ? "(a parameter's name)" : name, name, Integer.MAX_VALUE);
            DuoUsers.requireFits(name, value, Integer.MAX_VALUE);
        });
        return out;
    }

    // ------------------------------------------------------------------ users

    /** Duo's filters; other parameters are ignored, as Duo ignores what it does not know (see {@link DuoUsers#merge}). */
    private Response listUsers() {
        List<Condition> where = new ArrayList<>();
        if (params.get("username") != null) {
            where.add(nameOrAlias(params.get("username")));
        }
        if (params.get("email") != null) {
            where.add(new Condition.DocumentValue("email", Condition.Op.EQUAL, params.get("email").trim()));
        }
        if (params.get("username_list") != null) {
            where.add(new Condition.Or(stringList("username_list").stream().map(this::nameOrAlias).toList()));
        }
        if (params.get("user_id_list") != null) {
            where.add(new Condition.Or(stringList("user_id_list").stream()
                .map(id -> (Condition) new Condition.Text(Condition.Column.USER_ID, Condition.Op.EQUAL, id)).toList()));
        }
        Condition condition = where.isEmpty() ? null : new Condition.And(where);
        return usersPage(condition, USERS_DEFAULT, USERS_MAX);
    }

    private Response usersPage(Condition condition, int defaultLimit, int maxLimit) {
        int limit = paging("limit", defaultLimit, maxLimit);
        int offset = paging("offset", 0, Integer.MAX_VALUE);
        var query = engine.store().userQuery(realm.getId(), directory.id());
        long total = query.count(condition);
        ArrayNode users = DuoError.JSON.createArrayNode();
        for (String id : query.ids(condition, List.of(), false, offset, limit)) {
            UserModel u = session.users().getUserById(realm, id);
            if (u != null) {
                users.add(userObject(u));
            }
        }
        return page(users, total, offset, limit);
    }

    /** Duo's {@code username=}: the user whose username or one of whose aliases it is (case-insensitive). */
    private Condition nameOrAlias(String name) {
        List<Condition> any = new ArrayList<>();
        any.add(new Condition.Text(Condition.Column.USERNAME, Condition.Op.EQUAL, name.trim()));
        for (int i = 1; i <= 8; i++) {
            any.add(new Condition.Attribute("alias" + i, Condition.Op.EQUAL, name.trim().toLowerCase(Locale.ROOT)));
        }
        return new Condition.Or(any);
    }

    private Response createUser() {
        if (params.get("username") == null || params.get("username").isBlank()) {
            throw DuoError.missingParameter("username");
        }
        ObjectNode doc = DuoUsers.merge(DuoError.JSON.createObjectNode(), params);
        SyncRuns.Run run = pushRun();
        UserSync.UserChange change = engine.users().apply(realm, directory, DuoUsers.toSource(doc, directory),
            UserSync.Mode.CREATE, run);
        applyStatusAndType(change.user(), doc, params, true);
        ObjectNode rep = userObject(change.user());
        audit(OperationType.CREATE, "USER", "v1/users/" + change.user().getId(), rep);
        return ok(rep);
    }

    private Response modifyUser(String id) {
        UserModel user = user(id);
        ManagedUser managed = engine.users().managed(directory, user.getId()).orElseThrow(DuoError::notFound);
        ObjectNode current = managed.sourceDocument() == null ? DuoError.JSON.createObjectNode()
            : (ObjectNode) readJson(managed.sourceDocument());
        ObjectNode doc = DuoUsers.merge(current, params);
        engine.users().update(realm, directory, user, DuoUsers.toSource(doc, directory), pushRun());
        applyStatusAndType(user, doc, params, false);
        ObjectNode rep = userObject(user);
        audit(OperationType.UPDATE, "USER", "v1/users/" + id, rep);
        return ok(rep);
    }

    /**
     * Rule 11 (Duo's {@code status}, PingOne's {@code enabled}) and rule 12 (PingOne's {@code userType}), through the
     * engine: a status is set when the request names one (or a new user needs one); admin roles when it names a type.
     */
    private void applyStatusAndType(UserModel user, ObjectNode doc, Map<String, String> sent, boolean created) {
        if (created || sent.containsKey("status") || sent.containsKey("enabled")) {
            SubjectStatus wanted = DuoUsers.wantedStatus(doc);
            if (engine.statuses().ownOf(user) != wanted) {
                engine.statuses().setForUser(realm, user, wanted);
            }
        }
        if (sent.containsKey("userType")) {
            Set<AdminRoleSets.Role> roles = "admin".equals(doc.path("userType").asText())
                ? Set.of(AdminRoleSets.Role.parse(directory.setting(DuoDirectoryTypeFactory.ADMIN_ROLE_SETTING)))
                : Set.of();
            EngineWrites.run(session, () -> {
                engine.adminRoles().set(realm, directory, user, roles, created);
            });
        }
    }

    /** Duo deletes at once; here the user goes to the trash (rule 7) and is gone from this API's reads. */
    private Response deleteUser(String id) {
        UserModel user = engine.users().ownedForRequest(realm, directory, id);
        if (user != null) {
            engine.trash().deprovision(realm, directory, user, "deleted by the Duo Admin API client", true, pushRun());
            audit(OperationType.DELETE, "USER", "v1/users/" + id, null);
        }
        return ok(DuoError.JSON.getNodeFactory().textNode(""));
    }

    private Response userGroups(String id) {
        UserModel user = user(id);
        int limit = paging("limit", GROUPS_DEFAULT, GROUP_USERS_MAX);
        int offset = paging("offset", 0, Integer.MAX_VALUE);
        List<GroupModel> groups = directoryGroups(user);
        ArrayNode out = DuoError.JSON.createArrayNode();
        groups.stream().skip(offset).limit(limit).forEach(g -> out.add(groupObject(g)));
        return page(out, groups.size(), offset, limit);
    }

    private Response addUserGroup(String id) {
        UserModel user = user(id);
        GroupModel group = groupParameter();
        engine.groups().changeMembers(realm, directory, group, Set.of(user.getId()), Set.of(), pushRun());
        audit(OperationType.UPDATE, "GROUP", "v1/users/" + id + "/groups", null);
        return ok(DuoError.JSON.getNodeFactory().textNode(""));
    }

    private Response removeUserGroup(String id, String groupId) {
        UserModel user = user(id);
        GroupModel group = group(groupId);
        engine.groups().changeMembers(realm, directory, group, Set.of(), Set.of(user.getId()), pushRun());
        audit(OperationType.UPDATE, "GROUP", "v1/users/" + id + "/groups/" + groupId, null);
        return ok(DuoError.JSON.getNodeFactory().textNode(""));
    }

    private GroupModel groupParameter() {
        String gid = params.get("group_id");
        if (gid == null || gid.isBlank()) {
            throw DuoError.missingParameter("group_id");
        }
        Optional<ManagedGroup> g = engine.groups().managed(directory, gid.trim());
        GroupModel group = g.isEmpty() ? null : realm.getGroupById(gid.trim());
        if (group == null) {
            throw DuoError.invalidParameter("group_id", "no group '" + gid + "' in this directory");
        }
        return group;
    }

    // ------------------------------------------------------------------ groups

    private Response listGroups() {
        int limit = paging("limit", GROUPS_DEFAULT, GROUPS_MAX);
        int offset = paging("offset", 0, Integer.MAX_VALUE);
        var query = engine.store().groupQuery(directory.id());
        long total = query.count(null);
        ArrayNode out = DuoError.JSON.createArrayNode();
        for (String id : query.ids(null, List.of(), false, offset, limit)) {
            GroupModel g = realm.getGroupById(id);
            if (g != null) {
                out.add(groupObject(g));
            }
        }
        return page(out, total, offset, limit);
    }

    private Response createGroup() {
        String name = params.get("name");
        if (name == null || name.isBlank()) {
            throw DuoError.missingParameter("name");
        }
        SubjectStatus status = params.get("status") == null ? null : groupStatus(params.get("status"));
        requireGroupFits();
        SyncRuns.Run run = pushRun();
        GroupModel group = engine.groups().create(realm, directory, name, null, run);
        describeGroup(group, status);
        ObjectNode rep = groupObject(group);
        audit(OperationType.CREATE, "GROUP", "v1/groups/" + group.getId(), rep);
        return ok(rep);
    }

    private Response modifyGroup(String id) {
        GroupModel group = group(id);
        SubjectStatus status = params.get("status") == null ? null : groupStatus(params.get("status"));
        requireGroupFits();
        if (params.get("name") != null) {
            engine.groups().rename(realm, directory, group, params.get("name"), null, pushRun());
        }
        describeGroup(group, status);
        ObjectNode rep = groupObject(group);
        audit(OperationType.UPDATE, "GROUP", "v1/groups/" + id, rep);
        return ok(rep);
    }

    /** A group's name and description as Keycloak will keep them (InputLimits), checked before anything is written. */
    private void requireGroupFits() {
        String name = params.get("name");
        DuoUsers.requireFits("name", name == null ? null : name.trim(), InputLimits.groupName(directory));
        DuoUsers.requireFits("desc", params.get("desc"), InputLimits.GROUP_DESCRIPTION);
    }

    /** A group's description (Keycloak's own field) and status (rule 11); Duo's factor flags are not modelled. */
    private void describeGroup(GroupModel group, SubjectStatus status) {
        if (params.containsKey("desc")) {
            String desc = params.get("desc");
            EngineWrites.run(session, () -> group.setDescription(desc == null || desc.isBlank() ? null : desc));
        }
        if (status != null && engine.statuses().ofGroup(group) != status) {
            engine.statuses().setForGroup(realm, group, status);
        }
    }

    private static SubjectStatus groupStatus(String value) {
        try {
            return SubjectStatus.parseSettable(value);
        } catch (IllegalArgumentException e) {
            throw DuoError.invalidParameter("status", "'" + value + "' is not active, bypass or disabled");
        }
    }

    private Response deleteGroup(String id) {
        Optional<ManagedGroup> g = engine.groups().managed(directory, id);
        GroupModel group = g.isEmpty() ? null : realm.getGroupById(id);
        if (group != null) {
            engine.groups().delete(realm, directory, group, pushRun());
            audit(OperationType.DELETE, "GROUP", "v1/groups/" + id, null);
        }
        return ok(DuoError.JSON.getNodeFactory().textNode(""));
    }

    private Response groupUsers(String id) {
        GroupModel group = group(id);
        return usersPage(new Condition.InGroup(group.getId()), USERS_DEFAULT, GROUP_USERS_MAX);
    }

    // ------------------------------------------------------------------ Test Connection

    private Response summary() {
        ObjectNode s = DuoError.JSON.createObjectNode();
        s.put("admin_count", 0);
        s.put("integration_count", 1);
        s.put("telephony_credits_remaining", 0);
        s.put("user_count", engine.store().userQuery(realm.getId(), directory.id()).count(null));
        return ok(s);
    }

    private Response settings() {
        ObjectNode s = DuoError.JSON.createObjectNode();
        s.put("name", realm.getDisplayName() == null ? realm.getName() : realm.getDisplayName());
        s.put("user_pending_deletion_days", engine.config().trashRetentionMillis() / (24L * 3600 * 1000));
        return ok(s);
    }

    // ------------------------------------------------------------------ objects

    private UserModel user(String id) {
        UserModel user = id == null || id.length() > 255 || id.indexOf('\u0000') >= 0 ? null
            : engine.users().ownedForRequest(realm, directory, id);
        if (user == null) {
            throw DuoError.notFound();
        }
        return user;
    }

    private GroupModel group(String id) {
        Optional<ManagedGroup> g = id == null || id.length() > 255 || id.indexOf('\u0000') >= 0 ? Optional.empty()
            : engine.groups().managed(directory, id);
        GroupModel group = g.isEmpty() ? null : realm.getGroupById(id);
        if (group == null) {
            throw DuoError.notFound();
        }
        return group;
    }

    private List<GroupModel> directoryGroups(UserModel user) {
        return user.getGroupsStream().filter(g -> engine.groups().managed(directory, g.getId()).isPresent()).toList();
    }

    /** Duo's user object; {@code user_id} is the Keycloak user's id. Devices are not modelled (empty lists). */
    private ObjectNode userObject(UserModel user) {
        ManagedUser managed = engine.users().managed(user.getId()).orElseThrow(DuoError::notFound);
        ObjectNode doc = managed.sourceDocument() == null ? DuoError.JSON.createObjectNode()
            : (ObjectNode) readJson(managed.sourceDocument());
        ObjectNode u = DuoError.JSON.createObjectNode();
        u.put("user_id", user.getId());
        String source = managed.sourceUsername();
        u.put("username", source != null && source.equalsIgnoreCase(user.getUsername()) ? source : user.getUsername());
        u.put("realname", field(user, doc, "realname"));
        u.put("email", user.getEmail());
        u.put("firstname", user.getFirstName());
        u.put("lastname", user.getLastName());
        u.put("notes", field(user, doc, "notes"));
        SubjectStatus status = managed.trashed() ? SubjectStatus.DISABLED : engine.statuses().ownOf(user);
        u.put("status", status.id());
        ObjectNode aliases = u.putObject("aliases");
        for (int i = 1; i <= 8; i++) {
            String alias = field(user, doc, "alias" + i);
            u.put("alias" + i, alias);
            if (alias != null) {
                aliases.put("alias" + i, alias);
            }
        }
        ArrayNode groups = u.putArray("groups");
        directoryGroups(user).forEach(g -> groups.add(groupObject(g)));
        ArrayNode phones = u.putArray("phones");
        String phone = field(user, doc, "phones");
        if (phone != null) {
            phones.addObject().put("number", phone);
        }
        u.putArray("tokens");
        u.putArray("u2ftokens");
        u.putArray("webauthncredentials");
        u.put("is_enrolled", user.credentialManager().getStoredCredentialsStream()
            .anyMatch(c -> c.getType().equals("otp") || c.getType().startsWith("webauthn")));
        u.put("created", managed.createdAt() / 1000);
        u.putNull("last_login");
        u.put("last_directory_sync", managed.lastModified() / 1000);
        if (doc.hasNonNull("userType")) {
            u.put("userType", doc.get("userType").asText());
        }
        return u;
    }

    /** A Duo field: the Keycloak attribute it is mapped to (what the user has), else the client's last value. */
    private String field(UserModel user, ObjectNode doc, String duoField) {
        return directory.mappings().stream().filter(m -> m.source().equals(duoField)).findFirst()
            .map(m -> user.getFirstAttribute(m.target()))
            .orElseGet(() -> DuoUsers.text(doc, duoField));
    }

    private ObjectNode groupObject(GroupModel group) {
        ManagedGroup managed = engine.groups().managed(directory, group.getId()).orElseThrow(DuoError::notFound);
        ObjectNode g = DuoError.JSON.createObjectNode();
        g.put("group_id", group.getId());
        g.put("name", managed.sourceName());
        g.put("desc", group.getDescription() == null ? "" : group.getDescription());
        g.put("status", engine.statuses().ofGroup(group).id());
        for (String flag : List.of("push_enabled", "sms_enabled", "voice_enabled", "mobile_otp_enabled", "u2f_enabled")) {
            g.put(flag, true);
        }
        return g;
    }

    // ------------------------------------------------------------------ envelope

    private static Response ok(JsonNode response) {
        ObjectNode body = DuoError.JSON.createObjectNode();
        body.put("stat", "OK");
        body.set("response", response);
        return Response.ok(body.toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static Response page(ArrayNode items, long total, int offset, int limit) {
        ObjectNode body = DuoError.JSON.createObjectNode();
        body.put("stat", "OK");
        body.set("response", items);
        ObjectNode metadata = body.putObject("metadata");
        metadata.put("total_objects", total);
        if (offset + items.size() < total) {
            metadata.put("next_offset", offset + items.size());
        }
        if (offset > 0) {
            metadata.put("prev_offset", Math.max(0, offset - limit));
        }
        return Response.ok(body.toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** A paging parameter: a non-negative integer; a limit above the maximum is the maximum (Duo's limit is a request). */
    private int paging(String name, int absent, int max) {
        String v = params.get(name);
        if (v == null || v.isBlank()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0 || (name.equals("limit") && n == 0)) {
                throw DuoError.invalidParameter(name, "'" + v + "' is not a positive integer");
            }
            return Math.min(n, max);
        } catch (NumberFormatException e) {
            throw DuoError.invalidParameter(name, "'" + v + "' is not an integer");
        }
    }

    private List<String> stringList(String name) {
        JsonNode node;
        try {
            node = RequestJson.read(params.get(name));
        } catch (RequestJson.Malformed e) {
            throw DuoError.invalidParameter(name, "not a JSON list of strings (" + e.getMessage() + ")");
        }
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > LIST_MAX) {
            throw DuoError.invalidParameter(name, "a JSON list of 1 to " + LIST_MAX + " strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : node) {
            if (!e.isTextual()) {
                throw DuoError.invalidParameter(name, "a JSON list of strings");
            }
            out.add(e.asText().trim());
        }
        return out;
    }

    private static JsonNode readJson(String json) {
        try {
            return DuoError.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Stored Duo document is not JSON", e);
        }
    }

    private SyncRuns.Run pushRun() {
        return engine.runs().pushRun(realm, directory);
    }

    private void audit(OperationType op, String resourceType, String path, Object representation) {
        AdminEvents.send(session, realm, directory, op, resourceType, "dirsync/" + directory.id() + "/duo/admin/" + path,
            representation, Map.of("source", "duo-admin-api"));
    }
}
