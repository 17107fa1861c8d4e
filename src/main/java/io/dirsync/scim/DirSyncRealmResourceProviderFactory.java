package io.dirsync.scim;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * Mounts the per-directory SCIM endpoints at {@code /realms/{realm}/dirsync/{directoryId}/scim/v2}
 * (not under {@code scim}, which is Keycloak's own preview SCIM API).
 */
public class DirSyncRealmResourceProviderFactory implements RealmResourceProviderFactory {

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new Provider(session);
    }

    @Override public void init(Config.Scope config) { }
    @Override public void postInit(KeycloakSessionFactory factory) { }
    @Override public void close() { }
    @Override public String getId() { return ScimUrls.REALM_RESOURCE_ID; }

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

        @Path("{directoryId}/scim/v2")
        public ScimEndpoint scim(@PathParam("directoryId") String directoryId) {
            return new ScimEndpoint(session, directoryId);
        }
    }
}
