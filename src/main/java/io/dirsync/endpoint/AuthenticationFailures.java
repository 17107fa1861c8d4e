package io.dirsync.endpoint;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

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
 * <p>
 * Memory stays bounded without failing open: at most {@code maxAddresses} addresses have a window of their own (ended
 * windows are dropped first); while that many addresses have open windows (an attack from more addresses than that, or
 * spoofed {@code X-Forwarded-For} behind a proxy that is trusted but does not overwrite it), the failures of every
 * other address count in one shared overflow window with {@value #OVERFLOW_FACTOR} × the limit, and once that is
 * reached, every address without a window of its own is refused until it ends. Addresses with a window of their own
 * (clients that failed before) answer only to it. Addresses the operator exempts ({@code auth-failure-exempt-addresses},
 * e.g. a provisioning client's egress range) are never counted nor refused.
 */
public final class AuthenticationFailures {

    /** Addresses with a window of their own, at most (about 200 bytes each). */
    static final int MAX_ADDRESSES = 100_000;
    /** The shared overflow window's limit, as a multiple of an address's. */
    static final int OVERFLOW_FACTOR = 10;

    private record Window(long startMillis, int failures) {
        Window plusOne() {
            return new Window(startMillis, failures + 1);
        }
    }

    private final int maxFailures;
    private final long windowMillis;
    private final int maxAddresses;
    private final List<AddressRange> exempt;
    /**
     * Each address's window, in the order the windows opened (a window that opens again is put at the end): as every
     * window lasts as long, the first is always the first to end, so ended windows are dropped from the front.
     */
    private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();
    private Window overflow;

    /**
     * @param maxFailures   failures an address may have in a window; 0: no limit
     * @param windowSeconds how long a window lasts from the address's first failure
     * @param exempt        addresses and CIDR ranges never counted nor refused (IPv4 or IPv6 literals, e.g.
     *                      {@code 192.0.2.0/24}); empty: none
     */
    AuthenticationFailures(int maxFailures, int windowSeconds, String exempt) {
        this(maxFailures, windowSeconds, MAX_ADDRESSES, exempt);
    }

    AuthenticationFailures(int maxFailures, int windowSeconds, int maxAddresses, String exempt) {
        this.maxFailures = Math.max(0, maxFailures);
        this.windowMillis = Math.max(1, windowSeconds) * 1000L;
        this.maxAddresses = Math.max(1, maxAddresses);
        this.exempt = AddressRange.parseList(exempt);
    }

    /** The node's counter, held by the public root's factory (configured by its {@code --spi-realm-restapi-extension--dirsync--...} options). */
    public static AuthenticationFailures of(KeycloakSession session) {
        return ((RealmEndpointProviderFactory) session.getKeycloakSessionFactory()
            .getProviderFactory(RealmResourceProvider.class, RealmEndpointProviderFactory.ID)).authenticationFailures();
    }

    /** Seconds until the caller's address may try again; 0 when it may now. */
    public long retryAfterSeconds(KeycloakSession session) {
        return maxFailures == 0 ? 0 : retryAfterSeconds(address(session), Time.currentTimeMillis());
    }

    /** Counts a failed authentication of the caller's address. */
    public void failed(KeycloakSession session) {
        if (maxFailures != 0) {
            failed(address(session), Time.currentTimeMillis());
        }
    }

    synchronized long retryAfterSeconds(String address, long now) {
        if (maxFailures == 0 || isExempt(address)) {
            return 0;
        }
        Window own = windows.get(address);
        if (own != null && open(own, now)) {
            return own.failures() >= maxFailures ? secondsLeft(own, now) : 0;
        }
        if (overflow != null && open(overflow, now) && overflow.failures() >= overflowLimit()) {
            return secondsLeft(overflow, now);
        }
        return 0;
    }

    synchronized void failed(String address, long now) {
        if (maxFailures == 0 || isExempt(address)) {
            return;
        }
        Window own = windows.get(address);
        if (own != null && open(own, now)) {
            windows.put(address, own.plusOne()); // same key: its place in the order stays
            return;
        }
        if (own != null) {
            windows.remove(address);
        }
        dropEnded(now);
        if (windows.size() < maxAddresses) {
            windows.put(address, new Window(now, 1));
        } else {
            overflow = overflow != null && open(overflow, now) ? overflow.plusOne() : new Window(now, 1);
        }
    }

    /** Addresses with a window of their own (for tests). */
    synchronized int trackedAddresses() {
        return windows.size();
    }

    private int overflowLimit() {
        return maxFailures * OVERFLOW_FACTOR;
    }

    private void dropEnded(long now) {
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            if (open(it.next(), now)) {
                return;
            }
            it.remove();
        }
    }

    private long secondsLeft(Window w, long now) {
        return Math.max(1, (w.startMillis() + windowMillis - now + 999) / 1000);
    }

    /** Whether a window still counts at {@code now}; one that starts after now (the clock went back) does not. */
    private boolean open(Window w, long now) {
        return now >= w.startMillis() && now < w.startMillis() + windowMillis;
    }

    private boolean isExempt(String address) {
        if (exempt.isEmpty()) {
            return false;
        }
        byte[] bytes = AddressRange.literal(address);
        return bytes != null && exempt.stream().anyMatch(r -> r.contains(bytes));
    }

    private static String address(KeycloakSession session) {
        ClientConnection connection = session.getContext().getConnection();
        String address = connection == null ? null : connection.getRemoteAddr();
        return address == null ? "" : address;
    }

    /** An address or a CIDR range of IPv4 or IPv6 addresses. */
    record AddressRange(byte[] network, int prefixBits) {

        static List<AddressRange> parseList(String list) {
            List<AddressRange> out = new ArrayList<>();
            if (list == null || list.isBlank()) {
                return out;
            }
            for (String item : list.split(",")) {
                if (!item.isBlank()) {
                    out.add(parse(item.trim()));
                }
            }
            return List.copyOf(out);
        }

        static AddressRange parse(String text) {
            int slash = text.indexOf('/');
            byte[] network = literal(slash < 0 ? text : text.substring(0, slash));
            if (network == null) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range (e.g. 192.0.2.0/24)");
            }
            int bits = network.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > network.length * 8) {
                    throw new IllegalArgumentException("'" + text + "' has no valid prefix length (0 to " + network.length * 8 + ")");
                }
            }
            return new AddressRange(network, bits);
        }

        /** The bytes of an IP address literal, or null; never a DNS look-up (only digits, hex, '.' and ':' are read). */
        static byte[] literal(String text) {
            if (text == null || text.isEmpty() || !text.toLowerCase(Locale.ROOT).matches("[0-9a-f:.]+")
                    || (text.indexOf(':') < 0 && !text.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
                return null;
            }
            try {
                return InetAddress.getByName(text).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
