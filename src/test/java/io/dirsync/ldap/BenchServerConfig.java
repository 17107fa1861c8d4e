package io.dirsync.ldap;

import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

import io.dirsync.it.DirSyncServerConfig;

/**
 * The suite's server, with request transactions long enough for Keycloak's own LDAP sync of a large directory
 * (the benchmark's anchor runs in the REST request that starts it; at 100,000 users it outlives the default
 * 5 minutes, and Keycloak then rolls the request back and answers 400).
 */
public class BenchServerConfig extends DirSyncServerConfig {

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        return super.configure(config).option("transaction-default-timeout", "3600");
    }
}
