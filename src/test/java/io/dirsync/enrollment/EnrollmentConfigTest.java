package io.dirsync.enrollment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Which secret an enrollment link's key takes (no server): the configured link secret; in development mode, none (the
 * directory's key alone, as the demo and the integration tests run); in production without the option, no link at all,
 * with a message that names the option — a database dump must not be all it takes to make a link.
 */
class EnrollmentConfigTest {

    @Test
    void aConfiguredSecretIsUsedInEveryMode() {
        assertEquals("s3cret", new EnrollmentConfig(60_000, "s3cret", null, 200, false).secret());
        assertEquals("s3cret", new EnrollmentConfig(60_000, "s3cret", null, 200, true).secret());
    }

    @Test
    void developmentModeWithoutASecretUsesTheDirectoryKeyAlone() {
        assertEquals("", new EnrollmentConfig(60_000, null, null, 200, true).secret());
    }

    @Test
    void productionWithoutASecretMakesNoLinkAndSaysWhatToSet() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> new EnrollmentConfig(60_000, null, null, 200, false).secret());
        assertTrue(refused.getMessage().contains("--spi-action-token-handler--dirsync-enrollment--link-secret"),
            refused.getMessage());
    }
}
