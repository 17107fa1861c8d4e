package io.dirsync.engine;

import java.net.InetAddress;

import org.keycloak.connections.infinispan.InfinispanConnectionProvider;
import org.keycloak.connections.infinispan.NodeInfo;
import org.keycloak.models.KeycloakSession;

/**
 * This Keycloak node's name, as run rows record it: Infinispan's node name (the one Keycloak logs at start, "Node name:
 * ..."), which tells two nodes on one host apart; the host name when the node has none (a local cache, start-dev).
 */
public final class ClusterNode {

    private static volatile String name;

    private ClusterNode() {
    }

    public static String name(KeycloakSession session) {
        String n = name;
        if (n == null) {
            n = read(session);
            name = n;
        }
        return n;
    }

    private static String read(KeycloakSession session) {
        try {
            InfinispanConnectionProvider ispn = session.getProvider(InfinispanConnectionProvider.class);
            NodeInfo info = ispn == null ? null : ispn.getNodeInfo();
            if (info != null && info.nodeName() != null && !info.nodeName().isBlank()) {
                return info.nodeName();
            }
        } catch (RuntimeException | LinkageError e) {
            // no Infinispan provider in this server: the host name below
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
