package io.dirsync.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.AdminRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * Rule 2's guard: the existing accounts a directory never claims by itself, whether it adopts an unmanaged user
 * or takes a user over from a paused directory. Administrators (any {@code realm-management} role, directly,
 * through a composite or a group; in {@code master} the {@code admin} and {@code create-realm} roles and the realms'
 * admin clients), service accounts, and accounts that sign in through another user-storage provider or an identity
 * provider. A provisioning credential (a SCIM token, a directory's bind) must never be a way into such an account;
 * the directory's setting {@code adoptPrivilegedUsers} (off by default) lets an admin allow it.
 */
final class AdoptionGuard {

    /** Directory setting that lets the directory claim privileged accounts too. */
    static final String SETTING = "adoptPrivilegedUsers";

    private final KeycloakSession session;

    AdoptionGuard(KeycloakSession session) {
        this.session = session;
    }

    /**
     * Why {@code directory} may not claim {@code user}, or empty when it may.
     *
     * @param ownerLink the federation link of the paused directory the user is taken over from, or null: the user is
     *                  already linked to it, which is no reason to refuse a migration (rule 1)
     */
    Optional<SyncConflictException> refusal(RealmModel realm, Directory directory, UserModel user, String ownerLink) {
        if (directory.adoptsPrivilegedUsers()) {
            return Optional.empty();
        }
        return reason(realm, directory, user, ownerLink).map(why -> new SyncConflictException(
            SyncConflictException.Kind.PRIVILEGED,
            "User '" + user.getUsername() + "' already exists in the realm and directory \"" + directory.name()
                + "\" may not take it over: it " + why + ". A directory does not claim administrators, service accounts"
                + " or accounts that sign in through another provider unless its setting \"adopt privileged users\" ("
                + SETTING + ") is on; otherwise rename or remove the existing account",
            user.getUsername()));
    }

    private Optional<String> reason(RealmModel realm, Directory directory, UserModel user, String ownerLink) {
        if (user.getServiceAccountClientLink() != null) {
            ClientModel client = realm.getClientById(user.getServiceAccountClientLink());
            return Optional.of("is the service account of client '"
                + (client == null ? user.getServiceAccountClientLink() : client.getClientId()) + "'");
        }
        String link = user.getFederationLink();
        if (link != null && !link.equals(directory.federationLink()) && !link.equals(ownerLink)) {
            ComponentModel provider = realm.getComponent(link);
            return Optional.of("signs in through user federation provider '" + (provider == null ? link : provider.getName()) + "'");
        }
        Optional<String> idp = session.users().getFederatedIdentitiesStream(realm, user)
            .map(FederatedIdentityModel::getIdentityProvider).findFirst();
        if (idp.isPresent()) {
            return Optional.of("is linked to identity provider '" + idp.get() + "'");
        }
        return administrativeRole(realm, user);
    }

    /**
     * The first administrative role the user holds, with the way it holds it, walking its role mappings and its groups'
     * (parents included) through composites.
     */
    private Optional<String> administrativeRole(RealmModel realm, UserModel user) {
        record Held(RoleModel role, String via) {
        }
        Deque<Held> todo = new ArrayDeque<>();
        user.getRoleMappingsStream().forEach(r -> todo.add(new Held(r, null)));
        user.getGroupsStream().forEach(group -> {
            for (GroupModel g = group; g != null; g = g.getParent()) {
                String via = "group '" + g.getName() + "'";
                g.getRoleMappingsStream().forEach(r -> todo.add(new Held(r, via)));
            }
        });
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Held held = todo.poll();
            if (!seen.add(held.role().getId())) {
                continue;
            }
            if (isAdministrative(realm, held.role())) {
                return Optional.of("holds the administrative role " + describe(held.role())
                    + (held.via() == null ? "" : " through " + held.via()));
            }
            if (held.role().isComposite()) {
                String via = held.via() != null ? held.via() : "role " + describe(held.role());
                held.role().getCompositesStream().forEach(r -> todo.add(new Held(r, via)));
            }
        }
        return Optional.empty();
    }

    private boolean isAdministrative(RealmModel realm, RoleModel role) {
        boolean master = Objects.equals(realm.getName(), Config.getAdminRealm());
        if (role.getContainer() instanceof ClientModel client) {
            if (Constants.REALM_MANAGEMENT_CLIENT_ID.equals(client.getClientId())) {
                return true;
            }
            // In master, each realm has an admin client named "<realm>-realm" whose roles administer that realm.
            String clientId = client.getClientId();
            if (master && clientId != null && clientId.endsWith("-realm")) {
                RealmModel administered = session.realms().getRealmByName(clientId.substring(0, clientId.length() - "-realm".length()));
                return administered != null && administered.getMasterAdminClient() != null
                    && client.getId().equals(administered.getMasterAdminClient().getId());
            }
            return false;
        }
        return master && (AdminRoles.ADMIN.equals(role.getName()) || AdminRoles.CREATE_REALM.equals(role.getName()));
    }

    private static String describe(RoleModel role) {
        return role.getContainer() instanceof ClientModel client
            ? "'" + role.getName() + "' of client '" + client.getClientId() + "'"
            : "'" + role.getName() + "'";
    }
}
