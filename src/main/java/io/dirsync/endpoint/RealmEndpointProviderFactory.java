package io.dirsync.endpoint;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

import io.dirsync.engine.DirectoryTypeProvider;

/**
 * The extension's public root under a realm, {@code /realms/{realm}/dirsync} (not {@code scim}, which Keycloak's own
 * preview SCIM API uses). It knows no protocol: {@code {directoryId}/{api}/{version}} is handed to the directory type
 * that serves that API (SCIM: {@code {directoryId}/scim/v2}); the endpoint itself authenticates its caller against the
 * directory, so the root reveals nothing about which directories exist.
 */
public class RealmEndpointProviderFactory implements RealmResourceProviderFactory {

    /** Realm resource id: the first segment after {@code /realms/{realm}/}. */
    public static final String ID = "dirsync";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new Provider(session);
    }

    /** Default of {@code max-auth-failures}: as Keycloak's own brute-force detection, 30 failures before a refusal. */
    public static final int DEFAULT_MAX_AUTH_FAILURES = 30;
    /** Default of {@code auth-failure-window-seconds}. */
    public static final int DEFAULT_AUTH_FAILURE_WINDOW_SECONDS = 60;

    private AuthenticationFailures authenticationFailures =
        new AuthenticationFailures(DEFAULT_MAX_AUTH_FAILURES, DEFAULT_AUTH_FAILURE_WINDOW_SECONDS, "");

    /**
     * {@code --spi-realm-restapi-extension--dirsync--max-auth-failures} (0: no limit),
     * {@code ...--auth-failure-window-seconds} and {@code ...--auth-failure-exempt-addresses} (addresses and CIDR
     * ranges, comma-separated, never counted nor refused): the push APIs' brute-force protection
     * ({@link AuthenticationFailures}). A malformed exempt address stops the server's start with its reason.
     */
    @Override
    public void init(Config.Scope config) {
        authenticationFailures = new AuthenticationFailures(
            config.getInt("max-auth-failures", DEFAULT_MAX_AUTH_FAILURES),
            config.getInt("auth-failure-window-seconds", DEFAULT_AUTH_FAILURE_WINDOW_SECONDS),
            config.get("auth-failure-exempt-addresses", ""));
    }

    AuthenticationFailures authenticationFailures() {
        return authenticationFailures;
    }

    @Override public void postInit(KeycloakSessionFactory factory) { }
    @Override public void close() { }
    @Override public String getId() { return ID; }

    static final class Provider implements RealmResourceProvider {
        private final KeycloakSession session;

        Provider(KeycloakSession session) {
            this.session = session;
        }

        @Override
        public Object getResource() {
            return new Root(session);
        }

        @Override
        public void close() {
        }
    }

    /** {@code /realms/{realm}/dirsync}. */
    public static final class Root {
        private final KeycloakSession session;

        Root(KeycloakSession session) {
            this.session = session;
        }

        @Path("{directoryId}/{api}/{version}")
        public Object api(@PathParam("directoryId") String directoryId, @PathParam("api") String api,
                          @PathParam("version") String version) {
            return session.getKeycloakSessionFactory().getProviderFactoriesStream(DirectoryTypeProvider.class)
                .map(ProviderFactory::getId)
                .map(type -> session.getProvider(DirectoryTypeProvider.class, type).endpoint(directoryId, api, version))
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElseThrow(() -> new NotFoundException("No API '" + api + "/" + version + "' here"));
        }
    }
}
