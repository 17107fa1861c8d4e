package io.dirsync.engine;

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

    @Override
    default void close() {
    }
}
