package io.dirsync.enrollment;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.dirsync.engine.Directory;
import io.dirsync.engine.EntryDigest;

/**
 * Which directories' users this node last found all looked at for a first enrollment e-mail, and when. The job's sweep
 * for users without an enrollment row reads every active user of the directory (an anti-join against the enrollment
 * rows: 16.8 ms a tick at 11,000 users on H2 in EnrollmentBench, growing with the users, against 0.6 ms for the rest of
 * an idle tick), yet once a sweep found none left a user can only lack a row again through a sync, and a sync queues
 * the user it applies in the same transaction (the UserApplied and UserRestored events). So a directory is swept again
 * only when its settings or status changed (enrollment e-mails just turned on), on a node that has not swept it since it
 * started, or an hour after its last complete sweep, as a safety net for what no event tells. Node-local on purpose:
 * another node that takes the job over sweeps once, then follows the same rule.
 */
final class UnseenSweeps {

    /** How long a complete sweep is trusted while nothing about the directory changed. */
    static final long RESWEEP_MILLIS = 3_600_000L;

    private record Mark(String fingerprint, long at) {
    }

    private final Map<String, Mark> complete = new ConcurrentHashMap<>();

    /**
     * What a sweep depends on: the settings (enrollment on, its options) and the status, as a SHA-256 digest, so that
     * the long-lived map holds no setting (a bind password, a client secret) itself.
     */
    static String fingerprint(Directory directory) {
        return EntryDigest.of(List.of(directory.status().id(), directory.settings().toString()));
    }

    /** Whether the directory needs a sweep now. */
    boolean due(String directoryId, String fingerprint, long now) {
        Mark mark = complete.get(directoryId);
        return mark == null || !mark.fingerprint().equals(fingerprint) || now - mark.at() >= RESWEEP_MILLIS || now < mark.at();
    }

    /** Forgets the directories not in {@code enabled} (deleted, or enrollment e-mails turned off). */
    void retainOnly(Collection<String> enabled) {
        complete.keySet().retainAll(Set.copyOf(enabled));
    }

    /** A sweep that started at {@code startedAt} reached the directory's last user without a row, and committed. */
    void completed(String directoryId, String fingerprint, long startedAt) {
        complete.put(directoryId, new Mark(fingerprint, startedAt));
    }
}
