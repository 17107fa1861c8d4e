package io.dirsync.it;

import org.keycloak.common.Profile;
import org.keycloak.testframework.server.KeycloakServerConfig;
import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

/**
 * The one server configuration of the integration suite (one shared Keycloak 26.7.3 for all classes): the
 * extension under test with its bundled SCIM library, and a trash purge that runs every 2 seconds so that
 * moving the clock 7 days shows the purge without waiting an hour.
 */
public class DirSyncServerConfig implements KeycloakServerConfig {

    /** A running sync whose node stops beating is closed after this long (300 s by default; beats every 7.5 s here). */
    public static final int RUN_HEARTBEAT_TIMEOUT_SECONDS = 30;

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        // CI's LDAP suites (.ci/ldap-suites.sh): Samba AD's self-signed CA, so that Keycloak trusts its LDAPS.
        String truststore = System.getProperty("dirsync.kc.truststore", "");
        if (!truststore.isBlank()) {
            config.option("truststore-paths", truststore);
        }
        return config
            // Keycloak's own SCIM server (preview in 26.7) beside ours, as operators run them: BuiltInScimTest.
            .features(Profile.Feature.SCIM_API)
            .dependencyCurrentProject()
            .dependency("com.unboundid.product.scim2", "scim2-sdk-common")
            .spiOption("dirsync-engine", "default", "trash-purge-interval-seconds", "2")
            // Pull schedules are checked every 2 s so that moving the clock 30 min / 12 h shows a run without waiting.
            .spiOption("dirsync-engine", "default", "pull-schedule-tick-seconds", "2")
            // Runs whose node stopped answering are closed after 30 s instead of 5 min: RunHistoryTest waits it out.
            .spiOption("dirsync-engine", "default", "run-heartbeat-timeout-seconds", String.valueOf(RUN_HEARTBEAT_TIMEOUT_SECONDS))
            // Enrollment e-mails: the job ticks every 2 s, so that a sync's first mail arrives without waiting a minute.
            .spiOption("action-token-handler", "dirsync-enrollment", "tick-seconds", "2");
    }
}
