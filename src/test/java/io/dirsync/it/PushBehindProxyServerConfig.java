package io.dirsync.it;

import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

import io.dirsync.endpoint.RealmEndpointProviderFactory;

/**
 * The suite's server behind a trusted reverse proxy ({@code proxy-headers=xforwarded}: Keycloak takes the client's
 * address from {@code X-Forwarded-For}), with a brute-force limit of 5 failures and one exempt range. A server of its
 * own (the framework restarts Keycloak for it), so one small class uses it: {@link PushBehindProxyTest}.
 */
public class PushBehindProxyServerConfig extends DirSyncServerConfig {

    static final int LIMIT = 5;
    static final String EXEMPT = "198.51.100.0/24";

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        return super.configure(config)
            .option("proxy-headers", "xforwarded")
            .spiOption("realm-restapi-extension", RealmEndpointProviderFactory.ID, "max-auth-failures", Integer.toString(LIMIT))
            .spiOption("realm-restapi-extension", RealmEndpointProviderFactory.ID, "auth-failure-exempt-addresses", EXEMPT);
    }
}
