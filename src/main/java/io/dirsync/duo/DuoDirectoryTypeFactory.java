package io.dirsync.duo;

import java.util.List;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;

import io.dirsync.engine.AttributeMapping;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectoryTypeFactory;
import io.dirsync.engine.DirectoryTypeProvider;

/**
 * Directory type {@code duo-admin-api}: a client of Duo's Admin API (PingOne's Duo connector, scripts on Duo's official
 * clients) pushes to it, signed with the directory's integration and secret keys (SPEC §3.4).
 */
public class DuoDirectoryTypeFactory implements DirectoryTypeFactory {

    private static final Logger LOG = Logger.getLogger(DuoDirectoryTypeFactory.class);

    public static final String ID = "duo-admin-api";
    /** Setting: the host name the operator maps to the directory's endpoint; signatures are checked against it. */
    static final String API_HOSTNAME_SETTING = "apiHostname";
    /** Setting: the admin role (rule 12) a user created or changed with {@code userType=admin} holds. */
    static final String ADMIN_ROLE_SETTING = "adminRole";
    static final String DEFAULT_ADMIN_ROLE = "read-only";

    private DuoConfig config;
    private final DuoRateLimit rateLimit = new DuoRateLimit();

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope scope) {
        config = DuoConfig.from(scope);
        if (config.keyEncryptionKey() == null) {
            if (config.devMode()) {
                LOG.warnf("Directory sync: Duo Admin API secret keys are stored with a fixed development key; set %s"
                    + " so that a database dump does not reveal them", DuoConfig.KEY_OPTION);
            } else {
                LOG.warnf("Directory sync: Duo Admin API directories get NO keys until %s is set (the same on every"
                    + " node): without it the database alone would reveal their secret keys", DuoConfig.KEY_OPTION);
            }
        }
    }

    @Override
    public DirectoryTypeProvider create(KeycloakSession session) {
        return new DuoDirectoryTypeProvider(session, config, rateLimit);
    }

    @Override
    public String defaultName() {
        return "New Duo Admin API Sync";
    }

    @Override
    public String groupLabel(Directory directory) {
        return "Duo Admin API";
    }

    /** Duo's own parameter names fill the required attributes. */
    @Override
    public List<AttributeMapping> requiredMappings(Directory directory) {
        return List.of(new AttributeMapping("username", "username"), new AttributeMapping("email", "email"),
            new AttributeMapping("firstname", "firstName"), new AttributeMapping("lastname", "lastName"));
    }

    @Override
    public List<String> offeredSources() {
        return DuoUsers.OFFERED_SOURCES;
    }
}
