package io.dirsync.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Rule 10's thresholds: a share of the directory and an absolute count, whichever is reached first. */
class DeprovisionGuardTest {

    @Test
    void theDefaultHoldsAtMoreThanTwentyPercentWithAtLeastTenUsersOrAtFiveHundred() {
        DeprovisionGuard g = DeprovisionGuard.DEFAULT;
        assertFalse(g.holds(0, 100));
        assertFalse(g.holds(9, 20), "fewer than 10 users never hold");
        assertTrue(g.holds(10, 20));
        assertFalse(g.holds(20, 100), "20 % is not more than 20 %");
        assertTrue(g.holds(21, 100));
        assertFalse(g.holds(499, 10_000), "5 % of a large directory");
        assertTrue(g.holds(500, 10_000), "500 deletions hold whatever the share");
    }

    @Test
    void aDirectoryCanSetItsOwnThresholds() {
        DeprovisionGuard strict = new DeprovisionGuard(5, 1, 50);
        assertTrue(strict.holds(6, 100));
        assertFalse(strict.holds(5, 100));
        assertTrue(strict.holds(50, 100_000));
    }
}
