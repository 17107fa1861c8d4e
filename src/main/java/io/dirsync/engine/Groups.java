package io.dirsync.engine;

import static io.dirsync.storage.SubjectType.GROUP;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.common.util.Time;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.models.utils.RoleUtils;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.ManagedGroupEntity;
import io.dirsync.storage.ManagedUserEntity;
import io.dirsync.storage.Outcome;

/**
 * Managed groups (rules 6 and 8): named for their directory, their members only users of that directory and changed
 * only by its sync; removing a group from its directory trashes the members it alone kept in scope.
 */
public final class Groups {

    /**
     * How a pull type tells that two spellings of an external id name one group: the canonical form both share (an
     * LDAP DN normalised, an Entra object id lower-cased). Settings and stored ids are compared only in this form.
     */
    @FunctionalInterface
    public interface ExternalIds {
        String canonical(String externalId);
    }

    /** The setting of every pull type that lists the groups whose members are synced, by external id. */
    static final String SYNCED_GROUPS = "syncedGroups";

    private final DirectorySyncEngine engine;
    private final KeycloakSession session;
    private final DirSyncStore store;
    private final SyncRuns runs;

    Groups(DirectorySyncEngine engine, KeycloakSession session) {
        this.engine = engine;
        this.session = session;
        this.store = engine.store();
        this.runs = engine.runs();
    }

    /** The group {@code groupId} if {@code directory} manages it (rule 6), as a read view. */
    public Optional<ManagedGroup> managed(Directory directory, String groupId) {
        ManagedGroupEntity g = store.managedGroup(groupId);
        return g != null && g.getDirectoryId().equals(directory.id()) ? Optional.of(ManagedGroup.of(g)) : Optional.empty();
    }

    /** The group {@code groupId} if some directory manages it, as a read view. */
    public Optional<ManagedGroup> managed(String groupId) {
        return Optional.ofNullable(ManagedGroup.of(store.managedGroup(groupId)));
    }

    /** The groups {@code directory} manages, by source name, as read views. */
    public List<ManagedGroup> managedGroups(Directory directory) {
        return store.managedGroups(directory.id()).stream().map(ManagedGroup::of).toList();
    }

    /** The groups {@code directory} manages that have an external id, by its canonical form. */
    public Map<String, ManagedGroup> managedByExternalId(Directory directory, ExternalIds ids) {
        Map<String, ManagedGroup> byExternalId = new HashMap<>();
        for (ManagedGroup g : managedGroups(directory)) {
            if (g.externalId() != null) {
                byExternalId.put(ids.canonical(g.externalId()), g);
            }
        }
        return byExternalId;
    }

    /**
     * Rule 6 for a pull run: the managed group of each synced group, found by its external id (not by name, so a group
     * renamed in the source keeps its Keycloak group and members), created when new, renamed (and its external id
     * respelt as given) when the source's name changed.
     *
     * @param sourceNames each synced group's name in the source, by its external id as the settings spell it
     * @return the Keycloak group id of each, by the same keys
     */
    public Map<String, String> keepManaged(RealmModel realm, Directory directory, Map<String, String> sourceNames,
                                           ExternalIds ids, SyncRuns.Run run) {
        Map<String, ManagedGroup> byExternalId = managedByExternalId(directory, ids);
        Map<String, String> groupIds = new LinkedHashMap<>();
        Map<String, String> keptNow = new HashMap<>(); // a group listed twice, spelt two ways, is one group
        sourceNames.forEach((externalId, sourceName) -> {
            String canonical = ids.canonical(externalId);
            String groupId = keptNow.get(canonical);
            if (groupId == null) {
                ManagedGroup existing = byExternalId.get(canonical);
                GroupModel group;
                if (existing == null) {
                    group = create(realm, directory, sourceName, externalId, run);
                } else {
                    group = realm.getGroupById(existing.groupId());
                    rename(realm, directory, group, sourceName, externalId, run);
                }
                groupId = group.getId();
                keptNow.put(canonical, groupId);
            }
            groupIds.put(externalId, groupId);
        });
        return groupIds;
    }

    /** Creates (or finds) the managed group for a source group; named per rule 6. */
    public GroupModel create(RealmModel realm, Directory directory, String sourceName, String externalId,
                                  SyncRuns.Run run) {
        String name = sourceName == null ? "" : sourceName.trim();
        if (name.isEmpty()) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "A group needs a name (displayName)");
        }
        InputLimits.requireGroupFits(directory, name, externalId);
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

    public void rename(RealmModel realm, Directory directory, GroupModel group, String newSourceName,
                            String externalId, SyncRuns.Run run) {
        ManagedGroupEntity g = requireOwned(directory, group);
        String name = newSourceName == null ? "" : newSourceName.trim();
        InputLimits.requireGroupFits(directory, name, externalId);
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
            DirectorySyncEngine.touchRevision(g);
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
        UserProvider users = engine.users().provider(directory);
        // The new members' managed and Keycloak rows in bulk (none read again that the request already read):
        // the look-ups below then find both without a statement each.
        Map<String, ManagedUserEntity> managed = store.managedUsers(addUserIds);
        store.prefetchKeycloakUsers(addUserIds);
        for (String id : addUserIds) {
            UserModel user = users.getUserById(realm, id);
            if (user == null) {
                throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND, "No user with id '" + id + "'");
            }
            ManagedUserEntity m = managed.get(id);
            if (m == null || !m.getDirectoryId().equals(directory.id())) {
                throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                    "User '" + user.getUsername() + "' does not belong to directory \"" + directory.name()
                        + "\" and cannot be a member of its group '" + g.getSourceName() + "'");
            }
            toAdd.add(user);
        }
        // A group's members are its direct members, as SCIM's and Duo's reads list them (Keycloak's isMemberOf also
        // counts a subgroup's members, which made adding such a user a no-op). The user's groups read here are the ones
        // Keycloak's cached user reads for its own join check anyway.
        boolean changed = EngineWrites.run(session, () -> {
            boolean any = false;
            for (UserModel user : toAdd) {
                if (!RoleUtils.isDirectMember(user.getGroupsStream(), group)) {
                    user.joinGroup(group);
                    engine.users().evictIfFederated(realm, directory, user);
                    any = true;
                }
            }
            for (String id : removeUserIds) {
                UserModel user = users.getUserById(realm, id);
                if (user != null && RoleUtils.isDirectMember(user.getGroupsStream(), group)) {
                    user.leaveGroup(group);
                    engine.users().evictIfFederated(realm, directory, user);
                    any = true;
                }
            }
            return any;
        });
        if (changed) {
            DirectorySyncEngine.touchRevision(g);
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
        engine.users().evictIfFederated(realm, directory, user);
        return true;
    }

    /** Replaces a managed group's members (SCIM PUT, Okta's replace on members). */
    public boolean setMembers(RealmModel realm, Directory directory, GroupModel group, Set<String> userIds,
                              SyncRuns.Run run) {
        Set<String> current = engine.users().provider(directory).getGroupMembersStream(realm, group).map(UserModel::getId)
            .collect(Collectors.toSet());
        Set<String> add = new HashSet<>(userIds);
        add.removeAll(current);
        Set<String> remove = new HashSet<>(current);
        remove.removeAll(userIds);
        return changeMembers(realm, directory, group, add, remove, run);
    }

    /** A source deleted a group (SCIM DELETE): the Keycloak group goes, its users stay. */
    public void delete(RealmModel realm, Directory directory, GroupModel group, SyncRuns.Run run) {
        ManagedGroupEntity g = requireOwned(directory, group);
        String name = g.getSourceName();
        EngineWrites.run(session, () -> {
            store.remove(g);
            realm.removeGroup(group);
        });
        runs.record(run, Outcome.DELETED, GROUP, name, group.getId(), "group deleted by the source");
    }

    /**
     * Rule 8: the admin removes a group from the directory. Members that are in no other group of the
     * directory go to the trash; the group becomes unmanaged, renamed "(formerly from ...)".
     */
    public void removeFromDirectory(RealmModel realm, Directory directory, GroupModel group) {
        ManagedGroupEntity g = requireOwned(directory, group);
        String sourceId = g.getExternalId();
        Set<String> otherGroups = store.managedGroups(directory.id()).stream()
            .map(ManagedGroupEntity::getGroupId).filter(id -> !id.equals(g.getGroupId())).collect(Collectors.toSet());
        SyncRuns.Run run = null; // an admin action: reported as an admin event by the admin API
        EngineWrites.run(session, () -> {
            List<UserModel> members = engine.users().provider(directory).getGroupMembersStream(realm, group).toList();
            for (UserModel user : members) {
                ManagedUserEntity m = store.managedUser(user.getId());
                if (m == null || !m.getDirectoryId().equals(directory.id()) || m.isTrashed()) {
                    continue;
                }
                boolean inAnother = user.getGroupsStream().anyMatch(other -> otherGroups.contains(other.getId()));
                if (!inAnother) {
                    engine.trash().put(realm, directory, user, m, "its group '" + g.getSourceName() + "' was removed from the directory", run);
                    DirectorySyncEngine.touchRevision(m);
                    engine.users().evictIfFederated(realm, directory, user);
                }
            }
            unmanage(realm, directory, g);
        });
        DirectoryTypes.provider(session, directory).groupRemoved(realm, directory, sourceId);
    }

    /**
     * Rule 8 for a pull directory whose settings were saved: a managed group whose external id is no longer among the
     * synced groups leaves the directory (its members in no other synced group go to the trash, the group is
     * unmanaged), as if the admin had removed it.
     *
     * @param syncedGroups the external ids of the synced groups, as the type reads them from the saved settings
     */
    public void removeUnsynced(RealmModel realm, Directory directory, Collection<String> syncedGroups, ExternalIds ids) {
        Set<String> synced = new HashSet<>();
        syncedGroups.forEach(g -> synced.add(ids.canonical(g)));
        for (ManagedGroup g : managedGroups(directory)) {
            if (g.externalId() != null && !synced.contains(ids.canonical(g.externalId()))) {
                GroupModel group = realm.getGroupById(g.groupId());
                if (group != null) {
                    removeFromDirectory(realm, directory, group);
                }
            }
        }
    }

    /**
     * After rule 8 removed a pull directory's group: its external id leaves the settings' {@code syncedGroups} too, or the
     * next sync would bring the group back.
     */
    public void dropFromSynced(RealmModel realm, Directory directory, String externalId, ExternalIds ids) {
        if (externalId == null) {
            return;
        }
        ObjectNode settings = directory.settings();
        ArrayNode kept = settings.arrayNode();
        String removed = ids.canonical(externalId);
        settings.path(SYNCED_GROUPS).forEach(g -> {
            if (!ids.canonical(g.asText()).equals(removed)) {
                kept.add(g);
            }
        });
        if (kept.size() == settings.path(SYNCED_GROUPS).size()) {
            return; // already out of the settings (the admin's update removed it)
        }
        settings.set(SYNCED_GROUPS, kept);
        engine.directories().update(realm, directory, null, settings);
    }

    void leaveGroupsOf(RealmModel realm, String directoryId, UserModel user) {
        Set<String> groups = store.managedGroups(directoryId).stream().map(ManagedGroupEntity::getGroupId)
            .collect(Collectors.toSet());
        for (GroupModel g : user.getGroupsStream().filter(g -> groups.contains(g.getId())).toList()) {
            user.leaveGroup(g);
        }
    }

    void unmanage(RealmModel realm, Directory directory, ManagedGroupEntity g) {
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

    private ManagedGroupEntity requireOwned(Directory directory, GroupModel group) {
        ManagedGroupEntity g = group == null ? null : store.managedGroup(group.getId());
        if (g == null || !g.getDirectoryId().equals(directory.id())) {
            throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND,
                "Group is not managed by directory \"" + directory.name() + "\"");
        }
        return g;
    }
}
