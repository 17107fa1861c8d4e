package io.dirsync.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
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

import io.dirsync.admin.representation.BulkResultRepresentation;
import io.dirsync.admin.representation.Count;
import io.dirsync.admin.representation.CredentialsRepresentation;
import io.dirsync.admin.representation.DirectoryRepresentation;
import io.dirsync.admin.representation.DirectoryTypeRepresentation;
import io.dirsync.admin.representation.GroupStatusRepresentation;
import io.dirsync.admin.representation.LoginFlowRepresentation;
import io.dirsync.admin.representation.ManagedGroupRepresentation;
import io.dirsync.admin.representation.MappingsRepresentation;
import io.dirsync.admin.representation.SetupCompletedRepresentation;
import io.dirsync.admin.representation.TrashPage;
import io.dirsync.admin.representation.EnrollmentTemplateRepresentation;
import io.dirsync.admin.representation.PendingEnrollmentPage;
import io.dirsync.admin.representation.ResentRepresentation;
import io.dirsync.admin.representation.UserStatusRepresentation;
import io.dirsync.engine.AdminEvents;
import io.dirsync.engine.Directory;
import io.dirsync.engine.RunReport;
import io.dirsync.engine.SubjectStatus;
import io.dirsync.engine.SyncConflictException;
import io.dirsync.storage.RunKind;

/**
 * The directory-sync Admin REST API, {@code /admin/realms/{realm}/dirsync}, with the roles Keycloak asks for its own
 * user federation: a directory's configuration (directories, types, mappings) is read with {@code view-users} or
 * {@code view-realm} and changed with {@code manage-realm} (Keycloak's components); what concerns users (runs, managed
 * groups, trash, statuses, enrollments) is read with {@code view-users} and changed with {@code manage-users} (as
 * Keycloak's "sync users" of a user-storage provider); the login flow and the enrollment template are realm settings
 * ({@code view-realm}, {@code manage-realm}). The roles are checked before anything is looked up, so a refused caller
 * learns nothing about what exists. The whole table is in README ("Who may do what") and in
 * {@code PermissionMatrixTest}. Every change emits a Keycloak admin event. This class only checks permissions, reads
 * request bodies, emits admin events and answers in HTTP; the operations are {@link DirSyncAdminService}'s, the rules
 * the engine's.
 */
@Produces(MediaType.APPLICATION_JSON)
public class DirSyncAdminResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;
    private final DirSyncAdminService service;

    DirSyncAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                         AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent.resource(AdminEvents.RESOURCE_DIRECTORY);
        this.service = new DirSyncAdminService(session);
    }

    // ------------------------------------------------------------------ directories

    @GET
    @Path("directories")
    public List<DirectoryRepresentation> listDirectories() {
        requireViewDirectories();
        return rules(() -> service.directories(realm));
    }

    @POST
    @Path("directories")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createDirectory(String body) {
        auth.realm().requireManageRealm();
        ObjectNode json = AdminJson.object(body);
        String type = AdminJson.text(json, "type");
        ObjectNode settings = AdminJson.objectField(json, "settings");
        String name = AdminJson.text(json, "name");
        DirectoryRepresentation rep = rules(() -> service.createDirectory(realm, type, name, settings));
        adminEvent.operation(OperationType.CREATE).resourcePath(session.getContext().getUri(), rep.id())
            .representation(rep).success();
        return Response.status(Response.Status.CREATED)
            .location(session.getContext().getUri().getAbsolutePathBuilder().path(rep.id()).build())
            .entity(rep).build();
    }

    @GET
    @Path("directories/{id}")
    public DirectoryRepresentation getDirectory(@PathParam("id") String id) {
        requireViewDirectories();
        return rules(() -> service.describe(realm, service.directory(realm, id)));
    }

    @PUT
    @Path("directories/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public DirectoryRepresentation updateDirectory(@PathParam("id") String id, String body) {
        auth.realm().requireManageRealm();
        DirectoryRepresentation rep = rules(() -> {
            Directory d = service.directory(realm, id);
            ObjectNode json = AdminJson.object(body);
            String type = json.has("type") ? json.path("type").asText() : null;
            ObjectNode settings = AdminJson.objectField(json, "settings");
            return service.updateDirectory(realm, d, type, AdminJson.text(json, "name"), settings);
        });
        adminEvent.operation(OperationType.UPDATE).resourcePath(session.getContext().getUri()).representation(rep)
            .success();
        return rep;
    }

    @DELETE
    @Path("directories/{id}")
    public Response deleteDirectory(@PathParam("id") String id) {
        auth.realm().requireManageRealm();
        rules(() -> service.deleteDirectory(realm, service.directory(realm, id)));
        adminEvent.operation(OperationType.DELETE).resourcePath(session.getContext().getUri()).success();
        return Response.noContent().build();
    }

    @POST
    @Path("directories/{id}/pause")
    public DirectoryRepresentation pause(@PathParam("id") String id) {
        return changeStatus(id, service::pause);
    }

    @POST
    @Path("directories/{id}/resume")
    public DirectoryRepresentation resume(@PathParam("id") String id) {
        return changeStatus(id, service::resume);
    }

    private DirectoryRepresentation changeStatus(String id,
                                                 BiFunction<RealmModel, Directory, DirectoryRepresentation> change) {
        auth.realm().requireManageRealm();
        DirectoryRepresentation rep = rules(() -> change.apply(realm, service.directory(realm, id)));
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri()).representation(rep)
            .success();
        return rep;
    }

    // ------------------------------------------------------------------ directory types

    @GET
    @Path("directory-types")
    public List<DirectoryTypeRepresentation> directoryTypes() {
        requireViewDirectories();
        return rules(() -> service.directoryTypes(realm));
    }

    /** A type's defaults for its wizard: the name a new directory gets, what it offers. */
    @GET
    @Path("directory-types/{type}")
    public DirectoryTypeRepresentation directoryType(@PathParam("type") String type) {
        requireViewDirectories();
        return rules(() -> service.directoryType(realm, type));
    }

    /**
     * A directory type's admin action on settings an admin is typing (e.g. a connection test, a search of the source's
     * groups); {@code ?directory=} names the directory being edited, whose
     * stored settings and secrets fill in what the body leaves out. {@code manage-realm}, as for saving the settings:
     * the action reaches the source with them. Read-only, so no admin event.
     */
    @POST
    @Path("directory-types/{type}/{action}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Object directoryTypeAction(@PathParam("type") String type, @PathParam("action") String action,
                                      @QueryParam("directory") String directoryId, String body) {
        auth.realm().requireManageRealm();
        return rules(() -> service.directoryTypeAction(realm, type, action, directoryId, () -> AdminJson.object(body)));
    }

    /** SPEC §3.1 "Complete setup": the directory becomes active and its API credentials are shown, once. */
    @POST
    @Path("directories/{id}/complete-setup")
    public SetupCompletedRepresentation completeSetup(@PathParam("id") String id) {
        auth.realm().requireManageRealm();
        SetupCompletedRepresentation rep = rules(() -> service.completeSetup(realm, service.directory(realm, id)));
        credentialsEvent(new SetupCompletedRepresentation(rep.status(), withoutToken(rep.credentials())));
        return rep;
    }

    /** SPEC §3.1 "Regenerate token": new credentials; the old ones stop working at once. */
    @POST
    @Path("directories/{id}/token")
    public CredentialsRepresentation regenerateToken(@PathParam("id") String id) {
        auth.realm().requireManageRealm();
        CredentialsRepresentation rep = rules(() ->
            service.regenerateCredentials(realm, service.directory(realm, id)));
        credentialsEvent(new CredentialsRepresentation(withoutToken(rep.credentials())));
        return rep;
    }

    /** The admin event of issued credentials: never the secret itself. */
    private void credentialsEvent(Object withoutSecret) {
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri())
            .representation(withoutSecret).success();
    }

    private static Map<String, Object> withoutToken(Map<String, Object> credentials) {
        Map<String, Object> shown = new LinkedHashMap<>(credentials);
        shown.remove("token");
        shown.remove("secretKey"); // the Duo Admin API type's secret
        return shown;
    }

    /** The mapping editor's data (SPEC §3.1): required mappings (locked), optional ones, and what can be mapped. */
    @GET
    @Path("directories/{id}/mappings")
    public MappingsRepresentation mappings(@PathParam("id") String id) {
        requireViewDirectories();
        return rules(() -> service.mappings(service.directory(realm, id)));
    }

    /** Replaces the optional mappings; a new target attribute is added to the realm's user profile. */
    @PUT
    @Path("directories/{id}/mappings")
    @Consumes(MediaType.APPLICATION_JSON)
    public MappingsRepresentation updateMappings(@PathParam("id") String id, String body) {
        auth.realm().requireManageRealm();
        MappingsRepresentation rep = rules(() -> {
            Directory d = service.directory(realm, id);
            return service.updateMappings(realm, d, AdminJson.object(body).get("optional"));
        });
        adminEvent.operation(OperationType.UPDATE).resourcePath(session.getContext().getUri()).representation(rep)
            .success();
        return rep;
    }

    @GET
    @Path("directories/{id}/runs")
    public List<RunReport> runs(@PathParam("id") String id, @QueryParam("first") @DefaultValue("0") int first,
                                @QueryParam("max") @DefaultValue("20") int max) {
        auth.users().requireView();
        return rules(() -> service.runs(service.directory(realm, id), first, max));
    }

    /** The history's total: how many runs the directory has ({@code runs} pages them, newest first). */
    @GET
    @Path("directories/{id}/runs/count")
    public Count runCount(@PathParam("id") String id) {
        auth.users().requireView();
        return rules(() -> service.runCount(service.directory(realm, id)));
    }

    @GET
    @Path("directories/{id}/runs/{runId}")
    public RunReport run(@PathParam("id") String id, @PathParam("runId") String runId) {
        auth.users().requireView();
        return rules(() -> service.run(service.directory(realm, id), runId));
    }

    /**
     * On-demand pull: {@code {"kind": "full" | "admin" | "user", "username": ...}}. The sync runs on a worker thread;
     * the answer is its report (200) when it ends within {@code wait} seconds (default and at most 240, under the
     * request's transaction timeout), else 202 with the run id to follow at {@code runs/{runId}}. 409 when another
     * sync of the directory runs for more than 30 s; 500 when the sync fails.
     */
    @POST
    @Path("directories/{id}/sync")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response sync(@PathParam("id") String id, @QueryParam("wait") @DefaultValue("240") int wait, String body) {
        auth.users().requireManage();
        Directory d = rules(() -> service.directory(realm, id));
        ObjectNode json = AdminJson.object(body);
        String kindText = AdminJson.text(json, "kind");
        RunKind kind = kindText == null ? RunKind.FULL : RunKind.of(kindText);
        String username = AdminJson.text(json, "username");
        DirSyncAdminService.SyncResult done;
        try {
            done = rules(() -> service.sync(realm, d, kind, username, wait));
        } catch (WebApplicationException refused) {
            throw refused;
        } catch (RuntimeException failed) {
            throw ErrorResponse.error("The sync failed: " + failed, Response.Status.INTERNAL_SERVER_ERROR);
        }
        Response response = done.report() != null ? Response.ok(done.report()).build()
            : Response.accepted(done.running()).build();
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri())
            .representation(Map.of("kind", kind.id(), "status", String.valueOf(response.getStatus()))).success();
        return response;
    }

    /** Rule 10: the admin confirms a held run; the users it listed go to the trash. */
    @POST
    @Path("directories/{id}/runs/{runId}/confirm")
    public RunReport confirmRun(@PathParam("id") String id, @PathParam("runId") String runId) {
        auth.users().requireManage();
        RunReport report = rules(() -> service.confirmRun(realm, service.directory(realm, id), runId));
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri())
            .representation(Map.of("run", runId, "status", report.status())).success();
        return report;
    }

    @GET
    @Path("directories/{id}/groups")
    public List<ManagedGroupRepresentation> managedGroups(@PathParam("id") String id) {
        auth.users().requireView();
        return rules(() -> service.managedGroups(realm, service.directory(realm, id)));
    }

    /** Rule 8: the group leaves the directory; its members in no other synced group go to the trash. */
    @DELETE
    @Path("directories/{id}/groups/{groupId}")
    public Response removeGroupFromDirectory(@PathParam("id") String id, @PathParam("groupId") String groupId) {
        auth.realm().requireManageRealm();
        rules(() -> service.removeGroup(realm, service.directory(realm, id), groupId));
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri()).success();
        return Response.noContent().build();
    }

    // ------------------------------------------------------------------ trash

    /**
     * A page of the realm's trash, the soonest deletion first; {@code count} is how many users match the filters:
     * {@code directory} (a directory id of this realm) and {@code search} (username or e-mail contains, ignoring case).
     */
    @GET
    @Path("trash")
    public TrashPage trash(@QueryParam("directory") String directoryId, @QueryParam("search") String search,
                           @QueryParam("first") @DefaultValue("0") int first,
                           @QueryParam("max") @DefaultValue("50") int max) {
        auth.users().requireView();
        return rules(() -> service.trash(realm, directoryId, search, first, max));
    }

    @GET
    @Path("trash/count")
    public Count trashCount() {
        auth.users().requireView();
        return rules(() -> service.trashCount(realm));
    }

    @POST
    @Path("trash/{userId}/restore")
    public UserStatusRepresentation restore(@PathParam("userId") String userId) {
        auth.users().requireManage();
        UserStatusRepresentation rep = rules(() -> service.restore(realm, service.user(realm, userId)));
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri()).success();
        return rep;
    }

    @DELETE
    @Path("trash/{userId}")
    public Response deleteForGood(@PathParam("userId") String userId) {
        auth.users().requireManage();
        rules(() -> service.deleteForGood(realm, service.user(realm, userId)));
        adminEvent.operation(OperationType.DELETE).resourcePath(session.getContext().getUri()).success();
        return Response.noContent().build();
    }

    /**
     * Restores several users ({@code {"userIds": [...]}}, at most 500), each as {@code trash/{userId}/restore} does and
     * in its own transaction: the answer lists those restored and, for each other, the status and reason of its
     * refusal. One admin event per restored user, as its own request would emit.
     */
    @POST
    @Path("trash/restore")
    @Consumes(MediaType.APPLICATION_JSON)
    public BulkResultRepresentation restoreSeveral(String body) {
        auth.users().requireManage();
        List<String> userIds = AdminJson.strings(AdminJson.object(body), "userIds");
        BulkResultRepresentation result = rules(() -> service.restoreAll(realm, userIds));
        result.succeeded().forEach(id ->
            adminEvent.operation(OperationType.ACTION).resourcePath("dirsync", "trash", id, "restore").success());
        return result;
    }

    /**
     * Deletes several users for good ({@code {"userIds": [...]}}, at most 500), each as {@code DELETE trash/{userId}}
     * does and in its own transaction; answered and audited like {@link #restoreSeveral}.
     */
    @POST
    @Path("trash/delete")
    @Consumes(MediaType.APPLICATION_JSON)
    public BulkResultRepresentation deleteSeveralForGood(String body) {
        auth.users().requireManage();
        List<String> userIds = AdminJson.strings(AdminJson.object(body), "userIds");
        BulkResultRepresentation result = rules(() -> service.deleteAllForGood(realm, userIds));
        result.succeeded().forEach(id ->
            adminEvent.operation(OperationType.DELETE).resourcePath("dirsync", "trash", id).success());
        return result;
    }

    // ------------------------------------------------------------------ users and groups

    @GET
    @Path("users/{userId}")
    public UserStatusRepresentation getUser(@PathParam("userId") String userId) {
        auth.users().requireView();
        return rules(() -> service.userStatus(service.user(realm, userId)));
    }

    @PUT
    @Path("users/{userId}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    public UserStatusRepresentation setUserStatus(@PathParam("userId") String userId, String body) {
        auth.users().requireManage();
        UserStatusRepresentation rep = rules(() -> {
            UserModel user = service.user(realm, userId);
            return service.setUserStatus(realm, user, status(AdminJson.object(body)));
        });
        adminEvent.operation(OperationType.UPDATE).resource(ResourceType.USER)
            .resourcePath(session.getContext().getUri()).representation(rep).success();
        return rep;
    }

    @GET
    @Path("groups/{groupId}")
    public GroupStatusRepresentation getGroup(@PathParam("groupId") String groupId) {
        auth.users().requireView();
        return rules(() -> service.groupStatus(realm, service.group(realm, groupId)));
    }

    @PUT
    @Path("groups/{groupId}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    public GroupStatusRepresentation setGroupStatus(@PathParam("groupId") String groupId, String body) {
        auth.users().requireManage();
        GroupStatusRepresentation rep = rules(() -> {
            GroupModel group = service.group(realm, groupId);
            return service.setGroupStatus(realm, group, status(AdminJson.object(body)));
        });
        adminEvent.operation(OperationType.UPDATE).resource(ResourceType.GROUP)
            .resourcePath(session.getContext().getUri()).representation(rep).success();
        return rep;
    }

    // ------------------------------------------------------------------ enrollment e-mails (SPEC §4)

    @GET
    @Path("enrollments")
    public PendingEnrollmentPage pendingEnrollments(@QueryParam("directory") String directoryId,
                                                    @QueryParam("search") String search,
                                                    @QueryParam("first") @DefaultValue("0") int first,
                                                    @QueryParam("max") @DefaultValue("50") int max) {
        auth.users().requireView();
        return rules(() -> service.pendingEnrollments(realm, directoryId, search, first, max));
    }

    @POST
    @Path("enrollments/{id}/resend")
    public Response resendEnrollment(@PathParam("id") String id) {
        auth.users().requireManage();
        rules(() -> service.resendEnrollment(realm, id));
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri()).success();
        return Response.noContent().build();
    }

    /** Resend all pending enrollments of the realm, or of one directory ({@code ?directory=}). */
    @POST
    @Path("enrollments/resend-all")
    public ResentRepresentation resendAllEnrollments(@QueryParam("directory") String directoryId) {
        auth.users().requireManage();
        ResentRepresentation rep = rules(() -> service.resendAllEnrollments(realm, directoryId));
        adminEvent.operation(OperationType.ACTION).resourcePath(session.getContext().getUri()).representation(rep).success();
        return rep;
    }

    @DELETE
    @Path("enrollments/{id}")
    public Response deleteEnrollment(@PathParam("id") String id) {
        auth.users().requireManage();
        rules(() -> service.deleteEnrollment(realm, id));
        adminEvent.operation(OperationType.DELETE).resourcePath(session.getContext().getUri()).success();
        return Response.noContent().build();
    }

    @GET
    @Path("enrollment-template")
    public EnrollmentTemplateRepresentation enrollmentTemplate() {
        auth.realm().requireViewRealm();
        return rules(() -> service.enrollmentTemplate(realm));
    }

    @PUT
    @Path("enrollment-template")
    @Consumes(MediaType.APPLICATION_JSON)
    public EnrollmentTemplateRepresentation saveEnrollmentTemplate(String body) {
        auth.realm().requireManageRealm();
        ObjectNode json = AdminJson.object(body);
        EnrollmentTemplateRepresentation rep = rules(() -> service.saveEnrollmentTemplate(realm,
            AdminJson.text(json, "subject"), AdminJson.text(json, "body"), AdminJson.text(json, "contact")));
        adminEvent.operation(OperationType.UPDATE).resourcePath(session.getContext().getUri()).representation(rep).success();
        return rep;
    }

    // ------------------------------------------------------------------ login policy

    /** The login policy's browser flow: its alias, whether it is installed, whether it is the realm's browser flow. */
    @GET
    @Path("login-flow")
    public LoginFlowRepresentation loginFlow() {
        auth.realm().requireViewRealm();
        return rules(() -> service.loginFlow(realm));
    }

    /**
     * Installs the login policy's browser flow ({@code directory sync browser}; an existing one is left as it is) and,
     * unless {@code {"bind": false}}, makes it the realm's browser flow.
     */
    @POST
    @Path("login-flow")
    @Consumes(MediaType.APPLICATION_JSON)
    public LoginFlowRepresentation installLoginFlow(String body) {
        auth.realm().requireManageRealm();
        boolean bind = AdminJson.bool(AdminJson.object(body), "bind", true);
        LoginFlowRepresentation rep = rules(() -> service.installLoginFlow(realm, bind));
        adminEvent.operation(OperationType.ACTION).resource(ResourceType.AUTH_FLOW)
            .resourcePath(session.getContext().getUri()).representation(rep).success();
        return rep;
    }

    // ------------------------------------------------------------------ permissions, request bodies and errors

    /**
     * Reading a directory's configuration: {@code view-users} (who sees the users it owns) or {@code view-realm} (who
     * sees Keycloak's own user-federation components; {@code manage-realm} implies it), so that an admin who may
     * create a directory may also read it back.
     */
    private void requireViewDirectories() {
        if (!auth.users().canView() && !auth.realm().canViewRealm()) {
            throw new ForbiddenException();
        }
    }

    private static SubjectStatus status(ObjectNode json) {
        try {
            return SubjectStatus.parseSettable(AdminJson.text(json, "status"));
        } catch (IllegalArgumentException e) {
            throw ErrorResponse.error(e.getMessage(), Response.Status.BAD_REQUEST);
        }
    }

    /**
     * Runs service work, turning a refusal into the HTTP status of its kind
     * ({@link SyncConflictException.Kind#httpStatus}) with the refusal's message: the one place where refusals become
     * status codes.
     */
    private static <T> T rules(Supplier<T> work) {
        try {
            return work.get();
        } catch (SyncConflictException e) {
            Response.Status status = Response.Status.fromStatusCode(e.getKind().httpStatus());
            throw ErrorResponse.error(e.getMessage(), status);
        }
    }

    /** {@link #rules(Supplier)} for work with no answer. */
    private static void rules(Runnable work) {
        rules(() -> {
            work.run();
            return null;
        });
    }
}
