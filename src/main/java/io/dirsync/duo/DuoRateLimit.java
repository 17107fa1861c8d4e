package io.dirsync.duo;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.keycloak.common.util.Time;

/**
 * Requests per integration key per minute, counted on this node only (a cluster of n nodes admits up to n × the limit):
 * a fixed window of Keycloak's clock, so that a test can open the next window by moving that clock. Beyond the limit a
 * client gets 429 {@code 42901}, and Duo's official clients resend the same signed request after 1, 2, 4 … 32 s (plus
 * up to 1 s of jitter), as they do with Duo; the endpoint therefore checks the limit before it spends the signature on
 * the replay guard.
 */
final class DuoRateLimit {

    private record Window(long minute, AtomicInteger count) {
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /** Counts a request; false when the key already made {@code limit} requests this minute (0: no limit). */
    boolean allow(String integrationKey, int limit) {
        if (limit <= 0) {
            return true;
        }
        long minute = Time.currentTimeMillis() / 60_000L;
        Window w = windows.compute(integrationKey,
            (k, old) -> old == null || old.minute() != minute ? new Window(minute, new AtomicInteger()) : old);
        if (windows.size() > 10_000) {
            windows.entrySet().removeIf(e -> e.getValue().minute() != minute);
        }
        return w.count().incrementAndGet() <= limit;
    }
}
