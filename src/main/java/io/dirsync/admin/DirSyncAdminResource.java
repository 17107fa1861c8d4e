package io.dirsync.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

import io.dirsync.engine.AdminEvents;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectoryStatus;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.DirectoryTypes;
import io.dirsync.engine.PullRun;
import io.dirsync.engine.PullRunner;
import io.dirsync.engine.RunReport;
import io.dirsync.engine.SubjectStatus;
import io.dirsync.engine.SyncConflictException;
import io.dirsync.storage.ManagedGroupEntity;
import io.dirsync.storage.RunKind;
import io.dirsync.storage.RunStatus;
import io.dirsync.storage.SyncRunEntity;
import io.dirsync.storage.ManagedUserEntity;

/**
 * The directory-sync Admin REST API, {@code /admin/realms/{realm}/dirsync}. Reading needs {@code view-users};
 * changing users, groups and the trash needs {@code manage-users}; changing directories needs
 * {@code manage-realm}. Every change emits a Keycloak admin event. All rules are the engine's.
 */
@Produces(MediaType.APPLICATION_JSON)
public class DirSyncAdminResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;
    private final DirectorySyncEngine engine;

    DirSyncAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent.resource(AdminEvents.RESOURCE_DIRECTORY);
        this.engine = DirectorySyncEngine.of(session);
    }

    // ------------------------------------------------------------------ directories

    @GET
    @Path("directories")
    public List<Map<String, Object>> listDirectories() {
        auth.users().requireView();
        return engine.directories().list(realm).stream().map(this::directoryRep).toList();
    }

    @POST
    @Path("directories")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createDirectory(String body) {
        auth.realm().requireManageRealm();
        ObjectNode json = AdminJson.object(body);
        String typeText = AdminJson.text(json, "type");
        if (typeText == null) {
            throw ErrorResponse.error("'type' is required: one of " + String.join(", ",
                DirectoryTypes.ids(session.getKeycloakSessionFactory())), Response.Status.BAD_REQUEST);
        }
        ObjectNode settings = AdminJson.objectField(json, "settings");
        Directory d = rules(() -> engine.directories().create(realm, typeText, AdminJson.text(json, "name"), settings));
        Map<String, Object> rep = directoryRep(d);
        adminEvent.operation(OperationType.CREATE).resourcePath(session.getContext().getUri(), d.id()).representation(rep).success();
        return Response.status(Response.Status.CREATED)
            .location(session.getContext().getUri().getAbsolutePathBuilder().path(d.id()).build())
            .entity(rep).build();
    }

    @GET
    @Path("directories/{id}")
    public Map<String, Object> getDirectory(@PathParam("id") String id) {
        auth.users().requireView();
        return directoryRep(directory(id));
    }

    @PUT
    @Path("directories/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> updateDirectory(@PathParam("id") String id, String body) {
        auth.realm().requireManageRealm();
        Directory d = directory(id);
        ObjectNode json = AdminJson.object(body);
        if (json.has("type") && !d.typeId().equalsIgnoreCase(json.path("type").asText())) {
            throw ErrorResponse.error("The type of a directory cannot be changed", Response.Status.BAD_REQUEST);
        }
        ObjectNode settings = AdminJson.objectField(json, "settings");
        Directory updated = rules(() -> engine.directories().update(realm, d, AdminJson.text(json, "name"), settings));
        Map<String, Object> rep = directoryRep(updated);
        adminEvent.operation(OperationType.UPDATE).resourcePath(session.getContext().getUri()).representation(rep).success();
        return rep;
    }

    @DELETE
    @Path("directories/{id}")
    public Response deleteDirectory(@PathParam("id") String id) {
        auth.realm().requireManageRealm();
        Directory d = directory(id);
        rules(() -> {
            engine.directories().delete(realm, d);
            return null;
        });
        adminEvent.operation(OperationType.DELETE).resourcePath(session.getContext().getUri()).success();
        return Response.noContent().build();
    }

    @POST
    @Path("directories/{id}/pause")
    public Map<String, Object> pause(@PathParam("id") String id) {
        return changeStatus(id, DirectoryStatus.PAUSED);
    }

    @POST
    @Path("directories/{id}/resume")
    public Map<String, Object> resume(@PathParam("id") String id) {
        return changeStatus(id, DirectoryStatus.ACTIVE);
    }

    private Map<String, Object> changeStatus(String id, DirectoryStatus status) {
        auth.realm().requireManageRealm();
        Directory d = directory(id);
        if (d.status() == DirectoryStatus.DRAFT) {
            throw ErrorResponse.error("Directory \"" + d.name() + "\" is still a draft; complete its setup first",
                Response.Status.CONFLICT);
        }
        Map<String, Object> rep = directoryRep(engine.directories().setStatus(realm, d, status));
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri()).representation(rep).success();
        return rep;
    }

    /** SPEC §3.1 "Complete setup": the directory becomes active and its API credentials are shown, once. */
    @POST
    @Path("directories/{id}/complete-setup")
    public Map<String, Object> completeSetup(@PathParam("id") String id) {
        auth.realm().requireManageRealm();
        Directory d = directory(id);
        if (d.status() != DirectoryStatus.DRAFT) {
            throw ErrorResponse.error("Directory \"" + d.name() + "\" is already set up; regenerate its token instead",
                Response.Status.CONFLICT);
        }
        engine.directories().setStatus(realm, d, DirectoryStatus.ACTIVE);
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("status", DirectoryStatus.ACTIVE.id());
        DirectoryTypes.provider(session, d).issueCredentials(realm, d).ifPresent(rep::putAll);
        credentialsEvent(rep);
        return rep;
    }

    /** SPEC §3.1 "Regenerate token": new credentials; the old ones stop working at once. */
    @POST
    @Path("directories/{id}/token")
    public Map<String, Object> regenerateToken(@PathParam("id") String id) {
        auth.realm().requireManageRealm();
        Directory d = directory(id);
        if (d.status() == DirectoryStatus.DRAFT) {
            throw ErrorResponse.error("Directory \"" + d.name() + "\" is still a draft; complete its setup first",
                Response.Status.CONFLICT);
        }
        Map<String, Object> rep = DirectoryTypes.provider(session, d).issueCredentials(realm, d).orElseThrow(() ->
            ErrorResponse.error("Directory \"" + d.name() + "\" (type " + d.typeId() + ") has no credentials to regenerate:"
                + " it connects to its source itself", Response.Status.BAD_REQUEST));
        credentialsEvent(rep);
        return rep;
    }

    /** The admin event of issued credentials: never the secret itself. */
    private void credentialsEvent(Map<String, Object> issued) {
        Map<String, Object> event = new LinkedHashMap<>(issued);
        event.remove("token");
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri()).representation(event).success();
    }

    /** The mapping editor's data (SPEC §3.1): required mappings (locked), optional ones, and what can be mapped. */
    @GET
    @Path("directories/{id}/mappings")
    public Map<String, Object> mappings(@PathParam("id") String id) {
        auth.users().requireView();
        return mappingsRep(directory(id));
    }

    /** Replaces the optional mappings; a new target attribute is added to the realm's user profile. */
    @PUT
    @Path("directories/{id}/mappings")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> updateMappings(@PathParam("id") String id, String body) {
        auth.realm().requireManageRealm();
        Directory d = directory(id);
        ObjectNode json = AdminJson.object(body);
        if (!json.has("optional") || !json.get("optional").isArray()) {
            throw ErrorResponse.error("Send {\"optional\": [{\"source\": \"<source attribute>\", \"target\": \"<Keycloak attribute>\"}]}",
                Response.Status.BAD_REQUEST);
        }
        ObjectNode settings = d.settings();
        settings.set("mappings", json.get("optional"));
        Directory updated = rules(() -> engine.directories().update(realm, d, null, settings));
        Map<String, Object> rep = mappingsRep(updated);
        adminEvent.operation(OperationType.UPDATE).resourcePath(session.getContext().getUri()).representation(rep).success();
        return rep;
    }

    private Map<String, Object> mappingsRep(Directory d) {
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("required", d.type().requiredMappings(d).stream()
            .map(m -> Map.of("source", m.source(), "target", m.target(), "locked", true)).toList());
        rep.put("optional", d.mappings().stream().map(m -> Map.of("source", m.source(), "target", m.target())).toList());
        rep.put("availableSources", d.type().offeredSources());
        List<String> targets = new java.util.ArrayList<>();
        session.getProvider(org.keycloak.userprofile.UserProfileProvider.class).getConfiguration().getAttributes()
            .forEach(a -> targets.add(a.getName()));
        rep.put("availableTargets", targets.stream().filter(t -> !Directory.REQUIRED_TARGETS.contains(t)).toList());
        return rep;
    }

    @GET
    @Path("directories/{id}/runs")
    public List<RunReport> runs(@PathParam("id") String id, @QueryParam("first") @DefaultValue("0") int first,
                                @QueryParam("max") @DefaultValue("20") int max) {
        auth.users().requireView();
        Directory d = directory(id);
        return engine.store().runs(d.id(), Math.max(0, first), Math.min(Math.max(1, max), 100)).stream()
            .map(r -> engine.runs().report(r)).toList();
    }

    @GET
    @Path("directories/{id}/runs/{runId}")
    public RunReport run(@PathParam("id") String id, @PathParam("runId") String runId) {
        auth.users().requireView();
        Directory d = directory(id);
        SyncRunEntity run = engine.store().find(SyncRunEntity.class, runId);
        if (run == null || !run.getDirectoryId().equals(d.id())) {
            throw ErrorResponse.error("No run '" + runId + "' in directory \"" + d.name() + "\"", Response.Status.NOT_FOUND);
        }
        return engine.runs().report(run);
    }

    /**
     * On-demand pull: {@code {"kind": "full" | "admin" | "user", "username": ...}}. The sync runs on a worker thread;
     * the answer is its report (200) when it ends within {@code wait} seconds (default and at most 240, under the
     * request's transaction timeout), else 202 with the run id to follow at {@code runs/{runId}}. 409 when another
     * sync of the directory runs for more than 30 s.
     */
    @POST
    @Path("directories/{id}/sync")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response sync(@PathParam("id") String id, @QueryParam("wait") @DefaultValue("240") int wait, String body) {
        auth.users().requireManage();
        Directory d = directory(id);
        ObjectNode json = AdminJson.object(body);
        String kindText = AdminJson.text(json, "kind");
        RunKind kind = kindText == null ? RunKind.FULL : RunKind.of(kindText);
        PullRunner.Awaited done;
        try {
            done = rules(() -> PullRunner.startAndWait(session, realm, d, kind, AdminJson.text(json, "username"), 30,
                Math.min(wait, 240)));
        } catch (PullRunner.Busy busy) {
            throw ErrorResponse.error(busy.getMessage(), Response.Status.CONFLICT);
        } catch (jakarta.ws.rs.WebApplicationException refused) {
            throw refused;
        } catch (RuntimeException failed) {
            throw ErrorResponse.error("The sync failed: " + failed, Response.Status.INTERNAL_SERVER_ERROR);
        }
        Response response;
        if (done.report() != null) {
            response = Response.ok(done.report()).build();
        } else {
            Map<String, Object> rep = new LinkedHashMap<>();
            rep.put("id", done.runningId());
            rep.put("status", RunStatus.RUNNING.id());
            rep.put("message", "The sync is still running; follow it at runs/" + done.runningId());
            response = Response.accepted(rep).build();
        }
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri())
            .representation(Map.of("kind", kind.id(), "status", String.valueOf(response.getStatus()))).success();
        return response;
    }

    /** Rule 10: the admin confirms a held run; the users it listed go to the trash. */
    @POST
    @Path("directories/{id}/runs/{runId}/confirm")
    public RunReport confirmRun(@PathParam("id") String id, @PathParam("runId") String runId) {
        auth.users().requireManage();
        Directory d = directory(id);
        RunReport report = rules(() -> PullRun.confirmHeld(session, realm, d, runId));
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri())
            .representation(Map.of("run", runId, "status", report.status())).success();
        return report;
    }

    @GET
    @Path("directories/{id}/groups")
    public List<Map<String, Object>> managedGroups(@PathParam("id") String id) {
        auth.users().requireView();
        Directory d = directory(id);
        return engine.store().managedGroups(d.id()).stream().map(g -> groupRep(d, g)).toList();
    }

    /** Rule 8: the group leaves the directory; its members in no other synced group go to the trash. */
    @DELETE
    @Path("directories/{id}/groups/{groupId}")
    public Response removeGroupFromDirectory(@PathParam("id") String id, @PathParam("groupId") String groupId) {
        auth.realm().requireManageRealm();
        Directory d = directory(id);
        GroupModel group = realm.getGroupById(groupId);
        rules(() -> {
            engine.groups().removeFromDirectory(realm, d, group);
            return null;
        });
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri()).success();
        return Response.noContent().build();
    }

    // ------------------------------------------------------------------ trash

    @GET
    @Path("trash")
    public Map<String, Object> trash(@QueryParam("first") @DefaultValue("0") int first,
                                     @QueryParam("max") @DefaultValue("50") int max) {
        auth.users().requireView();
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("count", engine.store().countTrash(realm.getId()));
        rep.put("users", engine.store().trash(realm.getId(), Math.max(0, first), Math.min(Math.max(1, max), 500))
            .stream().map(this::trashRep).toList());
        return rep;
    }

    @GET
    @Path("trash/count")
    public Map<String, Object> trashCount() {
        auth.users().requireView();
        return Map.of("count", engine.store().countTrash(realm.getId()));
    }

    @POST
    @Path("trash/{userId}/restore")
    public Map<String, Object> restore(@PathParam("userId") String userId) {
        auth.users().requireManage();
        UserModel user = user(userId);
        rules(() -> {
            engine.trash().restoreByAdmin(realm, user);
            return null;
        });
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri()).success();
        return userRep(user);
    }

    @DELETE
    @Path("trash/{userId}")
    public Response deleteForGood(@PathParam("userId") String userId) {
        auth.users().requireManage();
        UserModel user = user(userId);
        rules(() -> {
            engine.trash().deleteForGood(realm, user);
            return null;
        });
        adminEvent.operation(OperationType.DELETE).resourcePath(session.getContext().getUri()).success();
        return Response.noContent().build();
    }

    // ------------------------------------------------------------------ users and groups

    @GET
    @Path("users/{userId}")
    public Map<String, Object> getUser(@PathParam("userId") String userId) {
        auth.users().requireView();
        return userRep(user(userId));
    }

    @PUT
    @Path("users/{userId}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> setUserStatus(@PathParam("userId") String userId, String body) {
        auth.users().requireManage();
        UserModel user = user(userId);
        SubjectStatus status = status(AdminJson.object(body));
        rules(() -> {
            engine.statuses().setForUser(realm, user, status);
            return null;
        });
        Map<String, Object> rep = userRep(user);
        adminEvent.operation(OperationType.UPDATE).resource(ResourceType.USER).resourcePath(session.getContext().getUri())
            .representation(rep).success();
        return rep;
    }

    @GET
    @Path("groups/{groupId}")
    public Map<String, Object> getGroup(@PathParam("groupId") String groupId) {
        auth.users().requireView();
        return groupStatusRep(group(groupId));
    }

    @PUT
    @Path("groups/{groupId}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> setGroupStatus(@PathParam("groupId") String groupId, String body) {
        auth.users().requireManage();
        GroupModel group = group(groupId);
        SubjectStatus status = status(AdminJson.object(body));
        if (status == SubjectStatus.PENDING_DELETION) {
            throw ErrorResponse.error("A group cannot be pending deletion", Response.Status.BAD_REQUEST);
        }
        engine.statuses().setForGroup(realm, group, status);
        Map<String, Object> rep = groupStatusRep(group);
        adminEvent.operation(OperationType.UPDATE).resource(ResourceType.GROUP).resourcePath(session.getContext().getUri())
            .representation(rep).success();
        return rep;
    }

    // ------------------------------------------------------------------ representations

    private Map<String, Object> directoryRep(Directory d) {
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("id", d.id());
        rep.put("type", d.typeId());
        rep.put("name", d.name());
        rep.put("status", d.status().id());
        rep.put("settings", d.settings());
        rep.put("mappedAttributes", d.mappedAttributes());
        rep.put("createdAt", d.createdAt());
        rep.put("firstSyncAt", d.firstSyncAt());
        rep.put("usernameAttributeLocked", d.firstSyncAt() != null);
        rep.put("userCount", engine.store().countActiveUsers(d.id()));
        rep.put("trashedCount", engine.store().countTrashedUsers(d.id()));
        rep.put("groupNameExample", d.managedGroupName("Engineering"));
        rep.putAll(DirectoryTypes.provider(session, d).describe(realm, d));
        return rep;
    }

    private Map<String, Object> groupRep(Directory d, ManagedGroupEntity g) {
        Map<String, Object> rep = new LinkedHashMap<>();
        GroupModel group = realm.getGroupById(g.getGroupId());
        rep.put("id", g.getGroupId());
        rep.put("name", group == null ? null : group.getName());
        rep.put("sourceName", g.getSourceName());
        rep.put("externalId", g.getExternalId());
        rep.put("status", group == null ? null : engine.statuses().ofGroup(group).id());
        return rep;
    }

    private Map<String, Object> trashRep(ManagedUserEntity t) {
        Map<String, Object> rep = new LinkedHashMap<>();
        UserModel user = session.users().getUserById(realm, t.getUserId());
        rep.put("userId", t.getUserId());
        rep.put("username", user == null ? t.getSourceUsername() : user.getUsername());
        rep.put("directoryId", t.getDirectoryId());
        rep.put("directoryName", engine.directories().get(realm, t.getDirectoryId()).map(Directory::name).orElse(null));
        rep.put("reason", t.getTrashReason());
        rep.put("enteredAt", t.getTrashedAt());
        rep.put("deleteAfter", t.getDeleteAfter());
        return rep;
    }

    private Map<String, Object> userRep(UserModel user) {
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("id", user.getId());
        rep.put("username", user.getUsername());
        rep.put("status", engine.statuses().ofUser(user).id());
        rep.put("enabled", user.isEnabled());
        engine.guards().ownerOf(user).ifPresentOrElse(d -> {
            rep.put("directory", Map.of("id", d.id(), "name", d.name(), "type", d.typeId()));
            rep.put("lockedAttributes", engine.trash().contains(user) ? List.of("*") : d.mappedAttributes());
        }, () -> {
            rep.put("directory", null);
            rep.put("lockedAttributes", List.of());
        });
        ManagedUserEntity t = engine.store().trashedUser(user.getId());
        if (t != null) {
            rep.put("deleteAfter", t.getDeleteAfter());
        }
        return rep;
    }

    private Map<String, Object> groupStatusRep(GroupModel group) {
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("id", group.getId());
        rep.put("name", group.getName());
        rep.put("status", engine.statuses().ofGroup(group).id());
        ManagedGroupEntity g = engine.store().managedGroup(group.getId());
        rep.put("directory", g == null ? null : engine.directories().get(realm, g.getDirectoryId())
            .map(d -> Map.of("id", d.id(), "name", d.name())).orElse(null));
        return rep;
    }

    // ------------------------------------------------------------------ lookups and errors

    private Directory directory(String id) {
        return engine.directories().get(realm, id).orElseThrow(() ->
            ErrorResponse.error("No directory '" + id + "' in realm '" + realm.getName() + "'", Response.Status.NOT_FOUND));
    }

    private UserModel user(String id) {
        UserModel user = session.users().getUserById(realm, id);
        if (user == null) {
            throw ErrorResponse.error("No user '" + id + "' in realm '" + realm.getName() + "'", Response.Status.NOT_FOUND);
        }
        return user;
    }

    private GroupModel group(String id) {
        GroupModel group = realm.getGroupById(id);
        if (group == null) {
            throw ErrorResponse.error("No group '" + id + "' in realm '" + realm.getName() + "'", Response.Status.NOT_FOUND);
        }
        return group;
    }

    private static SubjectStatus status(ObjectNode json) {
        try {
            return SubjectStatus.parseSettable(AdminJson.text(json, "status"));
        } catch (IllegalArgumentException e) {
            throw ErrorResponse.error(e.getMessage(), Response.Status.BAD_REQUEST);
        }
    }

    /** Runs engine work, turning a rule's refusal into a 4xx with the rule's message. */
    private static <T> T rules(Supplier<T> work) {
        try {
            return work.get();
        } catch (SyncConflictException e) {
            Response.Status status = Response.Status.fromStatusCode(e.getKind().httpStatus());
            throw ErrorResponse.error(e.getMessage(), status);
        }
    }
}
