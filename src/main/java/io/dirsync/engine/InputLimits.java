package io.dirsync.engine;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The one table of length limits: every string a client (SCIM, Duo) or an admin can send that ends in a column of
 * limited length, checked before anything is written so that bad input is a 400 naming the attribute and its limit,
 * never the database's "value too long" (a 500 and, on PostgreSQL, an aborted transaction). The columns are Keycloak
 * 26.7's (its {@code jpa-changelog-*.xml}) and ours ({@code META-INF/dirsync-changelog.xml}). Keycloak's user attributes
 * have no limit here: since Keycloak 24 a value longer than {@code USER_ATTRIBUTE.VALUE} (255) is kept in
 * {@code LONG_VALUE} (NCLOB). Lengths are counted in UTF-16 units, which is never less than what the database counts.
 */
public final class InputLimits {

    /** Keycloak's {@code USER_ENTITY.USERNAME}; ours: {@code DIRSYNC_MANAGED_USER.SOURCE_USERNAME}, {@code DIRSYNC_IDENTIFIER.IDENTIFIER}. */
    public static final int USERNAME = 255;
    /** Keycloak's {@code USER_ENTITY.EMAIL}; ours: {@code DIRSYNC_ENROLLMENT.EMAIL}. */
    public static final int EMAIL = 255;
    /** Keycloak's {@code USER_ENTITY.FIRST_NAME}. */
    public static final int FIRST_NAME = 255;
    /** Keycloak's {@code USER_ENTITY.LAST_NAME}. */
    public static final int LAST_NAME = 255;
    /** An alias (rule 3): {@code DIRSYNC_IDENTIFIER.IDENTIFIER} and {@code VALUE_FOLDED}. */
    public static final int ALIAS = 255;
    /** A source's id of a user or group: {@code DIRSYNC_MANAGED_USER.EXTERNAL_ID}, {@code DIRSYNC_MANAGED_GROUP.EXTERNAL_ID}. */
    public static final int EXTERNAL_ID = 255;
    /**
     * A group's name in Keycloak, {@code KEYCLOAK_GROUP.NAME}, which holds the source's name with the directory's suffix
     * (rule 6), so that a source name has {@link #groupName(Directory)}; ours: {@code DIRSYNC_MANAGED_GROUP.SOURCE_NAME}.
     */
    public static final int GROUP_NAME = 255;
    /** Keycloak's {@code KEYCLOAK_GROUP.DESCRIPTION} (26.3). */
    public static final int GROUP_DESCRIPTION = 255;
    /** {@code DIRSYNC_DIRECTORY.NAME} is 255; 200 leaves room for the names made from it (rule 6, the LDAP component's). */
    public static final int DIRECTORY_NAME = 200;
    /** The enrollment mail's subject and the contact line, kept as realm attributes; a subject is one line. */
    public static final int ENROLLMENT_SUBJECT = 255;
    public static final int ENROLLMENT_CONTACT = 255;
    /** The enrollment mail's body: not a column's limit, a mail's. */
    public static final int ENROLLMENT_BODY = 10_000;

    /** Keycloak's own fields and the aliases, by their Keycloak names; any other user attribute is unlimited. */
    private static final Map<String, Integer> USER_ATTRIBUTES = Map.ofEntries(
        Map.entry("username", USERNAME), Map.entry("email", EMAIL), Map.entry("firstName", FIRST_NAME),
        Map.entry("lastName", LAST_NAME), Map.entry("alias1", ALIAS), Map.entry("alias2", ALIAS),
        Map.entry("alias3", ALIAS), Map.entry("alias4", ALIAS), Map.entry("alias5", ALIAS), Map.entry("alias6", ALIAS),
        Map.entry("alias7", ALIAS), Map.entry("alias8", ALIAS));

    private InputLimits() {
    }

    /** The limit of a Keycloak user attribute ({@code username}, {@code email}, {@code alias3}, ...), if it has one. */
    public static OptionalInt ofUserAttribute(String keycloakAttribute) {
        Integer limit = USER_ATTRIBUTES.get(keycloakAttribute);
        return limit == null ? OptionalInt.empty() : OptionalInt.of(limit);
    }

    /**
     * How long a source's group name may be in {@code directory}: Keycloak's group name holds it with the longer of
     * the directory's two suffixes (" from Okta Sync \"Corp\"", and " (formerly from \"Corp\")" once unmanaged).
     */
    public static int groupName(Directory directory) {
        int suffix = Math.max(directory.managedGroupName("").length(), directory.formerGroupName("").length());
        return Math.min(GROUP_NAME, GROUP_NAME - suffix);
    }

    /**
     * The length of a value as the database will hold it: Keycloak and the identifier table keep some values
     * lower-cased, which can lengthen them ("İ" is two characters lower-cased).
     */
    public static int length(String value) {
        return Math.max(value.length(), value.toLowerCase(Locale.ROOT).length());
    }

    /** The first problem of {@code value} as stored, or null: longer than {@code limit}, or holding U+0000 (PostgreSQL refuses it). */
    public static String problem(String value, int limit) {
        if (value == null) {
            return null;
        }
        if (value.indexOf('\u0000') >= 0) {
            return "must not contain the character U+0000";
        }
        int length = length(value);
        return length > limit ? "has at most " + limit + " characters (this one has " + length + ")" : null;
    }

    /** A value without a column limit (a user attribute, a document value): only U+0000 is refused. */
    public static String problem(String value) {
        return problem(value, Integer.MAX_VALUE);
    }

    /**
     * Refuses {@code value} when it does not fit, with a message naming the attribute as the caller's client spells it.
     *
     * @throws SyncConflictException {@link SyncConflictException.Kind#INVALID} (400)
     */
    public static void require(String attribute, String value, int limit) {
        String problem = problem(value, limit);
        if (problem != null) {
            throw new SyncConflictException(SyncConflictException.Kind.INVALID, "'" + attribute + "' " + problem);
        }
    }

    /**
     * The engine's own check of a source's user (every source, pulls included, reaches it), by Keycloak names; the
     * adapters check first with their own names, so this answers only what an adapter missed.
     */
    public static void requireFits(SourceUser source) {
        require("username", source.username(), USERNAME);
        if (source.externalId() != null) {
            require("externalId", source.externalId(), EXTERNAL_ID);
        }
        source.attributes().forEach((name, value) -> {
            OptionalInt limit = ofUserAttribute(name);
            require(name, value, limit.isPresent() ? limit.getAsInt() : Integer.MAX_VALUE);
        });
    }

    /** The engine's own check of a source's group name and id. */
    public static void requireGroupFits(Directory directory, String sourceName, String externalId) {
        if (sourceName != null) {
            require("group name", sourceName.trim(), groupName(directory));
        }
        if (externalId != null) {
            require("group externalId", externalId, EXTERNAL_ID);
        }
    }
}
