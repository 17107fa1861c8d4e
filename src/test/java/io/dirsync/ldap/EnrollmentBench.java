package io.dirsync.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.mail.MailServer;
import org.keycloak.testframework.mail.annotations.InjectMailServer;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.remote.runonserver.InjectRunOnServer;
import org.keycloak.testframework.remote.runonserver.RunOnServerClient;
import org.keycloak.testframework.remote.timeoffset.InjectTimeOffSet;
import org.keycloak.testframework.remote.timeoffset.TimeOffSet;
import org.keycloak.testframework.server.KeycloakUrls;

import io.dirsync.bench.HeapSampler;
import io.dirsync.bench.LdapRuns;
import io.dirsync.enrollment.EnrollmentTask;
import io.dirsync.it.DirSync;

/**
 * Issue 11's figures (Maven profile {@code bench}; not part of the test run): what enrollment e-mails cost. Two LDAP
 * directories of {@code -Dbench.users} new users each (default 10,000) are fully synced, one with enrollment e-mails
 * off and one with them on: the difference is the time to queue the enrollments; the Keycloak server's peak heap is
 * sampled during each. Then the job is run until every queued user got its mail through GreenMail (in the test JVM):
 * mails per second.
 */
@KeycloakIntegrationTest(config = BenchServerConfig.class)
class EnrollmentBench {

    @InjectRealm
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    @InjectMailServer
    MailServer mail;

    @InjectTimeOffSet
    TimeOffSet timeOffSet;

    @InjectRunOnServer(permittedPackages = {"io.dirsync.ldap", "io.dirsync.it"})
    RunOnServerClient onServer;

    @Test
    void queueAndSendEnrollmentEmailsForNewlySyncedUsers() throws Exception {
        int users = Integer.getInteger("bench.users", 10_000);
        int warm = Integer.getInteger("bench.warmup", Math.min(1_000, users / 5));
        RealmRepresentation rep = realm.admin().toRepresentation();
        Map<String, String> attributes = new LinkedHashMap<>(rep.getAttributes() == null ? Map.of() : rep.getAttributes());
        attributes.put("frontendUrl", urls.getBase());
        rep.setAttributes(attributes);
        realm.admin().update(rep);
        DirSync dirsync = new DirSync(admin, realm, urls.getBase());
        try (TestDirectory ldap = TestDirectory.start("memory-openldap")) {
            ldap.leaveEntries();
            String warmGroup = group(ldap, "Warm", "w", warm);
            String offGroup = group(ldap, "Off", "off", users);
            String onGroup = group(ldap, "On", "on", users);

            // Warm-up (JIT): a small directory with enrollment on, synced and mailed, not measured.
            String warmDir = directory(dirsync, ldap, "Warm", warmGroup, true);
            LdapRuns.sync(dirsync, warmDir);
            sendAll(warm);

            String off = directory(dirsync, ldap, "Off", offGroup, false);
            HeapSampler heapOff = HeapSampler.start();
            long t = System.currentTimeMillis();
            JsonNode runOff = LdapRuns.sync(dirsync, off);
            long offMillis = System.currentTimeMillis() - t;
            long offHeap = heapOff.stop();
            assertEquals(users, runOff.at("/counts/created").asInt() - 1, runOff::toString); // + its managed group

            String on = directory(dirsync, ldap, "On", onGroup, true);
            HeapSampler heapOn = HeapSampler.start();
            t = System.currentTimeMillis();
            JsonNode runOn = LdapRuns.sync(dirsync, on);
            long onMillis = System.currentTimeMillis() - t;
            long onHeap = heapOn.stop();
            assertEquals(users, runOn.at("/counts/created").asInt() - 1, runOn::toString);
            long queued = dirsync.admin("GET", "/enrollments?directory=" + on + "&max=1", null).json().get("count").asLong();
            assertEquals(users, queued, "every new user of the directory with enrollment on is queued");

            System.out.printf("BENCH enrollment: full sync of %d new users: %d ms without enrollment e-mails (peak heap %d MiB),"
                    + " %d ms with them (peak heap %d MiB): queueing costs %d ms (%.2f ms/user)%n", users, offMillis,
                offHeap >> 20, onMillis, onHeap >> 20, onMillis - offMillis, (onMillis - offMillis) / (double) users);

            HeapSampler heapSend = HeapSampler.start();
            t = System.currentTimeMillis();
            sendAll(warm + users);
            long sendMillis = System.currentTimeMillis() - t;
            System.out.printf("BENCH enrollment: %d mails sent through GreenMail in %d ms: %.1f mails/s (peak heap %d MiB)%n",
                users, sendMillis, users * 1000.0 / sendMillis, heapSend.stop() >> 20);

            // An idle tick: every user queued and mailed, nothing due: what the job reads on every tick regardless
            // (the pending users who enrolled since). Then ticks that sweep for users without an enrollment row, as
            // every tick did before the sweep was kept for a change or an hour later: Keycloak's clock is moved an hour
            // on before each. Timed on the server, around the job alone.
            long[] idle = new long[21];
            for (int i = 0; i < idle.length; i++) {
                idle[i] = tickMicros();
            }
            long[] sweeping = new long[5];
            for (int i = 0; i < sweeping.length; i++) {
                timeOffSet.set((i + 1) * 3_601);
                sweeping[i] = tickMicros();
            }
            timeOffSet.set(0);
            System.out.printf("BENCH enrollment: ticks with %d users queued and mailed (2 directories with enrollment e-mails"
                + " on): idle median %.1f ms (max %.1f of %d); sweeping median %.1f ms (max %.1f of %d)%n", warm + users,
                median(idle) / 1000.0, max(idle) / 1000.0, idle.length, median(sweeping) / 1000.0, max(sweeping) / 1000.0,
                sweeping.length);
        }
    }

    private long tickMicros() {
        return Long.parseLong(onServer.fetch(session -> {
            long start = System.nanoTime();
            new EnrollmentTask().run(session);
            return String.valueOf((System.nanoTime() - start) / 1_000);
        }, String.class));
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long max(long[] values) {
        return java.util.Arrays.stream(values).max().orElse(0);
    }

    private static String group(TestDirectory ldap, String name, String prefix, int users) throws Exception {
        List<String> dns = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            dns.add(ldap.user(prefix + i, "Bench", "User" + i, prefix + i + "@example.org"));
        }
        return ldap.group(name, dns.toArray(String[]::new));
    }

    private static String directory(DirSync dirsync, TestDirectory ldap, String name, String group, boolean enrollment) {
        Map<String, Object> settings = ldap.settings("uid");
        settings.put("syncedGroups", List.of(group));
        settings.put("enrollmentEmails", enrollment);
        return dirsync.ldapDirectory(name, settings);
    }

    /** Runs the job (besides its own timer) until {@code total} mails have arrived. */
    private void sendAll(int total) throws InterruptedException {
        long end = System.currentTimeMillis() + 30 * 60_000L;
        while (mail.getReceivedMessages().length < total) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError(mail.getReceivedMessages().length + " of " + total + " mails after 30 minutes");
            }
            onServer.run(session -> new EnrollmentTask().run(session));
        }
    }
}
