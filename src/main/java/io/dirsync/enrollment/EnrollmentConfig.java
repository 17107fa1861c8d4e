package io.dirsync.enrollment;

import org.keycloak.Config;

/**
 * Server options of enrollment e-mails ({@code --spi-action-token-handler--dirsync-enrollment--<name>}).
 *
 * @param tickMillis  how often the job sends what is due (first mails, reminders, new links)
 * @param linkSecret  mixed into every link's nonce; kept outside the database, so that a dump cannot make links
 * @param publicUrl   where links point when the realm has no Frontend URL and Keycloak no {@code --hostname} URL
 * @param batch       enrollments handled per tick at most; the next tick goes on
 */
record EnrollmentConfig(long tickMillis, String linkSecret, String publicUrl, int batch) {

    static EnrollmentConfig from(Config.Scope scope) {
        String secret = scope.get("link-secret");
        String url = scope.get("public-url");
        return new EnrollmentConfig(scope.getLong("tick-seconds", 60L) * 1000L,
            secret == null || secret.isBlank() ? null : secret, url == null || url.isBlank() ? null : url,
            scope.getInt("batch", 200));
    }
}
