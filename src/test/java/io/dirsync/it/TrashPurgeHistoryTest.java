package io.dirsync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;

/**
 * Rule 7's purge on one node, with Keycloak's clock moved: each run of it is in the realm's purge history (period,
 * node, started, ended, users deleted, outcome), a user 7 days in the trash is deleted by one run and counted once, and
 * a period's purge asked for twice at once runs once; the history keeps 1000 periods at most. The two-node proof is ClusterSuite's.
 */
@KeycloakIntegrationTest(config = DirSyncServerConfig.class)
class TrashPurgeHistoryTest extends DirSyncIntegrationTest {

    static final int DAY = 24 * 3600;

    @InjectRunOnServer(permittedPackages = "io.dirsync.it")
    RunOnServerClient onServer;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    /** A purge run as the test reads it from the server. */
    record PurgeRun(long periodStart, String node, String status, long startedAt, long endedAt, int deleted) {
        static PurgeRun parse(String line) {
            String[] f = line.split("\t");
            return new PurgeRun(Long.parseLong(f[0]), f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]),
                Integer.parseInt(f[5]));
        }
    }

    @Test
    void eachPeriodsPurgeIsRecordedAndAUserDueIsDeletedOnceByOneRun() throws Exception {
        DirSync.ScimDirectory okta = dirsync.scimDirectory("Purged Okta");
        String leaver = DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("purged-leaver", "P", "L", "pl@corp.test")));
        DirSync.id(okta.scim("POST", "/Users", DirSync.scimUser("purged-stayer", "P", "S", "ps@corp.test")));
        assertEquals(204, okta.scim("DELETE", "/Users/" + leaver, null).status());
        String realmId = realm.getId();
        String node = onServer.fetchString(session -> io.dirsync.engine.ClusterNode.name(session));
        long interval = Long.parseLong(onServer.fetchString(session ->
            String.valueOf(io.dirsync.engine.DirectorySyncEngine.of(session).config().trashPurgeIntervalMillis())));

        // The realm's first period with a directory is purged at once, deleting nobody (the user has 7 days).
        waitUntil(() -> !runs(realmId).isEmpty(), 30);
        assertEquals(0, runs(realmId).stream().mapToInt(PurgeRun::deleted).sum());
        assertEquals(1, dirsync.admin("GET", "/trash/count", null).json().get("count").asInt());

        // 7 days on: the scheduled purge of that period deletes the user.
        timeOffSet.set(7 * DAY + 60);
        long movedAt = Long.parseLong(onServer.fetchString(session -> String.valueOf(org.keycloak.common.util.Time.currentTimeMillis())));
        waitUntil(() -> dirsync.admin("GET", "/trash/count", null).json().get("count").asInt() == 0, 30);
        assertEquals(404, Http.send("GET", urls.getBase() + "/admin/realms/" + realm.getName() + "/users/" + leaver,
            dirsync.adminBearer(), null).status());
        assertEquals(1, realm.admin().users().search("purged-stayer", true).size(), "users outside the trash stay");

        List<PurgeRun> runs = runs(realmId);
        assertEquals(1, runs.stream().mapToInt(PurgeRun::deleted).sum(), "the user was counted once: " + runs);
        PurgeRun deleting = runs.stream().filter(r -> r.deleted() == 1).findFirst().orElseThrow();
        assertEquals("completed", deleting.status(), deleting::toString);
        assertEquals(node, deleting.node(), deleting::toString);
        // Started at the moved clock (a run before the move would read 7 days earlier), ended after it started.
        assertTrue(deleting.startedAt() > movedAt - 60_000 && deleting.endedAt() >= deleting.startedAt(), deleting::toString);
        assertTrue(deleting.periodStart() <= deleting.startedAt() && deleting.startedAt() < deleting.periodStart() + interval,
            "a run starts in its period: " + deleting);
        assertEquals(0, deleting.periodStart() % interval, "periods are the interval's multiples: " + deleting);
        assertEquals(runs.size(), new HashSet<>(runs.stream().map(PurgeRun::periodStart).toList()).size(),
            "a period purged twice: " + runs);
        assertTrue(runs.stream().allMatch(r -> r.status().equals("completed") && r.node().equals(node)), runs::toString);

        // Once per period, decided again under the lock: the deleting run's period asked for again runs nothing; a period
        // no tick has reached yet (30 days on), asked for by two threads at once, runs once.
        long done = deleting.periodStart();
        String again = onServer.fetchString(session -> String.valueOf(io.dirsync.engine.TrashPurgeTask.purge(
            session.getKeycloakSessionFactory(), realmId, done, interval)));
        assertEquals("null", again, "the period's purge ran a second time");
        String twice = onServer.fetchString(session -> {
            long ahead = io.dirsync.engine.TrashPurgeTask.periodStart(
                org.keycloak.common.util.Time.currentTimeMillis() + 30L * DAY * 1000, interval);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<Integer>> both = new ArrayList<>();
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                for (int i = 0; i < 2; i++) {
                    both.add(pool.submit(() -> {
                        go.await();
                        return io.dirsync.engine.TrashPurgeTask.purge(session.getKeycloakSessionFactory(), realmId, ahead, interval);
                    }));
                }
                go.countDown();
                List<String> answers = new ArrayList<>();
                for (java.util.concurrent.Future<Integer> f : both) {
                    answers.add(String.valueOf(f.get()));
                }
                answers.sort(null);
                return String.join(",", answers);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                pool.shutdownNow();
            }
        });
        assertEquals("0,null", twice, "two purges of one period at once");
        List<PurgeRun> after = runs(realmId);
        assertEquals(after.size(), new HashSet<>(after.stream().map(PurgeRun::periodStart).toList()).size(), after::toString);
        assertEquals(1, after.stream().mapToInt(PurgeRun::deleted).sum(), after::toString);
        assertFalse(after.stream().anyMatch(r -> r.status().equals("failed")), after::toString);

        // The history is bounded: a row more than 1000 periods old (30 days at the default hour) goes with the next purge.
        String old = onServer.fetchString(session -> {
            io.dirsync.storage.PurgeRunEntity r = new io.dirsync.storage.PurgeRunEntity();
            r.setId(org.keycloak.models.utils.KeycloakModelUtils.generateId());
            r.setRealmId(realmId);
            r.setPeriodStart(io.dirsync.engine.TrashPurgeTask.periodStart(org.keycloak.common.util.Time.currentTimeMillis(),
                interval) - 1001 * interval);
            r.setNode("an-old-node");
            r.setStatus(io.dirsync.storage.RunStatus.COMPLETED);
            r.setStartedAt(r.getPeriodStart());
            new io.dirsync.storage.DirSyncStore(session).persist(r);
            return String.valueOf(r.getPeriodStart());
        });
        waitUntil(() -> runs(realmId).stream().noneMatch(r -> r.periodStart() == Long.parseLong(old)), 30);
        assertFalse(runs(realmId).isEmpty(), "the recent history stays");
    }

    /** The realm's purge history, read on the server, the latest period first. */
    private List<PurgeRun> runs(String realmId) {
        String lines = onServer.fetchString(session -> {
            StringBuilder b = new StringBuilder();
            for (io.dirsync.storage.PurgeRunEntity r : new io.dirsync.storage.DirSyncStore(session).purgeRuns(realmId, 0, 100_000)) {
                b.append(r.getPeriodStart()).append('\t').append(r.getNode()).append('\t').append(r.getStatus().id())
                    .append('\t').append(r.getStartedAt()).append('\t').append(r.getEndedAt() == null ? -1 : r.getEndedAt())
                    .append('\t').append(r.getDeletedCount()).append('\n');
            }
            return b.toString();
        });
        List<PurgeRun> runs = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (!line.isBlank()) {
                runs.add(PurgeRun.parse(line));
            }
        }
        return runs;
    }
}
