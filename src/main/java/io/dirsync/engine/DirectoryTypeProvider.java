package io.dirsync.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;

/**
 * A directory type's part of a directory's life, in a session. The engine calls it around its own work on directories
 * (create, update, delete, group removal), so that every front door (Admin REST, console, later APIs) gets the same
 * behaviour. Refusals are {@link SyncConflictException}s like the engine's.
 */
public interface DirectoryTypeProvider extends Provider {

    /** Secrets taken out of settings an admin sent; they are stored by the type, never with the settings. */
    record Secrets(Map<String, String> values) {
        public static final Secrets NONE = new Secrets(Map.of());

        public String get(String name) {
            return values.get(name);
        }
    }

    /**
     * Checks the settings an admin sent and completes them with the type's defaults; takes secrets out of them.
     *
     * @param existing the directory being changed, or null for a new one
     */
    Secrets prepareSettings(RealmModel realm, ObjectNode settings, Directory existing);

    /** After the directory was created (in the same transaction). */
    default void created(RealmModel realm, Directory directory, Secrets secrets) {
    }

    /** After the directory was renamed or its settings replaced (in the same transaction). */
    default void updated(RealmModel realm, Directory directory, Secrets secrets) {
    }

    /** Before the engine deletes the directory (rule 9). */
    default void deleting(RealmModel realm, Directory directory) {
    }

    /** After the admin removed a managed group from the directory (rule 8), with the group's source id. */
    default void groupRemoved(RealmModel realm, Directory directory, String groupSourceId) {
    }

    /**
     * New API credentials for the directory's source (complete setup, regenerate), shown once; empty when the type has
     * none (a pull directory connects to its source itself).
     */
    default Optional<Map<String, Object>> issueCredentials(RealmModel realm, Directory directory) {
        return Optional.empty();
    }

    /**
     * The resource serving {@code /realms/{realm}/dirsync/{directoryId}/{api}/{version}} when this type's sources push
     * through that API (SCIM: {@code scim}, {@code v2}), else null. The resource authenticates its caller itself.
     */
    default Object endpoint(String directoryId, String api, String version) {
        return null;
    }

    /** The type's own part of the directory's representation (connection, credentials' status); never a secret. */
    default Map<String, Object> describe(RealmModel realm, Directory directory) {
        return Map.of();
    }

    /**
     * The names of the type's admin actions ({@link #adminAction}), for messages and documentation.
     */
    default List<String> adminActions() {
        return List.of();
    }

    /**
     * A read-only admin action of the type, on settings an admin is typing (before the directory exists, or while
     * editing one): e.g. testing the connection or the bind to the source, searching its groups. The admin API
     * serves it at {@code POST /directory-types/{type}/{action}[?directory={id}]} to {@code manage-realm} admins. An
     * action changes nothing (no admin event is emitted for it) and never answers with a secret.
     *
     * @param action   the action's name from the URL
     * @param body     the request body: {@code {"settings": {...}}} as the directory would be saved, plus the action's own
     *                 fields
     * @param existing the directory being edited, whose stored settings and secrets stand in for what the body leaves
     *                 out (the type decides when a stored secret may be used), or null
     * @return the answer, written as JSON; null when the type has no such action (the API answers 404)
     * @throws SyncConflictException {@code INVALID} for input the action cannot use, with what to fix
     */
    default Object adminAction(RealmModel realm, String action, ObjectNode body, Directory existing) {
        return null;
    }

    @Override
    default void close() {
    }
}
