package io.dirsync.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.keycloak.connections.jpa.support.EntityManagers;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.DirectoryEntity;
import io.dirsync.storage.ManagedUserEntity;
import io.dirsync.storage.Outcome;
import io.dirsync.storage.RunKind;
import io.dirsync.storage.RunStatus;
import io.dirsync.storage.SubjectType;
import io.dirsync.storage.SyncRunEntity;
import io.dirsync.storage.SyncRunItemEntity;

/**
 * One pull run (full, admin or single-user sync) of a pull directory (LDAP, Entra): rules 7, 10 and 13 for
 * sources that are read, not pushed. The adapter pages through the source and calls {@link #apply} once per
 * in-scope entry, each in a transaction of its own, or {@link #applyAll} for a page's entries, a few to a transaction
 * (bounded memory; a bad entry never undoes the others: a refused transaction is applied again one entry at a time).
 * A full run first skips the entries unchanged since their user's last apply ({@link #skipUnchanged}: one query per
 * page, no write). Then {@link #finish} trashes the directory's users the source no longer returned, unless that would be
 * a mass deprovisioning (rule 10: held for the admin) or the source failed mid-run (nobody is trashed).
 * Rule 12 too: a source that says which of its groups an entry's user is in gets the user exactly the roles of the
 * directory's admin groups ({@link AdminGroups}) among them, and a complete admin sync ({@link RunKind#ADMIN}, which
 * reads the members of the admin groups) revokes them from the directory's users it did not return.
 * Only user ids are kept in memory.
 * <p>
 * Progress (issue 12: a 100,000-user first sync is not a silent wait): the adapter says when it has read a page of the
 * source ({@link #pageRead}); the run counts what it applied and what failed and writes these figures on the run's row,
 * each time in a short transaction of its own, so that the history shows them from any node while the run goes on.
 * It writes when a page is read, when every entry of it was applied or failed (an entry the adapter leaves out, e.g.
 * AD-disabled, is seen at the next page's write instead), and within a long page at most every
 * {@link #PROGRESS_INTERVAL_MILLIS} ms: a few statements per page, never one per entry.
 */
public final class PullRun {

    /** Within a page whose entries take long to apply, progress is written at most this often. */
    static final long PROGRESS_INTERVAL_MILLIS = 2000;

    private final KeycloakSessionFactory factory;
    private final String realmId;
    private final String directoryId;
    private final SyncRuns.Run run;
    private final AdminGroups adminGroups;
    /** Digest of the directory's settings as the run began: part of every entry's digest (see {@link #digest}). */
    private final String settingsDigest;
    private final String federationLink;
    private final Set<String> seen = new HashSet<>();
    /** Users an incremental run was told left the scope, with why: trashed by {@link #finishPartial} (rule 10 first). */
    private final Map<String, String> leaving = new LinkedHashMap<>();
    private int unchanged;
    private long read;
    private long applied;
    private long failed;
    private int page;
    /** Entries of the current page not yet applied or failed. */
    private long pageLeft;
    private long progressWrittenAt = System.nanoTime();

    private PullRun(KeycloakSessionFactory factory, Directory directory, SyncRuns.Run run, AdminGroups adminGroups) {
        this.factory = factory;
        this.realmId = directory.realmId();
        this.directoryId = directory.id();
        this.run = run;
        this.adminGroups = adminGroups;
        this.federationLink = directory.federationLink();
        // Any change of the settings (a mapping, the synced or admin groups, the name its groups carry) re-applies every
        // user once: it voids every digest.
        this.settingsDigest = EntryDigest.of(java.util.Arrays.asList(directory.typeId(), directory.name(),
            String.valueOf(directory.status()), federationLink, directory.settings().toString()));
    }

    /** Opens a run; it shows as {@code running} in the directory's history until it finishes. */
    public static PullRun begin(KeycloakSession session, Directory directory, RunKind kind) {
        DirectorySyncEngine engine = DirectorySyncEngine.of(session);
        AdminGroups adminGroups = AdminGroups.of(directory);
        RealmModel realm = session.realms().getRealm(directory.realmId());
        if (realm != null) {
            engine.adminRoles().ensure(realm, adminGroups);
        }
        SyncRuns.Run run = engine.runs().startPull(directory, kind);
        return new PullRun(session.getKeycloakSessionFactory(), directory, run, adminGroups);
    }

    /** The directory's admin groups, as they were when the run began (rule 12). */
    public AdminGroups adminGroups() {
        return adminGroups;
    }

    public SyncRuns.Run run() {
        return run;
    }

    /**
     * The adapter has read one more page of the source, of {@code entries} entries (in scope or not), and is about to
     * hand them to {@link #apply}: the run's progress is written (page, entries read so far, and what was applied and
     * failed up to now).
     */
    public void pageRead(int entries) {
        page++;
        read += entries;
        pageLeft = entries;
        writeProgress();
    }

    /** How far the run is, as the history shows it. */
    public RunReport.Progress progress() {
        return new RunReport.Progress(read, applied, failed, page, org.keycloak.common.util.Time.currentTimeMillis());
    }

    private void writeProgress() {
        progressWrittenAt = System.nanoTime();
        RunReport.Progress now = progress();
        KeycloakModelUtils.runJobInTransaction(factory, s -> DirectorySyncEngine.of(s).runs().progress(run, now));
    }

    /**
     * After an entry: the figures are written again when it was the page's last, or within a long page once the interval
     * has passed.
     */
    private void entryDone() {
        entriesDone(1);
    }

    private void entriesDone(long entries) {
        boolean pageDone = pageLeft > 0 && (pageLeft = Math.max(0, pageLeft - entries)) == 0;
        if (pageDone || System.nanoTime() - progressWrittenAt >= PROGRESS_INTERVAL_MILLIS * 1_000_000L) {
            writeProgress();
        }
    }

    /**
     * The digest of everything an apply of {@code source} is given: its values, {@code sourceFacts} (what the adapter's
     * own bookkeeping writes, e.g. the entry's DN and the ids of the managed groups and the admin groups it is in; order
     * does not matter) and the directory's settings as the run began. Two entries with the same digest are applied the
     * same way.
     */
    public String digest(SourceUser source, Collection<String> sourceFacts) {
        List<String> parts = new ArrayList<>();
        parts.add(settingsDigest);
        parts.add(source.username());
        parts.add(String.valueOf(source.active()));
        parts.add(source.document());
        new TreeMap<>(source.attributes()).forEach((k, v) -> {
            parts.add(k);
            parts.add(v);
        });
        parts.add("|facts");
        parts.addAll(new TreeSet<>(sourceFacts));
        return EntryDigest.of(parts);
    }

    /**
     * A full run's skip of unchanged entries, before any other database work (issue 16): one query for the page
     * finds the users whose last apply kept the same digest (by external id) and that nothing changed since (the
     * managed row's revision, trash and source flags, Keycloak's user row and its federation link: see
     * {@link DirSyncStore#appliedDigests}). Those users are counted applied and unchanged and kept in scope, with no
     * write; the adapter applies the others as usual.
     *
     * @param digests the page's entries by external id, each with its {@link #digest}
     * @return the external ids skipped
     */
    public Set<String> skipUnchanged(Map<String, String> digests) {
        if (digests.isEmpty()) {
            return Set.of();
        }
        Map<String, DirSyncStore.AppliedDigest> applied = KeycloakModelUtils.runJobInTransactionWithResult(factory,
            s -> new DirSyncStore(s).appliedDigests(directoryId, digests.keySet(), federationLink));
        Set<String> skipped = new HashSet<>();
        digests.forEach((externalId, digest) -> {
            DirSyncStore.AppliedDigest last = applied.get(externalId);
            if (UserSync.sameDigest(digest, last) && !seen.contains(last.userId())) {
                skipped.add(externalId);
                seen.add(last.userId());
                leaving.remove(last.userId());
            }
        });
        if (!skipped.isEmpty()) {
            this.applied += skipped.size();
            unchanged += skipped.size();
            entriesDone(skipped.size());
        }
        return skipped;
    }

    /**
     * Applies one in-scope source entry in its own transaction. A refusal of the rules (ownership, uniqueness, no
     * value for the username attribute) is recorded for that entry with {@code entryName} (e.g. its DN) and the run
     * goes on; the entry's user, if it has one, stays as it was and in scope (a failure is not a deprovisioning).
     *
     * @return the id of the user the entry stands for, or null when the entry failed and has none
     */
    public String apply(SourceUser source, String entryName) {
        return apply(source, entryName, null);
    }

    /**
     * Like {@link #apply(SourceUser, String)}, then runs {@code alsoInTransaction} on the applied user in the same
     * transaction: source bookkeeping that must commit with the user or not at all (e.g. the LDAP entry's id and DN
     * Keycloak's LDAP provider validates the user by, or the user's managed-group memberships).
     */
    public String apply(SourceUser source, String entryName, AppliedUserHook alsoInTransaction) {
        return apply(source, entryName, null, alsoInTransaction);
    }

    /**
     * Like {@link #apply(SourceUser, String, AppliedUserHook)}, skipping the look-ups its page is {@code known} to
     * answer with "none" (see {@link KnownAbsent}). An entry refused that way is applied once more with every check:
     * the refusal may come from a unique constraint (a value another writer took meanwhile), whose message cannot name
     * the other user; the full checks do.
     */
    public String apply(SourceUser source, String entryName, KnownAbsent known, AppliedUserHook alsoInTransaction) {
        return apply(source, entryName, known, null, alsoInTransaction);
    }

    /**
     * Like {@link #apply(SourceUser, String, KnownAbsent, AppliedUserHook)}, and rule 12 in the same transaction: the
     * user's directory admin roles become exactly those of the directory's admin groups among {@code groups}.
     *
     * @param groups the source's identifiers (canonical, see {@link AdminGroups.Naming#canonical()}) of the groups the
     *               entry's user is in, nested ones resolved by the source (an admin group the user is in through a
     *               nested group is named); any other groups are ignored. Null: the source does not say, the user's
     *               admin roles stay as they are.
     */
    public String apply(SourceUser source, String entryName, KnownAbsent known, Set<String> groups,
                        AppliedUserHook alsoInTransaction) {
        return apply(source, entryName, known, groups, null, alsoInTransaction);
    }

    /**
     * Like {@link #apply(SourceUser, String, KnownAbsent, Set, AppliedUserHook)}, and keeps the entry's {@code digest}
     * (see {@link #digest}) on the user's managed row when the whole transaction commits, for {@link #skipUnchanged}.
     */
    public String apply(SourceUser source, String entryName, KnownAbsent known, Set<String> groups, String digest,
                        AppliedUserHook alsoInTransaction) {
        try {
            if (source.username() == null || source.username().isBlank()) {
                throw inTransaction((realm, engine, directory) -> UserSync.missingUsername(directory, entryName));
            }
            try {
                return applyInTransaction(source, known, groups, digest, alsoInTransaction);
            } catch (SyncConflictException | ModelDuplicateException refused) {
                // (ownership and invalid input do not depend on what the page was known not to meet)
                if (known == null || refused instanceof SyncConflictException c
                        && c.getKind() != SyncConflictException.Kind.UNIQUENESS) {
                    throw refused;
                }
                return applyInTransaction(source, null, groups, digest, alsoInTransaction);
            } finally {
                if (known != null) {
                    known.taken(source);
                }
            }
        } catch (SyncConflictException e) {
            fail(entryName, e.getMessage());
            return keepInScope(source);
        } finally {
            entryDone();
        }
    }

    /** The user of an entry that failed, if it has one: marked seen, so that the run does not trash it. */
    private String keepInScope(SourceUser source) {
        if (source.externalId() == null) {
            return null;
        }
        String userId = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> new DirSyncStore(s)
            .managedUserByExternalId(directoryId, source.externalId()).map(ManagedUserEntity::getUserId).orElse(null));
        if (userId != null) {
            seen.add(userId);
        }
        return userId;
    }

    private String applyInTransaction(SourceUser source, KnownAbsent known, Set<String> groups, String digest,
                                      AppliedUserHook alsoInTransaction) {
        UserSync.UserChange change = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            RealmModel realm = s.realms().getRealm(realmId);
            s.getContext().setRealm(realm);
            DirectorySyncEngine engine = DirectorySyncEngine.of(s);
            Directory directory = known != null ? known.directory() : engine.directories().get(realm, directoryId).orElseThrow();
            return applyIn(s, realm, engine, directory, source, known, groups, digest, alsoInTransaction);
        });
        return committed(change);
    }

    /** One entry's apply in the caller's transaction: the engine's rules, then the source's bookkeeping and rule 12. */
    private UserSync.UserChange applyIn(KeycloakSession s, RealmModel realm, DirectorySyncEngine engine, Directory directory,
                                        SourceUser source, KnownAbsent known, Set<String> groups, String digest,
                                        AppliedUserHook alsoInTransaction) {
        UserSync.UserChange applied =
            engine.users().apply(realm, directory, source, UserSync.Mode.UPSERT, run, known, digest);
        if (alsoInTransaction != null) {
            alsoInTransaction.applied(s, realm, directory, applied);
        }
        if (groups != null) {
            engine.adminRoles().setFromGroups(realm, directory, applied.user(), adminGroups, groups,
                applied.outcome() == Outcome.CREATED);
        }
        return applied;
    }

    /** Counts an applied entry once its transaction committed; returns its user's id. */
    private String committed(UserSync.UserChange change) {
        applied++;
        if (change.outcome() == Outcome.UNCHANGED) {
            unchanged++;
        }
        String id = change.user().getId();
        seen.add(id);
        leaving.remove(id);
        return id;
    }

    /** Entries {@link #applyAll} applies in one transaction. */
    static final int ENTRIES_PER_TRANSACTION = 20;

    /** One in-scope entry for {@link #applyAll}: the arguments of {@link #apply(SourceUser, String, KnownAbsent, Set, String, AppliedUserHook)}. */
    public record Entry(SourceUser source, String entryName, Set<String> groups, String digest, AppliedUserHook hook) {
    }

    /**
     * Applies a page's entries as {@link #apply(SourceUser, String, KnownAbsent, Set, String, AppliedUserHook)} does,
     * up to {@link #ENTRIES_PER_TRANSACTION} to a transaction (issue 16: a transaction per user was a fifth of a first
     * sync). When any entry of a transaction is refused, or the transaction fails to commit, nothing of it stays and
     * each of its entries is applied again alone: a bad entry still fails only itself, with the same message.
     */
    public void applyAll(List<Entry> entries, KnownAbsent known) {
        List<Entry> batch = new ArrayList<>();
        for (Entry e : entries) {
            if (e.source().username() == null || e.source().username().isBlank()) {
                apply(e.source(), e.entryName(), known, e.groups(), e.digest(), e.hook()); // fails alone, with rule 5's message
                continue;
            }
            batch.add(e);
            if (batch.size() == ENTRIES_PER_TRANSACTION) {
                applyBatch(batch, known);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            applyBatch(batch, known);
        }
    }

    private void applyBatch(List<Entry> batch, KnownAbsent known) {
        if (batch.size() == 1) {
            Entry e = batch.get(0);
            apply(e.source(), e.entryName(), known, e.groups(), e.digest(), e.hook());
            return;
        }
        List<UserSync.UserChange> changes;
        try {
            changes = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
                RealmModel realm = s.realms().getRealm(realmId);
                s.getContext().setRealm(realm);
                DirectorySyncEngine engine = DirectorySyncEngine.of(s);
                Directory directory = known != null ? known.directory() : engine.directories().get(realm, directoryId).orElseThrow();
                List<UserSync.UserChange> applied = new ArrayList<>();
                for (Entry e : batch) {
                    try {
                        // Each entry in a persistence context of its own, in Keycloak's batch mode (its bulk import's):
                        // Keycloak's addUser, grantRole and joinGroup then skip their flush after each insert, and no
                        // flush dirty-checks the entries before it (issue 16: with 20 users in one context, flushing was
                        // 17 % of the pull thread's profile samples). One flush at the entry's end, same transaction.
                        UserSync.UserChange[] change = new UserSync.UserChange[1];
                        EntityManagers.runInBatch(s, () -> change[0] = applyIn(s, realm, engine, directory, e.source(), known,
                            e.groups(), e.digest(), e.hook()), true);
                        applied.add(change[0]);
                    } finally {
                        if (known != null) {
                            known.taken(e.source()); // the batch's later entries check this one's names in full
                        }
                    }
                }
                return applied;
            });
        } catch (RuntimeException refusedOrFailed) {
            // Rolled back as a whole: each entry again, alone, with every check (see apply)
            for (Entry e : batch) {
                apply(e.source(), e.entryName(), known, e.groups(), e.digest(), e.hook());
            }
            return;
        }
        for (UserSync.UserChange change : changes) {
            committed(change);
            entryDone();
        }
    }

    /** Source bookkeeping done in an applied user's transaction; a SyncConflictException fails that entry. */
    @FunctionalInterface
    public interface AppliedUserHook {
        void applied(KeycloakSession session, RealmModel realm, Directory directory, UserSync.UserChange change);
    }

    /** Records a per-entry error found by the adapter itself (e.g. the username attribute has no value). */
    public void recordFailure(String entryName, String message) {
        try {
            fail(entryName, message);
        } finally {
            entryDone();
        }
    }

    private void fail(String entryName, String message) {
        failed++;
        KeycloakModelUtils.runJobInTransaction(factory, s -> {
            DirectorySyncEngine engine = DirectorySyncEngine.of(s);
            engine.runs().recordFailure(run, SubjectType.USER, entryName, message);
        });
    }

    /**
     * In a run that does not read the whole scope (an incremental run): the source says this user of the directory left
     * it (deleted, disabled, removed from every synced group). {@link #finishPartial} trashes such users, unless they
     * are a mass deprovisioning by the directory's {@link DeprovisionGuard} (rule 10: the run is then held, as a full
     * run would be). A user applied later in the same run stays.
     */
    public void leftScope(String userId, String reason) {
        if (!seen.contains(userId)) {
            leaving.put(userId, reason);
        }
    }

    /** Marks a user as still in scope without re-applying it (e.g. an unchanged entry the adapter skipped). */
    public void seen(String userId) {
        seen.add(userId);
    }

    /**
     * Ends a full run. With {@code sourceComplete == false} (connection lost, a page failed) nobody is trashed and the
     * run is {@code failed}. Otherwise the directory's active users not seen go to the trash, unless that is a mass
     * deprovisioning by the directory's {@link DeprovisionGuard} (rule 10): then the run is {@code held} and lists them
     * for the admin to confirm.
     */
    public RunReport finish(boolean sourceComplete, String failureMessage) {
        return inTransaction((realm, engine, directory) -> {
            if (!sourceComplete) {
                return engine.runs().finish(realm, directory, run, RunStatus.FAILED, unchanged,
                    "The source failed mid-run; nobody was trashed: " + failureMessage, progress());
            }
            engine.publish(new DirSyncEvent.PullRunEnding(engine.session(), realm, directory, run));
            List<String> missing = missingUsers(engine);
            long active = engine.store().countActiveUsers(directoryId);
            DeprovisionGuard guard = DeprovisionGuard.of(directory);
            if (guard.holds(missing.size(), active)) {
                for (String userId : missing) {
                    UserModel user = engine.users().userOf(realm, directory, userId);
                    engine.store().persist(heldItem(userId, user == null ? userId : user.getUsername()));
                }
                markSynced(engine);
                return engine.runs().finish(realm, directory, run, RunStatus.HELD, unchanged,
                    "This run would trash " + missing.size() + " of " + active + " users (" + guard.describe()
                        + "); nobody was trashed. Confirm the run to trash them.", progress());
            }
            for (String userId : missing) {
                UserModel user = engine.users().userOf(realm, directory, userId);
                if (user != null) {
                    engine.trash().deprovision(realm, directory, user, "no longer in the source's scope", run);
                }
            }
            markSynced(engine);
            return engine.runs().finish(realm, directory, run, RunStatus.COMPLETED, unchanged, null, progress());
        });
    }

    /**
     * Ends a run that did not cover the whole scope (admin sync, single-user sync): it trashes nobody by absence;
     * the adapter deprovisions what it positively found out of scope. A complete admin sync ({@link RunKind#ADMIN}: the
     * source returned every member of the directory's admin groups) revokes the directory admin roles of the
     * directory's users it did not return (rule 12). Users the source said left its scope ({@link #leftScope}) are trashed
     * here, or held as a full run's would be (rule 10).
     */
    public RunReport finishPartial(boolean sourceComplete, String failureMessage) {
        return inTransaction((realm, engine, directory) -> {
            if (sourceComplete && run.kind() == RunKind.ADMIN) {
                engine.adminRoles().revokeAllBut(realm, directory, seen);
            }
            if (sourceComplete && !leaving.isEmpty()) {
                long active = engine.store().countActiveUsers(directoryId);
                DeprovisionGuard guard = DeprovisionGuard.of(directory);
                List<String> left = new ArrayList<>(leaving.keySet());
                if (guard.holds(left.size(), active)) {
                    for (String userId : left) {
                        UserModel user = engine.users().userOf(realm, directory, userId);
                        engine.store().persist(heldItem(userId, user == null ? userId : user.getUsername()));
                    }
                    return engine.runs().finish(realm, directory, run, RunStatus.HELD, unchanged,
                        "This run would trash " + left.size() + " of " + active + " users (" + guard.describe()
                            + "); nobody was trashed. Confirm the run to trash them.", progress());
                }
                for (Map.Entry<String, String> l : leaving.entrySet()) {
                    UserModel user = engine.users().userOf(realm, directory, l.getKey());
                    if (user != null && engine.users().managed(directory, user.getId()).filter(m -> !m.trashed()).isPresent()) {
                        engine.trash().deprovision(realm, directory, user, l.getValue(), run);
                    }
                }
            }
            return engine.runs().finish(realm, directory, run,
                sourceComplete ? RunStatus.COMPLETED : RunStatus.FAILED, unchanged,
                sourceComplete ? null : "The source failed mid-run; nobody was trashed: " + failureMessage, progress());
        });
    }

    /** One step of the run that writes: {@code work} in a transaction of its own, with the run's realm and directory. */
    private <T> T inTransaction(Step<T> work) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            RealmModel realm = s.realms().getRealm(realmId);
            s.getContext().setRealm(realm);
            DirectorySyncEngine engine = DirectorySyncEngine.of(s);
            return work.run(realm, engine, engine.directories().get(realm, directoryId).orElseThrow());
        });
    }

    @FunctionalInterface
    private interface Step<T> {
        T run(RealmModel realm, DirectorySyncEngine engine, Directory directory);
    }

    /** Trashes the users a held run listed (rule 10: the admin confirmed the mass deprovisioning). */
    public static RunReport confirmHeld(KeycloakSession session, RealmModel realm, Directory directory, String runId) {
        DirectorySyncEngine engine = DirectorySyncEngine.of(session);
        SyncRunEntity entity = engine.store().find(SyncRunEntity.class, runId);
        if (entity == null || !entity.getDirectoryId().equals(directory.id())) {
            throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND, "No run '" + runId + "' in this directory");
        }
        if (entity.getStatus() != RunStatus.HELD) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "Run '" + runId + "' is not held");
        }
        SyncRuns.Run run = new SyncRuns.Run(entity.getId(), entity.getRealmId(), entity.getDirectoryId(), entity.getKind());
        List<SyncRunItemEntity> held = engine.store().runItems(runId, Outcome.HELD);
        for (SyncRunItemEntity item : held) {
            ManagedUserEntity m = engine.store().managedUser(item.getSubjectId());
            UserModel user = m == null || !m.getDirectoryId().equals(directory.id()) ? null
                : engine.users().userOf(realm, directory, item.getSubjectId());
            if (user != null && !m.isTrashed()) {
                engine.trash().deprovision(realm, directory, user, "mass deprovisioning confirmed by an admin", run);
            }
        }
        entity.setStatus(RunStatus.COMPLETED);
        entity.setMessage("Confirmed by an admin: " + held.size() + " users trashed");
        return engine.runs().report(entity);
    }

    private List<String> missingUsers(DirectorySyncEngine engine) {
        List<String> missing = new ArrayList<>();
        int page = 1000;
        String after = null;
        while (true) {
            List<String> batch = engine.store().activeUserIds(directoryId, after, page);
            for (String userId : batch) {
                if (!seen.contains(userId)) {
                    missing.add(userId);
                }
            }
            if (batch.size() < page) {
                return missing;
            }
            after = batch.get(batch.size() - 1);
        }
    }

    private void markSynced(DirectorySyncEngine engine) {
        DirectoryEntity d = engine.store().find(DirectoryEntity.class, directoryId);
        if (d != null && d.getFirstSyncAt() == null) {
            d.setFirstSyncAt(org.keycloak.common.util.Time.currentTimeMillis());
        }
    }

    private SyncRunItemEntity heldItem(String userId, String username) {
        SyncRunItemEntity i = new SyncRunItemEntity();
        i.setId(KeycloakModelUtils.generateId());
        i.setRunId(run.id());
        i.setRealmId(realmId);
        i.setDirectoryId(directoryId);
        i.setAt(org.keycloak.common.util.Time.currentTimeMillis());
        i.setOutcome(Outcome.HELD);
        i.setSubjectType(SubjectType.USER);
        i.setSubject(username);
        i.setSubjectId(userId);
        i.setMessage("would be trashed: no longer in the source's scope");
        return i;
    }

}
