package io.dirsync.enrollment;

import org.keycloak.Config;
import org.keycloak.common.util.Environment;

/**
 * Server options of enrollment e-mails ({@code --spi-action-token-handler--dirsync-enrollment--<name>}).
 *
 * @param tickMillis  how often the job sends what is due (first mails, reminders, new links)
 * @param linkSecret  mixed into every link's nonce; kept outside the database, so that a dump cannot make links.
 *                    Required in production: without it no link is made ({@link #secret()})
 * @param publicUrl   where links point when the realm has no Frontend URL and Keycloak no {@code --hostname} URL
 * @param batch       enrollments handled per tick at most; the next tick goes on
 */
record EnrollmentConfig(long tickMillis, String linkSecret, String publicUrl, int batch, boolean devMode) {

    static final String SECRET_OPTION = "--spi-action-token-handler--" + EnrollmentActionTokenHandler.ID + "--link-secret";

    static EnrollmentConfig from(Config.Scope scope) {
        String secret = scope.get("link-secret");
        String url = scope.get("public-url");
        return new EnrollmentConfig(scope.getLong("tick-seconds", 60L) * 1000L,
            secret == null || secret.isBlank() ? null : secret, url == null || url.isBlank() ? null : url,
            scope.getInt("batch", 200), Environment.isDevMode());
    }

    /**
     * The server's part of every link's key. In production it must be configured: the directory's key alone is in the
     * database, and a dump must not be all it takes to make a working link, so without the option no link is made and
     * the pending enrollment's error says what to set. In development mode ({@code start-dev}, the demo, the tests) the
     * directory's key alone is used.
     */
    String secret() {
        if (linkSecret != null) {
            return linkSecret;
        }
        if (devMode) {
            return "";
        }
        throw new IllegalStateException("No enrollment link secret: set " + SECRET_OPTION + " (the same on every node)."
            + " In production Keycloak makes no enrollment link without it, since the database alone must not be enough"
            + " to make one");
    }
}
