package io.dirsync.engine;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.common.util.Time;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.DirectoryEntity;
import io.dirsync.storage.DirectoryStateEntity;
import io.dirsync.storage.ManagedGroupEntity;
import io.dirsync.storage.ManagedUserEntity;

/**
 * Directories (rules 5 and 9): create, change, pause and delete a directory. Its type ({@link DirectoryTypeProvider})
 * is called around each change; the username source is fixed after the first successful sync (rule 5); deleting a
 * directory deletes no users (rule 9).
 */
public final class Directories {

    private final DirectorySyncEngine engine;
    private final KeycloakSession session;
    private final DirSyncStore store;

    Directories(DirectorySyncEngine engine, KeycloakSession session) {
        this.engine = engine;
        this.session = session;
        this.store = engine.store();
    }

    public List<Directory> list(RealmModel realm) {
        return store.directories(realm.getId()).stream().map(this::view).toList();
    }

    public Optional<Directory> get(RealmModel realm, String id) {
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
    public Directory create(RealmModel realm, String typeId, String name, ObjectNode settings) {
        DirectoryTypeFactory type = DirectoryTypes.require(session.getKeycloakSessionFactory(), typeId);
        ObjectNode s = settings == null ? Directory.JSON.createObjectNode() : settings.deepCopy();
        DirectoryTypeProvider typeProvider = session.getProvider(DirectoryTypeProvider.class, type.getId());
        DirectoryTypeProvider.Secrets secrets = typeProvider.prepareSettings(realm, s, null);
        String finalName = name == null || name.isBlank() ? defaultName(realm, type) : name.trim();
        requireFreeName(realm, finalName, null);
        validateSettings(s);
        AdminGroups.validate(type, s);
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
        engine.publish(new DirSyncEvent.DirectorySaved(session, realm, d, true));
        typeProvider.created(realm, d, secrets);
        return d;
    }

    /**
     * Renames a directory and/or replaces its settings. Managed groups follow a rename (rule 6); the username
     * source is fixed after the first successful sync (rule 5).
     */
    public Directory update(RealmModel realm, Directory directory, String newName, ObjectNode newSettings) {
        DirectoryEntity e = directory.entity();
        DirectoryTypeProvider typeProvider = DirectoryTypes.provider(session, directory);
        DirectoryTypeProvider.Secrets secrets = DirectoryTypeProvider.Secrets.NONE;
        ObjectNode s = null;
        if (newSettings != null) {
            s = newSettings.deepCopy();
            secrets = typeProvider.prepareSettings(realm, s, directory);
            // Rule 5 compares the attribute in effect (a type's default counts), however the settings spell it.
            String before = usernameSource(directory);
            String after = usernameSource(directory.withSettings(s));
            if (e.getFirstSyncAt() != null && !before.equalsIgnoreCase(after)) {
                throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                    "The username attribute of directory \"" + e.getName() + "\" cannot be changed after its first "
                        + "successful sync (it is '" + before + "'). Add '" + after + "' as a username alias instead, "
                        + "or delete the directory and create a new one (its users become unmanaged and are reconnected by username).");
            }
            validateSettings(s);
            AdminGroups.validate(directory.type(), s);
        }
        if (newName != null && !newName.isBlank() && !newName.trim().equals(e.getName())) {
            String name = newName.trim();
            requireFreeName(realm, name, e.getId());
            String oldName = e.getName();
            e.setName(name);
            e.setNameFolded(Directory.fold(name));
            Directory renamed = view(e);
            // Keycloak's group names hold the directory's name (rule 6): each managed group's must still fit.
            int limit = InputLimits.groupName(renamed);
            for (ManagedGroupEntity g : store.managedGroups(e.getId())) {
                if (g.getSourceName().length() > limit) {
                    e.setName(oldName);
                    e.setNameFolded(Directory.fold(oldName));
                    throw new SyncConflictException(SyncConflictException.Kind.INVALID, "The name \"" + name + "\" is too"
                        + " long for group '" + g.getSourceName() + "': Keycloak's group name (at most "
                        + InputLimits.GROUP_NAME + " characters) holds the directory's name; choose a shorter one");
                }
            }
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
        engine.publish(new DirSyncEvent.DirectorySaved(session, realm, updated, false));
        typeProvider.updated(realm, updated, secrets);
        return updated;
    }

    public Directory setStatus(RealmModel realm, Directory directory, DirectoryStatus status) {
        directory.entity().setStatus(status.id());
        return view(directory.entity());
    }

    /**
     * Notes a push client's request, at most once a minute so that pushes do not all write the directory row.
     * A bulk update in its own transaction: it neither waits for nor conflicts with the request's own writes.
     */
    public void touch(Directory directory) {
        long now = Time.currentTimeMillis();
        Long last = directory.entity().getLastRequestAt();
        if (last == null || now - last > 60_000L) {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(),
                s -> new DirSyncStore(s).touchDirectory(directory.id(), now));
        }
    }

    /** The source attribute of a directory's username (its type's required mapping of {@code username}). */
    private static String usernameSource(Directory directory) {
        return directory.type().requiredMappings(directory).stream().filter(m -> m.target().equals("username"))
            .map(AttributeMapping::source).findFirst().orElse("");
    }

    /**
     * Rule 9: deleting a directory deletes no users. Its users and groups become unmanaged (groups renamed
     * "(formerly from ...)"), its trashed users are restored to unmanaged.
     */
    public void delete(RealmModel realm, Directory directory) {
        DirectoryTypes.provider(session, directory).deleting(realm, directory);
        EngineWrites.run(session, () -> {
            for (ManagedGroupEntity g : store.managedGroups(directory.id())) {
                engine.groups().unmanage(realm, directory, g);
            }
            int page = 500;
            List<ManagedUserEntity> batch;
            while (!(batch = store.managedUsers(directory.id(), 0, page)).isEmpty()) {
                for (ManagedUserEntity m : batch) {
                    store.deleteIdentifiersOf(m.getUserId());
                    store.remove(m);
                    UserModel user = engine.users().userOf(realm, directory, m.getUserId());
                    if (user != null) {
                        engine.statuses().applyEnabled(realm, user, null);
                        engine.users().evictIfFederated(realm, directory, user);
                    }
                }
                store.flush();
                store.clear();
            }
            store.deleteDirectoryData(directory.id());
            DirectoryEntity e = store.find(DirectoryEntity.class, directory.id());
            store.remove(e);
        });
        SyncRuns.forgetPushRuns(directory.id());
    }

    /**
     * Keeps secrets a type took out of an admin's settings ({@link DirectoryTypeProvider#prepareSettings}): each named
     * value replaces the stored one; the others stay. Stored beside the directory, never in its settings.
     */
    public void keepSecrets(Directory directory, DirectoryTypeProvider.Secrets secrets) {
        if (secrets.values().isEmpty()) {
            return;
        }
        DirectoryStateEntity state = store.directoryState(directory.realmId(), directory.id());
        ObjectNode stored = readObject(state.getSecrets());
        secrets.values().forEach(stored::put);
        state.setSecrets(stored.toString());
        state.setUpdatedAt(Time.currentTimeMillis());
    }

    /** A secret the directory's type stored ({@link #keepSecrets}), or null. */
    public String secret(Directory directory, String name) {
        DirectoryStateEntity state = store.findDirectoryState(directory.id());
        if (state == null) {
            return null;
        }
        JsonNode v = readObject(state.getSecrets()).get(name);
        return v == null || v.isNull() ? null : v.asText();
    }

    /**
     * Where a pull source's next incremental run starts (its own JSON, e.g. Graph delta links), or null when there is
     * none (the next run reads everything).
     */
    public String syncState(Directory directory) {
        DirectoryStateEntity state = store.findDirectoryState(directory.id());
        return state == null ? null : state.getSyncState();
    }

    /** Replaces the sync state ({@link #syncState}); null forgets it. */
    public void setSyncState(Directory directory, String syncState) {
        DirectoryStateEntity state = store.directoryState(directory.realmId(), directory.id());
        state.setSyncState(syncState);
        state.setUpdatedAt(Time.currentTimeMillis());
    }

    private static ObjectNode readObject(String json) {
        if (json == null || json.isBlank()) {
            return Directory.JSON.createObjectNode();
        }
        try {
            return (ObjectNode) Directory.JSON.readTree(json);
        } catch (java.io.IOException | ClassCastException e) {
            throw new IllegalStateException("Stored directory state is not a JSON object", e);
        }
    }

    /** The name a new directory of {@code type} gets when the admin gives none: the type's, numbered when taken. */
    public String defaultName(RealmModel realm, DirectoryTypeFactory type) {
        String base = type.defaultName();
        String name = base;
        for (int i = 2; store.directoryByName(realm.getId(), Directory.fold(name)).isPresent(); i++) {
            name = base + " " + i;
        }
        return name;
    }

    private void requireFreeName(RealmModel realm, String name, String exceptId) {
        if (name.length() > InputLimits.DIRECTORY_NAME) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                "A directory name has at most " + InputLimits.DIRECTORY_NAME + " characters");
        }
        store.directoryByName(realm.getId(), Directory.fold(name)).filter(d -> !d.getId().equals(exceptId)).ifPresent(d -> {
            throw new SyncConflictException(SyncConflictException.Kind.UNIQUENESS,
                "A directory named \"" + name + "\" already exists in this realm");
        });
    }

    /** What every directory's settings must satisfy, whatever its type. */
    private static void validateSettings(ObjectNode settings) {
        JsonNode adopt = settings.get(AdoptionGuard.SETTING);
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
}
