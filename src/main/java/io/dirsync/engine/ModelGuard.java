package io.dirsync.engine;

import java.util.Optional;

import jakarta.ws.rs.core.Response;

import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;
import org.keycloak.services.ErrorResponse;

import io.dirsync.storage.DirectoryEntity;
import io.dirsync.storage.ManagedGroupEntity;

/**
 * Keycloak's model events, seen from the rules: refuses what only a sync may do when anything else tries it
 * (the admin console, the Admin REST API, realm import), and clears the extension's rows of what Keycloak
 * deletes. Refusals surface as a 400 whose message names the owning directory.
 */
final class ModelGuard implements ProviderEventListener {

    @Override
    public void onEvent(ProviderEvent event) {
        if (event instanceof GroupModel.GroupMemberJoinEvent e) {
            refuseIfPresent(engine(e.getKeycloakSession()).guards().groupReadOnlyReason(e.getGroup()));
            engine(e.getKeycloakSession()).statuses().membershipChanging(e.getRealm(), e.getUser(), e.getGroup(), true);
        } else if (event instanceof GroupModel.GroupMemberLeaveEvent e) {
            refuseIfPresent(engine(e.getKeycloakSession()).guards().groupReadOnlyReason(e.getGroup()));
            engine(e.getKeycloakSession()).statuses().membershipChanging(e.getRealm(), e.getUser(), e.getGroup(), false);
        } else if (event instanceof GroupModel.GroupUpdatedEvent e) {
            guardRename(e.getKeycloakSession(), e.getRealm(), e.getGroup(), e.getGroup().getName());
        } else if (event instanceof GroupModel.GroupPathChangeEvent e) {
            guardRename(e.getKeycloakSession(), e.getRealm(), e.getGroup(), lastSegment(e.getNewPath()));
        } else if (event instanceof GroupModel.GroupRemovedEvent e) {
            DirectorySyncEngine engine = engine(e.getKeycloakSession());
            refuseIfPresent(engine.guards().groupReadOnlyReason(e.getGroup()));
            engine.store().remove(engine.store().managedGroup(e.getGroup().getId()));
            engine.store().remove(engine.store().status(e.getGroup().getId()));
        } else if (event instanceof UserModel.UserPreRemovedEvent e) {
            DirectorySyncEngine engine = engine(e.getKeycloakSession());
            refuseIfPresent(engine.guards().deleteRefusal(e.getUser()));
            engine.store().deleteUserData(e.getUser().getId());
        } else if (event instanceof UserModel.UserRemovedEvent e) {
            refuseRemovalPastTheGuard(e.getKeycloakSession(), e.getUser());
        } else if (event instanceof RealmModel.RealmRemovedEvent e) {
            engine(e.getKeycloakSession()).store().deleteRealmData(e.getRealm().getId());
        }
    }

    private static void guardRename(KeycloakSession session, RealmModel realm, GroupModel group, String newName) {
        DirectorySyncEngine engine = engine(session);
        if (EngineWrites.inProgress(session)) {
            return;
        }
        ManagedGroupEntity g = engine.store().managedGroup(group.getId());
        if (g == null) {
            return;
        }
        DirectoryEntity d = engine.store().find(DirectoryEntity.class, g.getDirectoryId());
        if (d != null && !engine.directories().view(d).managedGroupName(g.getSourceName()).equals(newName)) {
            refuseIfPresent(engine.guards().groupReadOnlyReason(group));
        }
    }

    /**
     * A directory's user removed without the pre-remove event above (its row is still there) rolls the request back.
     * Keycloak's LDAP provider does that when a user signs in by Kerberos and it cannot find the user's entry in scope:
     * it deletes the account straight from Keycloak's local storage to re-create it ("will re-create user"), so a
     * trashed user would lose its account past the trash. The sign-in fails as for a disabled account.
     */
    private static void refuseRemovalPastTheGuard(KeycloakSession session, UserModel user) {
        if (EngineWrites.inProgress(session) || engine(session).store().managedUser(user.getId()) == null) {
            return;
        }
        session.getTransactionManager().setRollbackOnly();
        String why = "User '" + user.getUsername() + "' of a directory leaves through its sync and the trash only";
        if (session.getContext().getAuthenticationSession() != null) {
            throw new UserRemovalRefused(why, user.getId());
        }
        throw new ModelException(why);
    }

    private static String lastSegment(String path) {
        return path == null ? null : path.substring(path.lastIndexOf('/') + 1);
    }

    private static DirectorySyncEngine engine(KeycloakSession session) {
        return DirectorySyncEngine.of(session);
    }

    private static void refuseIfPresent(Optional<String> reason) {
        if (reason.isPresent()) {
            throw ErrorResponse.error(reason.get(), Response.Status.BAD_REQUEST);
        }
    }
}
