package io.dirsync.engine;

import java.util.List;

import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.TimerProvider;

/**
 * Creates the engine for each session, and at start-up wires what runs outside requests: the guards that
 * keep admin changes off synced data, and the cluster-aware trash purge.
 */
import io.dirsync.storage.DirSyncStore;

public class DirectorySyncEngineFactory implements ProviderFactory<DirectorySyncEngine> {

    private static final Logger LOG = Logger.getLogger(DirectorySyncEngineFactory.class);

    public static final String ID = "default";
    public static final String PURGE_TASK = "dirsync-trash-purge";

    private EngineConfig config;
    private final RunHeartbeat heartbeat = new RunHeartbeat();

    @Override
    public DirectorySyncEngine create(KeycloakSession session) {
        return new DirectorySyncEngine(session, config);
    }

    @Override
    public void init(Config.Scope scope) {
        config = EngineConfig.from(scope);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(new ModelGuard());
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                try (KeycloakSession session = factory.create()) {
                    long interval = config.trashPurgeIntervalMillis();
                    long tick = config.pullScheduleTickMillis();
                    // The purge's period is decided from its history by Keycloak's clock; the timer only looks often.
                    long purgeTick = Math.min(interval, tick);
                    session.getProvider(TimerProvider.class).schedule(
                        new ClusterAwareScheduledTaskRunner(factory, new TrashPurgeTask(), purgeTick), purgeTick, PURGE_TASK);
                    LOG.infof("Directory sync: trash purge every %d s, users deleted %d days after entering the trash",
                        interval / 1000, config.trashRetentionMillis() / EngineConfig.DAY);
                    session.getProvider(TimerProvider.class).schedule(
                        new ClusterAwareScheduledTaskRunner(factory, new PullScheduler(), tick), tick, PullScheduler.TASK);
                    LOG.infof("Directory sync: pull directories' schedules checked every %d s", tick / 1000);
                    long beat = RunHeartbeat.intervalMillis(config.runHeartbeatTimeoutMillis());
                    heartbeat.start(factory, beat);
                    LOG.infof("Directory sync: node %s; running syncs beat every %d ms, closed as failed after %d s without",
                        ClusterNode.name(session), beat, config.runHeartbeatTimeoutMillis() / 1000);
                }
                indexStoredDocuments(factory);
                markRealmsWithGroupStatuses(factory);
            }
        });
    }

    /**
     * Source documents stored before their values were indexed for filters (DIRSYNC_SOURCE_VALUE) are indexed once,
     * 500 users per transaction; a document indexed twice by two nodes starting together only answers the same.
     */
    public static void indexStoredDocuments(KeycloakSessionFactory factory) {
        String after = "";
        int batches = 0;
        while (after != null) {
            String from = after;
            after = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                session -> new DirSyncStore(session).indexUnindexedDocuments(from, 500));
            batches++;
        }
        if (batches > 1) {
            LOG.infof("Directory sync: indexed the stored SCIM documents for filters (%d batches)", batches - 1);
        }
    }

    /** Group statuses set before realms carried {@link Statuses#GROUP_STATUSES_ATTRIBUTE} take effect from now on. */
    public static void markRealmsWithGroupStatuses(KeycloakSessionFactory factory) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> new DirSyncStore(session).realmsWithGroupStatuses()
            .forEach(realmId -> {
                RealmModel realm = session.realms().getRealm(realmId);
                if (realm != null) {
                    Statuses.markGroupStatuses(realm, true);
                }
            }));
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
            .property().name("trash-retention-days").type("int").defaultValue(7)
                .helpText("Days a deprovisioned user stays in the trash before it is deleted for good.").add()
            .property().name("trash-purge-interval-seconds").type("int").defaultValue(3600)
                .helpText("The trash purge's period: once in each such period of the clock (each hour from the top of the"
                    + " hour by default), in each realm, the users whose time in the trash is up are deleted.").add()
            .property().name("scim-token-lifetime-days").type("int").defaultValue(90)
                .helpText("Days a SCIM bearer token stays valid after it is generated.").add()
            .property().name("pull-schedule-tick-seconds").type("int").defaultValue(60)
                .helpText("How often the schedules are checked: the pull directories' runs (full sync every 12 h, admin"
                    + " sync every 30 min by default, per directory), the trash purge's period and runs whose node stopped"
                    + " answering.").add()
            .property().name("run-heartbeat-timeout-seconds").type("int").defaultValue(300)
                .helpText("A running sync whose node has not signalled it alive for this long (the node was killed or cut"
                    + " off) is closed as failed by any node's next schedule tick. Nodes signal their runs every quarter of"
                    + " it, at most every 30 s; at least 10.").add()
            .build();
    }

    @Override
    public void close() {
        heartbeat.stop();
    }

    @Override
    public String getId() {
        return ID;
    }
}
