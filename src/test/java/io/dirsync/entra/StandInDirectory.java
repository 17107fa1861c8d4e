package io.dirsync.entra;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The tenant behind {@link GraphStandIn}: users, groups, memberships, and a log of every change for delta queries.
 * Not thread-safe by itself: every caller holds this object's monitor ({@code synchronized (directory)}), so that a
 * Graph page is computed from one consistent state.
 */
final class StandInDirectory {

    // ---- Property catalogue (Graph v1.0 user and group resources) ----

    /** The user properties Graph returns when a request has no $select. */
    static final List<String> DEFAULT_USER = List.of("displayName", "givenName", "surname", "mail", "userPrincipalName",
        "mobilePhone", "businessPhones", "jobTitle", "officeLocation", "preferredLanguage");

    /** Collection-valued user properties: Graph returns [] (not null) when they were never set. */
    static final Set<String> USER_LISTS = Set.of("assignedLicenses", "assignedPlans", "businessPhones", "identities",
        "imAddresses", "interests", "licenseAssignmentStates", "onPremisesProvisioningErrors", "otherMails", "pastProjects",
        "provisionedPlans", "proxyAddresses", "responsibilities", "schools", "skills");

    /** Properties of the v1.0 user resource (a $select of anything else is a 400, as in Graph). */
    private static final List<String> USER_PROPERTIES = List.of("id", "aboutMe", "accountEnabled", "ageGroup",
        "assignedLicenses", "assignedPlans", "authorizationInfo", "birthday", "businessPhones", "city", "companyName",
        "consentProvidedForMinor", "country", "createdDateTime", "creationType", "customSecurityAttributes", "deletedDateTime",
        "department", "displayName", "employeeHireDate", "employeeId", "employeeLeaveDateTime", "employeeOrgData", "employeeType",
        "externalUserState", "externalUserStateChangeDateTime", "faxNumber", "givenName", "hireDate", "identities", "imAddresses",
        "interests", "isResourceAccount", "jobTitle", "lastPasswordChangeDateTime", "legalAgeGroupClassification",
        "licenseAssignmentStates", "mail", "mailNickname", "mobilePhone", "mySite", "officeLocation", "onPremisesDistinguishedName",
        "onPremisesDomainName", "onPremisesExtensionAttributes", "onPremisesImmutableId", "onPremisesLastSyncDateTime",
        "onPremisesProvisioningErrors", "onPremisesSamAccountName", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled",
        "onPremisesUserPrincipalName", "otherMails", "passwordPolicies", "passwordProfile", "pastProjects", "postalCode",
        "preferredDataLocation", "preferredLanguage", "preferredName", "provisionedPlans", "proxyAddresses", "responsibilities",
        "schools", "securityIdentifier", "showInAddressList", "signInSessionsValidFromDateTime", "skills", "state", "streetAddress",
        "surname", "usageLocation", "userPrincipalName", "userType");

    /** The group properties Graph returns when a request has no $select. */
    static final List<String> DEFAULT_GROUP = List.of("displayName", "description", "mail", "mailEnabled", "mailNickname",
        "securityEnabled", "groupTypes", "createdDateTime");

    /** Properties of the v1.0 group resource that this stand-in knows (all but displayName have fixed values). */
    private static final List<String> GROUP_PROPERTIES = List.of("id", "displayName", "description", "mail", "mailEnabled",
        "mailNickname", "securityEnabled", "groupTypes", "createdDateTime", "classification", "visibility", "proxyAddresses",
        "onPremisesSyncEnabled", "onPremisesSecurityIdentifier", "securityIdentifier", "isAssignableToRole", "deletedDateTime");

    private static final Map<String, String> GROUP_NAMES = new HashMap<>();

    static {
        GROUP_PROPERTIES.forEach(p -> GROUP_NAMES.put(p.toLowerCase(Locale.ROOT), p));
    }

    // ---- State ----

    enum Kind { USER_CREATED, USER_UPDATED, USER_SOFT_DELETED, USER_RESTORED, USER_DELETED,
        GROUP_CREATED, GROUP_RENAMED, GROUP_DELETED, MEMBER_ADDED, MEMBER_REMOVED }

    /**
     * One entry of the change log; its sequence number is its index + 1. {@code properties}: the user properties an
     * update changed; {@code memberId}/{@code memberIsGroup}: for MEMBER_* (then {@code objectId} is the group).
     */
    record Change(Kind kind, String objectId, Set<String> properties, String memberId, boolean memberIsGroup) {
    }

    static final class User {
        final String id;
        /** Creation order: /users pages and delta rounds walk users by it. */
        final long ordinal;
        final LinkedHashMap<String, Object> props = new LinkedHashMap<>();
        boolean softDeleted;
        /** While soft-deleted: the groups it was in, for restore. */
        List<String> groupsAtDeletion = List.of();

        User(String id, long ordinal) {
            this.id = id;
            this.ordinal = ordinal;
        }

        String upn() {
            return (String) props.get("userPrincipalName");
        }
    }

    static final class Group {
        final String id;
        final long ordinal;
        final String createdDateTime = now();
        final String mailNickname;
        String displayName;
        /** Direct members by membership ordinal (when they were added): stable cursors for paging. */
        final TreeMap<Long, String> members = new TreeMap<>();
        final HashMap<String, Long> memberOrdinals = new HashMap<>();

        Group(String id, long ordinal, String displayName) {
            this.id = id;
            this.ordinal = ordinal;
            this.displayName = displayName;
            this.mailNickname = "g" + id.substring(0, 8);
        }
    }

    /** Users that are not deleted, by creation ordinal. */
    final TreeMap<Long, User> activeUsers = new TreeMap<>();
    /** Active and soft-deleted users by id. */
    private final HashMap<String, User> users = new HashMap<>();
    private final HashMap<String, String> idByUpn = new HashMap<>();
    final TreeMap<Long, Group> groupsByOrdinal = new TreeMap<>();
    private final HashMap<String, Group> groups = new HashMap<>();
    /** Reverse membership index: member id -> the groups it is a direct member of. */
    private final HashMap<String, LinkedHashSet<String>> parents = new HashMap<>();
    private final ArrayList<Change> log = new ArrayList<>();
    /** User properties set by a test that are not in the catalogue (extension_..., others): lower-case -> spelling. */
    private final HashMap<String, String> userNames = new HashMap<>();
    private long ordinals;
    /** Set by {@link #seedIds}: where new object ids come from; null: {@link StandInHttp#guid()}. */
    private Random ids;
    private int populatedUsers;
    private int populatedGroups;

    StandInDirectory() {
        USER_PROPERTIES.forEach(p -> userNames.put(p.toLowerCase(Locale.ROOT), p));
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The sequence number of the latest change (0: none yet). */
    long sequence() {
        return log.size();
    }

    /** A user property's canonical spelling, or null if Graph would not know it (extension_* are always known). */
    String userProperty(String name) {
        String known = userNames.get(name.toLowerCase(Locale.ROOT));
        if (known != null) {
            return known;
        }
        return name.regionMatches(true, 0, "extension_", 0, 10) ? name : null;
    }

    static String groupProperty(String name) {
        return GROUP_NAMES.get(name.toLowerCase(Locale.ROOT));
    }

    void seedIds(long seed) {
        ids = new Random(seed);
    }

    /** A new object id: a random version-4 GUID, repeatable after {@link #seedIds}. */
    private String newId() {
        if (ids == null) {
            return StandInHttp.guid();
        }
        long hi = (ids.nextLong() & ~0xf000L) | 0x4000L;
        long lo = (ids.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    // ---- Users ----

    String addUser(String upn, Map<String, Object> properties) {
        if (upn == null || upn.isBlank()) {
            throw new IllegalArgumentException("userPrincipalName is required");
        }
        if (idByUpn.containsKey(upn.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("userPrincipalName already in use: " + upn);
        }
        User u = new User(newId(), ordinals++);
        u.props.put("userPrincipalName", upn);
        u.props.put("accountEnabled", true);
        u.props.put("createdDateTime", now());
        if (properties != null) {
            properties.forEach((k, v) -> {
                String name = name(k);
                if (name.equals("userPrincipalName") && v != null && !v.equals(upn)) {
                    throw new IllegalArgumentException("userPrincipalName given twice: " + upn + ", " + v);
                }
                if (v != null) {
                    u.props.put(name, copy(v));
                }
            });
        }
        users.put(u.id, u);
        activeUsers.put(u.ordinal, u);
        idByUpn.put(upn.toLowerCase(Locale.ROOT), u.id);
        record(new Change(Kind.USER_CREATED, u.id, Set.of(), null, false));
        return u.id;
    }

    void updateUser(String id, Map<String, Object> changes) {
        User u = activeUser(id);
        if (u == null) {
            throw new IllegalArgumentException("No active user " + id);
        }
        Set<String> changed = new LinkedHashSet<>();
        changes.forEach((k, v) -> {
            String name = name(k);
            Object value = v == null ? null : copy(v);
            Object old = u.props.get(name);
            if (Objects.equals(old, value)) {
                return;
            }
            if (name.equals("userPrincipalName")) {
                if (!(value instanceof String upn) || upn.isBlank()) {
                    throw new IllegalArgumentException("userPrincipalName cannot be removed");
                }
                String other = idByUpn.get(upn.toLowerCase(Locale.ROOT));
                if (other != null && !other.equals(u.id)) {
                    throw new IllegalArgumentException("userPrincipalName already in use: " + upn);
                }
                idByUpn.remove(u.upn().toLowerCase(Locale.ROOT));
                idByUpn.put(upn.toLowerCase(Locale.ROOT), u.id);
            }
            if (value == null) {
                u.props.remove(name);
            } else {
                u.props.put(name, value);
            }
            changed.add(name);
        });
        if (!changed.isEmpty()) {
            record(new Change(Kind.USER_UPDATED, u.id, Collections.unmodifiableSet(changed), null, false));
        }
    }

    void deleteUser(String id, boolean permanently) {
        User u = users.get(id);
        if (u == null) {
            throw new IllegalArgumentException("No user " + id);
        }
        if (u.softDeleted) {
            if (permanently) { // purged from the recycle bin
                users.remove(id);
                record(new Change(Kind.USER_DELETED, id, Set.of(), null, false));
            }
            return;
        }
        // A deleted user leaves every group first (Graph: it is no longer a member of anything).
        List<String> held = new ArrayList<>(parents.getOrDefault(id, new LinkedHashSet<>()));
        for (String g : held) {
            removeMembership(groups.get(g), id);
        }
        activeUsers.remove(u.ordinal);
        idByUpn.remove(u.upn().toLowerCase(Locale.ROOT));
        if (permanently) {
            users.remove(id);
            record(new Change(Kind.USER_DELETED, id, Set.of(), null, false));
        } else {
            u.softDeleted = true;
            u.groupsAtDeletion = held;
            record(new Change(Kind.USER_SOFT_DELETED, id, Set.of(), null, false));
        }
    }

    void restoreUser(String id) {
        User u = users.get(id);
        if (u == null || !u.softDeleted) {
            throw new IllegalArgumentException("No soft-deleted user " + id);
        }
        if (idByUpn.containsKey(u.upn().toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException("userPrincipalName taken by another user meanwhile: " + u.upn());
        }
        u.softDeleted = false;
        activeUsers.put(u.ordinal, u);
        idByUpn.put(u.upn().toLowerCase(Locale.ROOT), u.id);
        record(new Change(Kind.USER_RESTORED, id, Set.of(), null, false));
        for (String g : u.groupsAtDeletion) {
            Group group = groups.get(g);
            if (group != null) { // a group deleted meanwhile stays gone
                addMembership(group, id, false);
            }
        }
        u.groupsAtDeletion = List.of();
    }

    /** A user's properties with its id (also for a soft-deleted user); null if there is no such user. */
    /** The id of the not deleted user with this userPrincipalName (any case), or null. */
    String userIdOf(String upn) {
        return upn == null ? null : idByUpn.get(upn.toLowerCase(Locale.ROOT));
    }

    Map<String, Object> userCopy(String id) {
        User u = users.get(id);
        if (u == null) {
            return null;
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        copy.put("id", u.id);
        copy.putAll(u.props);
        return copy;
    }

    /** An active user by id (any case) or by userPrincipalName (case-insensitive), else null. */
    User activeUser(String idOrUpn) {
        User u = users.get(idOrUpn.toLowerCase(Locale.ROOT));
        if (u == null) {
            String id = idByUpn.get(idOrUpn.toLowerCase(Locale.ROOT));
            u = id == null ? null : users.get(id);
        }
        return u == null || u.softDeleted ? null : u;
    }

    /** An active user by id only (a $filter on id must not match a userPrincipalName). */
    User activeUserById(String id) {
        User u = users.get(id.toLowerCase(Locale.ROOT));
        return u == null || u.softDeleted ? null : u;
    }

    /** An active user by userPrincipalName, case-insensitive as in Entra ID. */
    User activeUserByUpn(String upn) {
        String id = idByUpn.get(upn.toLowerCase(Locale.ROOT));
        return id == null ? null : users.get(id);
    }

    boolean isSoftDeleted(String id) {
        User u = users.get(id);
        return u != null && u.softDeleted;
    }

    // ---- Groups and memberships ----

    String addGroup(String displayName) {
        if (displayName == null || displayName.isBlank()) {
            throw new IllegalArgumentException("displayName is required");
        }
        Group g = new Group(newId(), ordinals++, displayName);
        groups.put(g.id, g);
        groupsByOrdinal.put(g.ordinal, g);
        record(new Change(Kind.GROUP_CREATED, g.id, Set.of(), null, false));
        return g.id;
    }

    void renameGroup(String id, String displayName) {
        Group g = requireGroup(id);
        if (displayName == null || displayName.isBlank()) {
            throw new IllegalArgumentException("displayName is required");
        }
        if (!displayName.equals(g.displayName)) {
            g.displayName = displayName;
            record(new Change(Kind.GROUP_RENAMED, id, Set.of("displayName"), null, false));
        }
    }

    void deleteGroup(String id) {
        Group g = requireGroup(id);
        for (String parent : new ArrayList<>(parents.getOrDefault(id, new LinkedHashSet<>()))) {
            removeMembership(groups.get(parent), id);
        }
        // Its own members lose it silently: the group's deletion in delta says it all.
        for (String member : g.members.values()) {
            unlinkParent(member, id);
        }
        groups.remove(id);
        groupsByOrdinal.remove(g.ordinal);
        record(new Change(Kind.GROUP_DELETED, id, Set.of(), null, false));
    }

    void addMember(String groupId, String memberId) {
        Group g = requireGroup(groupId);
        boolean isGroup = groups.containsKey(memberId);
        if (!isGroup && activeUser(memberId) == null) {
            throw new IllegalArgumentException("No active user or group " + memberId);
        }
        if (memberId.equals(groupId)) {
            throw new IllegalArgumentException("A group cannot be its own member");
        }
        if (!g.memberOrdinals.containsKey(memberId)) {
            addMembership(g, memberId, isGroup);
        }
    }

    void removeMember(String groupId, String memberId) {
        Group g = requireGroup(groupId);
        if (g.memberOrdinals.containsKey(memberId)) {
            removeMembership(g, memberId);
        }
    }

    Group group(String id) {
        return groups.get(id.toLowerCase(Locale.ROOT));
    }

    boolean isGroup(String id) {
        return groups.containsKey(id);
    }

    /** The groups an object is a direct member of, in the order it joined them. */
    List<String> parentsOf(String id) {
        return new ArrayList<>(parents.getOrDefault(id, new LinkedHashSet<>()));
    }

    /** Every group an object is in, directly or through nested groups, each once (breadth first). */
    List<String> transitiveParentsOf(String id) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        ArrayDeque<String> queue = new ArrayDeque<>(List.of(id));
        while (!queue.isEmpty()) {
            for (String p : parents.getOrDefault(queue.poll(), new LinkedHashSet<>())) {
                if (!p.equals(id) && seen.add(p)) {
                    queue.add(p);
                }
            }
        }
        return new ArrayList<>(seen);
    }

    /** Every user and group reachable from a group through nesting, each once (breadth first). */
    List<String> transitiveMembersOf(String groupId) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        ArrayDeque<String> queue = new ArrayDeque<>(List.of(groupId));
        while (!queue.isEmpty()) {
            Group g = groups.get(queue.poll());
            for (String m : g.members.values()) {
                if (!m.equals(groupId) && seen.add(m) && groups.containsKey(m)) {
                    queue.add(m);
                }
            }
        }
        return new ArrayList<>(seen);
    }

    // ---- Bulk ----

    List<String> populate(int userCount, int groupCount) {
        List<String> groupIds = new ArrayList<>(groupCount);
        for (int i = 0; i < groupCount; i++) {
            groupIds.add(addGroup(String.format("Group %03d", ++populatedGroups)));
        }
        for (int i = 0; i < userCount; i++) {
            String n = String.format("%05d", ++populatedUsers);
            String upn = "user" + n + "@contoso.example";
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("givenName", "Given" + n);
            p.put("surname", "Surname" + n);
            p.put("displayName", "Given" + n + " Surname" + n);
            p.put("mail", upn);
            p.put("employeeId", "E" + n);
            String id = addUser(upn, p);
            if (groupCount > 0) {
                addMembership(groups.get(groupIds.get(i % groupCount)), id, false);
            }
        }
        return groupIds;
    }

    // ---- Change log, read by delta rounds ----

    /** How one user changed between two sequence numbers. */
    static final class UserChange {
        final String id;
        /** Created or restored in the range: a client needs all of it. */
        boolean full;
        final Set<String> properties = new HashSet<>();
        Kind last;

        UserChange(String id) {
            this.id = id;
        }
    }

    /** A membership whose state differs between the two ends of a range. */
    record MemberChange(String memberId, boolean isGroup, boolean added) {
    }

    /** How one group changed between two sequence numbers. */
    static final class GroupChange {
        final String id;
        boolean created;
        boolean renamed;
        boolean deleted;
        final List<MemberChange> members = new ArrayList<>();

        GroupChange(String id) {
            this.id = id;
        }
    }

    /** Users changed by the log entries with sequence numbers in (from, to], each once, in order of first change. */
    Map<String, UserChange> userChanges(long from, long to) {
        LinkedHashMap<String, UserChange> out = new LinkedHashMap<>();
        for (Change c : log.subList((int) from, (int) to)) {
            switch (c.kind()) {
                case USER_CREATED, USER_RESTORED, USER_UPDATED, USER_SOFT_DELETED, USER_DELETED -> {
                    UserChange u = out.computeIfAbsent(c.objectId(), UserChange::new);
                    if (c.kind() == Kind.USER_CREATED || c.kind() == Kind.USER_RESTORED) {
                        u.full = true;
                    }
                    u.properties.addAll(c.properties());
                    u.last = c.kind();
                }
                default -> {
                }
            }
        }
        return out;
    }

    /**
     * Groups changed in (from, to], each once. Memberships are netted: one added and removed again within the range is
     * not a change; one removed and added again neither.
     */
    Map<String, GroupChange> groupChanges(long from, long to) {
        LinkedHashMap<String, GroupChange> out = new LinkedHashMap<>();
        // group -> member -> {was a member at 'from', is a member at 'to', is a group}
        Map<String, LinkedHashMap<String, boolean[]>> nets = new HashMap<>();
        for (Change c : log.subList((int) from, (int) to)) {
            switch (c.kind()) {
                case GROUP_CREATED -> out.computeIfAbsent(c.objectId(), GroupChange::new).created = true;
                case GROUP_RENAMED -> out.computeIfAbsent(c.objectId(), GroupChange::new).renamed = true;
                case GROUP_DELETED -> out.computeIfAbsent(c.objectId(), GroupChange::new).deleted = true;
                case MEMBER_ADDED, MEMBER_REMOVED -> {
                    out.computeIfAbsent(c.objectId(), GroupChange::new);
                    boolean added = c.kind() == Kind.MEMBER_ADDED;
                    boolean[] net = nets.computeIfAbsent(c.objectId(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(c.memberId(), k -> new boolean[] {!added, added, c.memberIsGroup()});
                    net[1] = added;
                }
                default -> {
                }
            }
        }
        nets.forEach((group, members) -> members.forEach((member, net) -> {
            if (net[0] != net[1]) {
                out.get(group).members.add(new MemberChange(member, net[2], net[1]));
            }
        }));
        return out;
    }

    // ---- Internals ----

    private String name(String property) {
        if (property == null || property.equalsIgnoreCase("id")) {
            throw new IllegalArgumentException("The id is assigned by the directory and cannot be set");
        }
        // Properties outside the catalogue become selectable once set (the test models some Graph property we lack).
        return userNames.computeIfAbsent(property.toLowerCase(Locale.ROOT), k -> property);
    }

    /** Values are copied so that a test's later changes to its own lists do not leak in. */
    private static Object copy(Object v) {
        if (v instanceof List<?> list) {
            return Collections.unmodifiableList(new ArrayList<>(list));
        }
        if (v instanceof Map<?, ?> map) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(map));
        }
        if (v instanceof String || v instanceof Boolean || v instanceof Number) {
            return v;
        }
        return v.toString(); // dates and the like travel as strings in JSON anyway
    }

    private Group requireGroup(String id) {
        Group g = id == null ? null : groups.get(id);
        if (g == null) {
            throw new IllegalArgumentException("No group " + id);
        }
        return g;
    }

    private void addMembership(Group g, String memberId, boolean isGroup) {
        long ordinal = ordinals++;
        g.members.put(ordinal, memberId);
        g.memberOrdinals.put(memberId, ordinal);
        parents.computeIfAbsent(memberId, k -> new LinkedHashSet<>()).add(g.id);
        record(new Change(Kind.MEMBER_ADDED, g.id, Set.of(), memberId, isGroup));
    }

    private void removeMembership(Group g, String memberId) {
        g.members.remove(g.memberOrdinals.remove(memberId));
        unlinkParent(memberId, g.id);
        record(new Change(Kind.MEMBER_REMOVED, g.id, Set.of(), memberId, groups.containsKey(memberId)));
    }

    private void unlinkParent(String memberId, String groupId) {
        LinkedHashSet<String> p = parents.get(memberId);
        if (p != null) {
            p.remove(groupId);
            if (p.isEmpty()) {
                parents.remove(memberId);
            }
        }
    }

    private void record(Change c) {
        log.add(c);
    }
}
