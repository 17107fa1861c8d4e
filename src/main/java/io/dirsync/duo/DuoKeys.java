package io.dirsync.duo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.keycloak.common.util.Time;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.DirectoryTypeProvider;
import io.dirsync.engine.SyncConflictException;

/**
 * A Duo Admin API directory's credentials: an integration key ({@code DI} + 18 upper-case alphanumerics) and a secret
 * key (40 characters), both from {@link SecureRandom}, shown once, valid as long as a SCIM token (90 days), replaced by
 * regeneration (the old pair stops at once). HMAC verification needs the secret key itself, so it is stored encrypted
 * (AES-256-GCM, the directory id and integration key as associated data) with a key-encryption key from a server option
 * ({@link DuoConfig#keyEncryptionKey}), beside the directory in the engine's secrets ({@code directories().keepSecrets}),
 * never in its settings, a representation or an event.
 */
final class DuoKeys {

    static final String IKEY = "duo.integrationKey";
    static final String SKEY = "duo.secretKey";
    static final String EXPIRES_AT = "duo.expiresAt";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String ALNUM = UPPER_ALNUM + "abcdefghijklmnopqrstuvwxyz";
    /** Stored forms: encrypted with the option's key, or (development mode without the option) with a fixed one. */
    private static final String WITH_OPTION = "kek1:";
    private static final String DEVELOPMENT = "dev1:";

    /** Credentials as shown to the admin, once. */
    record Issued(String integrationKey, String secretKey, long expiresAt) {
    }

    /** What a request is checked against. */
    record Current(String integrationKey, byte[] secretKey, long expiresAt) {
    }

    private final DirectorySyncEngine engine;
    private final DuoConfig config;

    DuoKeys(DirectorySyncEngine engine, DuoConfig config) {
        this.engine = engine;
        this.config = config;
    }

    Issued issue(Directory directory) {
        if (config.keyEncryptionKey() == null && !config.devMode()) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "No key to protect the secret key: set "
                + DuoConfig.KEY_OPTION + " (the same on every node) and restart; in production Keycloak issues no Duo"
                + " secret key without it, since the database alone must not reveal one");
        }
        String ikey = "DI" + random(UPPER_ALNUM, 18);
        String skey = random(ALNUM, 40);
        long expiresAt = Time.currentTimeMillis() + engine.config().scimTokenLifetimeMillis();
        engine.directories().keepSecrets(directory, new DirectoryTypeProvider.Secrets(Map.of(IKEY, ikey,
            SKEY, encrypt(directory.id(), ikey, skey), EXPIRES_AT, Long.toString(expiresAt))));
        return new Issued(ikey, skey, expiresAt);
    }

    /** The directory's current credentials, or null before setup was completed. */
    Current current(Directory directory) {
        String ikey = engine.directories().secret(directory, IKEY);
        String sealed = engine.directories().secret(directory, SKEY);
        String expires = engine.directories().secret(directory, EXPIRES_AT);
        if (ikey == null || sealed == null || expires == null) {
            return null;
        }
        return new Current(ikey, decrypt(directory.id(), ikey, sealed).getBytes(StandardCharsets.UTF_8),
            Long.parseLong(expires));
    }

    String integrationKey(Directory directory) {
        return engine.directories().secret(directory, IKEY);
    }

    Long expiresAt(Directory directory) {
        String expires = engine.directories().secret(directory, EXPIRES_AT);
        return expires == null ? null : Long.parseLong(expires);
    }

    private static String random(String alphabet, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private String encrypt(String directoryId, String ikey, String skey) {
        boolean withOption = config.keyEncryptionKey() != null;
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key(withOption), new GCMParameterSpec(128, iv));
            cipher.updateAAD((directoryId + ":" + ikey).getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(skey.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return (withOption ? WITH_OPTION : DEVELOPMENT) + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String decrypt(String directoryId, String ikey, String stored) {
        boolean withOption = stored.startsWith(WITH_OPTION);
        if (withOption && config.keyEncryptionKey() == null) {
            throw new IllegalStateException("The Duo secret key of directory " + directoryId + " was encrypted with "
                + DuoConfig.KEY_OPTION + ", which is not set on this node");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(stored.indexOf(':') + 1));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key(withOption), new GCMParameterSpec(128, in, 0, 12));
            cipher.updateAAD((directoryId + ":" + ikey).getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The Duo secret key of directory " + directoryId + " cannot be decrypted"
                + " (another " + DuoConfig.KEY_OPTION + " than when it was issued?); regenerate the keys", e);
        }
    }

    private SecretKeySpec key(boolean withOption) throws GeneralSecurityException {
        String material = withOption ? "dirsync-duo-kek:" + config.keyEncryptionKey() : "dirsync-duo-development-key";
        return new SecretKeySpec(MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8)), "AES");
    }
}
