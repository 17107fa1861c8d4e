package io.dirsync.storage;

import java.util.List;

/**
 * A condition on a directory's users or groups, which {@link UserQuery} and {@link GroupQuery} turn into one SQL
 * query: comparisons of a column, of a Keycloak user attribute or of a value of the users' source documents
 * ({@link SourceValueEntity}), memberships, combined with and/or/not. It knows no client protocol; a front door
 * (SCIM's filter translator) builds it from its own grammar.
 * <p>
 * Text is compared ignoring case. A text value of null compares with SQL null: {@code EQUAL} is "is null", any other
 * operator "is not null". A condition on something that holds several values (attributes, document values,
 * memberships) holds when one of them matches: "none equals" is {@code not(... EQUAL ...)}.
 */
public sealed interface Condition {

    /** How a value is compared; {@code PRESENT} takes no value. */
    enum Op { EQUAL, NOT_EQUAL, CONTAINS, STARTS_WITH, ENDS_WITH, GREATER, GREATER_OR_EQUAL, LESS, LESS_OR_EQUAL, PRESENT }

    /** The columns a search compares and sorts on. */
    enum Column {
        /** Keycloak's user row. */
        USERNAME, FIRST_NAME, LAST_NAME,
        /** The managed-user row (its id is Keycloak's user id; times are epoch milliseconds). */
        USER_EXTERNAL_ID, USER_ID, USER_CREATED, USER_LAST_MODIFIED,
        /** The managed-group row (its name is the source's; its id is Keycloak's group id). */
        GROUP_NAME, GROUP_EXTERNAL_ID, GROUP_ID, GROUP_CREATED, GROUP_LAST_MODIFIED
    }

    record And(List<Condition> parts) implements Condition {
    }

    record Or(List<Condition> parts) implements Condition {
    }

    record Not(Condition condition) implements Condition {
    }

    /** Every row. */
    record Always() implements Condition {
    }

    /** A text column compared with {@code value}. */
    record Text(Column column, Op op, String value) implements Condition {
    }

    /** A time column compared with an instant in epoch milliseconds (null with {@code PRESENT}). */
    record Time(Column column, Op op, Long epochMilli) implements Condition {
    }

    /** The user can be active: not trashed, and active in its source. */
    record Active() implements Condition {
    }

    /** The user has the Keycloak attribute {@code name} with a matching value ({@code PRESENT}: any value). */
    record Attribute(String name, Op op, String value) implements Condition {
    }

    /**
     * The user's source document has a matching value at {@code path} (lower-cased, as {@link SourceValues} indexes
     * it); {@code PRESENT}: a non-empty one.
     */
    record DocumentValue(String path, Op op, String value) implements Condition {
    }

    /**
     * One element of the multi-valued attribute at {@code path} satisfies {@code inner}, whose leaves are
     * {@link DocumentValue}s of sub-attributes ({@code path + ".type"}) matched within that same element.
     */
    record SameElement(String path, Condition inner) implements Condition {
    }

    /** The user is a member of the group {@code groupId}, or of any group when it is null. */
    record InGroup(String groupId) implements Condition {
    }

    /** The user is a member of a group of the directory whose name matches ({@code PRESENT}: any such group). */
    record InDirectoryGroup(Op op, String name) implements Condition {
    }

    /** The group has the user {@code userId} as a member, or any member when it is null. */
    record HasMember(String userId) implements Condition {
    }
}
