package io.dirsync.engine;

import java.util.Optional;

import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.DirectoryEntity;
import io.dirsync.storage.ManagedGroupEntity;
import io.dirsync.storage.ManagedUserEntity;

/**
 * What admins may not do to synced data (rules 4 and 6), asked by the validators and {@link ModelGuard}: change a
 * mapped attribute or a trashed user, change a managed group's members or name, delete a managed user.
 */
public final class Guards {

    private final DirectorySyncEngine engine;
    private final KeycloakSession session;
    private final DirSyncStore store;

    Guards(DirectorySyncEngine engine, KeycloakSession session) {
        this.engine = engine;
        this.session = session;
        this.store = engine.store();
    }

    /** The directory that owns a user, if any. */
    public Optional<Directory> ownerOf(UserModel user) {
        ManagedUserEntity m = store.managedUser(user.getId());
        if (m == null) {
            return Optional.empty();
        }
        DirectoryEntity d = store.find(DirectoryEntity.class, m.getDirectoryId());
        return d == null ? Optional.empty() : Optional.of(engine.directories().view(d));
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
        if (engine.trash().contains(user)) {
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
        if (owner.isEmpty() || engine.trash().contains(user)) {
            return Optional.empty();
        }
        return Optional.of("User '" + user.getUsername() + "' is managed by directory \"" + owner.get().name()
            + "\" and cannot be deleted while the directory manages it; remove it in the source directory "
            + "(it then goes to the trash) or delete the directory");
    }
}
