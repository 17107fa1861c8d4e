package io.dirsync.scim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectoryStatus;
import io.dirsync.engine.DirectoryTypeProvider;
import io.dirsync.engine.SyncConflictException;
import io.dirsync.storage.ScimToken;

/** A SCIM directory's part of its life: the client's name, its bearer token, its connection status. */
final class ScimDirectoryTypeProvider implements DirectoryTypeProvider {

    private final KeycloakSession session;

    ScimDirectoryTypeProvider(KeycloakSession session) {
        this.session = session;
    }

    /**
     * The client defaults to Okta, and keeps the one it had when an update does not name it; the switches are
     * booleans.
     */
    @Override
    public Secrets prepareSettings(RealmModel realm, ObjectNode settings, Directory existing) {
        for (String flag : List.of(ScimDirectoryTypeFactory.STRICT_EMAILS_SETTING,
                ScimDirectoryTypeFactory.ACCEPT_PASSWORDS_SETTING)) {
            if (settings.has(flag) && !settings.get(flag).isNull() && !settings.get(flag).isBoolean()) {
                throw new SyncConflictException(SyncConflictException.Kind.INVALID,
                    "settings." + flag + " must be true or false");
            }
        }
        if (!settings.hasNonNull(ScimDirectoryTypeFactory.PROVIDER_SETTING)) {
            String kept = existing == null ? null : existing.setting(ScimDirectoryTypeFactory.PROVIDER_SETTING);
            settings.put(ScimDirectoryTypeFactory.PROVIDER_SETTING, kept == null ? "okta" : kept);
        }
        return Secrets.NONE;
    }

    /** {@code {directoryId}/scim/v2}: the directory's SCIM endpoint. */
    @Override
    public Object endpoint(String directoryId, String api, String version) {
        return ScimUrls.API.equals(api) && ScimUrls.VERSION.equals(version) ? new ScimEndpoint(session, directoryId) : null;
    }

    /** The Base URL and a new bearer token (the previous one stops working at once), shown once. */
    @Override
    public Optional<Map<String, Object>> issueCredentials(RealmModel realm, Directory directory) {
        ScimTokens.Issued issued = new ScimTokens(session).issue(realm, directory);
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("baseUrl", ScimUrls.baseUrl(session, realm, directory));
        credentials.put("token", issued.token());
        credentials.put("expiresAt", issued.expiresAt());
        return Optional.of(credentials);
    }

    @Override
    public Map<String, Object> describe(RealmModel realm, Directory directory) {
        ScimTokens tokens = new ScimTokens(session);
        ScimTokens.Status tokenStatus = tokens.status(directory);
        Map<String, Object> scim = new LinkedHashMap<>();
        scim.put("baseUrl", ScimUrls.baseUrl(session, realm, directory));
        scim.put("tokenStatus", tokenStatus.name().toLowerCase());
        scim.put("tokenExpiresAt", tokens.current(directory).map(ScimToken::expiresAt).orElse(null));
        scim.put("lastRequestAt", directory.lastRequestAt());
        scim.put("connection", directory.status() == DirectoryStatus.DRAFT ? "setup not completed"
            : tokenStatus == ScimTokens.Status.EXPIRED ? "token expired"
            : directory.lastRequestAt() == null ? "waiting for the first request" : "connected");
        return Map.of("scim", scim);
    }
}
