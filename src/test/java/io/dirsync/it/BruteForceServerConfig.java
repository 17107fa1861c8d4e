package io.dirsync.it;

import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

/**
 * The suite's server behind a trusted proxy ({@code proxy-headers=xforwarded}: Keycloak takes the client address from
 * {@code X-Forwarded-For}), with the push APIs' brute-force limit low enough to reach in a test (5 failures per address
 * per 60 s instead of 30). A server of its own (the framework restarts Keycloak for it), used by
 * {@link PushBruteForceTest} only.
 */
public class BruteForceServerConfig extends DirSyncServerConfig {

    static final int MAX_FAILURES = 5;

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        return super.configure(config)
            .option("proxy-headers", "xforwarded")
            .spiOption("realm-restapi-extension", "dirsync", "max-auth-failures", Integer.toString(MAX_FAILURES))
            .spiOption("realm-restapi-extension", "dirsync", "auth-failure-window-seconds", "60");
    }
}
