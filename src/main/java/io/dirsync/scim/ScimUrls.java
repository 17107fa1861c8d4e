package io.dirsync.scim;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.urls.UrlType;

import io.dirsync.endpoint.RealmEndpointProviderFactory;
import io.dirsync.engine.Directory;

/** Where a directory's SCIM endpoint lives: one Base URL per directory, under the realm. */
public final class ScimUrls {

    static final String API = "scim";
    static final String VERSION = "v2";

    private ScimUrls() {
    }

    public static String baseUrl(KeycloakSession session, RealmModel realm, Directory directory) {
        String base = session.getContext().getUri(UrlType.FRONTEND).getBaseUri().toString();
        if (!base.endsWith("/")) {
            base += "/";
        }
        return base + "realms/" + realm.getName() + "/" + RealmEndpointProviderFactory.ID + "/" + directory.id() + "/" + API + "/"
            + VERSION;
    }
}
