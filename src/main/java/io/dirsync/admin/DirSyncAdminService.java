package io.dirsync.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.UserProfileProvider;

import io.dirsync.admin.representation.Count;
import io.dirsync.admin.representation.CredentialsRepresentation;
import io.dirsync.admin.representation.DirectoryRepresentation;
import io.dirsync.admin.representation.EnrollmentTemplateRepresentation;
import io.dirsync.admin.representation.GroupStatusRepresentation;
import io.dirsync.admin.representation.LoginFlowRepresentation;
import io.dirsync.admin.representation.ManagedGroupRepresentation;
import io.dirsync.admin.representation.MappingsRepresentation;
import io.dirsync.admin.representation.PendingEnrollmentPage;
import io.dirsync.admin.representation.PendingEnrollmentRepresentation;
import io.dirsync.admin.representation.ResentRepresentation;
import io.dirsync.admin.representation.RunStartedRepresentation;
import io.dirsync.admin.representation.SetupCompletedRepresentation;
import io.dirsync.admin.representation.TrashPage;
import io.dirsync.admin.representation.TrashedUserRepresentation;
import io.dirsync.admin.representation.UserStatusRepresentation;
import io.dirsync.engine.Directory;
import io.dirsync.engine.ManagedGroup;
import io.dirsync.engine.TrashedUser;
import io.dirsync.engine.DirectoryStatus;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.DirectoryTypes;
import io.dirsync.engine.PullRun;
import io.dirsync.engine.PullRunner;
import io.dirsync.engine.RunReport;
import io.dirsync.engine.SubjectStatus;
import io.dirsync.engine.SyncConflictException;
import io.dirsync.engine.SyncConflictException.Kind;
import io.dirsync.enrollment.EnrollmentTemplate;
import io.dirsync.enrollment.Enrollments;
import io.dirsync.login.LoginFlow;
import io.dirsync.storage.RunKind;
import io.dirsync.storage.RunStatus;

/**
 * The directory-sync admin operations every admin front door shares (Admin REST, the console page, later the Duo
 * Admin API): it orchestrates the engine and answers with the representation records. It knows no HTTP, permissions
 * or admin events; those are the front door's. Every refusal is a {@link SyncConflictException} whose
 * {@link Kind#httpStatus()} is the one mapping of refusals to status codes.
 *
 * <p>Lookups ({@link #directory}, {@link #user}, {@link #group}) are separate from the operations so that a front door
 * can resolve the subject of its URL before it reads the request body: an unknown subject is a 404 before any 400.
 */
public final class DirSyncAdminService {

    /** An on-demand sync waits at most this long for its report: under a request's transaction timeout. */
    static final int MAX_SYNC_WAIT_SECONDS = 240;
    /** How long an on-demand sync waits for another run of the directory to end before it is refused. */
    static final int SYNC_BUSY_WAIT_SECONDS = 30;
    static final int MAX_RUNS_PAGE = 100;
    static final int MAX_TRASH_PAGE = 500;

    private final KeycloakSession session;
    private final DirectorySyncEngine engine;

    public DirSyncAdminService(KeycloakSession session) {
        this.session = session;
        this.engine = DirectorySyncEngine.of(session);
    }

    // ------------------------------------------------------------------ lookups

    public Directory directory(RealmModel realm, String id) {
        return engine.directories().get(realm, id).orElseThrow(() -> new SyncConflictException(Kind.NOT_FOUND,
            "No directory '" + id + "' in realm '" + realm.getName() + "'"));
    }

    public UserModel user(RealmModel realm, String id) {
        UserModel user = session.users().getUserById(realm, id);
        if (user == null) {
            throw new SyncConflictException(Kind.NOT_FOUND, "No user '" + id + "' in realm '" + realm.getName() + "'");
        }
        return user;
    }

    public GroupModel group(RealmModel realm, String id) {
        GroupModel group = realm.getGroupById(id);
        if (group == null) {
            throw new SyncConflictException(Kind.NOT_FOUND, "No group '" + id + "' in realm '" + realm.getName() + "'");
        }
        return group;
    }

    // ------------------------------------------------------------------ directories

    public List<DirectoryRepresentation> directories(RealmModel realm) {
        return engine.directories().list(realm).stream().map(d -> describe(realm, d)).toList();
    }

    /** @param typeId the directory type's id; null is refused with the list of types this server has */
    public DirectoryRepresentation createDirectory(RealmModel realm, String typeId, String name, ObjectNode settings) {
        if (typeId == null) {
            throw new SyncConflictException(Kind.INVALID, "'type' is required: one of "
                + String.join(", ", DirectoryTypes.ids(session.getKeycloakSessionFactory())));
        }
        return describe(realm, engine.directories().create(realm, typeId, name, settings));
    }

    /**
     * Renames the directory and/or replaces its settings (null leaves either as it is).
     *
     * @param requestedType the type the admin sent, or null when none; it must be the directory's own
     */
    public DirectoryRepresentation updateDirectory(RealmModel realm, Directory d, String requestedType, String name,
                                                   ObjectNode settings) {
        if (requestedType != null && !d.typeId().equalsIgnoreCase(requestedType)) {
            throw new SyncConflictException(Kind.INVALID, "The type of a directory cannot be changed");
        }
        return describe(realm, engine.directories().update(realm, d, name, settings));
    }

    /** Rule 9: the directory goes; its users stay, unmanaged. */
    public void deleteDirectory(RealmModel realm, Directory d) {
        engine.directories().delete(realm, d);
    }

    public DirectoryRepresentation pause(RealmModel realm, Directory d) {
        return changeStatus(realm, d, DirectoryStatus.PAUSED);
    }

    public DirectoryRepresentation resume(RealmModel realm, Directory d) {
        return changeStatus(realm, d, DirectoryStatus.ACTIVE);
    }

    private DirectoryRepresentation changeStatus(RealmModel realm, Directory d, DirectoryStatus status) {
        requireSetUp(d);
        return describe(realm, engine.directories().setStatus(realm, d, status));
    }

    /** SPEC §3.1 "Complete setup": the directory becomes active and its API credentials are shown, once. */
    public SetupCompletedRepresentation completeSetup(RealmModel realm, Directory d) {
        if (d.status() != DirectoryStatus.DRAFT) {
            throw new SyncConflictException(Kind.STATE,
                "Directory \"" + d.name() + "\" is already set up; regenerate its token instead");
        }
        engine.directories().setStatus(realm, d, DirectoryStatus.ACTIVE);
        Map<String, Object> credentials = DirectoryTypes.provider(session, d).issueCredentials(realm, d)
            .orElse(Map.of());
        return new SetupCompletedRepresentation(DirectoryStatus.ACTIVE.id(), credentials);
    }

    /** SPEC §3.1 "Regenerate token": new credentials; the old ones stop working at once. */
    public CredentialsRepresentation regenerateCredentials(RealmModel realm, Directory d) {
        requireSetUp(d);
        Optional<Map<String, Object>> issued = DirectoryTypes.provider(session, d).issueCredentials(realm, d);
        return new CredentialsRepresentation(issued.orElseThrow(() -> new SyncConflictException(Kind.INVALID,
            "Directory \"" + d.name() + "\" (type " + d.typeId() + ") has no credentials to regenerate:"
                + " it connects to its source itself")));
    }

    private static void requireSetUp(Directory d) {
        if (d.status() == DirectoryStatus.DRAFT) {
            throw new SyncConflictException(Kind.STATE,
                "Directory \"" + d.name() + "\" is still a draft; complete its setup first");
        }
    }

    // ------------------------------------------------------------------ mappings

    public MappingsRepresentation mappings(Directory d) {
        List<MappingsRepresentation.RequiredMapping> required = d.type().requiredMappings(d).stream()
            .map(m -> new MappingsRepresentation.RequiredMapping(m.source(), m.target())).toList();
        List<MappingsRepresentation.Mapping> optional = d.mappings().stream()
            .map(m -> new MappingsRepresentation.Mapping(m.source(), m.target())).toList();
        List<String> targets = new ArrayList<>();
        session.getProvider(UserProfileProvider.class).getConfiguration().getAttributes()
            .forEach(a -> targets.add(a.getName()));
        return new MappingsRepresentation(required, optional, d.type().offeredSources(),
            targets.stream().filter(t -> !Directory.REQUIRED_TARGETS.contains(t)).toList());
    }

    /**
     * Replaces the optional mappings; a new target attribute is added to the realm's user profile.
     *
     * @param optional the array of {@code {"source", "target"}} objects the admin sent, stored as sent
     */
    public MappingsRepresentation updateMappings(RealmModel realm, Directory d, JsonNode optional) {
        if (optional == null || !optional.isArray()) {
            throw new SyncConflictException(Kind.INVALID,
                "Send {\"optional\": [{\"source\": \"<source attribute>\", \"target\": \"<Keycloak attribute>\"}]}");
        }
        ObjectNode settings = d.settings();
        settings.set("mappings", optional);
        return mappings(engine.directories().update(realm, d, null, settings));
    }

    // ------------------------------------------------------------------ runs

    /** Rule 13: the directory's runs, newest first; {@code max} is kept within 1..100. */
    public List<RunReport> runs(Directory d, int first, int max) {
        return engine.runs().reports(d, Math.max(0, first), Math.min(Math.max(1, max), MAX_RUNS_PAGE));
    }

    /** How many runs the directory has: the history's total, for paging. */
    public Count runCount(Directory d) {
        return new Count(engine.runs().count(d));
    }

    public RunReport run(Directory d, String runId) {
        return engine.runs().report(d, runId).orElseThrow(() ->
            new SyncConflictException(Kind.NOT_FOUND, "No run '" + runId + "' in directory \"" + d.name() + "\""));
    }

    /** What an on-demand sync gave within the wait: its report, or (one or the other) the run still going on. */
    public record SyncResult(RunReport report, RunStartedRepresentation running) {
    }

    /**
     * On-demand pull on a worker thread, waiting up to {@code waitSeconds} (at most 240) for its report. Another run of
     * the directory going on for more than 30 s is a {@link Kind#STATE} refusal. A run that fails is thrown as it is.
     *
     * @param kind null when the admin named a kind that does not exist (refused by the engine)
     */
    public SyncResult sync(RealmModel realm, Directory d, RunKind kind, String username, int waitSeconds) {
        PullRunner.Awaited done;
        try {
            done = PullRunner.startAndWait(session, realm, d, kind, username, SYNC_BUSY_WAIT_SECONDS,
                Math.min(waitSeconds, MAX_SYNC_WAIT_SECONDS));
        } catch (PullRunner.Busy busy) {
            throw new SyncConflictException(Kind.STATE, busy.getMessage());
        }
        if (done.report() != null) {
            return new SyncResult(done.report(), null);
        }
        return new SyncResult(null, new RunStartedRepresentation(done.runningId(), RunStatus.RUNNING.id(),
            "The sync is still running; follow it at runs/" + done.runningId()));
    }

    /** Rule 10: the admin confirms a held run; the users it listed go to the trash. */
    public RunReport confirmRun(RealmModel realm, Directory d, String runId) {
        return PullRun.confirmHeld(session, realm, d, runId);
    }

    // ------------------------------------------------------------------ managed groups

    public List<ManagedGroupRepresentation> managedGroups(RealmModel realm, Directory d) {
        return engine.groups().managedGroups(d).stream().map(g -> managedGroup(realm, g)).toList();
    }

    /** Rule 8: the group leaves the directory; its members in no other synced group go to the trash. */
    public void removeGroup(RealmModel realm, Directory d, String groupId) {
        engine.groups().removeFromDirectory(realm, d, realm.getGroupById(groupId));
    }

    // ------------------------------------------------------------------ trash

    /** Rule 7: a page of the realm's trash; {@code max} is kept within 1..500. */
    public TrashPage trash(RealmModel realm, int first, int max) {
        long count = engine.trash().count(realm);
        List<TrashedUserRepresentation> users = engine.trash()
            .page(realm, Math.max(0, first), Math.min(Math.max(1, max), MAX_TRASH_PAGE))
            .stream().map(t -> trashed(realm, t)).toList();
        return new TrashPage(count, users);
    }

    public Count trashCount(RealmModel realm) {
        return new Count(engine.trash().count(realm));
    }

    public UserStatusRepresentation restore(RealmModel realm, UserModel user) {
        engine.trash().restoreByAdmin(realm, user);
        return userStatus(user);
    }

    public void deleteForGood(RealmModel realm, UserModel user) {
        engine.trash().deleteForGood(realm, user);
    }

    // ------------------------------------------------------------------ users and groups (rule 11)

    public UserStatusRepresentation userStatus(UserModel user) {
        Optional<Directory> owner = engine.guards().ownerOf(user);
        UserStatusRepresentation.DirectoryRef directory = owner
            .map(d -> new UserStatusRepresentation.DirectoryRef(d.id(), d.name(), d.typeId())).orElse(null);
        List<String> locked = owner.map(d -> engine.trash().contains(user) ? List.of("*")
            : List.copyOf(d.mappedAttributes())).orElse(List.of());
        Long deleteAfter = engine.trash().of(user).map(TrashedUser::deleteAfter).orElse(null);
        return new UserStatusRepresentation(user.getId(), user.getUsername(), engine.statuses().ofUser(user).id(),
            engine.statuses().effectiveOf(session.getContext().getRealm(), user).id(), user.isEnabled(), directory,
            locked, deleteAfter);
    }

    public UserStatusRepresentation setUserStatus(RealmModel realm, UserModel user, SubjectStatus status) {
        engine.statuses().setForUser(realm, user, status);
        return userStatus(user);
    }

    public GroupStatusRepresentation groupStatus(RealmModel realm, GroupModel group) {
        GroupStatusRepresentation.DirectoryRef directory = engine.groups().managed(group.getId())
            .flatMap(g -> engine.directories().get(realm, g.directoryId()))
            .map(d -> new GroupStatusRepresentation.DirectoryRef(d.id(), d.name())).orElse(null);
        return new GroupStatusRepresentation(group.getId(), group.getName(), engine.statuses().ofGroup(group).id(),
            directory);
    }

    public GroupStatusRepresentation setGroupStatus(RealmModel realm, GroupModel group, SubjectStatus status) {
        if (status == SubjectStatus.PENDING_DELETION) {
            throw new SyncConflictException(Kind.INVALID, "A group cannot be pending deletion");
        }
        engine.statuses().setForGroup(realm, group, status);
        return groupStatus(realm, group);
    }

    // ------------------------------------------------------------------ login policy (rule 11 at sign-in)

    public LoginFlowRepresentation loginFlow(RealmModel realm) {
        return new LoginFlowRepresentation(LoginFlow.ALIAS, LoginFlow.find(realm).isPresent(), LoginFlow.isBound(realm));
    }

    /** Installs the login policy's browser flow (an existing one is left as it is) and binds it if {@code bind}. */
    public LoginFlowRepresentation installLoginFlow(RealmModel realm, boolean bind) {
        LoginFlow.install(realm, bind);
        return loginFlow(realm);
    }

    // ------------------------------------------------------------------ representations

    /** A directory as the admin API shows it, with its type's own part ({@code DirectoryTypeProvider.describe}). */
    public DirectoryRepresentation describe(RealmModel realm, Directory d) {
        return new DirectoryRepresentation(d.id(), d.typeId(), d.name(), d.status().id(), d.settings(),
            d.mappedAttributes(), d.createdAt(), d.firstSyncAt(), d.firstSyncAt() != null,
            engine.store().countActiveUsers(d.id()), engine.store().countTrashedUsers(d.id()),
            engine.store().countManagedGroups(d.id()),
            engine.store().latestRun(d.id()).map(r -> new DirectoryRepresentation.RunSummary(r.getId(),
                r.getKind().id(), r.getStatus().id(), r.getStartedAt(), r.getEndedAt())).orElse(null),
            d.managedGroupName("Engineering"), DirectoryTypes.provider(session, d).describe(realm, d));
    }

    private ManagedGroupRepresentation managedGroup(RealmModel realm, ManagedGroup g) {
        GroupModel group = realm.getGroupById(g.groupId());
        return new ManagedGroupRepresentation(g.groupId(), group == null ? null : group.getName(),
            g.sourceName(), g.externalId(), group == null ? null : engine.statuses().ofGroup(group).id());
    }

    private TrashedUserRepresentation trashed(RealmModel realm, TrashedUser t) {
        UserModel user = session.users().getUserById(realm, t.userId());
        return new TrashedUserRepresentation(t.userId(),
            user == null ? t.sourceUsername() : user.getUsername(), t.directoryId(),
            engine.directories().get(realm, t.directoryId()).map(Directory::name).orElse(null),
            t.reason(), t.trashedAt(), t.deleteAfter());
    }

    // ------------------------------------------------------------------ enrollment e-mails (SPEC §4)

    public PendingEnrollmentPage pendingEnrollments(RealmModel realm, String directoryId, String search, int first, int max) {
        Enrollments enrollments = Enrollments.of(session);
        String dir = directoryId == null || directoryId.isBlank() ? null : directory(realm, directoryId).id();
        String s = search == null || search.isBlank() ? null : search.trim();
        Map<String, String> names = new java.util.HashMap<>();
        List<PendingEnrollmentRepresentation> page = enrollments
            .pending(realm, dir, s, Math.max(0, first), Math.min(Math.max(1, max), MAX_TRASH_PAGE)).stream()
            .map(p -> new PendingEnrollmentRepresentation(p.id(), p.userId(), p.username(), p.email(), p.directoryId(),
                names.computeIfAbsent(p.directoryId(), id -> engine.directories().get(realm, id).map(Directory::name).orElse(null)),
                p.queuedAt(), p.sentAt(), p.expiresAt(), p.remindersSent(), p.nextAt(), p.lastError(), p.lastErrorAt()))
            .toList();
        return new PendingEnrollmentPage(enrollments.countPending(realm, dir, s), page);
    }

    public void resendEnrollment(RealmModel realm, String id) {
        Enrollments.of(session).resend(realm, id);
    }

    public ResentRepresentation resendAllEnrollments(RealmModel realm, String directoryId) {
        String dir = directoryId == null || directoryId.isBlank() ? null : directory(realm, directoryId).id();
        Enrollments.Sent sent = Enrollments.of(session).resendAll(realm, dir);
        return new ResentRepresentation(sent.sent(), sent.failed());
    }

    public void deleteEnrollment(RealmModel realm, String id) {
        Enrollments.of(session).delete(realm, id);
    }

    public EnrollmentTemplateRepresentation enrollmentTemplate(RealmModel realm) {
        return template(realm, EnrollmentTemplate.of(realm));
    }

    public EnrollmentTemplateRepresentation saveEnrollmentTemplate(RealmModel realm, String subject, String body, String contact) {
        return template(realm, EnrollmentTemplate.save(realm, new EnrollmentTemplate(subject, body, contact)));
    }

    private EnrollmentTemplateRepresentation template(RealmModel realm, EnrollmentTemplate t) {
        return new EnrollmentTemplateRepresentation(t.subject(), t.body(), t.contact(), t.header(session, realm));
    }
}
