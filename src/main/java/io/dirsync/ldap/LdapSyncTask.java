package io.dirsync.ldap;

import java.util.List;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.timer.ScheduledTask;

import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectoryStatus;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.DirectoryType;
import io.dirsync.engine.PullRun;

/**
 * The LDAP schedules: full sync every 12 hours and admin sync every 30 minutes by default, per directory, unless
 * the directory is not active or its schedule is paused. Runs on every node under
 * {@code ClusterAwareScheduledTaskRunner} (no overlapping ticks); whether a sync is due is decided from the
 * persisted run history (the start of the last run of that kind, Keycloak's clock), and each run holds its
 * directory's cluster-wide lock, so a second node neither repeats nor doubles a run.
 */
public class LdapSyncTask implements ScheduledTask {

    private static final Logger LOG = Logger.getLogger(LdapSyncTask.class);

    @Override
    public void run(KeycloakSession session) {
        for (RealmModel realm : session.realms().getRealmsStream().toList()) {
            session.getContext().setRealm(realm);
            DirectorySyncEngine engine = DirectorySyncEngine.of(session);
            for (Directory d : engine.directories(realm)) {
                if (d.type() != DirectoryType.LDAP || d.status() != DirectoryStatus.ACTIVE) {
                    continue;
                }
                String kind = due(session, d);
                if (kind == null) {
                    continue;
                }
                try {
                    // On a worker thread, outside this tick's transaction; the directory's lock keeps it single.
                    LdapSync.start(session, realm, d, kind, null, 0).report().whenComplete((report, error) -> {
                        if (error != null && !(error instanceof LdapSync.Busy)) {
                            LOG.warnf(error, "LDAP directory %s: scheduled %s sync failed", d.name(), kind);
                        }
                    });
                } catch (RuntimeException e) {
                    LOG.warnf(e, "LDAP directory %s: scheduled %s sync not started", d.name(), kind);
                }
            }
        }
    }

    /** Which sync is due now, full first; null when none (or the schedule is paused). */
    static String due(KeycloakSession session, Directory d) {
        LdapSettings s;
        try {
            s = LdapSettings.of(d);
        } catch (RuntimeException invalid) {
            return null;
        }
        if (s.schedulePaused) {
            return null;
        }
        long now = Time.currentTimeMillis();
        long lastFull = lastStart(session, d, List.of(PullRun.KIND_FULL));
        if (now - lastFull >= s.fullSyncMillis) {
            return PullRun.KIND_FULL;
        }
        long lastAdmin = lastStart(session, d, List.of(PullRun.KIND_FULL, PullRun.KIND_ADMIN));
        return now - lastAdmin >= s.adminSyncMillis ? PullRun.KIND_ADMIN : null;
    }

    /** The start of the latest run of these kinds, or the directory's creation: the first run is an admin's. */
    static long lastStart(KeycloakSession session, Directory d, List<String> kinds) {
        Long last = DirectorySyncEngine.of(session).store().em()
            .createQuery("select max(r.startedAt) from SyncRunEntity r where r.directoryId = :d and r.kind in :kinds", Long.class)
            .setParameter("d", d.id()).setParameter("kinds", kinds).getSingleResult();
        return Math.max(last == null ? 0L : last, d.createdAt());
    }

    @Override
    public String getTaskName() {
        return "dirsync-ldap-sync";
    }
}
