package io.dirsync.ldap;

import org.keycloak.testframework.server.KeycloakServerConfigBuilder;

import io.dirsync.it.DirSyncServerConfig;

/**
 * The suite's server, with request transactions long enough for Keycloak's own LDAP sync of a large directory
 * (the benchmark's anchor runs in the REST request that starts it; at 100,000 users it outlives the default
 * 5 minutes, and Keycloak then rolls the request back and answers 400).
 */
public class BenchServerConfig extends DirSyncServerConfig {

    @Override
    public KeycloakServerConfigBuilder configure(KeycloakServerConfigBuilder config) {
        config = super.configure(config).option("transaction-default-timeout", "3600");
        // -Dbench.h2QueryCache=N: H2's per-connection cache of parsed statements (QUERY_CACHE_SIZE, default 8) for a run
        // that measures how much of a gap on H2 is H2 parsing statements again (issue 16); never set by default.
        String h2QueryCache = System.getProperty("bench.h2QueryCache", "");
        if (!h2QueryCache.isBlank() && !"remote".equals(System.getProperty("kc.test.database", ""))) {
            config = config.option("db-url-properties", ";QUERY_CACHE_SIZE=" + Integer.parseInt(h2QueryCache.trim()));
        }
        // -Dbench.sqlLog=true: the server logs every SQL statement (Hibernate's org.hibernate.SQL at debug), to read which
        // statements a request makes beside ScimStatementsBench's counts; never set for measured figures.
        if (Boolean.getBoolean("bench.sqlLog")) {
            config = config.option("log-level", "INFO,org.hibernate.SQL:debug");
        }
        return config;
    }
}
