package io.dirsync.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jboss.logging.Logger;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.userprofile.UserProfileProvider;

import io.dirsync.admin.representation.BulkResultRepresentation;
import io.dirsync.admin.representation.Count;
import io.dirsync.admin.representation.CredentialsRepresentation;
import io.dirsync.admin.representation.DirectoryRepresentation;
import io.dirsync.admin.representation.DirectoryTypeRepresentation;
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
import io.dirsync.engine.DirectoryTypeFactory;
import io.dirsync.engine.DirectoryTypeProvider;
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
    /** A list's search text: a username or an e-mail address is at most 255 characters. */
    static final int MAX_SEARCH = 255;

    private static final Logger LOG = Logger.getLogger(DirSyncAdminService.class);

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

    // ------------------------------------------------------------------ directory types

    /** The directory types this server has, for the console's "Add directory". */
    public List<DirectoryTypeRepresentation> directoryTypes(RealmModel realm) {
        return DirectoryTypes.ids(session.getKeycloakSessionFactory()).stream()
            .map(id -> directoryType(realm, id)).toList();
    }

    public DirectoryTypeRepresentation directoryType(RealmModel realm, String typeId) {
        DirectoryTypeFactory type = type(typeId);
        return new DirectoryTypeRepresentation(type.getId(), engine.directories().defaultName(realm, type),
            type.pullSource() != null, type.adminGroups() != null, typeProvider(type).adminActions(), type.incrementalSync(),
            type.offeredSources());
    }

    /**
     * A directory type's admin action ({@link DirectoryTypeProvider#adminAction}) on the settings an admin typed;
     * {@code directoryId} names the directory being edited, whose stored settings and secrets fill in what the body
     * leaves out. It changes nothing. The body is read once the type and directory are known (an unknown subject is a 404
     * before any 400).
     *
     * @throws SyncConflictException NOT_FOUND for an unknown type, action or directory (of this realm, of this type)
     */
    public Object directoryTypeAction(RealmModel realm, String typeId, String action, String directoryId,
                                      java.util.function.Supplier<ObjectNode> body) {
        DirectoryTypeFactory type = type(typeId);
        Directory existing = null;
        if (directoryId != null && !directoryId.isBlank()) {
            existing = directory(realm, directoryId);
            if (!existing.typeId().equals(type.getId())) {
                throw new SyncConflictException(Kind.NOT_FOUND, "No directory '" + directoryId + "' of type '"
                    + type.getId() + "' in realm '" + realm.getName() + "'");
            }
        }
        DirectoryTypeProvider provider = typeProvider(type);
        Object answer = provider.adminAction(realm, action, body.get(), existing);
        if (answer == null) {
            List<String> actions = provider.adminActions();
            throw new SyncConflictException(Kind.NOT_FOUND, "Directory type '" + type.getId() + "' has no action '"
                + action + "'" + (actions.isEmpty() ? "" : "; it has " + String.join(", ", actions)));
        }
        return answer;
    }

    private DirectoryTypeFactory type(String typeId) {
        return DirectoryTypes.byId(session.getKeycloakSessionFactory(), typeId).orElseThrow(() ->
            new SyncConflictException(Kind.NOT_FOUND, "No directory type '" + typeId + "'; this server has "
                + String.join(", ", DirectoryTypes.ids(session.getKeycloakSessionFactory()))));
    }

    private DirectoryTypeProvider typeProvider(DirectoryTypeFactory type) {
        return session.getProvider(DirectoryTypeProvider.class, type.getId());
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

    /**
     * Rule 7: a page of the realm's trash, the soonest deletion first, with how many users match; {@code max} is kept
     * within 1..500.
     *
     * @param directoryId only this directory's users (blank: all); a directory of another realm is not found
     * @param search      only users whose username or e-mail contains it, ignoring case, taken literally (blank: all)
     */
    public TrashPage trash(RealmModel realm, String directoryId, String search, int first, int max) {
        String dir = directoryFilter(realm, directoryId);
        String s = searchText(search);
        long count = engine.trash().count(realm, dir, s);
        Map<String, Optional<String>> names = new HashMap<>();
        List<TrashedUserRepresentation> users = engine.trash()
            .page(realm, dir, s, Math.max(0, first), Math.min(Math.max(1, max), MAX_TRASH_PAGE))
            .stream().map(t -> trashed(realm, t, names)).toList();
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

    /** Restores each user as {@link #restore} does, each in its own transaction; see {@link #eachUser}. */
    public BulkResultRepresentation restoreAll(RealmModel realm, List<String> userIds) {
        return eachUser(realm, userIds, (service, r, user) -> service.restore(r, user));
    }

    /** Deletes each user for good as {@link #deleteForGood} does, each in its own transaction; see {@link #eachUser}. */
    public BulkResultRepresentation deleteAllForGood(RealmModel realm, List<String> userIds) {
        return eachUser(realm, userIds, (service, r, user) -> service.deleteForGood(r, user));
    }

    private interface UserWork {
        void run(DirSyncAdminService service, RealmModel realm, UserModel user);
    }

    /**
     * Does {@code work} for each user of the list in a transaction of its own, so that a user is either done or left
     * exactly as it was (a refusal or a failure rolls back that user's writes only), and the others go on. Each
     * user is looked up in {@code realm}: an id of another realm is not found (404), as in the single-user calls.
     */
    private BulkResultRepresentation eachUser(RealmModel realm, List<String> userIds, UserWork work) {
        if (userIds.size() > MAX_TRASH_PAGE) {
            throw new SyncConflictException(Kind.INVALID, "At most " + MAX_TRASH_PAGE + " users at a time");
        }
        String realmId = realm.getId();
        List<String> succeeded = new ArrayList<>();
        List<BulkResultRepresentation.Failure> failed = new ArrayList<>();
        for (String userId : new LinkedHashSet<>(userIds)) {
            try {
                KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), s -> {
                    RealmModel r = s.realms().getRealm(realmId);
                    s.getContext().setRealm(r);
                    DirSyncAdminService service = new DirSyncAdminService(s);
                    work.run(service, r, service.user(r, userId));
                });
                succeeded.add(userId);
            } catch (SyncConflictException refused) {
                failed.add(new BulkResultRepresentation.Failure(userId, refused.getKind().httpStatus(), refused.getMessage()));
            } catch (RuntimeException error) {
                LOG.warnf(error, "Trash operation on user %s of realm %s failed", userId, realm.getName());
                failed.add(new BulkResultRepresentation.Failure(userId, 500, "Unexpected error; see the server log"));
            }
        }
        return new BulkResultRepresentation(succeeded, failed);
    }

    /** The directory a list is filtered by: null when none is named, else the realm's directory (or not found). */
    private String directoryFilter(RealmModel realm, String directoryId) {
        return directoryId == null || directoryId.isBlank() ? null : directory(realm, directoryId).id();
    }

    /** A list's search text: trimmed, null when blank; longer than a username or an address can be is refused. */
    private static String searchText(String search) {
        String s = search == null || search.isBlank() ? null : search.trim();
        if (s != null && s.length() > MAX_SEARCH) {
            throw new SyncConflictException(Kind.INVALID, "'search' is at most " + MAX_SEARCH + " characters");
        }
        return s;
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
        return new DirectoryRepresentation(d.id(), d.typeId(), d.type().pullSource() != null, d.name(), d.status().id(),
            d.settings(), d.mappedAttributes(), d.createdAt(), d.firstSyncAt(), d.firstSyncAt() != null,
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

    /** A trashed user as the list shows it; {@code names} holds the page's directory names, looked up once each. */
    private TrashedUserRepresentation trashed(RealmModel realm, TrashedUser t, Map<String, Optional<String>> names) {
        UserModel user = session.users().getUserById(realm, t.userId());
        String directoryName = names.computeIfAbsent(t.directoryId(),
            id -> engine.directories().get(realm, id).map(Directory::name)).orElse(null);
        return new TrashedUserRepresentation(t.userId(), user == null ? t.sourceUsername() : user.getUsername(),
            user == null ? null : user.getEmail(), t.directoryId(), directoryName, t.reason(), t.trashedAt(),
            t.deleteAfter());
    }

    // ------------------------------------------------------------------ enrollment e-mails (SPEC §4)

    public PendingEnrollmentPage pendingEnrollments(RealmModel realm, String directoryId, String search, int first, int max) {
        Enrollments enrollments = Enrollments.of(session);
        String dir = directoryFilter(realm, directoryId);
        String s = searchText(search);
        Map<String, String> names = new HashMap<>();
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
        String dir = directoryFilter(realm, directoryId);
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
