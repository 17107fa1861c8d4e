package io.dirsync.duo;

import org.keycloak.Config;
import org.keycloak.common.util.Environment;

/**
 * Server options of the Duo Admin API type ({@code --spi-dirsync-directory-type--duo-admin-api--<name>}).
 *
 * @param keyEncryptionKey   encrypts the directories' secret keys in the database (AES-GCM); kept outside it, the same on
 *                           every node, so that a dump alone does not reveal a usable secret key. Required in production
 * @param rateLimitPerMinute requests per integration key per minute on one node before 429 {@code 42901}; 0: no limit
 * @param clockSkewSeconds   how far a request's {@code Date} may be from Keycloak's clock
 */
record DuoConfig(String keyEncryptionKey, int rateLimitPerMinute, int clockSkewSeconds, boolean devMode) {

    static final String KEY_OPTION = "--spi-dirsync-directory-type--" + DuoDirectoryTypeFactory.ID
        + "--secret-key-encryption-key";

    static DuoConfig from(Config.Scope scope) {
        String kek = scope.get("secret-key-encryption-key");
        return new DuoConfig(kek == null || kek.isBlank() ? null : kek, scope.getInt("rate-limit-per-minute", 6000),
            scope.getInt("clock-skew-seconds", 300), Environment.isDevMode());
    }
}
