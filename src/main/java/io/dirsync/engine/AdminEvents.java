package io.dirsync.engine;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventStoreProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.util.JsonSerialization;

/**
 * Emits Keycloak admin events for changes that no admin request made: SCIM pushes and scheduled syncs.
 * Delivered like {@code AdminEventBuilder} does (realm store when admin events are on, realm and global
 * listeners), with the directory named in the event details. Admin REST changes use Keycloak's own builder.
 */
public final class AdminEvents {

    private static final Logger LOG = Logger.getLogger(AdminEvents.class);

    /** Resource type of admin events about directories, runs and the trash. */
    public static final String RESOURCE_DIRECTORY = "DIRSYNC_DIRECTORY";
    public static final String RESOURCE_RUN = "DIRSYNC_RUN";

    private AdminEvents() {
    }

    public static void send(KeycloakSession session, RealmModel realm, Directory directory, OperationType operation,
                            String resourceType, String resourcePath, Object representation, Map<String, String> details) {
        AdminEvent event = new AdminEvent();
        event.setId(UUID.randomUUID().toString());
        event.setTime(Time.currentTimeMillis());
        event.setRealmId(realm.getId());
        event.setRealmName(realm.getName());
        event.setOperationType(operation);
        event.setResourceTypeAsString(resourceType);
        event.setResourcePath(resourcePath);
        AuthDetails auth = new AuthDetails();
        auth.setRealmId(realm.getId());
        auth.setRealmName(realm.getName());
        auth.setClientId("dirsync:" + directory.id());
        try {
            if (session.getContext().getConnection() != null) {
                auth.setIpAddress(session.getContext().getConnection().getRemoteAddr());
            }
        } catch (RuntimeException noRequest) {
            // scheduled work has no HTTP connection
        }
        event.setAuthDetails(auth);
        java.util.HashMap<String, String> all = new java.util.HashMap<>();
        if (details != null) {
            all.putAll(details);
        }
        all.put("directoryId", directory.id());
        all.put("directoryName", directory.name());
        event.setDetails(all);
        if (representation != null) {
            try {
                event.setRepresentation(representation instanceof String s ? s : JsonSerialization.writeValueAsString(representation));
            } catch (Exception e) {
                LOG.debugf(e, "Could not serialise admin event representation");
            }
        }
        boolean includeRepresentation = realm.isAdminEventsDetailsEnabled();
        if (realm.isAdminEventsEnabled()) {
            EventStoreProvider store = session.getProvider(EventStoreProvider.class);
            if (store != null) {
                store.onEvent(event, includeRepresentation);
            }
        }
        Set<String> realmListeners = new HashSet<>(realm.getEventsListenersStream().toList());
        session.getKeycloakSessionFactory().getProviderFactoriesStream(EventListenerProvider.class)
            .filter(f -> realmListeners.contains(f.getId()) || ((EventListenerProviderFactory) f).isGlobal())
            .forEach(f -> {
                try {
                    session.getProvider(EventListenerProvider.class, f.getId()).onEvent(event, includeRepresentation);
                } catch (Throwable t) {
                    LOG.warnf(t, "Admin event listener %s failed", f.getId());
                }
            });
    }
}
