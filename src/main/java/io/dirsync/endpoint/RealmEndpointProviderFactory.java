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

    @Override public void init(Config.Scope config) { }
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
