package io.dirsync.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rule 10: when a pull run would trash so many of a directory's users that it looks like an accident (a renamed group,
 * a wrong filter), it trashes nobody and waits for an admin. A run is held when it would trash at least
 * {@code minimum} users and either more than {@code percent} % of the directory's active users or at least
 * {@code limit} users, whichever is reached first (Okta holds at a share, Entra Connect at 500 deletions a cycle).
 *
 * <p>Directory settings {@code deprovisionGuardPercent} (20), {@code deprovisionGuardMinimum} (10) and
 * {@code deprovisionGuardLimit} (500).
 */
public record DeprovisionGuard(double percent, int minimum, int limit) {

    static final String PERCENT = "deprovisionGuardPercent";
    static final String MINIMUM = "deprovisionGuardMinimum";
    static final String LIMIT = "deprovisionGuardLimit";

    public static final DeprovisionGuard DEFAULT = new DeprovisionGuard(20, 10, 500);

    static DeprovisionGuard of(Directory directory) {
        ObjectNode s = directory.settings();
        return new DeprovisionGuard(s.path(PERCENT).asDouble(DEFAULT.percent), s.path(MINIMUM).asInt(DEFAULT.minimum),
            s.path(LIMIT).asInt(DEFAULT.limit));
    }

    boolean holds(long wouldTrash, long activeUsers) {
        return wouldTrash > 0 && wouldTrash >= minimum && (wouldTrash * 100.0 > percent * activeUsers || wouldTrash >= limit);
    }

    String describe() {
        return "more than " + (percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent))
            + " % of them, or " + limit + " or more";
    }

    /** Refuses settings that are not numbers in range. */
    static void validate(ObjectNode settings) {
        number(settings, PERCENT, 0, 100);
        number(settings, MINIMUM, 0, Integer.MAX_VALUE);
        number(settings, LIMIT, 1, Integer.MAX_VALUE);
    }

    private static void number(ObjectNode settings, String key, double min, double max) {
        JsonNode n = settings.get(key);
        if (n != null && !n.isNull() && (!n.isNumber() || n.asDouble() < min || n.asDouble() > max
                || (!key.equals(PERCENT) && !n.canConvertToInt()))) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "settings." + key + " must be a "
                + (key.equals(PERCENT) ? "number" : "whole number") + " from " + (long) min + " to "
                + (max == Integer.MAX_VALUE ? "any" : String.valueOf((long) max)));
        }
    }
}
