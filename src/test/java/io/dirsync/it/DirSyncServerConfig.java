package io.dirsync.it;

import org.keycloak.testframework.server.KeycloakServerConfig;
import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

/**
 * The one server configuration of the integration suite (one shared Keycloak 26.7.3 for all classes): the
 * extension under test with its bundled SCIM library, and a trash purge that runs every 2 seconds so that
 * moving the clock 7 days shows the purge without waiting an hour.
 */
public class DirSyncServerConfig implements KeycloakServerConfig {

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        return config
            .dependencyCurrentProject()
            .dependency("com.unboundid.product.scim2", "scim2-sdk-common")
            .spiOption("dirsync-engine", "default", "trash-purge-interval-seconds", "2");
    }
}
