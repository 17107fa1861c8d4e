package io.dirsync.ldap;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/**
 * Hibernate's statistics of the server's persistence unit, for code run on the server ({@code RunOnServer}): off by
 * default, switched on at run time around what a test or benchmark counts. A class of its own so that the server loads
 * nothing else of the test classes.
 */
public final class ServerStatistics {

    private ServerStatistics() {
    }

    public static org.hibernate.stat.Statistics of(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager().getEntityManagerFactory()
            .unwrap(org.hibernate.SessionFactory.class).getStatistics();
    }
}
