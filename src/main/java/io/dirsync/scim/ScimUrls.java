package io.dirsync.scim;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.urls.UrlType;

import io.dirsync.engine.Directory;

/** Where a directory's SCIM endpoint lives: one Base URL per directory, under the realm. */
public final class ScimUrls {

    /** Realm resource id: {@code /realms/{realm}/dirsync/...}; not {@code scim}, which Keycloak's own preview API uses. */
    public static final String REALM_RESOURCE_ID = "dirsync";

    private ScimUrls() {
    }

    public static String baseUrl(KeycloakSession session, RealmModel realm, Directory directory) {
        String base = session.getContext().getUri(UrlType.FRONTEND).getBaseUri().toString();
        if (!base.endsWith("/")) {
            base += "/";
        }
        return base + "realms/" + realm.getName() + "/" + REALM_RESOURCE_ID + "/" + directory.id() + "/scim/v2";
    }
}
