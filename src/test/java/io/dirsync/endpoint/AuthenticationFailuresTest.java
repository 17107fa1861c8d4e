package io.dirsync.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The brute-force counter's own bookkeeping, at small sizes (its server behaviour: {@code PushBruteForceTest}): per
 * address, bounded memory that does not fail open, ended windows dropped first, exempt addresses. Times are the
 * counter's {@code now} in milliseconds; windows last 60 s.
 */
class AuthenticationFailuresTest {

    static final long T0 = 1_000_000_000L;
    static final int LIMIT = 3;

    @Test
    void anAddressIsRefusedAtTheLimitUntilItsWindowEndsAndOthersAreNot() {
        AuthenticationFailures f = new AuthenticationFailures(LIMIT, 60, 10, "");
        for (int i = 0; i < LIMIT; i++) {
            assertEquals(0, f.retryAfterSeconds("198.51.100.1", T0 + i * 1000), "failure " + i);
            f.failed("198.51.100.1", T0 + i * 1000);
        }
        assertEquals(58, f.retryAfterSeconds("198.51.100.1", T0 + 2000), "the window opened at the first failure");
        assertEquals(0, f.retryAfterSeconds("198.51.100.2", T0 + 2000));
        assertEquals(0, f.retryAfterSeconds("198.51.100.1", T0 + 60_000), "the window ended");
        assertEquals(0, f.retryAfterSeconds("198.51.100.1", T0 - 1), "a window that starts later (clock back) does not count");
    }

    /**
     * The defect this replaces: with its map full, the counter stopped counting new addresses, so an attacker who first
     * failed from enough addresses was never limited again from any new one.
     */
    @Test
    void withEveryPlaceTakenNewAddressesShareOneOverflowWindowThatRefusesThemAtItsLimit() {
        AuthenticationFailures f = new AuthenticationFailures(LIMIT, 60, 3, "");
        for (String tracked : new String[] {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) {
            f.failed(tracked, T0);
        }
        assertEquals(3, f.trackedAddresses());
        int overflowLimit = LIMIT * AuthenticationFailures.OVERFLOW_FACTOR;
        for (int i = 0; i < overflowLimit; i++) {
            String sprayed = "203.0.113." + (i % 250);
            assertEquals(0, f.retryAfterSeconds(sprayed, T0 + 1000), "overflow failure " + i);
            f.failed(sprayed, T0 + 1000);
        }
        assertEquals(3, f.trackedAddresses(), "memory stays bounded");
        assertEquals(60, f.retryAfterSeconds("203.0.113.7", T0 + 1000), "a sprayed address is refused");
        assertEquals(60, f.retryAfterSeconds("192.0.2.99", T0 + 1000),
            "so is any address without a window of its own (the trade-off, README)");
        assertEquals(0, f.retryAfterSeconds("10.0.0.2", T0 + 1000), "a tracked address answers only to its own window");
        assertEquals(0, f.retryAfterSeconds("192.0.2.99", T0 + 61_000), "the overflow window ends too");
    }

    @Test
    void endedWindowsMakeRoomBeforeTheOverflowWindowIsUsed() {
        AuthenticationFailures f = new AuthenticationFailures(LIMIT, 60, 2, "");
        f.failed("10.0.0.1", T0);
        f.failed("10.0.0.2", T0 + 30_000);
        // At T0 + 61 s the first window has ended: the new address takes its place and has a window of its own.
        for (int i = 0; i < LIMIT; i++) {
            f.failed("10.0.0.3", T0 + 61_000);
        }
        assertEquals(2, f.trackedAddresses());
        assertTrue(f.retryAfterSeconds("10.0.0.3", T0 + 61_000) > 0, "refused by its own window");
        assertEquals(0, f.retryAfterSeconds("192.0.2.1", T0 + 61_000), "the overflow window was not used");
        // Later: every window has ended, an address's new window takes a new place, and there is room for another.
        f.failed("10.0.0.3", T0 + 122_000);
        f.failed("10.0.0.4", T0 + 122_000);
        assertEquals(2, f.trackedAddresses());
        f.failed("10.0.0.4", T0 + 122_000);
        f.failed("10.0.0.4", T0 + 122_000);
        assertTrue(f.retryAfterSeconds("10.0.0.4", T0 + 122_000) > 0);
    }

    @Test
    void exemptAddressesAndRangesAreNeverCountedNorRefused() {
        AuthenticationFailures f = new AuthenticationFailures(LIMIT, 60, 10, " 192.0.2.0/24, 2001:db8::/32 ,198.51.100.7");
        for (String address : new String[] {"192.0.2.200", "2001:db8:0:0:0:0:0:1", "198.51.100.7"}) {
            for (int i = 0; i < 2 * LIMIT; i++) {
                f.failed(address, T0);
            }
            assertEquals(0, f.retryAfterSeconds(address, T0), address);
        }
        assertEquals(0, f.trackedAddresses());
        for (String address : new String[] {"192.0.3.1", "2001:db9::1", "198.51.100.8"}) {
            for (int i = 0; i < LIMIT; i++) {
                f.failed(address, T0);
            }
            assertTrue(f.retryAfterSeconds(address, T0) > 0, address);
        }
        for (String bad : new String[] {"example.org", "192.0.2.0/33", "192.0.2/24", "10.0.0.1/x"}) {
            assertThrows(IllegalArgumentException.class, () -> new AuthenticationFailures(LIMIT, 60, bad), bad);
        }
    }
}
