package io.dirsync.endpoint;

import java.util.concurrent.ConcurrentHashMap;

import org.keycloak.common.ClientConnection;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

/**
 * Brute-force protection of the push APIs (SCIM bearer tokens, Duo signatures): failed authentications counted per
 * client address in a window of Keycloak's clock that opens at the address's first failure; once an address has failed
 * {@code max-auth-failures} times in its window, every request from it is refused (429, {@code Retry-After}) until the
 * window ends. The address is Keycloak's {@link ClientConnection#getRemoteAddr()}: {@code X-Forwarded-For} and
 * {@code Forwarded} count only when Keycloak's {@code proxy-headers} option says to trust them. Counted on this node
 * only (a cluster of n nodes lets an address fail up to n × the limit), like the Duo type's rate limit; a refused
 * request is not counted, so a refusal does not extend the window.
 */
public final class AuthenticationFailures {

    /** Beyond this many tracked addresses, new addresses are not tracked (memory stays bounded under a wide attack). */
    private static final int MAX_ADDRESSES = 100_000;

    private record Window(long startMillis, int failures) {
    }

    private final int maxFailures;
    private final long windowMillis;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * @param maxFailures   failures an address may have in a window; 0: no limit
     * @param windowSeconds how long a window lasts from the address's first failure
     */
    AuthenticationFailures(int maxFailures, int windowSeconds) {
        this.maxFailures = Math.max(0, maxFailures);
        this.windowMillis = Math.max(1, windowSeconds) * 1000L;
    }

    /** The node's counter, held by the public root's factory (configured by its {@code --spi-realm-restapi-extension--dirsync--...} options). */
    public static AuthenticationFailures of(KeycloakSession session) {
        return ((RealmEndpointProviderFactory) session.getKeycloakSessionFactory()
            .getProviderFactory(RealmResourceProvider.class, RealmEndpointProviderFactory.ID)).authenticationFailures();
    }

    /** Seconds until the caller's address may try again; 0 when it may now. */
    public long retryAfterSeconds(KeycloakSession session) {
        if (maxFailures == 0) {
            return 0;
        }
        Window w = windows.get(address(session));
        long now = Time.currentTimeMillis();
        if (w == null || w.failures() < maxFailures || !open(w, now)) {
            return 0;
        }
        return Math.max(1, (w.startMillis() + windowMillis - now + 999) / 1000);
    }

    /** Counts a failed authentication of the caller's address. */
    public void failed(KeycloakSession session) {
        if (maxFailures == 0) {
            return;
        }
        long now = Time.currentTimeMillis();
        if (windows.size() >= MAX_ADDRESSES) {
            windows.values().removeIf(w -> !open(w, now));
        }
        String address = address(session);
        if (windows.size() >= MAX_ADDRESSES && !windows.containsKey(address)) {
            return;
        }
        windows.compute(address, (a, w) -> w == null || !open(w, now) ? new Window(now, 1)
            : new Window(w.startMillis(), w.failures() + 1));
    }

    /** Whether a window still counts at {@code now}; one that starts after now (the clock went back) does not. */
    private boolean open(Window w, long now) {
        return now >= w.startMillis() && now < w.startMillis() + windowMillis;
    }

    private static String address(KeycloakSession session) {
        ClientConnection connection = session.getContext().getConnection();
        String address = connection == null ? null : connection.getRemoteAddr();
        return address == null ? "" : address;
    }
}
