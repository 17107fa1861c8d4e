package io.dirsync.entra;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
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
 * An Entra ID directory's part of its life: its credential (the client secret or a certificate's private key, taken out
 * of the settings, kept by the engine beside the directory, never answered), its settings check, its synced groups, and the wizard's admin actions
 * ({@link EntraAdminActions}).
 */
final class EntraDirectoryTypeProvider implements DirectoryTypeProvider {

    private final KeycloakSession session;

    EntraDirectoryTypeProvider(KeycloakSession session) {
        this.session = session;
    }

    /**
     * Takes the write-only credential (client secret, or a certificate's private key) out of the settings and checks
     * them. A missing, empty or masked ({@code **********}) one keeps the stored one; a new directory, or one switching
     * credential, needs one. A certificate is checked with its key (readable, RSA of 2048 bits or more, the key is the
     * certificate's, in date) and kept in the settings in PEM; the key is kept beside the directory.
     */
    @Override
    public Secrets prepareSettings(RealmModel realm, ObjectNode settings, Directory existing) {
        String secret = writeOnly(settings, EntraSync.CLIENT_SECRET);
        String privateKey = writeOnly(settings, ClientCertificate.PRIVATE_KEY);
        EntraSettings.validate(settings, mappings(settings));
        EntraSettings typed = EntraSettings.typed(settings);
        String idp = typed.identityProvider;
        if (idp != null && session.identityProviders().getByAlias(idp) == null) {
            throw EntraSettings.invalid("settings.identityProvider: realm '" + realm.getName() + "' has no identity provider '"
                + idp + "' (Identity providers → add Microsoft, then name its alias here)");
        }
        if (typed.usesCertificate()) {
            return certificate(settings, typed, privateKey, existing);
        }
        settings.remove("certificate");
        if (unchanged(secret)) {
            if (existing == null || stored(existing, EntraSync.CLIENT_SECRET) == null) {
                throw EntraSettings.invalid("settings.clientSecret is required: the Value of a client secret of the app "
                    + "registration (Certificates & secrets)");
            }
            requireSameApp(typed, EntraSettings.of(existing));
            return Secrets.NONE;
        }
        // the other credential is forgotten, so that a directory holds only what it signs in with
        return new Secrets(Map.of(EntraSync.CLIENT_SECRET, secret, ClientCertificate.PRIVATE_KEY, ""));
    }

    private Secrets certificate(ObjectNode settings, EntraSettings typed, String privateKey, Directory existing) {
        X509Certificate certificate = ClientCertificate.certificate(typed.certificate);
        PrivateKey key;
        if (unchanged(privateKey)) {
            String stored = existing == null ? null : stored(existing, ClientCertificate.PRIVATE_KEY);
            if (stored == null) {
                throw EntraSettings.invalid("settings.privateKey is required with clientCredential \"certificate\": the PEM "
                    + "private key of the certificate (-----BEGIN PRIVATE KEY----- ...)");
            }
            requireSameApp(typed, EntraSettings.of(existing));
            key = ClientCertificate.privateKey(stored);
        } else {
            key = ClientCertificate.privateKey(privateKey);
        }
        ClientCertificate.check(certificate, key, System.currentTimeMillis());
        settings.put("certificate", ClientCertificate.pem(certificate));
        return unchanged(privateKey) ? Secrets.NONE
            : new Secrets(Map.of(ClientCertificate.PRIVATE_KEY, ClientCertificate.pem(key), EntraSync.CLIENT_SECRET, ""));
    }

    /** Removes a write-only value from the settings and answers it (null when absent). */
    private static String writeOnly(ObjectNode settings, String name) {
        String value = settings.hasNonNull(name) ? settings.get(name).asText() : null;
        settings.remove(name);
        return value;
    }

    /** A stored secret of the directory, null when none (or forgotten). */
    private String stored(Directory directory, String name) {
        String v = DirectorySyncEngine.of(session).directories().secret(directory, name);
        return v == null || v.isEmpty() ? null : v;
    }

    /**
     * The stored credential goes only where it was typed for: changing the tenant, client id, authority host or Graph
     * endpoint needs the secret (or private key) again, or an admin who cannot read it could send it (or assertions
     * signed with it) to a host of their choosing by saving the settings and syncing.
     */
    static void requireSameApp(EntraSettings typed, EntraSettings saved) {
        if (!typed.tenantId.equalsIgnoreCase(saved.tenantId) || !typed.clientId.equalsIgnoreCase(saved.clientId)
                || !typed.authorityHost.equalsIgnoreCase(saved.authorityHost)
                || !typed.graphEndpoint.equalsIgnoreCase(saved.graphEndpoint)) {
            String what = typed.usesCertificate() ? "settings.privateKey: send the private key" : "settings.clientSecret: type the client secret";
            throw EntraSettings.invalid(what + " again when changing the tenant, client id, authority host or Graph "
                + "endpoint (the stored one is only used where it was saved for)");
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

    /**
     * {@code "entra": {"clientCredential", "clientSecretStored", "privateKeyStored", "certificate": {thumbprint,
     * thumbprintSha256, subject, issuer, notBefore, notAfter, expired}}}: what is kept; never a secret or key.
     */
    @Override
    public Map<String, Object> describe(RealmModel realm, Directory directory) {
        EntraSettings settings = EntraSettings.of(directory);
        Map<String, Object> entra = new HashMap<>();
        entra.put("clientCredential", settings.clientCredential);
        entra.put("clientSecretStored", stored(directory, EntraSync.CLIENT_SECRET) != null);
        entra.put("privateKeyStored", stored(directory, ClientCertificate.PRIVATE_KEY) != null);
        if (settings.usesCertificate() && settings.certificate != null) {
            try {
                entra.put("certificate", ClientCertificate.describe(ClientCertificate.certificate(settings.certificate)));
            } catch (RuntimeException e) {
                entra.put("certificate", Map.of("error", String.valueOf(e.getMessage())));
            }
        }
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
