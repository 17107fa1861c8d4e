package io.dirsync.entra;

import java.util.Map;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;

/**
 * How the app registration proves itself at the token endpoint: its client secret, or a JWT signed with the private key
 * of a certificate registered on the app ({@link ClientCertificate}).
 */
interface AppCredential {

    /** {@code settings.clientCredential}: which credential a directory uses. */
    String SECRET = "secret";
    String CERTIFICATE = "certificate";

    /** The form parameters that authenticate one token request to {@code tokenUrl} (a certificate signs a new JWT each time). */
    Map<String, String> tokenParameters(String clientId, String tokenUrl);

    static AppCredential secret(String secret) {
        return (clientId, tokenUrl) -> Map.of("client_secret", secret == null ? "" : secret);
    }

    /**
     * The credential a saved directory stored. A stored key that no longer reads (never expected: it was checked when
     * saved) fails the token request with the reason, as a wrong secret would.
     */
    static AppCredential stored(DirectorySyncEngine engine, Directory directory) {
        EntraSettings settings = EntraSettings.of(directory);
        if (!settings.usesCertificate()) {
            return secret(engine.directories().secret(directory, EntraSync.CLIENT_SECRET));
        }
        try {
            return ClientCertificate.of(settings.certificate,
                engine.directories().secret(directory, ClientCertificate.PRIVATE_KEY));
        } catch (RuntimeException e) {
            String reason = e.getMessage();
            return (clientId, tokenUrl) -> {
                throw new GraphClient.GraphException(0, "credential", "The stored certificate credential cannot be used: "
                    + reason);
            };
        }
    }
}
