package io.dirsync.engine;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderFactory;

/**
 * A kind of directory: what is known of it without a session (its id, default name, rule 6's label, the mappings it
 * offers), and the provider that carries out its part of a directory's life ({@link DirectoryTypeProvider}). Its id
 * ({@link #getId()}) is the directory's {@code type}.
 */
public interface DirectoryTypeFactory extends ProviderFactory<DirectoryTypeProvider> {

    /** The name of a new directory of this type when the admin gives none. */
    String defaultName();

    /** Rule 6: the label in its managed groups' names ({@code Engineering from <label> Sync "<name>"}). */
    String groupLabel(Directory directory);

    /**
     * The Keycloak user-storage component whose users the directory's users are (Keycloak then checks their passwords
     * there), or null when its users are plain local users.
     */
    default String federationLink(Directory directory) {
        return null;
    }

    /**
     * The required mappings of a directory (locked in the mapping editor): which source attribute fills its users'
     * username, email and names.
     */
    List<AttributeMapping> requiredMappings(Directory directory);

    /** Source attributes the mapping editor offers for optional mappings (where any name may be typed, suggestions). */
    List<String> offeredSources();

    /**
     * How the directory reads its source, on schedules and on demand ({@link PullRunner}), or null for a directory its
     * source pushes to.
     */
    default PullSource pullSource() {
        return null;
    }

    /**
     * Whether the directory's users may sign in with a Keycloak password (true by default; an Entra directory whose users
     * sign in through the realm's Microsoft identity provider says no): the login policy refuses a password otherwise,
     * and enrollment never asks for one.
     */
    default boolean passwordSignIn(Directory directory) {
        return true;
    }

    /**
     * Whether the type's pull source runs incremental syncs ({@link io.dirsync.storage.RunKind#INCREMENTAL}: only the
     * changes since its last run, e.g. Graph delta queries), on demand and every {@code incrementalSyncMinutes} (15)
     * of a directory's settings.
     */
    default boolean incrementalSync() {
        return false;
    }

    /**
     * Rule 12: how the type's directories name a group in their {@code adminGroups} setting ({@link AdminGroups}), or
     * null when they have no admin groups (a push source never grants an admin role). A pull source then reports, for
     * each user it applies, which of its groups the user is in ({@link PullRun#apply(SourceUser, String, KnownAbsent,
     * java.util.Set, PullRun.AppliedUserHook)}); the engine grants and revokes the roles.
     */
    default AdminGroups.Naming adminGroups() {
        return null;
    }

    @Override
    default void init(Config.Scope config) {
    }

    @Override
    default void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    default void close() {
    }
}
