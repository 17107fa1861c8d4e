package io.dirsync.engine;

import java.util.function.Supplier;

import org.keycloak.models.KeycloakSession;

/**
 * Marks the writes the engine makes itself, so that the guards that refuse admin changes to synced data
 * (rule 4, rule 6) let them through. Scoped to one Keycloak session; nests.
 */
public final class EngineWrites {

    private static final String ATTRIBUTE = "dirsync.engine-write-depth";

    private EngineWrites() {
    }

    public static boolean inProgress(KeycloakSession session) {
        Integer depth = session.getAttribute(ATTRIBUTE, Integer.class);
        return depth != null && depth > 0;
    }

    public static <T> T run(KeycloakSession session, Supplier<T> work) {
        Integer depth = session.getAttribute(ATTRIBUTE, Integer.class);
        session.setAttribute(ATTRIBUTE, depth == null ? 1 : depth + 1);
        try {
            return work.get();
        } finally {
            Integer now = session.getAttribute(ATTRIBUTE, Integer.class);
            session.setAttribute(ATTRIBUTE, now == null ? 0 : now - 1);
        }
    }

    public static void run(KeycloakSession session, Runnable work) {
        run(session, () -> {
            work.run();
            return null;
        });
    }
}
