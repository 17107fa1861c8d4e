package io.dirsync.duo;

import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

import io.dirsync.engine.DirectoryTypeSpi;
import io.dirsync.it.DirSyncServerConfig;

/**
 * The suite's server with a Duo Admin API rate limit low enough to reach in a test (20 requests per integration key
 * per minute instead of 6000). A server of its own (the framework restarts Keycloak for it), so one small class uses it:
 * {@link DuoRateLimitTest}.
 */
public class DuoRateLimitServerConfig extends DirSyncServerConfig {

    static final int LIMIT = 20;

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        return super.configure(config)
            .spiOption(DirectoryTypeSpi.NAME, DuoDirectoryTypeFactory.ID, "rate-limit-per-minute", Integer.toString(LIMIT));
    }
}
