package io.dirsync.enrollment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.utils.EmailValidationUtil;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.ManagedUser;
import io.dirsync.engine.SubjectStatus;
import io.dirsync.engine.SyncConflictException;
import io.dirsync.engine.SyncRuns;
import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.EnrollmentEntity;
import io.dirsync.storage.EnrollmentState;
import io.dirsync.storage.Outcome;
import io.dirsync.storage.SubjectType;

/**
 * Enrollment e-mails (SPEC §4, seed 001): who gets one, the cycle of link, reminders and new links, and what admins do
 * with pending enrollments. One row per user ({@link EnrollmentEntity}); a sync queues it, the job
 * ({@link EnrollmentTask}) sends what is due, each row locked while it is handled so that two jobs (two nodes, or a job
 * and a Resend) never send the same mail twice; a failed send changes nothing but the row's last error, and the next
 * tick tries again.
 */
public final class Enrollments {

    private static final Logger LOG = Logger.getLogger(Enrollments.class);

    static final long DAY = 86_400_000L;
    /** How long a link works; then a new link is sent and the cycle starts again. */
    static final long LINK_LIFETIME = 30 * DAY;
    /** The first reminder, after sending; the second, after the first reminder. */
    static final long FIRST_REMINDER = 2 * DAY;
    static final long SECOND_REMINDER = 8 * DAY;

    /** Keycloak credential types that are a second factor: a user with one is enrolled. */
    static final Set<String> SECOND_FACTORS = Set.of("otp", "webauthn", "webauthn-passwordless", "recovery-authn-codes");

    private final KeycloakSession session;
    private final DirectorySyncEngine engine;
    private final DirSyncStore store;
    private final EnrollmentConfig config;
    private final UnseenSweeps sweeps;

    private Enrollments(KeycloakSession session, EnrollmentConfig config, UnseenSweeps sweeps) {
        this.session = session;
        this.engine = DirectorySyncEngine.of(session);
        this.store = engine.store();
        this.config = config;
        this.sweeps = sweeps;
    }

    public static Enrollments of(KeycloakSession session) {
        return new Enrollments(session, EnrollmentActionTokenHandler.config(session), EnrollmentActionTokenHandler.sweeps(session));
    }

    // ---- who gets an enrollment e-mail

    /** Whether the user can get a link, or why not ({@code ENROLLED}: it already has a second factor). */
    record Eligibility(EnrollmentState state, String reason) {
        static final Eligibility ELIGIBLE = new Eligibility(EnrollmentState.PENDING, null);
    }

    Eligibility eligibility(RealmModel realm, Directory directory, UserModel user, boolean createdNow) {
        ManagedUser managed = user == null ? null : engine.users().managed(directory, user.getId()).orElse(null);
        if (managed == null) {
            return new Eligibility(EnrollmentState.EXCLUDED, "not a user of the directory");
        }
        if (managed.trashed() || !managed.sourceActive()) {
            return new Eligibility(EnrollmentState.EXCLUDED, "not active in the directory");
        }
        SubjectStatus status = createdNow ? SubjectStatus.ACTIVE : engine.statuses().effectiveOf(realm, user);
        if (status != SubjectStatus.ACTIVE) {
            return new Eligibility(EnrollmentState.EXCLUDED, "status is " + status.id()
                + (status == SubjectStatus.BYPASS ? " (no second factor asked)" : ""));
        }
        String email = user.getEmail();
        if (email == null || email.isBlank()) {
            return new Eligibility(EnrollmentState.EXCLUDED, "no e-mail address");
        }
        if (!EmailValidationUtil.isValidEmail(email)) {
            return new Eligibility(EnrollmentState.EXCLUDED, "invalid e-mail address '" + email + "'");
        }
        if (!createdNow && hasSecondFactor(user)) {
            return new Eligibility(EnrollmentState.ENROLLED, "already enrolled");
        }
        return Eligibility.ELIGIBLE;
    }

    static boolean hasSecondFactor(UserModel user) {
        return user.credentialManager().getStoredCredentialsStream().anyMatch(c -> SECOND_FACTORS.contains(c.getType()));
    }

    /**
     * A sync applied a user of {@code directory}: queue its first e-mail if it should get one and has none under way;
     * say in the run why it gets none when it was just imported.
     *
     * @param outcome what the sync did (CREATED, ADOPTED, RESTORED, UPDATED)
     */
    void consider(RealmModel realm, Directory directory, UserModel user, Outcome outcome, SyncRuns.Run run) {
        if (!EnrollmentSettings.enabled(directory)) {
            return;
        }
        Optional<EnrollmentEntity> existing = store.enrollmentOfUser(user.getId());
        if (existing.isPresent() && existing.get().getState() == EnrollmentState.PENDING) {
            existing.get().setDirectoryId(directory.id()); // taken over from a paused directory: the cycle goes on
            return;
        }
        if (existing.isPresent() && existing.get().getState() == EnrollmentState.ENROLLED) {
            return;
        }
        Eligibility eligibility = eligibility(realm, directory, user, outcome == Outcome.CREATED);
        EnrollmentEntity e = save(realm, directory, user, existing.orElse(null), eligibility);
        boolean imported = outcome == Outcome.CREATED || outcome == Outcome.ADOPTED || outcome == Outcome.RESTORED;
        boolean newReason = existing.isEmpty() || !java.util.Objects.equals(eligibility.reason(), existing.get().getReason());
        if (eligibility.state() != EnrollmentState.PENDING && run != null && (imported || newReason)) {
            engine.runs().record(run, Outcome.WARNING, SubjectType.USER, user.getUsername(), user.getId(),
                "no enrollment e-mail: " + eligibility.reason());
        }
        if (e.getState() == EnrollmentState.PENDING) {
            LOG.debugf("Enrollment e-mail queued for %s (directory %s)", user.getUsername(), directory.name());
        }
    }

    private EnrollmentEntity save(RealmModel realm, Directory directory, UserModel user, EnrollmentEntity e, Eligibility eligibility) {
        boolean created = e == null;
        if (created) {
            e = new EnrollmentEntity();
            e.setId(KeycloakModelUtils.generateId());
            e.setRealmId(realm.getId());
            e.setUserId(user.getId());
        }
        e.setDirectoryId(directory.id());
        e.setState(eligibility.state());
        e.setReason(eligibility.reason());
        if (eligibility.state() == EnrollmentState.PENDING) {
            store.enrollmentKey(directory.id(), true);
            e.setCycle(e.getCycle() + 1);
            e.setQueuedAt(Time.currentTimeMillis());
            e.setNextAt(Time.currentTimeMillis());
            e.setEmail(user.getEmail());
            e.setSentAt(null);
            e.setExpiresAt(null);
            e.setReminders(0);
            e.setLastError(null);
            e.setLastErrorAt(null);
        } else {
            e.setNextAt(null);
            e.setQueuedAt(e.getQueuedAt() == 0 ? Time.currentTimeMillis() : e.getQueuedAt());
        }
        if (created) {
            store.persist(e);
        }
        return e;
    }

    /**
     * A pull run read its whole source: users whose pending enrollment an admin deleted get a new one now, if still
     * eligible (seed 001: "the next time directory sync runs, a new enrollment link will be emailed").
     */
    void pullRunEnding(RealmModel realm, Directory directory, SyncRuns.Run run) {
        if (!EnrollmentSettings.enabled(directory)) {
            return;
        }
        for (String id : store.enrollmentsOfDirectory(directory.id(), EnrollmentState.DELETED)) {
            EnrollmentEntity e = store.find(EnrollmentEntity.class, id);
            UserModel user = engine.users().userOf(realm, directory, e.getUserId());
            if (user != null) {
                consider(realm, directory, user, Outcome.UPDATED, run);
            }
        }
    }

    /** A directory's enrollment e-mails were turned off: its cycles stop and their links die. */
    void directorySaved(Directory directory) {
        if (!EnrollmentSettings.enabled(directory)) {
            for (String id : store.enrollmentsOfDirectory(directory.id(), EnrollmentState.PENDING)) {
                EnrollmentEntity e = store.find(EnrollmentEntity.class, id);
                e.setState(EnrollmentState.EXCLUDED);
                e.setReason("enrollment e-mails are off for the directory");
                e.setNextAt(null);
            }
        }
    }

    // ---- the job

    /**
     * One tick: users of directories with enrollment e-mails on that were never looked at (the option was just turned
     * on) are queued when a sweep is due ({@link UnseenSweeps}), users who enrolled since leave the list, then what is
     * due is sent, each enrollment in its own transaction. Batches follow each other until nothing is left or most of
     * the tick's interval is used (the cluster lock lasts one interval), so 10,000 new users are mailed as fast as the
     * mail server takes them, not a batch a minute; a mail that fails is not tried again before the next tick.
     */
    void tick() {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        long deadline = System.currentTimeMillis() + Math.max(1_000L, config.tickMillis() * 4 / 5);
        List<String[]> directories = new ArrayList<>();
        session.realms().getRealmsStream().toList().forEach(realm -> {
            session.getContext().setRealm(realm);
            engine.directories().list(realm).stream().filter(EnrollmentSettings::enabled)
                .forEach(d -> directories.add(new String[] {realm.getId(), d.id()}));
        });
        sweeps.retainOnly(directories.stream().map(d -> d[1]).toList());
        for (String[] d : directories) {
            long startedAt = Time.currentTimeMillis();
            Sweep sweep;
            do {
                sweep = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> Enrollments.of(s).queueUnseen(d[0], d[1]));
            } while (sweep.looked() == config.batch() && System.currentTimeMillis() < deadline);
            if (sweep.fingerprint() != null && sweep.looked() < config.batch()) {
                sweeps.completed(d[1], sweep.fingerprint(), startedAt); // its last batch committed: none left
            }
        }
        int closed;
        do {
            closed = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> Enrollments.of(s).closeEnrolled());
        } while (closed == config.batch() && System.currentTimeMillis() < deadline);
        Set<String> tried = new HashSet<>();
        while (System.currentTimeMillis() < deadline) {
            List<String> due = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                s -> Enrollments.of(s).store.dueEnrollments(Time.currentTimeMillis(), config.batch()));
            due.removeIf(id -> !tried.add(id));
            if (due.isEmpty()) {
                return;
            }
            for (String id : due) {
                KeycloakModelUtils.runJobInTransaction(factory, s -> Enrollments.of(s).sendDue(id));
            }
        }
    }

    /**
     * A batch of a directory's sweep: how many users without an enrollment row were looked at, and the directory's
     * {@link UnseenSweeps#fingerprint} (null: no sweep was due, or the directory is gone or has enrollment e-mails off).
     */
    private record Sweep(int looked, String fingerprint) {
        static final Sweep NONE = new Sweep(0, null);
    }

    /** Queues a batch of the directory's users in scope that have no enrollment row yet, if a sweep is due. */
    private Sweep queueUnseen(String realmId, String directoryId) {
        RealmModel realm = session.realms().getRealm(realmId);
        session.getContext().setRealm(realm);
        Directory d = realm == null ? null : engine.directories().get(realm, directoryId).orElse(null);
        if (d == null || !EnrollmentSettings.enabled(d)) {
            return Sweep.NONE;
        }
        String fingerprint = UnseenSweeps.fingerprint(d);
        if (!sweeps.due(d.id(), fingerprint, Time.currentTimeMillis())) {
            return Sweep.NONE;
        }
        List<String> unseen = store.usersWithoutEnrollment(d.id(), config.batch());
        for (String userId : unseen) {
            UserModel user = engine.users().userOf(realm, d, userId);
            if (user != null) {
                consider(realm, d, user, Outcome.UNCHANGED, null);
            }
        }
        return new Sweep(unseen.size(), fingerprint);
    }

    /** Enrolling ends the cycle at once, not at its next due date: closes a batch; how many. */
    private int closeEnrolled() {
        List<String> enrolled = store.pendingEnrollmentsWithCredential(SECOND_FACTORS, config.batch());
        for (String id : enrolled) {
            EnrollmentEntity e = store.lockEnrollment(id);
            if (e != null && e.getState() == EnrollmentState.PENDING) {
                e.setState(EnrollmentState.ENROLLED);
                e.setReason("enrolled");
                e.setNextAt(null);
            }
        }
        return enrolled.size();
    }

    /** Handles one due enrollment, locked: first mail, a reminder, or a new link; or closes it (enrolled, ineligible). */
    void sendDue(String id) {
        EnrollmentEntity e = store.lockEnrollment(id);
        long now = Time.currentTimeMillis();
        if (e == null || e.getState() != EnrollmentState.PENDING || e.getNextAt() == null || e.getNextAt() > now) {
            return; // another node or a Resend handled it meanwhile
        }
        RealmModel realm = session.realms().getRealm(e.getRealmId());
        session.getContext().setRealm(realm);
        Directory directory = engine.directories().get(realm, e.getDirectoryId()).orElse(null);
        UserModel user = directory == null ? null : engine.users().userOf(realm, directory, e.getUserId());
        if (directory == null || user == null) {
            store.remove(e);
            return;
        }
        if (!EnrollmentSettings.enabled(directory)) {
            directorySaved(directory);
            return;
        }
        Eligibility eligibility = eligibility(realm, directory, user, false);
        if (eligibility != Eligibility.ELIGIBLE) {
            e.setState(eligibility.state());
            e.setReason(eligibility.reason());
            e.setNextAt(null);
            LOG.debugf("Enrollment of %s closed: %s", user.getUsername(), eligibility.reason());
            return;
        }
        Mail kind;
        Snapshot before = new Snapshot(e);
        if (e.getSentAt() == null || now >= e.getExpiresAt()) {
            kind = e.getSentAt() == null && e.getCycle() <= 1 ? Mail.FIRST : Mail.NEW_LINK;
            if (e.getSentAt() != null) {
                e.setCycle(e.getCycle() + 1); // the expired link dies with its cycle
            }
            e.setSentAt(now);
            e.setExpiresAt(now + LINK_LIFETIME);
            e.setReminders(0);
            e.setEmail(user.getEmail());
        } else if (e.getReminders() < 2) {
            kind = Mail.REMINDER;
            e.setReminders(e.getReminders() + 1);
        } else {
            e.setNextAt(e.getExpiresAt());
            return;
        }
        try {
            send(realm, directory, user, e, kind);
        } catch (EmailException | RuntimeException failed) {
            before.restore(e);
            e.setLastError(describe(failed));
            e.setLastErrorAt(now);
            LOG.warnf("Enrollment e-mail to %s not sent, retried at the next tick: %s", user.getUsername(), describe(failed));
            return;
        }
        e.setLastError(null);
        e.setLastErrorAt(null);
        e.setNextAt(switch (e.getReminders()) {
            case 0 -> e.getSentAt() + FIRST_REMINDER;
            case 1 -> e.getSentAt() + FIRST_REMINDER + SECOND_REMINDER;
            default -> e.getExpiresAt();
        });
    }

    /** What a row looked like before a send that may fail. */
    private record Snapshot(int cycle, Long sentAt, Long expiresAt, int reminders, String email) {
        Snapshot(EnrollmentEntity e) {
            this(e.getCycle(), e.getSentAt(), e.getExpiresAt(), e.getReminders(), e.getEmail());
        }

        void restore(EnrollmentEntity e) {
            e.setCycle(cycle);
            e.setSentAt(sentAt);
            e.setExpiresAt(expiresAt);
            e.setReminders(reminders);
            e.setEmail(email);
        }
    }

    enum Mail { FIRST, REMINDER, NEW_LINK, RESEND }

    private void send(RealmModel realm, Directory directory, UserModel user, EnrollmentEntity e, Mail kind) throws EmailException {
        String link = EnrollmentLinks.link(session, realm, e, store.enrollmentKey(directory.id(), true), config);
        EnrollmentMails.send(session, realm, user, e.getEmail(), link, e.getExpiresAt(), kind);
    }

    private static String describe(Exception failed) {
        Throwable root = failed;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = failed.getMessage() + (root != failed ? ": " + root.getMessage() : "");
        return message.length() > 1000 ? message.substring(0, 1000) : message;
    }

    // ---- links

    /**
     * Whether the token is the live link of a pending enrollment (not deleted, not of an older cycle) of a user who has
     * not enrolled yet: once the user has a second factor the link sets up nothing more, even before the job closes the
     * enrollment, so that whoever else holds the mail cannot add a device of their own.
     */
    boolean isCurrentLink(RealmModel realm, EnrollmentActionToken token, UserModel user) {
        EnrollmentEntity e = token.getEnrollmentId() == null ? null : store.find(EnrollmentEntity.class, token.getEnrollmentId());
        if (e == null || e.getState() != EnrollmentState.PENDING || !e.getRealmId().equals(realm.getId())) {
            return false;
        }
        return EnrollmentLinks.current(token, e, store.enrollmentKey(e.getDirectoryId(), false), config)
            && user != null && user.getId().equals(e.getUserId()) && !hasSecondFactor(user);
    }

    /** The required actions a link runs for its user: the directory's factors not yet set up, and a password if needed. */
    List<String> requiredActions(RealmModel realm, UserModel user) {
        Directory directory = engine.guards().ownerOf(user).orElse(null);
        List<String> factors = directory == null ? List.of(UserModel.RequiredAction.CONFIGURE_TOTP.name())
            : EnrollmentSettings.of(directory).requiredActions();
        java.util.ArrayList<String> actions = new java.util.ArrayList<>(factors);
        if (cannotSignIn(realm, user) && (directory == null || directory.passwordSignIn())) {
            actions.add(0, UserModel.RequiredAction.UPDATE_PASSWORD.name());
        }
        return actions;
    }

    /** No password, no directory to check one, no identity provider: the invitation must let the user set a password. */
    private boolean cannotSignIn(RealmModel realm, UserModel user) {
        return user.getFederationLink() == null
            && !user.credentialManager().isConfiguredFor(org.keycloak.models.credential.PasswordCredentialModel.TYPE)
            && session.users().getFederatedIdentitiesStream(realm, user).findAny().isEmpty();
    }

    // ---- what admins do

    public record Sent(int sent, int failed) {
    }

    /** Resend: the same link, with the same expiry, to the address it was first sent to. */
    public void resend(RealmModel realm, String id) {
        EnrollmentEntity e = pendingOf(realm, id);
        if (e.getSentAt() == null) {
            throw new SyncConflictException(SyncConflictException.Kind.STATE,
                "The enrollment e-mail of this user is queued and not sent yet; the next run of the job sends it");
        }
        Directory directory = engine.directories().get(realm, e.getDirectoryId()).orElseThrow();
        UserModel user = engine.users().userOf(realm, directory, e.getUserId());
        try {
            send(realm, directory, user, e, Mail.RESEND);
            e.setLastError(null);
            e.setLastErrorAt(null);
        } catch (EmailException | RuntimeException failed) {
            e.setLastError(describe(failed));
            e.setLastErrorAt(Time.currentTimeMillis());
            throw new SyncConflictException(SyncConflictException.Kind.STATE,
                "The enrollment e-mail could not be sent: " + describe(failed));
        }
    }

    /** Resend all (of a directory, or of the realm): each in its own transaction; failures are counted and kept. */
    public Sent resendAll(RealmModel realm, String directoryId) {
        int sent = 0;
        int failed = 0;
        int first = 0;
        List<String> ids = new java.util.ArrayList<>();
        List<Object[]> page;
        do {
            page = store.pendingEnrollments(realm.getId(), directoryId, null, first, 500);
            page.forEach(row -> {
                EnrollmentEntity e = (EnrollmentEntity) row[0];
                if (e.getSentAt() != null) {
                    ids.add(e.getId());
                }
            });
            first += page.size();
        } while (page.size() == 500);
        String realmId = realm.getId();
        for (String id : ids) {
            boolean ok = Boolean.TRUE.equals(KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), s -> {
                RealmModel r = s.realms().getRealm(realmId);
                s.getContext().setRealm(r);
                try {
                    Enrollments.of(s).resend(r, id);
                    return true;
                } catch (SyncConflictException notSent) {
                    return false;
                }
            }));
            if (ok) {
                sent++;
            } else {
                failed++;
            }
        }
        return new Sent(sent, failed);
    }

    /** Delete: the link stops working at once; the directory's next sync starts a new cycle if the user is eligible. */
    public void delete(RealmModel realm, String id) {
        EnrollmentEntity e = pendingOf(realm, id);
        e.setState(EnrollmentState.DELETED);
        e.setReason("deleted by an administrator");
        e.setNextAt(null);
        e.setSentAt(null);
        e.setExpiresAt(null);
    }

    private EnrollmentEntity pendingOf(RealmModel realm, String id) {
        EnrollmentEntity e = id == null ? null : store.lockEnrollment(id);
        if (e == null || !e.getRealmId().equals(realm.getId()) || e.getState() != EnrollmentState.PENDING) {
            throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND, "No pending enrollment with id " + id);
        }
        return e;
    }

    /** A pending enrollment as admins see it. */
    public record Pending(String id, String userId, String username, String email, String directoryId, long queuedAt,
                          Long sentAt, Long expiresAt, int remindersSent, Long nextAt, String lastError, Long lastErrorAt) {
    }

    public List<Pending> pending(RealmModel realm, String directoryId, String search, int first, int max) {
        return store.pendingEnrollments(realm.getId(), directoryId, search, first, max).stream().map(row -> {
            EnrollmentEntity e = (EnrollmentEntity) row[0];
            return new Pending(e.getId(), e.getUserId(), (String) row[1], e.getEmail(), e.getDirectoryId(), e.getQueuedAt(),
                e.getSentAt(), e.getExpiresAt(), e.getReminders(), e.getNextAt(), e.getLastError(), e.getLastErrorAt());
        }).toList();
    }

    public long countPending(RealmModel realm, String directoryId, String search) {
        return store.countPendingEnrollments(realm.getId(), directoryId, search);
    }
}
