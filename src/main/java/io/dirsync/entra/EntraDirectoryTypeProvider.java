package io.dirsync.entra;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ComponentRepresentation;

import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.DirectoryTypeProvider;

/**
 * An Entra ID directory's part of its life: its client secret (taken out of the settings, kept by the engine beside the
 * directory, never answered), its settings check, its synced groups, and the wizard's admin actions
 * ({@link EntraAdminActions}).
 */
final class EntraDirectoryTypeProvider implements DirectoryTypeProvider {

    private final KeycloakSession session;

    EntraDirectoryTypeProvider(KeycloakSession session) {
        this.session = session;
    }

    /**
     * Takes the client secret out of the settings and checks them. A missing, empty or masked ({@code **********})
     * secret keeps the stored one; a new directory needs one.
     */
    @Override
    public Secrets prepareSettings(RealmModel realm, ObjectNode settings, Directory existing) {
        String secret = settings.hasNonNull(EntraSync.CLIENT_SECRET) ? settings.get(EntraSync.CLIENT_SECRET).asText() : null;
        settings.remove(EntraSync.CLIENT_SECRET);
        EntraSettings.validate(settings, mappings(settings));
        String idp = EntraSettings.typed(settings).identityProvider;
        if (idp != null && session.identityProviders().getByAlias(idp) == null) {
            throw EntraSettings.invalid("settings.identityProvider: realm '" + realm.getName() + "' has no identity provider '"
                + idp + "' (Identity providers → add Microsoft, then name its alias here)");
        }
        if (unchanged(secret)) {
            if (existing == null) {
                throw EntraSettings.invalid("settings.clientSecret is required: the Value of a client secret of the app "
                    + "registration (Certificates & secrets)");
            }
            requireSameApp(EntraSettings.typed(settings), EntraSettings.of(existing));
            return Secrets.NONE;
        }
        return new Secrets(Map.of(EntraSync.CLIENT_SECRET, secret));
    }

    /**
     * The stored secret goes only where it was typed for: changing the tenant, client id, authority host or Graph
     * endpoint needs the secret again, or an admin who cannot read it could send it to a host of their choosing by
     * saving the settings and syncing.
     */
    static void requireSameApp(EntraSettings typed, EntraSettings saved) {
        if (!typed.tenantId.equalsIgnoreCase(saved.tenantId) || !typed.clientId.equalsIgnoreCase(saved.clientId)
                || !typed.authorityHost.equalsIgnoreCase(saved.authorityHost)
                || !typed.graphEndpoint.equalsIgnoreCase(saved.graphEndpoint)) {
            throw EntraSettings.invalid("settings.clientSecret: type the client secret again when changing the tenant, "
                + "client id, authority host or Graph endpoint (the stored secret is only sent where it was saved for)");
        }
    }

    static boolean unchanged(String secret) {
        return secret == null || secret.isEmpty() || ComponentRepresentation.SECRET_VALUE.equals(secret);
    }

    /** The mappings the settings carry, only to check their sources are Graph property names. */
    private static List<AttributeMapping> mappings(ObjectNode settings) {
        List<AttributeMapping> list = new java.util.ArrayList<>();
        for (JsonNode m : settings.path("mappings")) {
            String source = m.path("source").asText("");
            String target = m.path("target").asText("");
            if (!source.isBlank() && !target.isBlank()) {
                list.add(new AttributeMapping(source.trim(), target.trim()));
            }
        }
        return list;
    }

    @Override
    public void created(RealmModel realm, Directory directory, Secrets secrets) {
        DirectorySyncEngine.of(session).directories().keepSecrets(directory, secrets);
    }

    /** A new secret is kept; a group taken out of the synced groups leaves the directory as in rule 8. */
    @Override
    public void updated(RealmModel realm, Directory directory, Secrets secrets) {
        DirectorySyncEngine engine = DirectorySyncEngine.of(session);
        engine.directories().keepSecrets(directory, secrets);
        engine.groups().removeUnsynced(realm, directory, EntraSettings.of(directory).syncedGroups, EntraSettings.GROUP_IDS);
    }

    /** {@code "entra": {"clientSecretStored": true|false}}: whether a secret is kept; never the secret. */
    @Override
    public Map<String, Object> describe(RealmModel realm, Directory directory) {
        String stored = DirectorySyncEngine.of(session).directories().secret(directory, EntraSync.CLIENT_SECRET);
        Map<String, Object> entra = new HashMap<>();
        entra.put("clientSecretStored", stored != null && !stored.isEmpty());
        return Map.of("entra", entra);
    }

    @Override
    public List<String> adminActions() {
        return EntraAdminActions.ACTIONS;
    }

    /** {@code test-connection}, {@code search-groups}: see {@link EntraAdminActions}. */
    @Override
    public Object adminAction(RealmModel realm, String action, ObjectNode body, Directory existing) {
        return new EntraAdminActions(session).run(action, body, existing);
    }

    /** The group's object id leaves the synced groups too, or the next sync would bring the group back. */
    @Override
    public void groupRemoved(RealmModel realm, Directory directory, String groupId) {
        DirectorySyncEngine.of(session).groups().dropFromSynced(realm, directory, groupId, EntraSettings.GROUP_IDS);
    }
}
