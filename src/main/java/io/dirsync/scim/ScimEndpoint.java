package io.dirsync.scim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import io.dirsync.endpoint.AuthenticationFailures;
import io.dirsync.engine.AdminEvents;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectoryStatus;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.ManagedGroup;
import io.dirsync.engine.ManagedUser;
import io.dirsync.engine.UserSync;
import io.dirsync.engine.SourceUser;
import io.dirsync.engine.SyncConflictException;
import io.dirsync.engine.SyncRuns;
import io.dirsync.storage.Outcome;
import io.dirsync.storage.ScimToken;
import io.dirsync.storage.SubjectType;

/**
 * One directory's SCIM 2.0 service provider. A thin adapter: it authenticates the directory's token,
 * translates SCIM into {@link SourceUser}s and group operations, and lets the engine apply every rule.
 * Errors are always SCIM error JSON; a refused write rolls back the whole request.
 */
public class ScimEndpoint {

    private static final Logger LOG = Logger.getLogger(ScimEndpoint.class);

    /** Documented page-size limit. */
    public static final int MAX_PAGE = 1000;
    public static final int DEFAULT_PAGE = 100;

    private final KeycloakSession session;
    private final String directoryId;
    private final RealmModel realm;
    private final DirectorySyncEngine engine;
    private Directory directory;
    private String baseUrl;

    ScimEndpoint(KeycloakSession session, String directoryId) {
        this.session = session;
        this.directoryId = directoryId;
        this.realm = session.getContext().getRealm();
        this.engine = DirectorySyncEngine.of(session);
    }

    // ------------------------------------------------------------------ users

    @POST
    @Path("Users")
    public Response createUser(String body) {
        return call(() -> {
            ObjectNode doc = ScimJson.parseObject(body);
            SourceUser source = ScimUserMapping.fromClient(doc, directory);
            UserSync.UserChange change =
                engine.users().apply(realm, directory, source, UserSync.Mode.CREATE, pushRun());
            afterWrite(doc, change.user());
            // A user created by this request is in no group but the realm's default groups (Keycloak's addUser): without
            // any, its groups are known to be none, not read back.
            boolean noGroupsYet = change.outcome() == Outcome.CREATED && realm.getDefaultGroupsStream().findAny().isEmpty();
            ObjectNode rep = noGroupsYet ? userRep(change.user(), List.of()) : userRep(change.user(), true);
            audit(OperationType.CREATE, "USER", "Users/" + change.user().getId(), rep);
            return scim(Response.status(Response.Status.CREATED), rep)
                .location(java.net.URI.create(baseUrl + "/Users/" + change.user().getId())).build();
        });
    }

    @GET
    @Path("Users/{id}")
    public Response getUser(@PathParam("id") String id, @QueryParam("attributes") String attributes,
                            @QueryParam("excludedAttributes") String excluded) {
        return call(() -> {
            ScimProjection projection = ScimProjection.of(attributes, excluded);
            UserModel user = managedUser(id);
            ObjectNode rep = userRep(user, projection.wants("groups"));
            return notModifiedOr(rep, () -> scim(Response.ok(), projection.apply(rep)).build());
        });
    }

    @GET
    @Path("Users")
    public Response listUsers(@QueryParam("filter") String filter, @QueryParam("startIndex") String startIndex,
                              @QueryParam("count") String count, @QueryParam("sortBy") String sortBy,
                              @QueryParam("sortOrder") String sortOrder, @QueryParam("attributes") String attributes,
                              @QueryParam("excludedAttributes") String excluded) {
        return call(() -> searchUsers(new Search(filter, integer(startIndex, "startIndex"), integer(count, "count"),
            sortBy, sortOrder, attributes, excluded)));
    }

    @POST
    @Path("Users/.search")
    public Response searchUsersPost(String body) {
        return call(() -> {
            return searchUsers(Search.of(ScimJson.parseObject(body)));
        });
    }

    @PUT
    @Path("Users/{id}")
    public Response replaceUser(@PathParam("id") String id, String body) {
        return call(() -> {
            UserModel user = managedUser(id);
            requireVersion(() -> userRep(user, false));
            ObjectNode doc = ScimJson.parseObject(body);
            if (doc.hasNonNull("id") && !doc.get("id").asText().equals(id)) {
                throw ScimError.badRequest("mutability", "'id' is read-only and does not match the URL");
            }
            engine.users().update(realm, directory, user, ScimUserMapping.fromClient(doc, directory), pushRun());
            afterWrite(doc, user);
            ObjectNode rep = userRep(user, true);
            audit(OperationType.UPDATE, "USER", "Users/" + id, rep);
            return scim(Response.ok(), rep).build();
        });
    }

    /**
     * PATCH answers 204 (RFC 7644 §3.5.2), or 200 with the resource when the request names the attributes to
     * return. The body is checked before the user is looked up, so a malformed request is a 400 either way.
     */
    @PATCH
    @Path("Users/{id}")
    public Response patchUser(@PathParam("id") String id, String body, @QueryParam("attributes") String attributes,
                              @QueryParam("excludedAttributes") String excluded) {
        return call(() -> {
            List<ObjectNode> ops = ScimPatch.operations(ScimJson.parseObject(body));
            ScimPatch.checkUserPaths(ops);
            UserModel user = managedUser(id);
            ObjectNode current = userRep(user, false);
            requireVersion(() -> current);
            current.remove("meta");
            ScimPatch.checkRemoveTargets(current, ops, ScimDiscovery.mappedExtensions(directory));
            ScimPatch.apply(current, ops);
            engine.users().update(realm, directory, user, ScimUserMapping.toSource(current, directory), pushRun());
            afterWrite(current, user);
            ObjectNode rep = userRep(user, true);
            audit(OperationType.UPDATE, "USER", "Users/" + id, rep);
            return patched(rep, attributes, excluded);
        });
    }

    /**
     * What a user's document carries beyond its attributes: a {@code password} (RFC 7643 writeOnly) becomes the user's
     * Keycloak password when the directory accepts passwords (the default); an e-mail address the user was created
     * without because it is invalid is a warning in the day's push run.
     */
    private void afterWrite(ObjectNode doc, UserModel user) {
        JsonNode password = ScimJson.field(doc, "password");
        if (password != null && !password.isNull() && ScimDirectoryTypeFactory.acceptsPasswords(directory)) {
            if (!password.isTextual() || password.asText().isEmpty()) {
                throw ScimError.badRequest("invalidValue", "'password' must be a non-empty string");
            }
            engine.users().setPassword(realm, directory, user, password.asText());
        }
        String invalidEmail = ScimUserMapping.invalidEmail(doc);
        if (invalidEmail != null) {
            engine.runs().record(pushRun(), Outcome.WARNING, SubjectType.USER, user.getUsername(), user.getId(),
                "'" + invalidEmail + "' is not a valid e-mail address: the user has no e-mail in Keycloak");
        }
    }

    private Response patched(ObjectNode rep, String attributes, String excluded) {
        if (attributes == null && excluded == null) {
            return Response.noContent().header(HttpHeaders.ETAG, rep.path("meta").path("version").asText()).build();
        }
        return scim(Response.ok(), ScimProjection.of(attributes, excluded).apply(rep)).build();
    }

    /** DELETE puts the user in the trash (SPEC §3.1): disabled at once, deleted for good after 7 days. */
    @DELETE
    @Path("Users/{id}")
    public Response deleteUser(@PathParam("id") String id) {
        return call(() -> {
            UserModel user = managedUser(id);
            requireVersion(() -> userRep(user, false));
            engine.trash().deprovision(realm, directory, user, "deleted by the SCIM client", true, pushRun());
            audit(OperationType.DELETE, "USER", "Users/" + id, null);
            return Response.noContent().build();
        });
    }

    // ------------------------------------------------------------------ groups

    @POST
    @Path("Groups")
    public Response createGroup(String body) {
        return call(SubjectType.GROUP, () -> {
            ObjectNode doc = ScimJson.parseObject(body);
            ScimUserMapping.requireGroupFits(directory, ScimJson.text(doc.get("displayName")), ScimJson.text(doc.get("externalId")));
            SyncRuns.Run run = pushRun();
            GroupModel group = engine.groups().create(realm, directory, ScimJson.text(doc.get("displayName")),
                ScimJson.text(doc.get("externalId")), run);
            Set<String> members = memberIds(doc.get("members"));
            if (!members.isEmpty()) {
                engine.groups().setMembers(realm, directory, group, members, run);
            }
            ObjectNode rep = groupRep(group, true);
            audit(OperationType.CREATE, "GROUP", "Groups/" + group.getId(), rep);
            return scim(Response.status(Response.Status.CREATED), rep)
                .location(java.net.URI.create(baseUrl + "/Groups/" + group.getId())).build();
        });
    }

    @GET
    @Path("Groups/{id}")
    public Response getGroup(@PathParam("id") String id, @QueryParam("attributes") String attributes,
                             @QueryParam("excludedAttributes") String excluded) {
        return call(SubjectType.GROUP, () -> {
            ScimProjection projection = ScimProjection.of(attributes, excluded);
            ObjectNode rep = groupRep(managedGroup(id), projection.wants("members"));
            return notModifiedOr(rep, () -> scim(Response.ok(), projection.apply(rep)).build());
        });
    }

    @GET
    @Path("Groups")
    public Response listGroups(@QueryParam("filter") String filter, @QueryParam("startIndex") String startIndex,
                               @QueryParam("count") String count, @QueryParam("sortBy") String sortBy,
                               @QueryParam("sortOrder") String sortOrder, @QueryParam("attributes") String attributes,
                               @QueryParam("excludedAttributes") String excluded) {
        return call(SubjectType.GROUP, () -> searchGroups(new Search(filter, integer(startIndex, "startIndex"), integer(count, "count"),
            sortBy, sortOrder, attributes, excluded)));
    }

    @POST
    @Path("Groups/.search")
    public Response searchGroupsPost(String body) {
        return call(SubjectType.GROUP, () -> {
            return searchGroups(Search.of(ScimJson.parseObject(body)));
        });
    }

    /** PUT replaces name and members (Okta custom-app mode sends PUT with members). */
    @PUT
    @Path("Groups/{id}")
    public Response replaceGroup(@PathParam("id") String id, String body) {
        return call(SubjectType.GROUP, () -> {
            GroupModel group = managedGroup(id);
            requireVersion(() -> groupRep(group, false));
            ObjectNode doc = ScimJson.parseObject(body);
            ScimUserMapping.requireGroupFits(directory, ScimJson.text(doc.get("displayName")), ScimJson.text(doc.get("externalId")));
            SyncRuns.Run run = pushRun();
            engine.groups().rename(realm, directory, group, ScimJson.text(doc.get("displayName")),
                ScimJson.text(doc.get("externalId")), run);
            engine.groups().setMembers(realm, directory, group, memberIds(doc.get("members")), run);
            ObjectNode rep = groupRep(group, true);
            audit(OperationType.UPDATE, "GROUP", "Groups/" + id, rep);
            return scim(Response.ok(), rep).build();
        });
    }

    /**
     * Membership and name changes applied directly to the membership table, never as read-modify-write of
     * the member list, so concurrent PATCHes never lose a member.
     */
    @PATCH
    @Path("Groups/{id}")
    public Response patchGroup(@PathParam("id") String id, String body, @QueryParam("attributes") String attributes,
                               @QueryParam("excludedAttributes") String excluded) {
        return call(SubjectType.GROUP, () -> {
            List<ObjectNode> ops = ScimPatch.operations(ScimJson.parseObject(body));
            ScimPatch.checkGroupPaths(ops);
            GroupModel group = managedGroup(id);
            requireVersion(() -> groupRep(group, false));
            SyncRuns.Run run = pushRun();
            for (ObjectNode op : ops) {
                applyGroupOperation(group, op, run);
            }
            audit(OperationType.UPDATE, "GROUP", "Groups/" + id, null);
            // Without attributes/excludedAttributes the answer is 204 with the version alone: the member list (a read
            // per member) is built only for an answer that carries it, so that adding one member costs the same
            // whatever the group's size.
            boolean withBody = attributes != null || excluded != null;
            return patched(groupRep(group, withBody && ScimProjection.of(attributes, excluded).wants("members")), attributes,
                excluded);
        });
    }

    @DELETE
    @Path("Groups/{id}")
    public Response deleteGroup(@PathParam("id") String id) {
        return call(SubjectType.GROUP, () -> {
            GroupModel group = managedGroup(id);
            engine.groups().delete(realm, directory, group, pushRun());
            audit(OperationType.DELETE, "GROUP", "Groups/" + id, null);
            return Response.noContent().build();
        });
    }

    // ------------------------------------------------------------------ discovery

    @GET
    @Path("ServiceProviderConfig")
    public Response serviceProviderConfig() {
        return call(() -> scim(Response.ok(), ScimDiscovery.serviceProviderConfig(baseUrl, directory)).build());
    }

    @GET
    @Path("ResourceTypes")
    public Response resourceTypes() {
        return call(() -> scim(Response.ok(), ScimDiscovery.resourceTypes(baseUrl, directory, engine.store())).build());
    }

    @GET
    @Path("Schemas")
    public Response schemas() {
        return call(() -> scim(Response.ok(), ScimDiscovery.schemas(baseUrl, directory, engine.store())).build());
    }

    @GET
    @Path("ResourceTypes/{name}")
    public Response resourceType(@PathParam("name") String name) {
        return call(() -> scim(Response.ok(), one(ScimDiscovery.resourceTypes(baseUrl, directory, engine.store()), name, "Resource type")).build());
    }

    @GET
    @Path("Schemas/{id}")
    public Response schema(@PathParam("id") String id) {
        return call(() -> scim(Response.ok(), one(ScimDiscovery.schemas(baseUrl, directory, engine.store()), id, "Schema")).build());
    }

    private static ObjectNode one(ObjectNode list, String id, String what) {
        for (JsonNode r : list.get("Resources")) {
            if (r.path("id").asText().equalsIgnoreCase(id)) {
                return (ObjectNode) r;
            }
        }
        throw ScimError.notFound(what + " '" + id + "' not found");
    }

    @POST
    @Path("Bulk")
    public Response bulk() {
        return call(() -> {
            throw new ScimError(501, null, "Bulk operations are not supported (see /ServiceProviderConfig)");
        });
    }

    /**
     * Any other path under the Base URL: the same endpoint named in another case (RFC 7643 §2.1 makes names
     * case-insensitive, so {@code /users} and {@code /GROUPS/{id}} are {@code /Users} and {@code /Groups/{id}}), else a
     * SCIM error, never Keycloak's HTML page.
     */
    @GET
    @Path("{unknown: .+}")
    public Response otherGet(@PathParam("unknown") String path) {
        return dispatch("GET", path, null);
    }

    @POST
    @Path("{unknown: .+}")
    public Response otherPost(@PathParam("unknown") String path, String body) {
        return dispatch("POST", path, body);
    }

    @PUT
    @Path("{unknown: .+}")
    public Response otherPut(@PathParam("unknown") String path, String body) {
        return dispatch("PUT", path, body);
    }

    @PATCH
    @Path("{unknown: .+}")
    public Response otherPatch(@PathParam("unknown") String path, String body) {
        return dispatch("PATCH", path, body);
    }

    @DELETE
    @Path("{unknown: .+}")
    public Response otherDelete(@PathParam("unknown") String path) {
        return dispatch("DELETE", path, null);
    }

    private Response dispatch(String method, String path, String body) {
        int slash = path.indexOf('/');
        String root = (slash < 0 ? path : path.substring(0, slash)).toLowerCase(Locale.ROOT);
        String id = slash < 0 ? null : path.substring(slash + 1);
        String route = method + " " + root + (id == null ? "" : id.equalsIgnoreCase(".search") ? "/.search" : "/{id}");
        MultivaluedMap<String, String> q = session.getContext().getUri().getQueryParameters();
        return switch (route) {
            case "GET users" -> listUsers(q.getFirst("filter"), q.getFirst("startIndex"), q.getFirst("count"),
                q.getFirst("sortBy"), q.getFirst("sortOrder"), q.getFirst("attributes"), q.getFirst("excludedAttributes"));
            case "POST users" -> createUser(body);
            case "POST users/.search" -> searchUsersPost(body);
            case "GET users/{id}" -> getUser(id, q.getFirst("attributes"), q.getFirst("excludedAttributes"));
            case "PUT users/{id}" -> replaceUser(id, body);
            case "PATCH users/{id}" -> patchUser(id, body, q.getFirst("attributes"), q.getFirst("excludedAttributes"));
            case "DELETE users/{id}" -> deleteUser(id);
            case "GET groups" -> listGroups(q.getFirst("filter"), q.getFirst("startIndex"), q.getFirst("count"),
                q.getFirst("sortBy"), q.getFirst("sortOrder"), q.getFirst("attributes"), q.getFirst("excludedAttributes"));
            case "POST groups" -> createGroup(body);
            case "POST groups/.search" -> searchGroupsPost(body);
            case "GET groups/{id}" -> getGroup(id, q.getFirst("attributes"), q.getFirst("excludedAttributes"));
            case "PUT groups/{id}" -> replaceGroup(id, body);
            case "PATCH groups/{id}" -> patchGroup(id, body, q.getFirst("attributes"), q.getFirst("excludedAttributes"));
            case "DELETE groups/{id}" -> deleteGroup(id);
            case "GET serviceproviderconfig" -> serviceProviderConfig();
            case "GET resourcetypes" -> resourceTypes();
            case "GET resourcetypes/{id}" -> resourceType(id);
            case "GET schemas" -> schemas();
            case "GET schemas/{id}" -> schema(id);
            case "POST bulk" -> bulk();
            default -> unknown(method, path);
        };
    }

    private Response unknown(String method, String path) {
        return call(() -> {
            String root = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
            String id = path.contains("/") ? path.substring(path.indexOf('/') + 1) : null;
            // A schema or resource type that does not exist is 404 whatever the method (RFC 7644 §3.12).
            if (id != null && root.equalsIgnoreCase("schemas")) {
                one(ScimDiscovery.schemas(baseUrl, directory, engine.store()), id, "Schema");
            } else if (id != null && root.equalsIgnoreCase("resourcetypes")) {
                one(ScimDiscovery.resourceTypes(baseUrl, directory, engine.store()), id, "Resource type");
            }
            if (List.of("schemas", "resourcetypes", "serviceproviderconfig").contains(root.toLowerCase(Locale.ROOT))) {
                throw new ScimError(405, null, method + " is not allowed on /" + root + ": it is read-only");
            }
            throw ScimError.notFound("No SCIM endpoint " + method + " /" + path + "; see /ResourceTypes");
        });
    }

    // ------------------------------------------------------------------ internals

    /**
     * Authenticates, runs the work, and turns every failure into SCIM error JSON. A failed request is rolled
     * back whole and, for rule refusals, recorded in the run report.
     */
    private Response call(Supplier<Response> work) {
        return call(SubjectType.USER, work);
    }

    /** Runs a request; a refusal is recorded in the day's push run for a subject of {@code subjectType}. */
    private Response call(SubjectType subjectType, Supplier<Response> work) {
        try {
            authenticate();
            return work.get();
        } catch (ScimError e) {
            session.getTransactionManager().setRollbackOnly();
            return e.toResponse();
        } catch (SyncConflictException e) {
            engine.runs().refusedPush(realm, directory, subjectType, e);
            return ScimError.of(e).toResponse();
        } catch (jakarta.ws.rs.WebApplicationException e) {
            session.getTransactionManager().setRollbackOnly();
            return new ScimError(e.getResponse().getStatus(), null, e.getMessage()).toResponse();
        } catch (RuntimeException e) {
            session.getTransactionManager().setRollbackOnly();
            LOG.errorf(e, "SCIM request to directory %s failed", directoryId);
            return new ScimError(500, null, "Internal error; see the Keycloak server log").toResponse();
        }
    }

    /**
     * The directory's token, behind the brute-force protection of the push APIs: an address with too many failed
     * authentications is refused (429) before its credential is looked at, and every 401 of a wrong, unknown or expired
     * credential counts as a failure. A paused directory's right token is a 401 too (nothing read), not counted.
     */
    private void authenticate() {
        if (realm == null) {
            throw ScimError.notFound("Unknown realm");
        }
        AuthenticationFailures failures = AuthenticationFailures.of(session);
        long retryAfter = failures.retryAfterSeconds(session);
        if (retryAfter > 0) {
            throw new ScimError(429, null, "Too many failed authentications from this address; try again in "
                + retryAfter + " s").header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter));
        }
        try {
            authenticateToken();
        } catch (ScimError e) {
            if (e.status() == 401) {
                failures.failed(session);
            }
            throw e;
        }
        requireActive();
        baseUrl = ScimUrls.baseUrl(session, realm, directory);
        engine.directories().touch(directory);
    }

    /**
     * A paused (or not yet set up) directory accepts nothing: 401, as for a token that no longer works, because SCIM
     * clients such as Okta and Entra ID treat a 401 as "credentials refused": they stop and tell their admin, where a
     * 403 is retried or skipped per user. The detail says why; the brute-force limit does not count it (the token was
     * right).
     */
    private void requireActive() {
        if (directory.status() != DirectoryStatus.ACTIVE) {
            String name = directory.name();
            DirectoryStatus status = directory.status();
            throw unauthorized("Directory \"" + name + "\" is " + (status == DirectoryStatus.PAUSED
                ? "paused in Keycloak; it accepts no request until an administrator resumes it there"
                : status.id() + " in Keycloak; it accepts requests once its setup is completed there"));
        }
    }

    private void authenticateToken() {
        HttpHeaders headers = session.getContext().getRequestHeaders();
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        String secret = credential(authorization);
        if (secret == null) {
            throw unauthorized("Authentication required: send the directory's bearer token (Authorization: Bearer <token>)");
        }
        Optional<ScimToken> token = new ScimTokens(session).lookup(secret);
        if (token.isEmpty() || !token.get().directoryId().equals(directoryId) || !token.get().realmId().equals(realm.getId())) {
            throw unauthorized("Invalid bearer token for this directory");
        }
        if (token.get().expiresAt() <= Time.currentTimeMillis()) {
            throw unauthorized("The bearer token expired; regenerate it in Keycloak and update the SCIM client");
        }
        directory = engine.directories().get(realm, directoryId).orElseThrow(() -> unauthorized("Invalid bearer token for this directory"));
        if (!ScimDirectoryTypeFactory.ID.equals(directory.typeId())) {
            throw ScimError.notFound("Directory \"" + directory.name() + "\" is not a SCIM directory");
        }
    }

    /** The bearer token, or the password of HTTP Basic for clients that only speak Basic. */
    private static String credential(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.trim();
        if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return a.substring(7).trim();
        }
        if (a.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(a.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? null : decoded.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * A 401 with the challenges RFC 7235 requires: Bearer (RFC 6750; {@code error="invalid_token"} when a credential was
     * sent but is not valid) and Basic (the token as the password), both naming the Keycloak realm.
     */
    private ScimError unauthorized(String detail) {
        String realmName = realm.getName().replace("\\", "\\\\").replace("\"", "\\\"");
        boolean sent = session.getContext().getRequestHeaders().getHeaderString(HttpHeaders.AUTHORIZATION) != null;
        return new ScimError(401, null, detail)
            .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realmName + "\"" + (sent ? ", error=\"invalid_token\"" : ""))
            .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + realmName + "\", charset=\"UTF-8\"");
    }

    private SyncRuns.Run pushRun() {
        return engine.runs().pushRun(realm, directory);
    }

    /**
     * An id with characters no Keycloak id has is a malformed request (400); any other unknown id is a 404, as
     * Okta's SPEC test expects for ids like {@code 010101001010101011}.
     */
    private static void requireIdFormat(String id, String what) {
        if (id == null || !ID_CHARACTERS.matcher(id).matches()) {
            throw ScimError.badRequest("invalidValue", "'" + id + "' is not a valid " + what + " id");
        }
    }

    private static final java.util.regex.Pattern ID_CHARACTERS = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,255}");

    /** The directory's user {@code id}, else a 404. */
    private UserModel managedUser(String id) {
        requireIdFormat(id, "user");
        UserModel user = engine.users().ownedForRequest(realm, directory, id);
        if (user == null) {
            throw ScimError.notFound("User '" + id + "' not found");
        }
        return user;
    }

    private GroupModel managedGroup(String id) {
        requireIdFormat(id, "group");
        Optional<ManagedGroup> g = engine.groups().managed(directory, id);
        GroupModel group = g.isEmpty() ? null : realm.getGroupById(id);
        if (group == null) {
            throw ScimError.notFound("Group '" + id + "' not found");
        }
        return group;
    }

    private ObjectNode userRep(UserModel user, boolean withGroups) {
        return userRep(user, withGroups ? user.getGroupsStream().toList() : null);
    }

    private ObjectNode userRep(UserModel user, List<GroupModel> memberOf) {
        return userRep(user, engine.users().managed(user.getId()).orElseThrow(), memberOf);
    }

    /** The user's SCIM resource; {@code memberOf}: the user's Keycloak groups, or null for a resource without groups. */
    private ObjectNode userRep(UserModel user, ManagedUser m, List<GroupModel> memberOf) {
        List<GroupModel> groups = null;
        Map<String, String> names = new HashMap<>();
        if (memberOf != null) {
            groups = new ArrayList<>();
            for (GroupModel g : memberOf) {
                Optional<ManagedGroup> mg = engine.groups().managed(directory, g.getId());
                if (mg.isPresent()) {
                    groups.add(g);
                    names.put(g.getId(), mg.get().sourceName());
                }
            }
        }
        return ScimUserMapping.toScim(user, m, directory, baseUrl, groups, names);
    }

    private ObjectNode groupRep(GroupModel group, boolean withMembers) {
        ManagedGroup g = engine.groups().managed(directory, group.getId()).orElseThrow();
        ObjectNode doc = ScimJson.MAPPER.createObjectNode();
        doc.putArray("schemas").add(ScimJson.CORE_GROUP);
        doc.put("id", group.getId());
        if (g.externalId() != null) {
            doc.put("externalId", g.externalId());
        }
        doc.put("displayName", g.sourceName());
        if (withMembers) {
            ArrayNode members = doc.putArray("members");
            List<UserModel> users = session.users().getGroupMembersStream(realm, group).toList();
            // The members' records in one query, not one per member.
            Map<String, ManagedUser> managed = engine.users().managed(users.stream().map(UserModel::getId).toList());
            users.forEach(u -> {
                ManagedUser mu = managed.get(u.getId());
                if (mu != null && mu.sourceDeleted()) {
                    return; // the client deleted this user: it is no member as far as the client can see
                }
                ObjectNode m = members.addObject();
                m.put("value", u.getId());
                m.put("display", displayOf(u, mu));
                m.put("$ref", baseUrl + "/Users/" + u.getId());
                m.put("type", "User");
            });
        }
        ScimJson.meta(doc, "Group", g.createdAt(), g.lastModified(), baseUrl + "/Groups/" + group.getId(), g.revision());
        return doc;
    }

    /** A member's display: the client's displayName for the user when it sent one, else the userName. */
    private static String displayOf(UserModel user, ManagedUser managed) {
        if (managed != null && managed.sourceDocument() != null && managed.sourceDocument().contains("\"displayName\"")) {
            String display = ScimJson.text(ScimJson.parseStored(managed.sourceDocument()).get("displayName"));
            if (display != null) {
                return display;
            }
        }
        return managed != null && managed.sourceUsername() != null ? managed.sourceUsername() : user.getUsername();
    }

    private void applyGroupOperation(GroupModel group, ObjectNode op, SyncRuns.Run run) {
        String name = op.get("op").asText();
        String path = ScimJson.text(op.get("path"));
        JsonNode value = op.get("value");
        if (path == null) {
            if (!(value instanceof ObjectNode object)) {
                throw ScimError.badRequest("invalidValue", "A PATCH operation without 'path' needs an object 'value'");
            }
            if (object.has("displayName") || object.has("externalId")) {
                ScimUserMapping.requireGroupFits(directory, ScimJson.text(object.get("displayName")),
                    ScimJson.text(object.get("externalId")));
                engine.groups().rename(realm, directory, group, ScimJson.text(object.get("displayName")),
                    ScimJson.text(object.get("externalId")), run);
            }
            if (object.has("members")) {
                Set<String> ids = memberIds(object.get("members"));
                if (name.equals("replace")) {
                    engine.groups().setMembers(realm, directory, group, ids, run);
                } else {
                    engine.groups().changeMembers(realm, directory, group, ids, Set.of(), run);
                }
            }
            return;
        }
        String attribute = path.toLowerCase(Locale.ROOT);
        if (attribute.startsWith("members")) {
            switch (name) {
                case "add" -> engine.groups().changeMembers(realm, directory, group, memberIds(value), Set.of(), run);
                case "replace" -> engine.groups().setMembers(realm, directory, group, memberIds(value), run);
                default -> {
                    Set<String> remove;
                    if (attribute.startsWith("members[")) {
                        remove = ScimPatch.memberValues(path);
                    } else if (value != null && !value.isNull()) {
                        remove = memberIds(value); // Entra: remove members with a value array, no filter
                    } else {
                        remove = session.users().getGroupMembersStream(realm, group).map(UserModel::getId)
                            .collect(java.util.stream.Collectors.toSet());
                    }
                    engine.groups().changeMembers(realm, directory, group, Set.of(), remove, run);
                }
            }
        } else if (attribute.equals("displayname")) {
            if (name.equals("remove")) {
                throw ScimError.badRequest("mutability", "displayName is required and cannot be removed");
            }
            ScimUserMapping.requireGroupFits(directory, ScimJson.text(value), null);
            engine.groups().rename(realm, directory, group, ScimJson.text(value), null, run);
        } else if (attribute.equals("externalid")) {
            ScimUserMapping.requireGroupFits(directory, null, name.equals("remove") ? null : ScimJson.text(value));
            engine.groups().rename(realm, directory, group, null, name.equals("remove") ? null : ScimJson.text(value), run);
        } else if (attribute.equals("id") || attribute.startsWith("meta")) {
            throw ScimError.badRequest("mutability", "'" + path + "' is read-only");
        }
        // Other attributes are not stored for groups and are ignored, as clients expect.
    }

    private Set<String> memberIds(JsonNode members) {
        Set<String> ids = new LinkedHashSet<>();
        if (members == null || members.isNull()) {
            return ids;
        }
        if (members.isObject()) {
            members = ScimJson.MAPPER.createArrayNode().add(members);
        }
        if (!members.isArray()) {
            throw ScimError.badRequest("invalidValue", "'members' must be a list of {\"value\": \"<user id>\"}");
        }
        for (JsonNode m : members) {
            String id = m.isTextual() ? m.asText() : ScimJson.text(m.get("value"));
            if (id == null) {
                throw ScimError.badRequest("invalidValue", "Each member needs a 'value' with the user id");
            }
            ScimUserMapping.requireFits("members.value", id, Integer.MAX_VALUE);
            if (!"User".equalsIgnoreCase(m.path("type").asText("User"))) {
                throw ScimError.badRequest("invalidValue", "Member '" + id + "' is a " + m.path("type").asText()
                    + ": groups of this directory hold users only (Keycloak groups cannot be members of several groups)");
            }
            ids.add(id);
        }
        // The members' records in one statement, with Keycloak's rows of those users, which the change reads next.
        Map<String, ManagedUser> found = engine.users().managedWithKeycloakRows(ids);
        for (String id : ids) {
            ManagedUser managed = found.get(id);
            if (managed == null) {
                if (realm.getGroupById(id) != null) {
                    throw ScimError.badRequest("invalidValue", "Member '" + id + "' is a group: groups of this directory hold users only");
                }
                throw ScimError.notFound("Member '" + id + "' does not exist");
            }
            if (managed.sourceDeleted()) {
                throw ScimError.badRequest("invalidValue", "Member '" + id + "' was deleted by this client");
            }
            // Whether the user belongs to this directory is rule 6: the engine's changeMembers refuses it.
        }
        return ids;
    }

    /** A list or search request: filter, paging, sorting and attribute selection (query or POST .search body). */
    record Search(String filter, Integer startIndex, Integer count, String sortBy, String sortOrder, String attributes,
                  String excludedAttributes) {
        static Search of(ObjectNode body) {
            return new Search(ScimJson.text(body.get("filter")), intOrNull(body.get("startIndex")), intOrNull(body.get("count")),
                ScimJson.text(body.get("sortBy")), ScimJson.text(body.get("sortOrder")), list(body.get("attributes")),
                list(body.get("excludedAttributes")));
        }

        int start() {
            return startIndex == null || startIndex < 1 ? 1 : startIndex;
        }

        int size() {
            return count == null ? DEFAULT_PAGE : Math.max(0, Math.min(count, MAX_PAGE));
        }

        boolean descending() {
            if (sortOrder == null || sortOrder.equalsIgnoreCase("ascending")) {
                return false;
            }
            if (sortOrder.equalsIgnoreCase("descending")) {
                return true;
            }
            throw ScimError.badRequest("invalidValue", "sortOrder is ascending or descending, not '" + sortOrder + "'");
        }

        private static String list(JsonNode n) {
            if (n == null || n.isNull()) {
                return null;
            }
            if (n.isArray()) {
                List<String> parts = new ArrayList<>();
                n.forEach(e -> parts.add(e.asText()));
                return String.join(",", parts);
            }
            return n.asText();
        }
    }

    private Response searchUsers(Search search) {
        ScimProjection projection = ScimProjection.of(search.attributes(), search.excludedAttributes());
        ScimQuery.Page page = new ScimQuery(engine.store(), directory)
            .users(ScimQuery.parse(search.filter()), search.sortBy(), search.descending(), search.start() - 1, search.size());
        ObjectNode list = listResponse(page.total(), search.start(), page.ids().size());
        ArrayNode resources = list.putArray("Resources");
        boolean groups = projection.include() && projection.wants("groups");
        // The page's records in one query, not one per user.
        Map<String, ManagedUser> managed = page.ids().size() > 1 ? engine.users().managed(page.ids()) : Map.of();
        for (String id : page.ids()) {
            UserModel u = session.users().getUserById(realm, id);
            if (u != null) {
                ManagedUser m = managed.get(id);
                resources.add(projection.apply(userRep(u, m != null ? m : engine.users().managed(id).orElseThrow(),
                    groups ? u.getGroupsStream().toList() : null)));
            }
        }
        return scim(Response.ok(), list).build();
    }

    private Response searchGroups(Search search) {
        ScimProjection projection = ScimProjection.of(search.attributes(), search.excludedAttributes());
        ScimQuery.Page page = new ScimQuery(engine.store(), directory)
            .groups(ScimQuery.parse(search.filter()), search.sortBy(), search.descending(), search.start() - 1, search.size());
        ObjectNode list = listResponse(page.total(), search.start(), page.ids().size());
        ArrayNode resources = list.putArray("Resources");
        for (String id : page.ids()) {
            GroupModel group = realm.getGroupById(id);
            if (group != null) {
                resources.add(projection.apply(groupRep(group, projection.wants("members"))));
            }
        }
        return scim(Response.ok(), list).build();
    }

    private static Integer integer(String text, String name) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw ScimError.badRequest("invalidValue", "'" + name + "' must be an integer, not '" + text + "'");
        }
    }

    private static ObjectNode listResponse(long total, int start, int items) {
        ObjectNode list = ScimJson.MAPPER.createObjectNode();
        list.putArray("schemas").add(ScimJson.LIST_RESPONSE);
        list.put("totalResults", total);
        list.put("startIndex", start);
        list.put("itemsPerPage", items);
        return list;
    }

    /**
     * If-Match: a write against a stale version gets 412, so concurrent writers cannot overwrite each other. The
     * current resource is built only when the request carries a version to compare (most clients send none).
     */
    private void requireVersion(Supplier<ObjectNode> current) {
        String ifMatch = session.getContext().getRequestHeaders().getHeaderString("If-Match");
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return;
        }
        String version = current.get().path("meta").path("version").asText();
        for (String candidate : ifMatch.split(",")) {
            if (candidate.trim().equals(version) || ("W/" + candidate.trim()).equals(version)) {
                return;
            }
        }
        throw new ScimError(412, null, "The resource changed: its version is " + version + ", not " + ifMatch.trim());
    }

    private Response notModifiedOr(ObjectNode rep, Supplier<Response> otherwise) {
        String ifNoneMatch = session.getContext().getRequestHeaders().getHeaderString("If-None-Match");
        String version = rep.path("meta").path("version").asText();
        if (ifNoneMatch != null && (ifNoneMatch.contains(version) || ("W/" + ifNoneMatch.trim()).equals(version))) {
            return Response.notModified().header(HttpHeaders.ETAG, version).build();
        }
        return otherwise.get();
    }

    private static Response.ResponseBuilder scim(Response.ResponseBuilder builder, ObjectNode body) {
        Response.ResponseBuilder b = builder.type(ScimJson.SCIM_JSON).entity(body.toString());
        JsonNode version = body.path("meta").get("version");
        if (version != null) {
            b.header(HttpHeaders.ETAG, version.asText());
        }
        return b;
    }

    private void audit(OperationType op, String resourceType, String path, Object representation) {
        AdminEvents.send(session, realm, directory, op, resourceType, "dirsync/" + directory.id() + "/scim/v2/" + path,
            representation, Map.of("source", "scim"));
    }

    private static Integer intOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asInt();
    }
}
