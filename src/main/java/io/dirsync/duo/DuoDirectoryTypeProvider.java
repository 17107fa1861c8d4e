package io.dirsync.duo;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import io.dirsync.engine.AdminRoleSets;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectoryStatus;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.DirectoryTypeProvider;
import io.dirsync.engine.SyncConflictException;

/** A Duo Admin API directory's part of its life: its API host name, admin role, keys and connection status. */
final class DuoDirectoryTypeProvider implements DirectoryTypeProvider {

    /** A DNS host name (labels of letters, digits and hyphens), lower-cased. */
    private static final Pattern HOST_NAME =
        Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private final KeycloakSession session;
    private final DuoConfig config;
    private final DuoRateLimit rateLimit;

    DuoDirectoryTypeProvider(KeycloakSession session, DuoConfig config, DuoRateLimit rateLimit) {
        this.session = session;
        this.config = config;
        this.rateLimit = rateLimit;
    }

    /**
     * {@code apiHostname} is a host name (lower-cased); {@code adminRole} one of rule 12's roles (default read-only: a
     * provisioning credential makes no stronger administrator unless an admin chose so); mappings default to Duo's
     * fields (aliases 1-8, real name, phones, notes) when a new directory names none, and an update that names none
     * keeps the directory's.
     */
    @Override
    public Secrets prepareSettings(RealmModel realm, ObjectNode settings, Directory existing) {
        String host = settings.hasNonNull(DuoDirectoryTypeFactory.API_HOSTNAME_SETTING)
            ? settings.get(DuoDirectoryTypeFactory.API_HOSTNAME_SETTING).asText().trim().toLowerCase(Locale.ROOT) : null;
        if (host != null) {
            if (!HOST_NAME.matcher(host).matches()) {
                throw new SyncConflictException(SyncConflictException.Kind.INVALID, "settings."
                    + DuoDirectoryTypeFactory.API_HOSTNAME_SETTING + " must be a host name such as duo-api.example.com"
                    + " (no scheme, port or path), not '" + host + "'");
            }
            settings.put(DuoDirectoryTypeFactory.API_HOSTNAME_SETTING, host);
        } else if (existing != null && existing.setting(DuoDirectoryTypeFactory.API_HOSTNAME_SETTING) != null) {
            settings.put(DuoDirectoryTypeFactory.API_HOSTNAME_SETTING, existing.setting(DuoDirectoryTypeFactory.API_HOSTNAME_SETTING));
        }
        String role = settings.hasNonNull(DuoDirectoryTypeFactory.ADMIN_ROLE_SETTING)
            ? settings.get(DuoDirectoryTypeFactory.ADMIN_ROLE_SETTING).asText()
            : existing != null && existing.setting(DuoDirectoryTypeFactory.ADMIN_ROLE_SETTING) != null
                ? existing.setting(DuoDirectoryTypeFactory.ADMIN_ROLE_SETTING) : DuoDirectoryTypeFactory.DEFAULT_ADMIN_ROLE;
        settings.put(DuoDirectoryTypeFactory.ADMIN_ROLE_SETTING, AdminRoleSets.Role.parse(role).id());
        if (!settings.has("mappings")) {
            if (existing != null) {
                settings.set("mappings", existing.settings().path("mappings").deepCopy());
            } else {
                ArrayNode mappings = settings.putArray("mappings");
                DuoUsers.DEFAULT_MAPPINGS.forEach((source, target) -> mappings.addObject().put("source", source).put("target", target));
            }
        }
        return Secrets.NONE;
    }

    /** {@code {directoryId}/duo/admin}: the directory's Admin API ({@code v1/...}, {@code v2/...} below it). */
    @Override
    public Object endpoint(String directoryId, String api, String version) {
        return DuoEndpoint.API.equals(api) && DuoEndpoint.ADMIN.equals(version)
            ? new DuoEndpoint(session, directoryId, config, rateLimit) : null;
    }

    /** The API host name, a new integration key and secret key (the previous pair stops working at once), shown once. */
    @Override
    public Optional<Map<String, Object>> issueCredentials(RealmModel realm, Directory directory) {
        String host = directory.setting(DuoDirectoryTypeFactory.API_HOSTNAME_SETTING);
        if (host == null) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "Directory \"" + directory.name()
                + "\" has no settings." + DuoDirectoryTypeFactory.API_HOSTNAME_SETTING
                + ": set the host name your reverse proxy maps to its endpoint first (clients sign requests for it)");
        }
        DuoKeys.Issued issued = new DuoKeys(DirectorySyncEngine.of(session), config).issue(directory);
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("apiHostname", host);
        credentials.put("integrationKey", issued.integrationKey());
        credentials.put("secretKey", issued.secretKey());
        credentials.put("expiresAt", issued.expiresAt());
        credentials.put("endpoint", DuoEndpoint.baseUrl(session, realm, directory));
        return Optional.of(credentials);
    }

    /** Host name, integration key (never the secret key), expiry and connection; the proxy's target. */
    @Override
    public Map<String, Object> describe(RealmModel realm, Directory directory) {
        DuoKeys keys = new DuoKeys(DirectorySyncEngine.of(session), config);
        Long expiresAt = keys.expiresAt(directory);
        boolean expired = expiresAt != null && expiresAt <= Time.currentTimeMillis();
        Map<String, Object> duo = new LinkedHashMap<>();
        duo.put("apiHostname", directory.setting(DuoDirectoryTypeFactory.API_HOSTNAME_SETTING));
        duo.put("endpoint", DuoEndpoint.baseUrl(session, realm, directory));
        duo.put("integrationKey", keys.integrationKey(directory));
        duo.put("keysStatus", expiresAt == null ? "none" : expired ? "expired" : "valid");
        duo.put("expiresAt", expiresAt);
        duo.put("adminRole", directory.setting(DuoDirectoryTypeFactory.ADMIN_ROLE_SETTING));
        duo.put("lastRequestAt", directory.lastRequestAt());
        duo.put("connection", directory.status() == DirectoryStatus.DRAFT ? "setup not completed"
            : expired ? "keys expired"
            : directory.lastRequestAt() == null ? "waiting for the first request" : "connected");
        return Map.of("duo", duo);
    }
}
