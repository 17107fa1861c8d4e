package io.dirsync.engine;

import java.util.function.Consumer;

import org.keycloak.models.KeycloakSessionFactory;

import io.dirsync.storage.RunKind;

/**
 * How a pull directory reads its source (LDAP, later Entra): one run, on the calling thread. It opens a {@link PullRun},
 * turns the source's entries into {@link SourceUser}s for it and finishes it; the engine's {@link PullRunner} gives it
 * the thread, the directory's cluster-wide lock and the wait-or-202 of on-demand runs, and {@link PullScheduler} starts
 * the scheduled ones.
 */
@FunctionalInterface
public interface PullSource {

    /**
     * Runs one sync of the directory.
     *
     * @param kind      {@link RunKind#FULL}, {@link RunKind#ADMIN} or {@link RunKind#USER}
     * @param username  the user of a single-user sync, else null
     * @param runOpened told the run's id as soon as the run is open
     */
    RunReport run(KeycloakSessionFactory factory, String realmId, String directoryId, RunKind kind, String username,
                  Consumer<String> runOpened);
}
