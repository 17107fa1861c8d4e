package io.dirsync.ldap;

import java.util.List;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.TimerProvider;

/** Starts the LDAP schedules once the database is migrated: a tick that runs the syncs that are due. */
public class LdapSchedulerFactory implements ProviderFactory<LdapSchedulerSpi.LdapScheduler> {

    private static final Logger LOG = Logger.getLogger(LdapSchedulerFactory.class);

    private long tickMillis;

    @Override
    public LdapSchedulerSpi.LdapScheduler create(KeycloakSession session) {
        return () -> { };
    }

    @Override
    public void init(Config.Scope scope) {
        tickMillis = scope.getLong("tick-seconds", 60L) * 1000L;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                try (KeycloakSession session = factory.create()) {
                    session.getProvider(TimerProvider.class).schedule(
                        new ClusterAwareScheduledTaskRunner(factory, new LdapSyncTask(), tickMillis), tickMillis, "dirsync-ldap-sync");
                    LOG.infof("Directory sync: LDAP schedules checked every %d s", tickMillis / 1000);
                }
            }
        });
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
            .property().name("tick-seconds").type("int").defaultValue(60)
                .helpText("How often the LDAP sync schedules (full every 12 h, admin every 30 min by default) are checked.").add()
            .build();
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return "default";
    }
}
