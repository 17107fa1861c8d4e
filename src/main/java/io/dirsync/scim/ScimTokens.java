package io.dirsync.scim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.storage.ScimToken;

/**
 * A SCIM directory's bearer token (SPEC §3.1): shown once, stored only as a SHA-256 hash, valid 90 days,
 * replaced by regeneration (the old one stops working at once). The token is the SCIM type's own credential, not a
 * rule's: it is kept through storage's token API ({@link DirSyncStore#replaceScimToken}, {@link ScimToken} views),
 * not through the engine, and this package never holds the entity.
 */
public final class ScimTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "dsync_";

    public enum Status { NONE, VALID, EXPIRED }

    /** A token as shown to the admin, once. */
    public record Issued(String token, long expiresAt) {
    }

    private final KeycloakSession session;
    private final DirSyncStore store;

    public ScimTokens(KeycloakSession session) {
        this.session = session;
        this.store = DirectorySyncEngine.of(session).store();
    }

    /** Replaces the directory's token with a new one. */
    public Issued issue(RealmModel realm, Directory directory) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        long now = Time.currentTimeMillis();
        ScimToken stored = store.replaceScimToken(realm.getId(), directory.id(), hash(token), now,
            now + DirectorySyncEngine.of(session).config().scimTokenLifetimeMillis());
        return new Issued(token, stored.expiresAt());
    }

    /** The token record a presented secret belongs to, if any (expired ones included). */
    public Optional<ScimToken> lookup(String presented) {
        if (presented == null || presented.isBlank() || presented.length() > 512) {
            return Optional.empty();
        }
        return store.scimTokenByHash(hash(presented.trim()));
    }

    public Optional<ScimToken> current(Directory directory) {
        return store.currentScimToken(directory.id());
    }

    public Status status(Directory directory) {
        return current(directory)
            .map(t -> t.expiresAt() > Time.currentTimeMillis() ? Status.VALID : Status.EXPIRED)
            .orElse(Status.NONE);
    }

    static String hash(String token) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
