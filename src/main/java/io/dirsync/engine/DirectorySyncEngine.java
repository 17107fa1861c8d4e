package io.dirsync.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserManager;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.Provider;
import org.keycloak.storage.UserStoragePrivateUtil;
import org.keycloak.storage.UserStorageUtil;

import io.dirsync.profile.UserProfileSetup;
import io.dirsync.storage.DirectoryEntity;
import io.dirsync.storage.IdentifierEntity;
import io.dirsync.storage.ManagedGroupEntity;
import io.dirsync.storage.ManagedUserEntity;
import io.dirsync.storage.SubjectStatusEntity;
import io.dirsync.storage.TrashEntryEntity;

/**
 * The one place that holds the rules of SPEC §2. Adapters (SCIM, LDAP, Entra) translate their protocol into
 * {@link SourceUser}s and group operations and call this; the admin REST API calls it too. Every method works
 * in the caller's Keycloak transaction; a {@link SyncConflictException} means "refused for this subject" and
 * the caller rolls that subject back and goes on.
 */
public class DirectorySyncEngine implements Provider {

    private static final Logger LOG = Logger.getLogger(DirectorySyncEngine.class);

    public static final String STATE_ACTIVE = "ACTIVE";
    public static final String STATE_TRASHED = "TRASHED";
    public static final String USER = "USER";
    public static final String GROUP = "GROUP";

    private final KeycloakSession session;
    private final EngineConfig config;
    private final DirSyncStore store;
    private final Identifiers identifiers;
    private final SyncRuns runs;
    private final AdoptionGuard adoptionGuard;

    public DirectorySyncEngine(KeycloakSession session, EngineConfig config) {
        this.session = session;
        this.config = config;
        this.store = new DirSyncStore(session);
        this.identifiers = new Identifiers(session, store);
        this.runs = new SyncRuns(session, store);
        this.adoptionGuard = new AdoptionGuard(session);
    }

    public static DirectorySyncEngine of(KeycloakSession session) {
        return session.getProvider(DirectorySyncEngine.class);
    }

    public EngineConfig config() { return config; }
    public DirSyncStore store() { return store; }
    public Identifiers identifiers() { return identifiers; }
    public SyncRuns runs() { return runs; }

    // ------------------------------------------------------------------ directories

    public List<Directory> directories(RealmModel realm) {
        return store.directories(realm.getId()).stream().map(this::view).toList();
    }

    public Optional<Directory> directory(RealmModel realm, String id) {
        DirectoryEntity e = store.find(DirectoryEntity.class, id);
        return e == null || !e.getRealmId().equals(realm.getId()) ? Optional.empty() : Optional.of(view(e));
    }

    /** The read view of a stored directory, with its type. */
    Directory view(DirectoryEntity e) {
        return new Directory(e, DirectoryTypes.of(session.getKeycloakSessionFactory(), e.getType()));
    }

    /**
     * Creates a directory of type {@code typeId} as a draft; its type checks and completes the settings (taking its
     * secrets out of them) and then sets up what it needs (e.g. LDAP's Keycloak component).
     */
    public Directory createDirectory(RealmModel realm, String typeId, String name, ObjectNode settings) {
        DirectoryTypeFactory type = DirectoryTypes.require(session.getKeycloakSessionFactory(), typeId);
        ObjectNode s = settings == null ? Directory.JSON.createObjectNode() : settings.deepCopy();
        DirectoryTypeProvider typeProvider = session.getProvider(DirectoryTypeProvider.class, type.getId());
        DirectoryTypeProvider.Secrets secrets = typeProvider.prepareSettings(realm, s, null);
        String finalName = name == null || name.isBlank() ? defaultName(realm, type) : name.trim();
        requireFreeName(realm, finalName, null);
        validateSettings(s);
        DirectoryEntity e = new DirectoryEntity();
        e.setId(KeycloakModelUtils.generateId());
        e.setRealmId(realm.getId());
        e.setType(type.getId());
        e.setName(finalName);
        e.setNameFolded(Directory.fold(finalName));
        e.setStatus(DirectoryStatus.DRAFT.id());
        e.setSettings(s.toString());
        e.setCreatedAt(Time.currentTimeMillis());
        store.persist(e);
        Directory d = view(e);
        UserProfileSetup.ensure(session, realm, d.mappedAttributes());
        typeProvider.created(realm, d, secrets);
        return d;
    }

    /**
     * Renames a directory and/or replaces its settings. Managed groups follow a rename (rule 6); the username
     * source is fixed after the first successful sync (rule 5).
     */
    public Directory updateDirectory(RealmModel realm, Directory directory, String newName, ObjectNode newSettings) {
        DirectoryEntity e = directory.entity();
        DirectoryTypeProvider typeProvider = DirectoryTypes.provider(session, directory);
        DirectoryTypeProvider.Secrets secrets = DirectoryTypeProvider.Secrets.NONE;
        ObjectNode s = null;
        if (newSettings != null) {
            s = newSettings.deepCopy();
            secrets = typeProvider.prepareSettings(realm, s, directory);
            String before = directory.setting("usernameAttribute");
            String after = s.hasNonNull("usernameAttribute") ? s.get("usernameAttribute").asText() : null;
            if (e.getFirstSyncAt() != null && !Objects.equals(before, after)) {
                throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                    "The username attribute of directory \"" + e.getName() + "\" cannot be changed after its first "
                        + "successful sync (it is '" + before + "'). Add '" + after + "' as a username alias instead, "
                        + "or delete the directory and create a new one (its users become unmanaged and are reconnected by username).");
            }
            validateSettings(s);
        }
        if (newName != null && !newName.isBlank() && !newName.trim().equals(e.getName())) {
            String name = newName.trim();
            requireFreeName(realm, name, e.getId());
            e.setName(name);
            e.setNameFolded(Directory.fold(name));
            Directory renamed = view(e);
            EngineWrites.run(session, () -> {
                for (ManagedGroupEntity g : store.managedGroups(e.getId())) {
                    GroupModel group = realm.getGroupById(g.getGroupId());
                    if (group != null) {
                        group.setName(renamed.managedGroupName(g.getSourceName()));
                    }
                }
            });
        }
        if (s != null) {
            e.setSettings(s.toString());
        }
        Directory updated = view(e);
        UserProfileSetup.ensure(session, realm, updated.mappedAttributes());
        typeProvider.updated(realm, updated, secrets);
        return updated;
    }

    public Directory setStatus(RealmModel realm, Directory directory, DirectoryStatus status) {
        directory.entity().setStatus(status.id());
        return view(directory.entity());
    }

    /** Rule 5: from the first successful sync on, the username source is fixed. */
    public void markSynced(Directory directory) {
        if (directory.entity().getFirstSyncAt() == null) {
            directory.entity().setFirstSyncAt(Time.currentTimeMillis());
        }
    }

    /**
     * Notes a push client's request, at most once a minute so that pushes do not all write the directory row.
     * A bulk update in its own transaction: it neither waits for nor conflicts with the request's own writes.
     */
    public void touch(Directory directory) {
        long now = Time.currentTimeMillis();
        Long last = directory.entity().getLastRequestAt();
        if (last == null || now - last > 60_000L) {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), s ->
                new DirSyncStore(s).em().createQuery("update DirectoryEntity d set d.lastRequestAt = :now where d.id = :id")
                    .setParameter("now", now).setParameter("id", directory.id()).executeUpdate());
        }
    }

    /**
     * Rule 9: deleting a directory deletes no users. Its users and groups become unmanaged (groups renamed
     * "(formerly from ...)"), its trashed users are restored to unmanaged.
     */
    public void deleteDirectory(RealmModel realm, Directory directory) {
        DirectoryTypes.provider(session, directory).deleting(realm, directory);
        EngineWrites.run(session, () -> {
            for (TrashEntryEntity t : store.trashOfDirectory(directory.id())) {
                store.remove(t);
            }
            for (ManagedGroupEntity g : store.managedGroups(directory.id())) {
                unmanageGroup(realm, directory, g);
            }
            int page = 500;
            List<ManagedUserEntity> batch;
            while (!(batch = store.managedUsers(directory.id(), 0, page)).isEmpty()) {
                for (ManagedUserEntity m : batch) {
                    store.em().createNamedQuery("dirsync.deleteIdentifiersByUser").setParameter("userId", m.getUserId()).executeUpdate();
                    store.remove(m);
                    UserModel user = userOf(realm, directory, m.getUserId());
                    if (user != null) {
                        applyEnabled(user, null);
                        evictIfFederated(realm, directory, user);
                    }
                }
                store.flush();
                store.em().clear();
            }
            store.deleteDirectoryData(directory.id());
            DirectoryEntity e = store.find(DirectoryEntity.class, directory.id());
            store.remove(e);
        });
    }

    // ------------------------------------------------------------------ users

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
    public UserChange applyUser(RealmModel realm, Directory directory, SourceUser source, Mode mode, SyncRuns.Run run) {
        return applyUser(realm, directory, source, mode, run, null);
    }

    /**
     * Like {@link #applyUser(RealmModel, Directory, SourceUser, Mode, SyncRuns.Run)}, skipping the look-ups whose
     * answer {@code known} (read for a whole page of a pull run) says is "none".
     */
    public UserChange applyUser(RealmModel realm, Directory directory, SourceUser source, Mode mode, SyncRuns.Run run,
                                KnownAbsent known) {
        String username = source.username() == null ? null : source.username().trim();
        if (username == null || username.isEmpty()) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                "The source user" + (source.externalId() == null ? "" : " '" + source.externalId() + "'")
                    + " has no value for the username attribute; it cannot be created");
        }
        return EngineWrites.run(session, () -> {
            ManagedUserEntity managed = null;
            UserModel user = null;
            UserProvider users = users(directory);
            // (Keycloak's own user table answers for a federated directory's users only, see users())
            KnownAbsent local = directory.federationLink() == null ? null : known;
            if (source.externalId() != null && (known == null || !known.noManagedUser(source.externalId()))) {
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
                user = users.getUserByUsername(realm, username);
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
                managed = newManagedUser(realm, directory, user, source, username);
                outcome = Outcome.CREATED;
            } else if (managed == null) {
                requireClaimable(realm, directory, user, null);
                managed = newManagedUser(realm, directory, user, source, username);
                outcome = Outcome.ADOPTED;
            } else if (!managed.getDirectoryId().equals(directory.id())) {
                DirectoryEntity owner = store.find(DirectoryEntity.class, managed.getDirectoryId());
                if (owner != null && !DirectoryStatus.PAUSED.id().equals(owner.getStatus())) {
                    throw new SyncConflictException(SyncConflictException.Kind.OWNERSHIP,
                        SyncConflictException.OWNED_BY_ANOTHER_DIRECTORY);
                }
                requireClaimable(realm, directory, user, owner == null ? null : view(owner).federationLink());
                // Migration from a paused directory: it keeps no hold on the user or its membership.
                leaveGroupsOf(realm, managed.getDirectoryId(), user);
                wasTrashed = STATE_TRASHED.equals(managed.getState());
                managed.setDirectoryId(directory.id());
                TrashEntryEntity t = store.trashEntry(user.getId());
                if (t != null) {
                    t.setDirectoryId(directory.id());
                }
                outcome = Outcome.ADOPTED;
            } else {
                wasTrashed = STATE_TRASHED.equals(managed.getState());
                wasActive = managed.isSourceActive();
                if (mode == Mode.CREATE && !wasTrashed) {
                    throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                        "User '" + user.getUsername() + "' already exists in directory \"" + directory.name() + "\"");
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
            if (source.externalId() != null && !source.externalId().equals(managed.getExternalId())) {
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
                restore(realm, user, managed, run);
                outcome = outcome == Outcome.UNCHANGED ? Outcome.RESTORED : outcome;
            } else if (!wasTrashed && wasActive && !source.active() && outcome != Outcome.CREATED) {
                trash(realm, directory, user, managed, "deactivated in the source", run);
                outcome = Outcome.TRASHED;
            }
            if (outcome == Outcome.UNCHANGED && changed) {
                outcome = Outcome.UPDATED;
            }
            if (outcome != Outcome.UNCHANGED) {
                if (!newRow) {
                    touchRevision(managed); // a new row is inserted at revision 1
                }
                applyEnabled(user, managed, outcome == Outcome.CREATED);
                if (outcome != Outcome.TRASHED && outcome != Outcome.RESTORED) {
                    runs.record(run, outcome, USER, username, user.getId(), null);
                }
                evictIfFederated(realm, directory, user);
            }
            return new UserChange(user, outcome);
        });
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
    public UserProvider users(Directory directory) {
        return directory.federationLink() == null ? session.users() : UserStoragePrivateUtil.userLocalStorage(session);
    }

    /** A user of {@code directory} by Keycloak id, read the way the engine writes it (see {@link #users}). */
    public UserModel userOf(RealmModel realm, Directory directory, String userId) {
        return users(directory).getUserById(realm, userId);
    }

    /**
     * The user as the engine writes it: a federated directory's user comes from the local store, since the
     * storage layer hands out read-only copies of LDAP users it cannot validate (e.g. out of scope).
     */
    private UserModel writable(RealmModel realm, UserModel user) {
        Optional<Directory> owner = ownerOf(user);
        if (owner.isEmpty() || owner.get().federationLink() == null) {
            return user;
        }
        UserModel local = userOf(realm, owner.get(), user.getId());
        return local == null ? user : local;
    }

    private void evictIfFederated(RealmModel realm, Directory directory, UserModel user) {
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
            UserModel holder = users(directory).getUserByUsername(realm, alias.trim());
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
    public UserChange updateUser(RealmModel realm, Directory directory, UserModel user, SourceUser source, SyncRuns.Run run) {
        ManagedUserEntity managed = requireOwned(directory, user);
        String username = source.username() == null ? null : source.username().trim();
        if (username == null || username.isEmpty()) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "userName is required");
        }
        if (!user.getUsername().equals(Directory.fold(username))) {
            UserModel other = session.users().getUserByUsername(realm, username);
            if (other != null && !other.getId().equals(user.getId())) {
                throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                    "Username '" + username + "' is already the username of user '" + other.getUsername() + "'");
            }
        }
        // A replace: what the source no longer sends (externalId included) is gone.
        SourceUser keyed = new SourceUser(source.externalId(), username, source.attributes(), source.active(), source.document());
        // Resolve by this user's identity, not by name: the name itself may be what changes.
        return EngineWrites.run(session, () -> {
            boolean wasTrashed = STATE_TRASHED.equals(managed.getState());
            boolean wasActive = managed.isSourceActive();
            boolean changed = writeAttributes(realm, directory, user, managed, keyed, false, null);
            changed |= keepDocument(managed, source);
            if (!Objects.equals(keyed.externalId(), managed.getExternalId())) {
                managed.setExternalId(keyed.externalId());
                changed = true;
            }
            if (!username.equals(managed.getSourceUsername())) {
                managed.setSourceUsername(username);
                changed = true;
            }
            if (managed.isSourceActive() != keyed.active()) {
                managed.setSourceActive(keyed.active());
                changed = true;
            }
            Outcome outcome = changed ? Outcome.UPDATED : Outcome.UNCHANGED;
            if (wasTrashed && keyed.active()) {
                restore(realm, user, managed, run);
                outcome = Outcome.RESTORED;
            } else if (!wasTrashed && wasActive && !keyed.active()) {
                trash(realm, directory, user, managed, "deactivated in the source", run);
                outcome = Outcome.TRASHED;
            }
            if (outcome != Outcome.UNCHANGED) {
                touchRevision(managed);
                applyEnabled(user, managed);
                if (outcome == Outcome.UPDATED) {
                    runs.record(run, outcome, USER, username, user.getId(), null);
                }
            }
            return new UserChange(user, outcome);
        });
    }

    /** Rule 7: the user left the directory's scope (deleted, deactivated, removed from every synced group). */
    public void deprovision(RealmModel realm, Directory directory, UserModel user, String reason, SyncRuns.Run run) {
        deprovision(realm, directory, user, reason, false, run);
    }

    /**
     * Rule 7, with {@code deletedBySource} when the source deleted the user outright (SCIM DELETE): it is then
     * hidden from the source's own reads (RFC 7644 §3.6) while it waits in the trash.
     */
    public void deprovision(RealmModel realm, Directory directory, UserModel user, String reason, boolean deletedBySource,
                            SyncRuns.Run run) {
        ManagedUserEntity managed = requireOwned(directory, user);
        EngineWrites.run(session, () -> {
            if (!STATE_TRASHED.equals(managed.getState())) {
                trash(realm, directory, user, managed, reason, run);
                evictIfFederated(realm, directory, user);
            }
            managed.setSourceDeleted(deletedBySource || managed.isSourceDeleted());
            touchRevision(managed);
        });
    }

    /** An admin restores a trashed user; allowed when its directory no longer manages it actively (paused). */
    public void restoreByAdmin(RealmModel realm, UserModel user) {
        ManagedUserEntity managed = store.managedUser(user.getId());
        if (managed == null || !STATE_TRASHED.equals(managed.getState())) {
            throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND,
                "User '" + user.getUsername() + "' is not in the trash");
        }
        DirectoryEntity owner = store.find(DirectoryEntity.class, managed.getDirectoryId());
        if (owner != null && DirectoryStatus.ACTIVE.id().equals(owner.getStatus())) {
            throw new SyncConflictException(SyncConflictException.Kind.OWNERSHIP,
                "User '" + user.getUsername() + "' is trashed by the active directory \"" + owner.getName()
                    + "\"; put it back in scope in the source, or pause the directory to restore it by hand");
        }
        UserModel target = writable(realm, user);
        EngineWrites.run(session, () -> {
            managed.setSourceActive(true);
            restore(realm, target, managed, null);
            touchRevision(managed);
            applyEnabled(target, managed);
            ownerOf(target).ifPresent(d -> evictIfFederated(realm, d, target));
        });
    }

    /** An admin deletes a trashed user for good, before its 7 days are over. */
    public void deleteFromTrash(RealmModel realm, UserModel user) {
        if (store.trashEntry(user.getId()) == null) {
            throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND,
                "User '" + user.getUsername() + "' is not in the trash");
        }
        EngineWrites.run(session, () -> new UserManager(session).removeUser(realm, user));
    }

    /**
     * Deletes for good the trashed users whose 7 days are over, at most {@code max}; returns how many.
     * Idempotent: a user already gone only loses its trash row.
     */
    public int purgeDueTrash(int max) {
        long now = Time.currentTimeMillis();
        int purged = 0;
        for (TrashEntryEntity t : store.trashDue(now, max)) {
            RealmModel realm = session.realms().getRealm(t.getRealmId());
            if (realm == null) {
                store.remove(t);
                continue;
            }
            session.getContext().setRealm(realm);
            UserModel user = session.users().getUserById(realm, t.getUserId());
            if (user == null) {
                store.deleteUserData(t.getUserId());
            } else {
                EngineWrites.run(session, () -> new UserManager(session).removeUser(realm, user));
            }
            LOG.infof("Deleted trashed user '%s' of realm %s for good (in the trash since %d)", t.getUsername(),
                realm.getName(), t.getEnteredAt());
            purged++;
        }
        return purged;
    }

    // ------------------------------------------------------------------ groups

    public Optional<ManagedGroupEntity> managedGroup(Directory directory, String groupId) {
        ManagedGroupEntity g = store.managedGroup(groupId);
        return g != null && g.getDirectoryId().equals(directory.id()) ? Optional.of(g) : Optional.empty();
    }

    /** Creates (or finds) the managed group for a source group; named per rule 6. */
    public GroupModel createGroup(RealmModel realm, Directory directory, String sourceName, String externalId,
                                  SyncRuns.Run run) {
        String name = sourceName == null ? "" : sourceName.trim();
        if (name.isEmpty()) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "A group needs a name (displayName)");
        }
        if (store.managedGroupBySourceName(directory.id(), name).isPresent()) {
            throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                "Group '" + name + "' already exists in directory \"" + directory.name() + "\"");
        }
        return EngineWrites.run(session, () -> {
            String kcName = directory.managedGroupName(name);
            GroupModel group = session.groups().getGroupByName(realm, null, kcName);
            if (group == null) {
                group = session.groups().createGroup(realm, kcName);
            }
            ManagedGroupEntity g = new ManagedGroupEntity();
            g.setGroupId(group.getId());
            g.setRealmId(realm.getId());
            g.setDirectoryId(directory.id());
            g.setSourceName(name);
            g.setSourceNameFolded(Directory.fold(name));
            g.setExternalId(externalId);
            g.setCreatedAt(Time.currentTimeMillis());
            g.setLastModified(g.getCreatedAt());
            g.setRevision(1);
            store.persist(g);
            try {
                store.flush();
            } catch (ModelDuplicateException concurrent) {
                throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                    "Group '" + name + "' already exists in directory \"" + directory.name() + "\"");
            }
            runs.record(run, Outcome.CREATED, GROUP, name, group.getId(), null);
            return group;
        });
    }

    public void renameGroup(RealmModel realm, Directory directory, GroupModel group, String newSourceName,
                            String externalId, SyncRuns.Run run) {
        ManagedGroupEntity g = requireOwned(directory, group);
        String name = newSourceName == null ? "" : newSourceName.trim();
        boolean changed = false;
        if (!name.isEmpty() && !name.equals(g.getSourceName())) {
            Optional<ManagedGroupEntity> other = store.managedGroupBySourceName(directory.id(), name);
            if (other.isPresent() && !other.get().getGroupId().equals(g.getGroupId())) {
                throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                    "Group '" + name + "' already exists in directory \"" + directory.name() + "\"");
            }
            g.setSourceName(name);
            g.setSourceNameFolded(Directory.fold(name));
            EngineWrites.run(session, () -> group.setName(directory.managedGroupName(name)));
            changed = true;
        }
        if (externalId != null && !externalId.equals(g.getExternalId())) {
            g.setExternalId(externalId);
            changed = true;
        }
        if (changed) {
            touchRevision(g);
            runs.record(run, Outcome.UPDATED, GROUP, g.getSourceName(), group.getId(), null);
        }
    }

    /**
     * Adds and removes members of a managed group. A managed group only holds users of its own directory
     * (rule 6): a member of another directory is refused with a message naming it.
     *
     * @return true when the membership changed
     */
    public boolean changeMembers(RealmModel realm, Directory directory, GroupModel group, Set<String> addUserIds,
                                 Set<String> removeUserIds, SyncRuns.Run run) {
        ManagedGroupEntity g = requireOwned(directory, group);
        List<UserModel> toAdd = new ArrayList<>();
        UserProvider users = users(directory);
        for (String id : addUserIds) {
            UserModel user = users.getUserById(realm, id);
            if (user == null) {
                throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND, "No user with id '" + id + "'");
            }
            ManagedUserEntity m = store.managedUser(id);
            if (m == null || !m.getDirectoryId().equals(directory.id())) {
                throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                    "User '" + user.getUsername() + "' does not belong to directory \"" + directory.name()
                        + "\" and cannot be a member of its group '" + g.getSourceName() + "'");
            }
            toAdd.add(user);
        }
        boolean changed = EngineWrites.run(session, () -> {
            boolean any = false;
            for (UserModel user : toAdd) {
                if (!user.isMemberOf(group)) {
                    user.joinGroup(group);
                    evictIfFederated(realm, directory, user);
                    any = true;
                }
            }
            for (String id : removeUserIds) {
                UserModel user = users.getUserById(realm, id);
                if (user != null && user.isMemberOf(group)) {
                    user.leaveGroup(group);
                    evictIfFederated(realm, directory, user);
                    any = true;
                }
            }
            return any;
        });
        if (changed) {
            touchRevision(g);
            runs.record(run, Outcome.UPDATED, GROUP, g.getSourceName(), group.getId(), null);
        }
        return changed;
    }

    /**
     * Rule 6 for pull sources, from the user's side: makes the user's memberships among the directory's managed
     * groups ({@code directoryGroupIds}) exactly {@code wanted}. Reads the user's memberships once, or not at all
     * for a user created in this transaction; other groups are left alone. Run in the user's transaction.
     *
     * @return whether a membership changed
     */
    public boolean setUserGroups(RealmModel realm, Directory directory, UserModel user, Set<String> wanted,
                                 Set<String> directoryGroupIds, boolean createdNow) {
        Set<String> current = createdNow ? Set.of() : user.getGroupsStream().map(GroupModel::getId)
            .filter(directoryGroupIds::contains).collect(Collectors.toSet());
        if (current.equals(wanted)) {
            return false;
        }
        EngineWrites.run(session, () -> {
            for (String gid : wanted) {
                if (!current.contains(gid)) {
                    GroupModel group = realm.getGroupById(gid);
                    if (group != null) {
                        user.joinGroup(group);
                    }
                }
            }
            for (String gid : current) {
                if (!wanted.contains(gid)) {
                    GroupModel group = realm.getGroupById(gid);
                    if (group != null) {
                        user.leaveGroup(group);
                    }
                }
            }
        });
        evictIfFederated(realm, directory, user);
        return true;
    }

    /**
     * Rule 12: makes the directory admin roles of a user of {@code directory} exactly {@code roles} (the roles of the
     * admin groups the source says the user is in). Run in the user's transaction.
     *
     * @param createdNow the user was created in this transaction, so holds no role yet
     * @return whether a role was granted or revoked
     */
    public boolean setAdminRoles(RealmModel realm, Directory directory, UserModel user, Set<AdminRoleSets.Role> roles,
                                 boolean createdNow) {
        if (createdNow && roles.isEmpty()) {
            return false;
        }
        boolean changed = false;
        for (AdminRoleSets.Role role : AdminRoleSets.Role.values()) {
            RoleModel r = roles.contains(role) ? AdminRoleSets.ensure(realm, role) : realm.getRole(role.realmRoleName());
            if (r == null) {
                continue; // never granted in this realm
            }
            boolean has = !createdNow && user.hasDirectRole(r);
            if (roles.contains(role) && !has) {
                user.grantRole(r);
                changed = true;
            } else if (!roles.contains(role) && has) {
                user.deleteRoleMapping(r);
                changed = true;
            }
        }
        if (changed) {
            evictIfFederated(realm, directory, user);
        }
        return changed;
    }

    /**
     * Rule 12, admin sync: the directory's users not in {@code keepUserIds} (those the source still lists in an admin
     * group) lose every directory admin role.
     */
    public void revokeAdminRoles(RealmModel realm, Directory directory, Set<String> keepUserIds) {
        for (AdminRoleSets.Role role : AdminRoleSets.Role.values()) {
            RoleModel r = realm.getRole(role.realmRoleName());
            if (r == null) {
                continue;
            }
            for (UserModel u : users(directory).getRoleMembersStream(realm, r).toList()) {
                ManagedUserEntity m = store.managedUser(u.getId());
                if (m != null && m.getDirectoryId().equals(directory.id()) && !keepUserIds.contains(u.getId())) {
                    u.deleteRoleMapping(r);
                    evictIfFederated(realm, directory, u);
                }
            }
        }
    }

    /** Replaces a managed group's members (SCIM PUT, Okta's replace on members). */
    public boolean setMembers(RealmModel realm, Directory directory, GroupModel group, Set<String> userIds,
                              SyncRuns.Run run) {
        Set<String> current = users(directory).getGroupMembersStream(realm, group).map(UserModel::getId)
            .collect(Collectors.toSet());
        Set<String> add = new HashSet<>(userIds);
        add.removeAll(current);
        Set<String> remove = new HashSet<>(current);
        remove.removeAll(userIds);
        return changeMembers(realm, directory, group, add, remove, run);
    }

    /** A source deleted a group (SCIM DELETE): the Keycloak group goes, its users stay. */
    public void deleteGroup(RealmModel realm, Directory directory, GroupModel group, SyncRuns.Run run) {
        ManagedGroupEntity g = requireOwned(directory, group);
        String name = g.getSourceName();
        EngineWrites.run(session, () -> {
            store.remove(g);
            realm.removeGroup(group);
        });
        runs.record(run, Outcome.TRASHED, GROUP, name, group.getId(), "group deleted by the source");
    }

    /**
     * Rule 8: the admin removes a group from the directory. Members that are in no other group of the
     * directory go to the trash; the group becomes unmanaged, renamed "(formerly from ...)".
     */
    public void removeGroupFromDirectory(RealmModel realm, Directory directory, GroupModel group) {
        ManagedGroupEntity g = requireOwned(directory, group);
        String sourceId = g.getExternalId();
        Set<String> otherGroups = store.managedGroups(directory.id()).stream()
            .map(ManagedGroupEntity::getGroupId).filter(id -> !id.equals(g.getGroupId())).collect(Collectors.toSet());
        SyncRuns.Run run = null; // an admin action: reported as an admin event by the admin API
        EngineWrites.run(session, () -> {
            List<UserModel> members = users(directory).getGroupMembersStream(realm, group).toList();
            for (UserModel user : members) {
                ManagedUserEntity m = store.managedUser(user.getId());
                if (m == null || !m.getDirectoryId().equals(directory.id()) || STATE_TRASHED.equals(m.getState())) {
                    continue;
                }
                boolean inAnother = user.getGroupsStream().anyMatch(other -> otherGroups.contains(other.getId()));
                if (!inAnother) {
                    trash(realm, directory, user, m, "its group '" + g.getSourceName() + "' was removed from the directory", run);
                    touchRevision(m);
                    evictIfFederated(realm, directory, user);
                }
            }
            unmanageGroup(realm, directory, g);
        });
        DirectoryTypes.provider(session, directory).groupRemoved(realm, directory, sourceId);
    }

    // ------------------------------------------------------------------ statuses (rule 11)

    public SubjectStatus userStatus(UserModel user) {
        if (store.trashEntry(user.getId()) != null) {
            return SubjectStatus.PENDING_DELETION;
        }
        SubjectStatusEntity s = store.status(user.getId());
        return s == null ? SubjectStatus.ACTIVE : SubjectStatus.fromStored(s.getStatus());
    }

    public SubjectStatus groupStatus(GroupModel group) {
        SubjectStatusEntity s = store.status(group.getId());
        return s == null ? SubjectStatus.ACTIVE : SubjectStatus.fromStored(s.getStatus());
    }

    public void setUserStatus(RealmModel realm, UserModel user, SubjectStatus status) {
        if (store.trashEntry(user.getId()) != null) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                "User '" + user.getUsername() + "' is pending deletion; restore it from the trash first");
        }
        setStatus(realm, user.getId(), USER, status);
        UserModel target = writable(realm, user);
        EngineWrites.run(session, () -> {
            applyEnabled(target, store.managedUser(user.getId()));
            ownerOf(target).ifPresent(d -> evictIfFederated(realm, d, target));
        });
    }

    public void setGroupStatus(RealmModel realm, GroupModel group, SubjectStatus status) {
        setStatus(realm, group.getId(), GROUP, status);
    }

    private void setStatus(RealmModel realm, String subjectId, String type, SubjectStatus status) {
        SubjectStatusEntity s = store.status(subjectId);
        if (status == SubjectStatus.ACTIVE) {
            store.remove(s);
        } else if (s == null) {
            s = new SubjectStatusEntity();
            s.setSubjectId(subjectId);
            s.setRealmId(realm.getId());
            s.setSubjectType(type);
            s.setStatus(status.id());
            store.persist(s);
        } else {
            s.setStatus(status.id());
        }
        store.flush();
    }

    // ------------------------------------------------------------------ guards for admin paths (rules 4, 6)

    /** The directory that owns a user, if any. */
    public Optional<Directory> ownerOf(UserModel user) {
        ManagedUserEntity m = store.managedUser(user.getId());
        if (m == null) {
            return Optional.empty();
        }
        DirectoryEntity d = store.find(DirectoryEntity.class, m.getDirectoryId());
        return d == null ? Optional.empty() : Optional.of(view(d));
    }

    public boolean isTrashed(UserModel user) {
        return store.trashEntry(user.getId()) != null;
    }

    /**
     * Rule 4: why an admin may not change {@code attribute} of {@code user}, or empty when it may. Unmapped
     * attributes stay editable; everything of a trashed user is read-only.
     */
    public Optional<String> readOnlyReason(UserModel user, String attribute) {
        if (EngineWrites.inProgress(session) || user == null) {
            return Optional.empty();
        }
        Optional<Directory> owner = ownerOf(user);
        if (owner.isEmpty()) {
            return Optional.empty();
        }
        if (isTrashed(user)) {
            return Optional.of("User '" + user.getUsername() + "' is pending deletion in the trash of directory \""
                + owner.get().name() + "\" and is read-only");
        }
        if (owner.get().mappedAttributes().contains(attribute)) {
            return Optional.of("Attribute '" + attribute + "' of user '" + user.getUsername() + "' is synced from directory \""
                + owner.get().name() + "\" and is read-only; change it in the source directory");
        }
        return Optional.empty();
    }

    /** Rule 6: why an admin may not change the members or name of a group, or empty when it may. */
    public Optional<String> groupReadOnlyReason(GroupModel group) {
        if (EngineWrites.inProgress(session) || group == null) {
            return Optional.empty();
        }
        ManagedGroupEntity g = store.managedGroup(group.getId());
        if (g == null) {
            return Optional.empty();
        }
        DirectoryEntity d = store.find(DirectoryEntity.class, g.getDirectoryId());
        String name = d == null ? g.getDirectoryId() : d.getName();
        return Optional.of("Group '" + group.getName() + "' is managed by directory \"" + name
            + "\"; only its sync changes its members or name. Make the change in the source directory, "
            + "or remove the group from the directory first");
    }

    /** Why an admin may not delete a user, or empty: managed users leave through their source and the trash. */
    public Optional<String> deleteRefusal(UserModel user) {
        if (EngineWrites.inProgress(session)) {
            return Optional.empty();
        }
        Optional<Directory> owner = ownerOf(user);
        if (owner.isEmpty() || isTrashed(user)) {
            return Optional.empty();
        }
        return Optional.of("User '" + user.getUsername() + "' is managed by directory \"" + owner.get().name()
            + "\" and cannot be deleted while the directory manages it; remove it in the source directory "
            + "(it then goes to the trash) or delete the directory");
    }

    // ------------------------------------------------------------------ internals

    private UserModel createKeycloakUser(RealmModel realm, Directory directory, String username) {
        try {
            UserModel user = users(directory).addUser(realm, username);
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
                                             String username) {
        ManagedUserEntity m = new ManagedUserEntity();
        m.setUserId(user.getId());
        m.setRealmId(realm.getId());
        m.setDirectoryId(directory.id());
        m.setExternalId(source.externalId());
        m.setSourceUsername(username);
        m.setState(STATE_ACTIVE);
        m.setSourceActive(source.active());
        m.setSourceDocument(source.document());
        m.setCreatedAt(Time.currentTimeMillis());
        m.setLastModified(m.getCreatedAt());
        m.setRevision(1);
        store.persist(m);
        return m;
    }

    private static boolean keepDocument(ManagedUserEntity managed, SourceUser source) {
        if (source.document() == null || source.document().equals(managed.getSourceDocument())) {
            return false;
        }
        managed.setSourceDocument(source.document());
        return true;
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
        UserModel other = users(directory).getUserByEmail(realm, email);
        if (other != null && !other.getId().equals(user.getId())) {
            throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                "Email '" + email + "' is already used by user '" + other.getUsername() + "'");
        }
    }

    private void trash(RealmModel realm, Directory directory, UserModel user, ManagedUserEntity managed, String reason,
                       SyncRuns.Run run) {
        managed.setState(STATE_TRASHED);
        TrashEntryEntity t = store.trashEntry(user.getId());
        if (t == null) {
            t = new TrashEntryEntity();
            t.setUserId(user.getId());
            t.setRealmId(realm.getId());
            t.setDirectoryId(directory.id());
            t.setUsername(user.getUsername());
            t.setReason(reason.length() > 64 ? reason.substring(0, 64) : reason);
            t.setEnteredAt(Time.currentTimeMillis());
            t.setDeleteAfter(t.getEnteredAt() + config.trashRetentionMillis());
            store.persist(t);
        }
        applyEnabled(user, managed);
        // No login, no token refresh (disabled), and nothing already issued stays usable.
        for (UserSessionModel s : session.sessions().getUserSessionsStream(realm, user).toList()) {
            session.sessions().removeUserSession(realm, s);
        }
        for (UserSessionModel s : session.sessions().getOfflineUserSessionsStream(realm, user).toList()) {
            session.sessions().removeOfflineUserSession(realm, s);
        }
        runs.record(run, Outcome.TRASHED, USER, user.getUsername(), user.getId(), reason);
    }

    private void restore(RealmModel realm, UserModel user, ManagedUserEntity managed, SyncRuns.Run run) {
        managed.setState(STATE_ACTIVE);
        managed.setSourceDeleted(false);
        store.remove(store.trashEntry(user.getId()));
        applyEnabled(user, managed);
        runs.record(run, Outcome.RESTORED, USER, user.getUsername(), user.getId(), null);
    }

    /** One formula for Keycloak's enabled flag: in scope, active in the source, and not disabled by an admin. */
    private void applyEnabled(UserModel user, ManagedUserEntity managed) {
        applyEnabled(user, managed, false);
    }

    /** @param createdNow the user was created in this transaction, so has no admin status yet */
    private void applyEnabled(UserModel user, ManagedUserEntity managed, boolean createdNow) {
        SubjectStatusEntity s = createdNow ? null : store.status(user.getId());
        boolean enabled = (managed == null || (STATE_ACTIVE.equals(managed.getState()) && managed.isSourceActive()))
            && (s == null || !SubjectStatus.DISABLED.id().equals(s.getStatus()));
        if (user.isEnabled() != enabled) {
            user.setEnabled(enabled);
        }
    }

    private void leaveGroupsOf(RealmModel realm, String directoryId, UserModel user) {
        Set<String> groups = store.managedGroups(directoryId).stream().map(ManagedGroupEntity::getGroupId)
            .collect(Collectors.toSet());
        for (GroupModel g : user.getGroupsStream().filter(g -> groups.contains(g.getId())).toList()) {
            user.leaveGroup(g);
        }
    }

    private void unmanageGroup(RealmModel realm, Directory directory, ManagedGroupEntity g) {
        GroupModel group = realm.getGroupById(g.getGroupId());
        store.remove(g);
        if (group != null) {
            String former = directory.formerGroupName(g.getSourceName());
            String name = former;
            for (int i = 2; session.groups().getGroupByName(realm, null, name) != null && !name.equals(group.getName()); i++) {
                name = former + " " + i;
            }
            group.setName(name);
        }
    }

    private ManagedUserEntity requireOwned(Directory directory, UserModel user) {
        ManagedUserEntity m = user == null ? null : store.managedUser(user.getId());
        if (m == null || !m.getDirectoryId().equals(directory.id())) {
            throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND,
                "User " + (user == null ? "" : "'" + user.getUsername() + "' ") + "is not managed by directory \""
                    + directory.name() + "\"");
        }
        return m;
    }

    private ManagedGroupEntity requireOwned(Directory directory, GroupModel group) {
        ManagedGroupEntity g = group == null ? null : store.managedGroup(group.getId());
        if (g == null || !g.getDirectoryId().equals(directory.id())) {
            throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND,
                "Group is not managed by directory \"" + directory.name() + "\"");
        }
        return g;
    }

    private static void touchRevision(ManagedUserEntity m) {
        m.setRevision(m.getRevision() + 1);
        m.setLastModified(Time.currentTimeMillis());
    }

    private static void touchRevision(ManagedGroupEntity g) {
        g.setRevision(g.getRevision() + 1);
        g.setLastModified(Time.currentTimeMillis());
    }

    private String defaultName(RealmModel realm, DirectoryTypeFactory type) {
        String base = type.defaultName();
        String name = base;
        for (int i = 2; store.directoryByName(realm.getId(), name).isPresent(); i++) {
            name = base + " " + i;
        }
        return name;
    }

    private void requireFreeName(RealmModel realm, String name, String exceptId) {
        if (name.length() > 200) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "A directory name has at most 200 characters");
        }
        store.directoryByName(realm.getId(), name).filter(d -> !d.getId().equals(exceptId)).ifPresent(d -> {
            throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                "A directory named \"" + name + "\" already exists in this realm");
        });
    }

    /** What every directory's settings must satisfy, whatever its type. */
    private static void validateSettings(ObjectNode settings) {
        com.fasterxml.jackson.databind.JsonNode adopt = settings.get(AdoptionGuard.SETTING);
        if (adopt != null && !adopt.isNull() && !adopt.isBoolean()) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                "settings." + AdoptionGuard.SETTING + " must be true or false (default false: administrators, service"
                    + " accounts and accounts linked to another login provider are never adopted)");
        }
        DeprovisionGuard.validate(settings);
        validateMappings(settings);
    }

    private static void validateMappings(ObjectNode settings) {
        if (settings.has("mappings") && !settings.get("mappings").isArray()) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                "settings.mappings must be a list of {\"source\": ..., \"target\": ...}");
        }
        Set<String> targets = new HashSet<>();
        for (AttributeMapping m : Directory.mappingsOf(settings)) {
            if (Directory.REQUIRED_TARGETS.contains(m.target())) {
                throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                    "'" + m.target() + "' has a required mapping that cannot be changed");
            }
            if (!m.target().matches("[A-Za-z][A-Za-z0-9_.-]{0,62}")) {
                throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                    "'" + m.target() + "' is not a valid Keycloak attribute name");
            }
            if (!targets.add(m.target())) {
                throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                    "Keycloak attribute '" + m.target() + "' is mapped twice");
            }
        }
    }

    @Override
    public void close() {
    }
}
