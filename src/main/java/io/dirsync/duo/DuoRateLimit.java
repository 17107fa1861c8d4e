package io.dirsync.duo;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests per integration key per minute, on this node (a fixed window of the JVM clock: it paces clients, it is no
 * rule of Keycloak's time). Beyond the limit a client gets 429 {@code 42901}, which Duo's clients answer by backing off
 * 1 to 32 s, as they do with Duo.
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
        long minute = System.currentTimeMillis() / 60_000L;
        Window w = windows.compute(integrationKey,
            (k, old) -> old == null || old.minute() != minute ? new Window(minute, new AtomicInteger()) : old);
        if (windows.size() > 10_000) {
            windows.entrySet().removeIf(e -> e.getValue().minute() != minute);
        }
        return w.count().incrementAndGet() <= limit;
    }
}
