package io.dirsync.engine;

import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.Provider;

import io.dirsync.storage.DirSyncStore;
import io.dirsync.storage.ManagedGroupEntity;
import io.dirsync.storage.ManagedUserEntity;

/**
 * The one place that holds the rules of SPEC §2 (see docs/RULES.md), as the {@code dirsync-engine} provider of a
 * session. Its parts follow the rules, reached like Keycloak's {@code session.users()}:
 * {@link #directories()} (rules 5, 9), {@link #users()} (1-4), {@link #trash()} (7), {@link #groups()} (6, 8),
 * {@link #statuses()} (11), {@link #guards()} (4 and 6 on admin paths), {@link #adminRoles()} (12); runs and their
 * reports (13) are {@link #runs()}. Adapters (SCIM, LDAP, ...) translate their protocol into {@link SourceUser}s and
 * group operations and call these; the admin API calls them too. Every method works in the caller's Keycloak
 * transaction; a {@link SyncConflictException} means "refused for this subject" and the caller rolls that subject back
 * and goes on.
 */
public class DirectorySyncEngine implements Provider {


    private final KeycloakSession session;
    private final EngineConfig config;
    private final DirSyncStore store;
    private final Identifiers identifiers;
    private final SyncRuns runs;
    private final Directories directories;
    private final UserSync users;
    private final Trash trash;
    private final Groups groups;
    private final Statuses statuses;
    private final Guards guards;
    private final DirectoryAdminRoles adminRoles;

    public DirectorySyncEngine(KeycloakSession session, EngineConfig config) {
        this.session = session;
        this.config = config;
        this.store = new DirSyncStore(session);
        this.identifiers = new Identifiers(session, store);
        this.runs = new SyncRuns(session, store);
        this.directories = new Directories(this, session);
        this.users = new UserSync(this, session);
        this.trash = new Trash(this, session);
        this.groups = new Groups(this, session);
        this.statuses = new Statuses(this, session);
        this.guards = new Guards(this, session);
        this.adminRoles = new DirectoryAdminRoles(this, session);
    }

    public static DirectorySyncEngine of(KeycloakSession session) {
        return session.getProvider(DirectorySyncEngine.class);
    }

    public EngineConfig config() { return config; }
    KeycloakSession session() { return session; }
    public DirSyncStore store() { return store; }
    public Identifiers identifiers() { return identifiers; }
    public SyncRuns runs() { return runs; }
    public Directories directories() { return directories; }
    public UserSync users() { return users; }
    public Trash trash() { return trash; }
    public Groups groups() { return groups; }
    public Statuses statuses() { return statuses; }
    public Guards guards() { return guards; }
    public DirectoryAdminRoles adminRoles() { return adminRoles; }

    static void touchRevision(ManagedUserEntity m) {
        m.setRevision(m.getRevision() + 1);
        m.setLastModified(Time.currentTimeMillis());
    }

    static void touchRevision(ManagedGroupEntity g) {
        g.setRevision(g.getRevision() + 1);
        g.setLastModified(Time.currentTimeMillis());
    }

    /** Tells the features that subscribed (see {@link DirSyncEvent}). */
    void publish(DirSyncEvent event) {
        session.getKeycloakSessionFactory().publish(event);
    }

    @Override
    public void close() {
    }
}
