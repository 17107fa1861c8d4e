package io.dirsync.engine;

import static io.dirsync.storage.SubjectType.USER;

import java.io.IOException;
import java.text.MessageFormat;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserProvider;
import org.keycloak.models.cache.UserCache;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PolicyError;
import org.keycloak.storage.UserStoragePrivateUtil;
import org.keycloak.storage.UserStorageUtil;
import org.keycloak.theme.Theme;

import io.dirsync.storage.Condition;
import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.DirectoryEntity;
import io.dirsync.storage.IdentifierEntity;
import io.dirsync.storage.ManagedUserEntity;
import io.dirsync.storage.Outcome;

/**
 * A source's users (rules 1-4): applies a {@link SourceUser} as a create, adoption (with {@link AdoptionGuard}),
 * take-over from a paused directory, update, restore or trash, keeps usernames and aliases unique
 * ({@link Identifiers}) and writes the directory's mapped attributes.
 */
public final class UserSync {

    private final DirectorySyncEngine engine;
    private final KeycloakSession session;
    private final DirSyncStore store;
    private final SyncRuns runs;
    private final Identifiers identifiers;
    private final AdoptionGuard adoptionGuard;

    UserSync(DirectorySyncEngine engine, KeycloakSession session) {
        this.engine = engine;
        this.session = session;
        this.store = engine.store();
        this.runs = engine.runs();
        this.identifiers = engine.identifiers();
        this.adoptionGuard = new AdoptionGuard(session);
    }

    /** How {@link #applyUser} treats a user this directory already manages. */
    public enum Mode {
        /** A push client's create (SCIM POST): an active user of this directory is a uniqueness conflict. */
        CREATE,
        /** A pull run or a replace: create, adopt, update or restore as needed. */
        UPSERT
    }

    /** The result of applying a source record. */
    public record UserChange(UserModel user, Outcome outcome) {
    }

    /**
     * Applies a source record: creates the user, adopts a same-named unmanaged user (rule 2), takes it over
     * from a paused directory (rule 1), updates its mapped attributes, restores it from the trash when it is
     * back in scope (rule 7) or trashes it when the source deactivates it.
     */
    public UserChange apply(RealmModel realm, Directory directory, SourceUser source, Mode mode, SyncRuns.Run run) {
        return apply(realm, directory, source, mode, run, null);
    }

    /**
     * Like {@link #apply(RealmModel, Directory, SourceUser, Mode, SyncRuns.Run)}, skipping the look-ups whose
     * answer {@code known} (read for a whole page of a pull run) says is "none".
     */
    public UserChange apply(RealmModel realm, Directory directory, SourceUser source, Mode mode, SyncRuns.Run run,
                                KnownAbsent known) {
        return apply(realm, directory, source, mode, run, known, null);
    }

    /**
     * Like {@link #apply(RealmModel, Directory, SourceUser, Mode, SyncRuns.Run, KnownAbsent)}, and keeps {@code digest}
     * (a pull source's digest of everything this apply was given, see {@link PullRun#digest}) on the user's managed row
     * with the revision the apply leaves, so that the source's next full run can skip the entry while both still match.
     * Written with the row (a new row carries it in its insert); null leaves the stored digest as it is.
     */
    public UserChange apply(RealmModel realm, Directory directory, SourceUser source, Mode mode, SyncRuns.Run run,
                            KnownAbsent known, String digest) {
        String username = source.username() == null ? null : source.username().trim();
        if (username == null || username.isEmpty()) {
            throw missingUsername(directory, source.externalId() == null ? "(without id)" : source.externalId());
        }
        try {
            InputLimits.requireFits(source);
        } catch (SyncConflictException tooLong) {
            throw tooLong.about(username);
        }
        try {
            return EngineWrites.run(session, () -> {
                ManagedUserEntity managed = null;
                UserModel user = null;
                UserProvider users = provider(directory);
                // (Keycloak's own user table answers for a federated directory's users only, see provider())
                KnownAbsent local = directory.federationLink() == null ? null : known;
                // A pull source's externalId is its entry's identity; a push client's create is a new resource whatever
                // its externalId (RFC 7643: uniqueness none), found again by username only.
                if (mode != Mode.CREATE && source.externalId() != null
                        && (known == null || !known.noManagedUser(source.externalId()))) {
                    managed = store.managedUserByExternalId(directory.id(), source.externalId()).orElse(null);
                    user = managed == null ? null : users.getUserById(realm, managed.getUserId());
                    if (user == null && managed != null) {
                        // Keycloak deleted the user without an event (a bulk delete, such as the LDAP provider's "Remove
                        // imported users"): forget it, so that the source's user is created again rather than refused
                        // by its own leftover identifiers.
                        store.deleteUserData(managed.getUserId());
                        managed = null;
                    }
                }
                if (user == null && (local == null || !local.noUsername(username))) {
                    user = usernameHolder(users, realm, username);
                    managed = user == null ? null : store.managedUser(user.getId());
                }
                Outcome outcome;
                boolean wasTrashed = false;
                boolean wasActive = true;
                boolean newRow = managed == null;
                if (user == null) {
                    identifiers.clash(realm, null, IdentifierEntity.USERNAME_SLOT, username, known).ifPresent(m -> {
                        throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS, m);
                    });
                    user = createKeycloakUser(realm, directory, username);
                    managed = newManagedUser(realm, directory, user, source, username, digest);
                    outcome = Outcome.CREATED;
                } else if (managed == null) {
                    requireClaimable(realm, directory, user, null);
                    managed = newManagedUser(realm, directory, user, source, username, digest);
                    outcome = Outcome.ADOPTED;
                } else if (!managed.getDirectoryId().equals(directory.id())) {
                    DirectoryEntity owner = store.find(DirectoryEntity.class, managed.getDirectoryId());
                    if (owner != null && !DirectoryStatus.PAUSED.id().equals(owner.getStatus())) {
                        throw new SyncConflictException(SyncConflictException.Kind.OWNERSHIP,
                            SyncConflictException.OWNED_BY_ANOTHER_DIRECTORY, username);
                    }
                    requireClaimable(realm, directory, user, owner == null ? null : engine.directories().view(owner).federationLink());
                    // Migration from a paused directory: it keeps no hold on the user or its membership.
                    engine.groups().leaveGroupsOf(realm, managed.getDirectoryId(), user);
                    wasTrashed = managed.isTrashed();
                    managed.setDirectoryId(directory.id());
                    store.indexSourceDocument(managed, true);
                    outcome = Outcome.ADOPTED;
                } else {
                    wasTrashed = managed.isTrashed();
                    wasActive = managed.isSourceActive();
                    if (mode == Mode.CREATE && !wasTrashed) {
                        throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                            "User '" + user.getUsername() + "' already exists in directory \"" + directory.name() + "\"", username);
                    }
                    outcome = Outcome.UNCHANGED;
                }
                boolean changed;
                try {
                    changed = writeAttributes(realm, directory, user, managed, source, outcome == Outcome.CREATED, known);
                } catch (SyncConflictException clash) {
                    throw outcome == Outcome.CREATED ? withReconnectAdvice(realm, directory, source, username, clash) : clash;
                }
                changed |= keepDocument(managed, source);
                if (mode == Mode.CREATE && managed.isSourceDeleted()) {
                    managed.setSourceDeleted(false); // the client creates again what it deleted
                    changed = true;
                }
                String link = directory.federationLink();
                if (link != null && !link.equals(user.getFederationLink())) {
                    // Created, adopted or taken over by a federated directory: Keycloak now checks its password there.
                    user.setFederationLink(link);
                    changed = true;
                }
                UserChange settled = settle(realm, directory, user, managed, source, username, outcome, changed, wasTrashed,
                    wasActive, newRow, false, run);
                keepDigest(managed, digest);
                return settled;
            });
        } catch (SyncConflictException refused) {
            throw refused.about(username); // the report names whom it refused
        }
    }

    /**
     * How every application of a source record ends, written once: the source's bookkeeping on the managed row, rule 7
     * (back to active: restored from the trash; active to inactive: trashed), the revision, Keycloak's enabled flag,
     * the run's record (rule 13) and the cache of a federated user.
     *
     * @param outcome CREATED or ADOPTED for a new owner, else UNCHANGED so far
     * @param replace the source replaced the user (SCIM PUT): an externalId it no longer sends is gone
     */
    private UserChange settle(RealmModel realm, Directory directory, UserModel user, ManagedUserEntity managed,
                              SourceUser source, String username, Outcome outcome, boolean changed, boolean wasTrashed,
                              boolean wasActive, boolean newRow, boolean replace, SyncRuns.Run run) {
        changed |= keepDocument(managed, source);
        if ((replace || source.externalId() != null) && !Objects.equals(source.externalId(), managed.getExternalId())) {
            managed.setExternalId(source.externalId());
            changed = true;
        }
        if (!username.equals(managed.getSourceUsername())) {
            managed.setSourceUsername(username);
            changed = true;
        }
        if (managed.isSourceActive() != source.active()) {
            managed.setSourceActive(source.active());
            changed = true;
        }
        if (wasTrashed && source.active()) {
            engine.trash().restore(realm, user, managed, run);
            outcome = outcome == Outcome.UNCHANGED ? Outcome.RESTORED : outcome;
        } else if (!wasTrashed && wasActive && !source.active() && outcome != Outcome.CREATED) {
            engine.trash().put(realm, directory, user, managed, "deactivated in the source", run);
            outcome = Outcome.TRASHED;
        }
        if (outcome == Outcome.UNCHANGED && changed) {
            outcome = Outcome.UPDATED;
        }
        if (outcome != Outcome.UNCHANGED) {
            if (!newRow) {
                DirectorySyncEngine.touchRevision(managed); // a new row is inserted at revision 1
            }
            engine.statuses().applyEnabled(realm, user, managed, outcome == Outcome.CREATED);
            if (outcome != Outcome.TRASHED && outcome != Outcome.RESTORED) {
                runs.record(run, outcome, USER, username, user.getId(), null);
            }
            evictIfFederated(realm, directory, user);
            engine.publish(new DirSyncEvent.UserApplied(session, realm, directory, user, outcome, run));
        }
        return new UserChange(user, outcome);
    }

    /**
     * Rule 5: a source user with no value for the username attribute cannot be created; the message names the entry and
     * the attribute (the source of the directory's required username mapping).
     */
    static SyncConflictException missingUsername(Directory directory, String entryName) {
        String attribute = directory.type().requiredMappings(directory).stream()
            .filter(m -> m.target().equals("username")).map(AttributeMapping::source).findFirst().orElse("username");
        return new SyncConflictException(SyncConflictException.Kind.INVALID, "Entry '" + entryName
            + "' has no value for the username attribute '" + attribute + "' and was skipped; the other users were synced."
            + " Give it a value in the source, or use a username attribute every user has with '" + attribute
            + "' as a username alias (the username attribute can only be changed by creating a new directory)", entryName);
    }

    /** Rule 2's guard on every claim of an existing account (adoption, take-over): see {@link AdoptionGuard}. */
    private void requireClaimable(RealmModel realm, Directory directory, UserModel user, String ownerLink) {
        Optional<SyncConflictException> refused = adoptionGuard.refusal(realm, directory, user, ownerLink);
        if (refused.isPresent()) {
            throw refused.get();
        }
    }

    /**
     * Where the engine reads and writes a directory's users. A federated directory (LDAP) uses Keycloak's local
     * store: the user-storage layer would otherwise validate every user against the directory, hand back
     * read-only proxies and import unknown names on the fly. Writes through it are followed by
     * {@link #evictIfFederated} so that no node keeps a stale cached copy.
     */
    public UserProvider provider(Directory directory) {
        return directory.federationLink() == null ? session.users() : UserStoragePrivateUtil.userLocalStorage(session);
    }

    /**
     * Session attribute set while the engine looks a name up as a username ({@link #usernameHolder}): the sign-in
     * provider ({@code login/SignInProvider}) then leaves the name to Keycloak's own users and the other user-storage
     * providers instead of asking the identifier table, whose answer (an alias holder) {@link #byUsername} would drop and
     * {@link Identifiers#clash} reads itself. One statement less per create.
     */
    public static final String USERNAME_LOOKUP = "dirsync.username-lookup";

    /** {@link #byUsername} with the sign-in provider's alias look-up skipped (see {@link #USERNAME_LOOKUP}). */
    UserModel usernameHolder(UserProvider users, RealmModel realm, String username) {
        if (session.getAttribute(USERNAME_LOOKUP) != null) {
            return byUsername(users, realm, username);
        }
        session.setAttribute(USERNAME_LOOKUP, Boolean.TRUE);
        try {
            return byUsername(users, realm, username);
        } finally {
            session.removeAttribute(USERNAME_LOOKUP);
        }
    }

    /**
     * The user whose username this is, never the holder of an alias of that name: Keycloak's user look-up also answers
     * aliases (sign-in with an alias, {@code login/SignInProvider}), and the rules must tell the two apart.
     */
    public static UserModel byUsername(UserProvider users, RealmModel realm, String username) {
        UserModel user = users.getUserByUsername(realm, username);
        return user != null && user.getUsername().equalsIgnoreCase(username.trim()) ? user : null;
    }

    /** The managed-user record of {@code userId} (whichever directory owns it), as a read view; empty if unmanaged. */
    public Optional<ManagedUser> managed(String userId) {
        return Optional.ofNullable(ManagedUser.of(store.managedUser(userId)));
    }

    /** The managed-user records of those of {@code userIds} that have one, by user id, read in bulk (a group's members). */
    public Map<String, ManagedUser> managed(Collection<String> userIds) {
        Map<String, ManagedUser> views = new HashMap<>();
        store.managedUsers(userIds).forEach((id, m) -> views.put(id, ManagedUser.of(m)));
        return views;
    }

    /**
     * {@link #managed(Collection)} for a request that looks those users up next (a group's new members): Keycloak's rows
     * of the same users come in the same statement.
     */
    public Map<String, ManagedUser> managedWithKeycloakRows(Collection<String> userIds) {
        Map<String, ManagedUser> views = new HashMap<>();
        store.managedUsersWithKeycloakRows(userIds).forEach((id, m) -> views.put(id, ManagedUser.of(m)));
        return views;
    }

    /** The managed-user record of {@code userId} if {@code directory} owns the user (rule 1), as a read view. */
    public Optional<ManagedUser> managed(Directory directory, String userId) {
        return managed(userId).filter(m -> m.directoryId().equals(directory.id()));
    }

    /**
     * A push request's user: the user with id {@code userId} if {@code directory} owns it (rule 1) and its source has not
     * deleted it, else null. The managed row, Keycloak's row of the user with its attributes and the user's status row
     * are read in one statement, so the Keycloak user that comes back cost no statement of its own.
     */
    public UserModel ownedForRequest(RealmModel realm, Directory directory, String userId) {
        ManagedUserEntity m = store.managedUserWithKeycloakRow(userId);
        if (m == null || !m.getDirectoryId().equals(directory.id()) || m.isSourceDeleted()) {
            return null;
        }
        return provider(directory).getUserById(realm, userId);
    }

    /** The user of {@code directory} whose source id is {@code externalId} (a pull source's stable id), as a read view. */
    public Optional<ManagedUser> managedByExternalId(Directory directory, String externalId) {
        return store.managedUserByExternalId(directory.id(), externalId).map(ManagedUser::of);
    }

    /**
     * Ids of the directory's users whose last source document has {@code value} at {@code path} (lower-case path, e.g.
     * {@code memberof} for an element of a list; compared ignoring case), a page at a time in id order.
     */
    public List<String> withDocumentValue(Directory directory, String path, String value, int first, int max) {
        return store.userQuery(directory.realmId(), directory.id())
            .ids(new Condition.DocumentValue(path, Condition.Op.EQUAL, value), List.of(), false, first, max);
    }

    /** A user of {@code directory} by Keycloak id, read the way the engine writes it (see {@link #users}). */
    public UserModel userOf(RealmModel realm, Directory directory, String userId) {
        return provider(directory).getUserById(realm, userId);
    }

    /**
     * The user as the engine writes it: a federated directory's user comes from the local store, since the
     * storage layer hands out read-only copies of LDAP users it cannot validate (e.g. out of scope).
     */
    UserModel writable(RealmModel realm, UserModel user) {
        Optional<Directory> owner = engine.guards().ownerOf(user);
        if (owner.isEmpty() || owner.get().federationLink() == null) {
            return user;
        }
        UserModel local = userOf(realm, owner.get(), user.getId());
        return local == null ? user : local;
    }

    void evictIfFederated(RealmModel realm, Directory directory, UserModel user) {
        if (directory.federationLink() != null) {
            UserCache cache = UserStorageUtil.userCache(session);
            if (cache != null) {
                cache.evict(realm, user);
            }
        }
    }

    /**
     * A new user could not take an alias because an unmanaged user already logs in with it: typically what a
     * deleted directory left behind when the new one uses another username attribute (seed 002). Say what to do.
     */
    private SyncConflictException withReconnectAdvice(RealmModel realm, Directory directory, SourceUser source,
                                                      String username, SyncConflictException clash) {
        if (clash.getKind() != SyncConflictException.Kind.UNIQUENESS) {
            return clash;
        }
        for (int slot = 1; slot <= IdentifierEntity.MAX_ALIASES; slot++) {
            String alias = source.attributes().get("alias" + slot);
            if (alias == null || alias.isBlank() || !directory.mappedAttributes().contains("alias" + slot)) {
                continue;
            }
            UserModel holder = usernameHolder(provider(directory), realm, alias.trim());
            if (holder != null && store.managedUser(holder.getId()) == null) {
                return new SyncConflictException(SyncConflictException.Kind.UNIQUENESS, clash.getMessage()
                    + ". User '" + holder.getUsername() + "' is not managed by any directory (for example left behind by a"
                    + " deleted directory that used another username attribute). If it is the same person, rename it to '"
                    + Directory.fold(username) + "' and sync again: the sync then reconnects it, keeping its credentials"
                    + " and second factors; otherwise rename or delete it, or remove the alias mapping");
            }
        }
        return clash;
    }

    /**
     * Replaces a managed user's data from its source (SCIM PUT and PATCH): the user is known by id and must
     * belong to {@code directory}.
     */
    public UserChange update(RealmModel realm, Directory directory, UserModel user, SourceUser source, SyncRuns.Run run) {
        ManagedUserEntity managed = requireOwned(directory, user);
        String username = source.username() == null ? null : source.username().trim();
        if (username == null || username.isEmpty()) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "userName is required");
        }
        try {
            InputLimits.requireFits(source);
        } catch (SyncConflictException tooLong) {
            throw tooLong.about(username);
        }
        if (!user.getUsername().equals(Directory.fold(username))) {
            UserModel other = usernameHolder(session.users(), realm, username);
            if (other != null && !other.getId().equals(user.getId())) {
                throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                    "Username '" + username + "' is already the username of user '" + other.getUsername() + "'");
            }
        }
        // A replace: what the source no longer sends (externalId included) is gone.
        SourceUser keyed = new SourceUser(source.externalId(), username, source.attributes(), source.active(), source.document());
        // Resolve by this user's identity, not by name: the name itself may be what changes.
        try {
            return EngineWrites.run(session, () -> {
                boolean wasTrashed = managed.isTrashed();
                boolean wasActive = managed.isSourceActive();
                boolean changed = writeAttributes(realm, directory, user, managed, keyed, false, null);
                return settle(realm, directory, user, managed, keyed, username, Outcome.UNCHANGED, changed, wasTrashed, wasActive,
                    false, true, run);
            });
        } catch (SyncConflictException refused) {
            throw refused.about(username);
        }
    }

    private UserModel createKeycloakUser(RealmModel realm, Directory directory, String username) {
        try {
            UserModel user = provider(directory).addUser(realm, username);
            store.flush();
            return user;
        } catch (ModelDuplicateException concurrent) {
            throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                "Username '" + username + "' is already the username of another user");
        }
    }

    /**
     * The managed row of a user the engine creates or adopts, complete before it is persisted: Hibernate inserts an
     * entity with an assigned id as it was at persist time, so every later change would cost an update.
     */
    private ManagedUserEntity newManagedUser(RealmModel realm, Directory directory, UserModel user, SourceUser source,
                                             String username, String digest) {
        ManagedUserEntity m = new ManagedUserEntity();
        m.setUserId(user.getId());
        m.setRealmId(realm.getId());
        m.setDirectoryId(directory.id());
        m.setExternalId(source.externalId());
        m.setSourceUsername(username);
        m.setSourceActive(source.active());
        m.setCreatedAt(Time.currentTimeMillis());
        m.setLastModified(m.getCreatedAt());
        m.setRevision(1);
        if (digest != null) {
            m.setSourceDigest(digestAt(digest, 1)); // (settle leaves a new row at revision 1)
        }
        store.persistManagedUser(m, source.document());
        return m;
    }

    /** The digest of an apply with the revision it left: an engine change since (revision bumped) voids it. */
    private static String digestAt(String digest, long revision) {
        return digest + ":" + revision;
    }

    private static void keepDigest(ManagedUserEntity managed, String digest) {
        if (digest != null && !digestAt(digest, managed.getRevision()).equals(managed.getSourceDigest())) {
            managed.setSourceDigest(digestAt(digest, managed.getRevision()));
        }
    }

    /** Whether a pull source's {@code digest} of an entry is the one the user's last apply kept, at its revision now. */
    static boolean sameDigest(String digest, DirSyncStore.AppliedDigest applied) {
        return digest != null && applied != null && digestAt(digest, applied.revision()).equals(applied.digest());
    }

    private boolean keepDocument(ManagedUserEntity managed, SourceUser source) {
        return store.keepSourceDocument(managed, source.document());
    }

    /** Writes the directory's mapped attributes; returns whether anything changed. */
    private boolean writeAttributes(RealmModel realm, Directory directory, UserModel user, ManagedUserEntity managed,
                                    SourceUser source, boolean createdNow, KnownAbsent known) {
        Set<String> mapped = directory.mappedAttributes();
        Map<Integer, String> wanted = new LinkedHashMap<>();
        wanted.put(IdentifierEntity.USERNAME_SLOT, source.username().trim());
        for (int slot = 1; slot <= IdentifierEntity.MAX_ALIASES; slot++) {
            String attr = "alias" + slot;
            if (mapped.contains(attr)) {
                wanted.put(slot, source.attributes().get(attr));
            }
        }
        identifiers.assign(realm, user.getId(), wanted, createdNow, known);
        boolean changed = false;
        String folded = Directory.fold(source.username());
        if (!folded.equals(user.getUsername())) {
            user.setUsername(folded);
            changed = true;
        }
        for (String attr : mapped) {
            if (attr.equals("username")) {
                continue;
            }
            String value = source.attributes().get(attr);
            value = value == null || value.isBlank() ? null : value.trim();
            if (attr.startsWith("alias") && value != null) {
                value = Directory.fold(value);
            }
            switch (attr) {
                case "email" -> {
                    String v = value == null ? null : Directory.fold(value);
                    if (!Objects.equals(v, user.getEmail())) {
                        // (Keycloak's own user table answers for a federated directory's users only)
                        if (known == null || directory.federationLink() == null || !known.noEmail(v)) {
                            requireFreeEmail(realm, directory, user, v);
                        }
                        user.setEmail(v);
                        user.setEmailVerified(v != null);
                        changed = true;
                    }
                }
                case "firstName" -> {
                    if (!Objects.equals(value, user.getFirstName())) {
                        user.setFirstName(value);
                        changed = true;
                    }
                }
                case "lastName" -> {
                    if (!Objects.equals(value, user.getLastName())) {
                        user.setLastName(value);
                        changed = true;
                    }
                }
                default -> {
                    if (!Objects.equals(value, user.getFirstAttribute(attr))) {
                        if (value == null) {
                            user.removeAttribute(attr);
                        } else {
                            user.setSingleAttribute(attr, value);
                        }
                        changed = true;
                    }
                }
            }
        }
        return changed;
    }

    private void requireFreeEmail(RealmModel realm, Directory directory, UserModel user, String email) {
        if (email == null || realm.isDuplicateEmailsAllowed()) {
            return;
        }
        UserModel other = provider(directory).getUserByEmail(realm, email);
        if (other != null && !other.getId().equals(user.getId())) {
            throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                "Email '" + email + "' is already used by user '" + other.getUsername() + "'");
        }
    }

    /**
     * A push client's password for one of its users (SCIM {@code password}): checked against the realm's password
     * policy (a refusal names the rule in Keycloak's words), then set as the user's Keycloak password. It is kept
     * nowhere else. Not for a directory whose users log in against their source (a federation link).
     */
    public void setPassword(RealmModel realm, Directory directory, UserModel user, String password) {
        requireOwned(directory, user);
        if (directory.federationLink() != null) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "Directory \"" + directory.name()
                + "\" checks its users' passwords itself; a password cannot be set in Keycloak");
        }
        // Clients that sync passwords send the same one again on updates: no change, and no refusal from a
        // password-history policy for re-sending the current password.
        if (user.credentialManager().isValid(UserCredentialModel.password(password))) {
            return;
        }
        PolicyError error = session.getProvider(PasswordPolicyManagerProvider.class).validate(realm, user, password);
        if (error != null) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                "The password does not meet the realm's password policy: " + policyMessage(realm, error), user.getUsername());
        }
        EngineWrites.run(session, () -> {
            user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
        });
    }

    /** A policy error in the login theme's English words ("Invalid password: minimum length 12."), else its key. */
    private String policyMessage(RealmModel realm, PolicyError error) {
        String pattern = error.getMessage();
        try {
            Properties messages = session.theme().getTheme(Theme.Type.LOGIN).getEnhancedMessages(realm, Locale.ENGLISH);
            pattern = messages.getProperty(error.getMessage(), error.getMessage());
        } catch (IOException | RuntimeException e) {
            // the key and its parameters still name the rule
        }
        try {
            return MessageFormat.format(pattern, error.getParameters());
        } catch (IllegalArgumentException e) {
            return pattern;
        }
    }

    ManagedUserEntity requireOwned(Directory directory, UserModel user) {
        ManagedUserEntity m = user == null ? null : store.managedUser(user.getId());
        if (m == null || !m.getDirectoryId().equals(directory.id())) {
            throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND,
                "User " + (user == null ? "" : "'" + user.getUsername() + "' ") + "is not managed by directory \""
                    + directory.name() + "\"");
        }
        return m;
    }
}
