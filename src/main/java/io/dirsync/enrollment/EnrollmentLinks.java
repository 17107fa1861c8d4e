package io.dirsync.enrollment;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.ws.rs.core.UriBuilder;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import io.dirsync.storage.EnrollmentEntity;

/**
 * Enrollment links, derived rather than stored. A link is a Keycloak action token whose every claim comes from the
 * enrollment row (user, cycle, expiry, issue time) plus a nonce: an HMAC of the row under the directory's enrollment
 * key and the server's link secret. Keycloak signs action tokens with the realm's HMAC key, which is deterministic, so
 * Resend rebuilds the very same link; a database dump holds no link, and, when the server's link secret is configured
 * (it lives outside the database), cannot be used to make one.
 */
final class EnrollmentLinks {

    private EnrollmentLinks() {
    }

    /** The link of the enrollment's current cycle. */
    static String link(KeycloakSession session, RealmModel realm, EnrollmentEntity e, String directoryKey,
                       EnrollmentConfig config) {
        String base = publicBaseUrl(realm, config);
        String issuer = UriBuilder.fromUri(base).path("realms").path(realm.getName()).build().toString();
        EnrollmentActionToken token = new EnrollmentActionToken(e.getUserId(), (int) (e.getExpiresAt() / 1000),
            nonce(e, directoryKey, config), e.getId(), e.getCycle());
        token.iat(e.getSentAt() / 1000);
        token.id(token.getActionVerificationNonce().toString());
        token.issuer(issuer);
        token.audience(issuer);
        String key = session.tokens().encode(token);
        return UriBuilder.fromUri(base).path("realms").path(realm.getName()).path("login-actions").path("action-token")
            .queryParam("key", key).build().toString();
    }

    /** Whether a link's token is the current one of its enrollment (not deleted, not of an older cycle). */
    static boolean current(EnrollmentActionToken token, EnrollmentEntity e, String directoryKey, EnrollmentConfig config) {
        try {
            config.secret();
        } catch (IllegalStateException noSecret) {
            return false; // production without a link secret makes no link, so none can be current
        }
        return e != null && directoryKey != null && e.getUserId().equals(token.getUserId()) && e.getCycle() == token.getCycle()
            && e.getExpiresAt() != null && e.getExpiresAt() / 1000 == token.getExp()
            && MessageDigest.isEqual(nonce(e, directoryKey, config).toString().getBytes(StandardCharsets.US_ASCII),
                String.valueOf(token.getActionVerificationNonce()).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Where links point: the realm's Frontend URL, else the extension's {@code public-url} option, else Keycloak's
     * {@code --hostname} when it is a URL. A job has no request to take a host from, and a link to the wrong host (a
     * node's {@code localhost}) would reach nobody, so without one of them nothing is sent and the error says why.
     */
    static String publicBaseUrl(RealmModel realm, EnrollmentConfig config) {
        for (String candidate : new String[] {realm.getAttribute("frontendUrl"), config.publicUrl(), keycloakHostname()}) {
            if (candidate != null && (candidate.startsWith("https://") || candidate.startsWith("http://"))) {
                String url = candidate.endsWith("/") ? candidate.substring(0, candidate.length() - 1) : candidate;
                URI.create(url); // a malformed URL fails here, not in the user's mail client
                return url;
            }
        }
        throw new IllegalStateException("No public URL for enrollment links: set the realm's Frontend URL (realm settings),"
            + " or Keycloak's --hostname to a full URL, or --spi-action-token-handler--" + EnrollmentActionTokenHandler.ID
            + "--public-url");
    }

    private static String keycloakHostname() {
        Config.Scope hostname = Config.scope("hostname", "v2");
        return hostname == null ? null : hostname.get("hostname");
    }

    private static UUID nonce(EnrollmentEntity e, String directoryKey, EnrollmentConfig config) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            String key = config.secret() + "|" + directoryKey;
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] h = mac.doFinal(String.join("|", e.getId(), e.getUserId(), String.valueOf(e.getCycle()),
                String.valueOf(e.getSentAt()), String.valueOf(e.getExpiresAt()), String.valueOf(e.getEmail()))
                .getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.wrap(h);
            return new UUID(b.getLong(), b.getLong());
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
