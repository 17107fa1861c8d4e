package io.dirsync.entra;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.dirsync.entra.StandInDirectory.Group;
import io.dirsync.entra.StandInDirectory.GroupChange;
import io.dirsync.entra.StandInDirectory.Kind;
import io.dirsync.entra.StandInDirectory.MemberChange;
import io.dirsync.entra.StandInDirectory.User;
import io.dirsync.entra.StandInDirectory.UserChange;
import io.dirsync.entra.StandInHttp.Answer;

/**
 * Microsoft Graph v1.0, read side: users, groups, memberships and delta queries over a {@link StandInDirectory}.
 * Every page is built while holding the directory's monitor; JSON is written after it is released.
 */
final class StandInGraphApi {

    private static final int MAX_PAGE = 999;
    private static final int DEFAULT_PAGE = 100;
    /** Graph limits a delta $filter to 50 ids. */
    private static final int MAX_FILTER_IDS = 50;

    private static final Set<String> USER_READ = Set.of("user.read.all", "user.readwrite.all", "directory.read.all",
        "directory.readwrite.all");
    private static final Set<String> GROUP_READ = Set.of("groupmember.read.all", "groupmember.readwrite.all", "group.read.all",
        "group.readwrite.all", "directory.read.all", "directory.readwrite.all");

    private static final Pattern USER_EQ = Pattern.compile("^\\s*(userPrincipalName|id)\\s+eq\\s+'((?:[^']|'')*)'\\s*$",
        Pattern.CASE_INSENSITIVE);
    private static final Pattern STARTSWITH = Pattern.compile(
        "^\\s*startswith\\(\\s*displayName\\s*,\\s*'((?:[^']|'')*)'\\s*\\)\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern ID_EQ = Pattern.compile("^\\s*\\(?\\s*id\\s+eq\\s+'([^']*)'\\s*\\)?\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern OR = Pattern.compile("\\s+or\\s+", Pattern.CASE_INSENSITIVE);

    private static final String USER_TYPE = "#microsoft.graph.user";
    private static final String GROUP_TYPE = "#microsoft.graph.group";

    private enum Route {
        USERS, USER, USER_MEMBER_OF, USER_TRANSITIVE_MEMBER_OF, USERS_DELTA,
        GROUPS, GROUP, GROUP_MEMBERS, GROUP_TRANSITIVE_MEMBERS, GROUP_MEMBER_OF, GROUP_TRANSITIVE_MEMBER_OF, GROUPS_DELTA
    }

    /** An error answer thrown from anywhere below {@link #handle}. */
    private static final class Failure extends RuntimeException {
        final transient Answer answer;

        Failure(Answer answer) {
            super(null, null, false, false);
            this.answer = answer;
        }

        Failure(int status, String code, String message) {
            this(StandInHttp.graphError(status, code, message));
        }
    }

    private record Request(Route route, String key, Map<String, String> query, Map<String, String> headers) {

        String q(String name) {
            return query.get(name);
        }
    }

    private final StandInDirectory dir;
    private final StandInAuthority authority;
    private final Supplier<String> url;
    /** Tokens of another stand-in instance are unknown here. */
    private final String instance = StandInHttp.guid().substring(0, 8);
    private volatile Set<String> permissions = Set.of("user.read.all", "groupmember.read.all");

    // Delta tokens; guarded by dir.
    private long tokenSerial;
    private long tokensExpiredBelow;
    /** The entries of recent change rounds, so that each page of a round does not rescan the log. */
    private final Map<String, List<?>> rounds = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<?>> eldest) {
            return size() > 16;
        }
    };

    StandInGraphApi(StandInDirectory dir, StandInAuthority authority, Supplier<String> url) {
        this.dir = dir;
        this.authority = authority;
        this.url = url;
    }

    void grant(String... granted) {
        Set<String> set = new LinkedHashSet<>();
        for (String p : granted) {
            set.add(p.toLowerCase(Locale.ROOT));
        }
        permissions = Collections.unmodifiableSet(set);
    }

    void expireDeltaTokens() {
        synchronized (dir) {
            tokensExpiredBelow = tokenSerial;
        }
    }

    /**
     * One request under /v1.0. {@code segments}: the decoded path segments after "v1.0"; {@code query}: decoded pairs
     * in order; {@code headers}: lower-cased names.
     */
    Answer handle(String method, List<String> segments, List<Map.Entry<String, String>> query, Map<String, String> headers) {
        Answer answer;
        try {
            answer = route(method, segments, query, headers);
        } catch (Failure f) {
            answer = f.answer;
        }
        String clientRequestId = headers.get("client-request-id");
        String requestId = StandInHttp.guid();
        return answer.with("request-id", requestId).with("client-request-id", clientRequestId != null ? clientRequestId : requestId);
    }

    private Answer route(String method, List<String> segments, List<Map.Entry<String, String>> pairs, Map<String, String> headers) {
        switch (authority.check(headers.get("authorization"))) {
            case EMPTY -> throw unauthorized("Access token is empty.");
            case UNKNOWN -> throw unauthorized("IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in "
                + "JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): "
                + "'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.");
            case EXPIRED -> throw unauthorized("Lifetime validation failed, the token is expired.");
            default -> {
            }
        }
        Route route = resolve(segments);
        String key = segments.size() > 1 ? segments.get(1) : null;
        if (!"GET".equals(method)) {
            throw new Failure(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
        }
        boolean users = switch (route) {
            case USERS, USER, USERS_DELTA, USER_MEMBER_OF, USER_TRANSITIVE_MEMBER_OF -> true;
            default -> false;
        };
        boolean groups = !users || route == Route.USER_MEMBER_OF || route == Route.USER_TRANSITIVE_MEMBER_OF;
        Set<String> granted = permissions;
        if ((users && Collections.disjoint(granted, USER_READ)) || (groups && Collections.disjoint(granted, GROUP_READ))) {
            throw new Failure(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }
        Request r = new Request(route, key, options(route, pairs), headers);
        return switch (route) {
            case USERS -> listUsers(r);
            case USER -> getUser(r);
            case USER_MEMBER_OF, USER_TRANSITIVE_MEMBER_OF, GROUP_MEMBERS, GROUP_TRANSITIVE_MEMBERS, GROUP_MEMBER_OF,
                GROUP_TRANSITIVE_MEMBER_OF -> directoryObjects(r);
            case GROUPS -> listGroups(r);
            case GROUP -> getGroup(r);
            case USERS_DELTA -> delta(r, true);
            case GROUPS_DELTA -> delta(r, false);
        };
    }

    private static Failure unauthorized(String message) {
        Failure f = new Failure(401, "InvalidAuthenticationToken", message);
        return new Failure(f.answer.with("WWW-Authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/"
            + "common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\""));
    }

    private static Route resolve(List<String> s) {
        if (s.isEmpty()) {
            throw segment("v1.0");
        }
        String root = s.get(0).toLowerCase(Locale.ROOT);
        if (!root.equals("users") && !root.equals("groups")) {
            throw segment(s.get(0));
        }
        boolean users = root.equals("users");
        if (s.size() == 1) {
            return users ? Route.USERS : Route.GROUPS;
        }
        String second = s.get(1).toLowerCase(Locale.ROOT);
        if (second.equals("delta") || second.equals("delta()")) {
            if (s.size() > 2) {
                throw segment(s.get(2));
            }
            return users ? Route.USERS_DELTA : Route.GROUPS_DELTA;
        }
        if (s.size() == 2) {
            return users ? Route.USER : Route.GROUP;
        }
        if (s.size() == 3) {
            switch (s.get(2).toLowerCase(Locale.ROOT)) {
                case "memberof":
                    return users ? Route.USER_MEMBER_OF : Route.GROUP_MEMBER_OF;
                case "transitivememberof":
                    return users ? Route.USER_TRANSITIVE_MEMBER_OF : Route.GROUP_TRANSITIVE_MEMBER_OF;
                case "members":
                    if (!users) {
                        return Route.GROUP_MEMBERS;
                    }
                    break;
                case "transitivemembers":
                    if (!users) {
                        return Route.GROUP_TRANSITIVE_MEMBERS;
                    }
                    break;
                default:
                    break;
            }
        }
        throw segment(s.get(2));
    }

    private static Failure segment(String name) {
        return new Failure(400, "BadRequest", "Resource not found for the segment '" + name + "'.");
    }

    /** The request's system query options ($-prefixed, case-insensitive), checked against what the route accepts. */
    private static Map<String, String> options(Route route, List<Map.Entry<String, String>> pairs) {
        Set<String> allowed = switch (route) {
            case USERS, GROUPS -> Set.of("$select", "$top", "$filter", "$skiptoken");
            case USER, GROUP -> Set.of("$select");
            case USERS_DELTA, GROUPS_DELTA -> Set.of("$select", "$filter", "$skiptoken", "$deltatoken");
            default -> Set.of("$select", "$top", "$skiptoken");
        };
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : pairs) {
            String name = p.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith("$")) {
                continue; // Graph ignores parameters that are not OData options
            }
            if (!allowed.contains(name)) {
                throw new Failure(400, "Request_UnsupportedQuery", "Query option '" + p.getKey() + "' is not supported for this "
                    + "request (the stand-in supports " + String.join(", ", new java.util.TreeSet<>(allowed)) + ").");
            }
            if (out.put(name, p.getValue()) != null) {
                throw new Failure(400, "Request_BadRequest", "Query option '" + p.getKey() + "' was specified more than once, "
                    + "but it must be specified at most once.");
            }
        }
        return out;
    }

    // ---- /users, /groups and single objects ----

    private Answer listUsers(Request r) {
        List<String> sel = userSelect(r.q("$select"));
        int top = top(r.q("$top"));
        Matcher eq = null;
        if (r.q("$filter") != null) {
            eq = USER_EQ.matcher(r.q("$filter"));
            if (!eq.matches()) {
                throw unsupportedFilter(r.q("$filter"));
            }
        }
        long after = r.q("$skiptoken") == null ? -1 : listPosition(r.q("$skiptoken"), "users");
        List<Object> page = new ArrayList<>();
        long next = -1;
        synchronized (dir) {
            if (eq != null) { // at most one match: a lookup, not a scan
                String value = eq.group(2).replace("''", "'");
                User u = eq.group(1).equalsIgnoreCase("id") ? dir.activeUserById(value) : dir.activeUserByUpn(value);
                if (u != null && u.ordinal > after) {
                    page.add(user(u, sel));
                }
            } else {
                long last = after;
                for (User u : dir.activeUsers.tailMap(after, false).values()) {
                    if (page.size() == top) {
                        next = last;
                        break;
                    }
                    page.add(user(u, sel));
                    last = u.ordinal;
                }
            }
        }
        return collection(context("users", r.q("$select"), ""), page,
            next < 0 ? null : listLink("/v1.0/users", r, "users", next), null);
    }

    private Answer getUser(Request r) {
        List<String> sel = userSelect(r.q("$select"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("@odata.context", context("users", r.q("$select"), "/$entity"));
        synchronized (dir) {
            User u = dir.activeUser(r.key());
            if (u == null) {
                throw notFound(r.key());
            }
            body.putAll(user(u, sel));
        }
        return StandInHttp.json(200, StandInHttp.GRAPH_JSON, body);
    }

    private Answer listGroups(Request r) {
        List<String> sel = groupSelect(r.q("$select"), false);
        int top = top(r.q("$top"));
        String prefix = null;
        if (r.q("$filter") != null) {
            Matcher m = STARTSWITH.matcher(r.q("$filter"));
            if (!m.matches()) {
                throw unsupportedFilter(r.q("$filter"));
            }
            prefix = m.group(1).replace("''", "'").toLowerCase(Locale.ROOT);
        }
        long after = r.q("$skiptoken") == null ? -1 : listPosition(r.q("$skiptoken"), "groups");
        List<Object> page = new ArrayList<>();
        long next = -1;
        synchronized (dir) {
            long last = after;
            for (Group g : dir.groupsByOrdinal.tailMap(after, false).values()) {
                if (prefix != null && !g.displayName.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    continue;
                }
                if (page.size() == top) { // only now do we know that another match exists
                    next = last;
                    break;
                }
                page.add(group(g, sel));
                last = g.ordinal;
            }
        }
        return collection(context("groups", r.q("$select"), ""), page,
            next < 0 ? null : listLink("/v1.0/groups", r, "groups", next), null);
    }

    private Answer getGroup(Request r) {
        List<String> sel = groupSelect(r.q("$select"), false);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("@odata.context", context("groups", r.q("$select"), "/$entity"));
        synchronized (dir) {
            Group g = dir.group(r.key());
            if (g == null) {
                throw notFound(r.key());
            }
            body.putAll(group(g, sel));
        }
        return StandInHttp.json(200, StandInHttp.GRAPH_JSON, body);
    }

    /** memberOf, transitiveMemberOf, members, transitiveMembers: lists of users and groups ("directory objects"). */
    private Answer directoryObjects(Request r) {
        List<List<String>> sel = directorySelect(r.q("$select"));
        int top = top(r.q("$top"));
        String list = switch (r.route()) {
            case USER_MEMBER_OF, GROUP_MEMBER_OF -> "memberOf";
            case USER_TRANSITIVE_MEMBER_OF, GROUP_TRANSITIVE_MEMBER_OF -> "transitiveMemberOf";
            case GROUP_MEMBERS -> "members";
            default -> "transitiveMembers";
        };
        boolean ofUser = r.route() == Route.USER_MEMBER_OF || r.route() == Route.USER_TRANSITIVE_MEMBER_OF;
        List<Object> page = new ArrayList<>();
        long next = -1;
        String path;
        synchronized (dir) {
            String id;
            if (ofUser) {
                User u = dir.activeUser(r.key());
                if (u == null) {
                    throw notFound(r.key());
                }
                id = u.id;
            } else {
                Group g = dir.group(r.key());
                if (g == null) {
                    throw notFound(r.key());
                }
                id = g.id;
            }
            path = "/v1.0/" + (ofUser ? "users/" : "groups/") + id + "/" + list;
            String key = list + ":" + id;
            long pos = r.q("$skiptoken") == null ? -1 : listPosition(r.q("$skiptoken"), key);
            List<String> ids = new ArrayList<>();
            if (list.equals("members")) {
                // Direct members page by membership ordinal: no copy of a 50,000-member list per page.
                long last = pos;
                for (Map.Entry<Long, String> m : dir.group(id).members.tailMap(pos, false).entrySet()) {
                    if (ids.size() == top) {
                        next = last;
                        break;
                    }
                    ids.add(m.getValue());
                    last = m.getKey();
                }
            } else {
                List<String> all = switch (list) {
                    case "memberOf" -> dir.parentsOf(id);
                    case "transitiveMemberOf" -> dir.transitiveParentsOf(id);
                    default -> dir.transitiveMembersOf(id);
                };
                int start = (int) Math.max(pos, 0);
                int end = Math.min(start + top, all.size());
                ids.addAll(all.subList(Math.min(start, end), end));
                next = end < all.size() ? end : -1;
            }
            for (String member : ids) {
                page.add(dir.isGroup(member) ? typed(GROUP_TYPE, group(dir.group(member), sel.get(1)))
                    : typed(USER_TYPE, user(dir.activeUserById(member), sel.get(0))));
            }
            if (next >= 0) {
                path = listLink(path, r, key, next);
            }
        }
        return collection(url.get() + "/v1.0/$metadata#directoryObjects", page, next < 0 ? null : path, null);
    }

    // ---- Delta ----

    private enum EntryType { FULL, CHANGED, SOFT_DELETED, DELETED }

    /** One user of a change round: what to send for it. {@code properties}: the changed selected ones. */
    private record UserEntry(String id, EntryType type, List<String> properties) {
    }

    /** One group of a change round. {@code renamed}: send displayName; {@code members}: the membership changes. */
    private record GroupEntry(String id, EntryType type, boolean renamed, List<MemberChange> members) {
    }

    /**
     * Where a delta request stands; encoded in every nextLink/deltaLink token so that follow-up requests need nothing
     * else. {@code from}: -1 for an initial round, else the sequence number the round's changes start after.
     * {@code to}: the sequence number the round ends at (fixed at its first request), -1 in a deltaLink (round not
     * started). {@code pos1}/{@code pos2}: users, initial round: the ordinal of the last user sent; change round: the
     * index of the next entry. Groups, initial round: the ordinal of the group to resume at, and the membership ordinal
     * after which its members continue (-1: from the start); change round: the entry index and the index of its next
     * membership change.
     */
    private record Cursor(long serial, boolean users, long from, long to, long pos1, long pos2, String select, String filter) {

        Cursor at(long p1, long p2) {
            return new Cursor(serial, users, from, to, p1, p2, select, filter);
        }
    }

    private record Page(List<Object> value, Cursor next) {
    }

    /** A group object of a groups delta page, with {@code used} members@delta entries; {@code nextCursor} -1 when complete. */
    private record Chunk(Map<String, Object> object, int used, long nextCursor) {
    }

    private Answer delta(Request r, boolean users) {
        String skip = r.q("$skiptoken");
        String token = skip != null ? skip : r.q("$deltatoken");
        boolean fresh = skip == null && (token == null || token.equalsIgnoreCase("latest"));
        int pageSize = DEFAULT_PAGE;
        boolean honoured = false;
        String prefer = r.headers().get("prefer");
        if (prefer != null) {
            for (String p : prefer.split(",")) {
                p = p.trim();
                if (p.regionMatches(true, 0, "odata.maxpagesize=", 0, 18)) {
                    try {
                        int n = Integer.parseInt(p.substring(18).trim());
                        if (n >= 1 && n <= MAX_PAGE) {
                            pageSize = n;
                            honoured = true;
                        }
                    } catch (NumberFormatException e) {
                        // not honoured: the default applies, as in Graph
                    }
                }
            }
        }
        if (fresh) { // validate now: a bad $select/$filter is the client's 400 before any token exists
            if (users) {
                userSelect(r.q("$select"));
            } else {
                groupSelect(r.q("$select"), true);
            }
            idFilter(r.q("$filter"));
        } else {
            if (skip != null && r.q("$deltatoken") != null) {
                throw new Failure(400, "Request_BadRequest", "Specify either $skiptoken or $deltatoken, not both.");
            }
            if (r.q("$select") != null || r.q("$filter") != null) {
                throw new Failure(400, "Request_BadRequest", "$select and $filter are accepted only on the first request of a "
                    + "delta round; the $skiptoken or $deltatoken already carries them.");
            }
        }
        Page page;
        Cursor c;
        synchronized (dir) {
            if (fresh) {
                if (token != null) { // $deltatoken=latest: no objects, just a link for changes from now on
                    return deltaAnswer(users, r.q("$select"), new Page(List.of(),
                        null), issue(users, dir.sequence(), -1, 0, -1, r.q("$select"), r.q("$filter")), honoured, pageSize);
                }
                c = new Cursor(-1, users, -1, dir.sequence(), -1, -1, r.q("$select"), r.q("$filter"));
            } else {
                Cursor t = read(token);
                if (t == null || t.users() != users) {
                    throw new Failure(400, "syncStateNotFound", "The sync state generation is not found: the delta token is "
                        + "unknown or malformed. Start a new delta round.");
                }
                if (t.serial() < tokensExpiredBelow) {
                    String location = url.get() + "/v1.0/" + (users ? "users" : "groups") + "/delta"
                        + StandInHttp.queryString(optionMap("$select", t.select(), "$filter", t.filter()));
                    throw new Failure(StandInHttp.graphError(410, "resyncRequired", "Resync required. Replace any local cached "
                        + "data with the one returned by the fresh delta request.").with("Location", location));
                }
                c = t.to() < 0 ? new Cursor(-1, users, t.from(), dir.sequence(), 0, -1, t.select(), t.filter()) : t;
            }
            Set<String> ids = idFilter(c.filter());
            page = users ? userPage(c, userSelect(c.select()), ids, pageSize) : groupPage(c, groupSelect(c.select(), true), ids, pageSize);
            String link = page.next() != null
                ? issue(users, page.next().from(), page.next().to(), page.next().pos1(), page.next().pos2(), c.select(), c.filter())
                : issue(users, c.to(), -1, 0, -1, c.select(), c.filter());
            return deltaAnswer(users, c.select(), page, link, honoured, pageSize);
        }
    }

    private Answer deltaAnswer(boolean users, String select, Page page, String token, boolean honoured, int pageSize) {
        String base = url.get() + "/v1.0/" + (users ? "users" : "groups") + "/delta";
        Answer a = page.next() != null
            ? collection(context(users ? "users" : "groups", select, ""), page.value(), base + "?$skiptoken=" + token, null)
            : collection(context(users ? "users" : "groups", select, ""), page.value(), null, base + "?$deltatoken=" + token);
        return honoured ? a.with("Preference-Applied", "odata.maxpagesize=" + pageSize) : a;
    }

    private Page userPage(Cursor c, List<String> sel, Set<String> ids, int n) {
        List<Object> value = new ArrayList<>();
        if (c.from() < 0) { // initial round: the live users in creation order
            Iterable<User> source = dir.activeUsers.tailMap(c.pos1(), false).values();
            if (ids != null) {
                TreeMap<Long, User> chosen = new TreeMap<>();
                for (String id : ids) {
                    User u = dir.activeUserById(id);
                    if (u != null && u.ordinal > c.pos1()) {
                        chosen.put(u.ordinal, u);
                    }
                }
                source = chosen.values();
            }
            long last = c.pos1();
            for (User u : source) {
                if (value.size() == n) {
                    return new Page(value, c.at(last, -1));
                }
                value.add(user(u, sel));
                last = u.ordinal;
            }
            return new Page(value, null);
        }
        List<UserEntry> entries = userRound(c, sel, ids);
        int start = (int) c.pos1();
        int end = Math.min(start + n, entries.size());
        for (UserEntry e : entries.subList(start, end)) {
            value.add(userEntry(e, sel));
        }
        return new Page(value, end < entries.size() ? c.at(end, -1) : null);
    }

    @SuppressWarnings("unchecked")
    private List<UserEntry> userRound(Cursor c, List<String> sel, Set<String> ids) {
        String key = "u|" + c.from() + "|" + c.to() + "|" + c.select() + "|" + c.filter();
        List<UserEntry> entries = (List<UserEntry>) rounds.get(key);
        if (entries != null) {
            return entries;
        }
        entries = new ArrayList<>();
        for (UserChange u : dir.userChanges(c.from(), c.to()).values()) {
            if (ids != null && !ids.contains(u.id)) {
                continue;
            }
            if (u.last == Kind.USER_SOFT_DELETED) {
                entries.add(new UserEntry(u.id, EntryType.SOFT_DELETED, List.of()));
            } else if (u.last == Kind.USER_DELETED) {
                entries.add(new UserEntry(u.id, EntryType.DELETED, List.of()));
            } else if (u.full) {
                entries.add(new UserEntry(u.id, EntryType.FULL, List.of()));
            } else {
                // Only the selected properties that changed; a change to unselected ones is no change for this client.
                List<String> changed = sel.stream().filter(u.properties::contains).toList();
                if (!changed.isEmpty()) {
                    entries.add(new UserEntry(u.id, EntryType.CHANGED, changed));
                }
            }
        }
        rounds.put(key, entries);
        return entries;
    }

    private Map<String, Object> userEntry(UserEntry e, List<String> sel) {
        if (e.type() == EntryType.SOFT_DELETED) {
            return removed(e.id(), "changed");
        }
        if (e.type() == EntryType.DELETED) {
            return removed(e.id(), "deleted");
        }
        User u = dir.activeUserById(e.id());
        if (u == null) { // deleted after the round began: say so now, the next round says it again
            return removed(e.id(), dir.isSoftDeleted(e.id()) ? "changed" : "deleted");
        }
        if (e.type() == EntryType.FULL) {
            return user(u, sel);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", u.id);
        for (String p : e.properties()) {
            m.put(p, userValue(u, p));
        }
        return m;
    }

    /**
     * A groups delta page: at most {@code n} group objects and at most {@code n} members@delta entries in all. A group
     * whose members do not fit is sent with the ones that do, and again on the next page with the rest.
     */
    private Page groupPage(Cursor c, List<String> sel, Set<String> ids, int n) {
        boolean withMembers = sel.contains("members");
        List<String> props = sel.stream().filter(p -> !p.equals("members")).toList();
        Iterator<Map.Entry<Long, GroupEntry>> it;
        if (c.from() < 0) { // initial round: the live groups in creation order, each with all its members
            NavigableMap<Long, Group> source = dir.groupsByOrdinal;
            if (ids != null) {
                TreeMap<Long, Group> chosen = new TreeMap<>();
                for (String id : ids) {
                    Group g = dir.group(id);
                    if (g != null) {
                        chosen.put(g.ordinal, g);
                    }
                }
                source = chosen;
            }
            Iterator<Group> groups = source.tailMap(c.pos1(), true).values().iterator();
            it = new Iterator<>() {
                public boolean hasNext() {
                    return groups.hasNext();
                }

                public Map.Entry<Long, GroupEntry> next() {
                    Group g = groups.next();
                    return Map.entry(g.ordinal, new GroupEntry(g.id, EntryType.FULL, false, List.of()));
                }
            };
        } else {
            List<GroupEntry> entries = groupRound(c, sel, ids);
            Iterator<Integer> index = java.util.stream.IntStream.range((int) c.pos1(), entries.size()).iterator();
            it = new Iterator<>() {
                public boolean hasNext() {
                    return index.hasNext();
                }

                public Map.Entry<Long, GroupEntry> next() {
                    int i = index.next();
                    return Map.entry((long) i, entries.get(i));
                }
            };
        }
        List<Object> value = new ArrayList<>();
        int budget = n;
        boolean first = true;
        while (it.hasNext()) {
            Map.Entry<Long, GroupEntry> e = it.next();
            // The member cursor belongs to the group we stopped in; if that group is gone, the next one starts afresh.
            long cursor = first && e.getKey() == c.pos1() ? c.pos2() : -1;
            first = false;
            if (value.size() == n) {
                return new Page(value, c.at(e.getKey(), cursor));
            }
            Chunk chunk = groupChunk(e.getValue(), props, withMembers, cursor, budget);
            if (chunk == null) { // members pending but none fit: the group starts the next page
                return new Page(value, c.at(e.getKey(), cursor));
            }
            value.add(chunk.object());
            budget -= chunk.used();
            if (chunk.nextCursor() >= 0) {
                return new Page(value, c.at(e.getKey(), chunk.nextCursor()));
            }
        }
        return new Page(value, null);
    }

    private Chunk groupChunk(GroupEntry e, List<String> props, boolean withMembers, long cursor, int budget) {
        Group g = e.type() == EntryType.DELETED ? null : dir.group(e.id());
        if (g == null) {
            return new Chunk(removed(e.id(), "deleted"), 0, -1);
        }
        if (e.type() == EntryType.FULL) {
            Map<String, Object> obj = group(g, props);
            if (!withMembers) {
                return new Chunk(obj, 0, -1);
            }
            NavigableMap<Long, String> pending = g.members.tailMap(cursor, false);
            if (!pending.isEmpty() && budget == 0) {
                return null;
            }
            List<Object> members = new ArrayList<>();
            long last = cursor;
            for (Map.Entry<Long, String> m : pending.entrySet()) {
                if (members.size() == budget) {
                    obj.put("members@delta", members);
                    return new Chunk(obj, members.size(), last);
                }
                members.add(member(m.getValue(), dir.isGroup(m.getValue()), false));
                last = m.getKey();
            }
            obj.put("members@delta", members);
            return new Chunk(obj, members.size(), -1);
        }
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("id", g.id);
        if (e.renamed()) {
            obj.put("displayName", g.displayName);
        }
        if (e.members().isEmpty()) {
            return new Chunk(obj, 0, -1);
        }
        if (budget == 0) {
            return null;
        }
        int start = (int) Math.max(cursor, 0);
        int end = Math.min(start + budget, e.members().size());
        List<Object> members = new ArrayList<>();
        for (MemberChange m : e.members().subList(start, end)) {
            members.add(member(m.memberId(), m.isGroup(), !m.added()));
        }
        obj.put("members@delta", members);
        return new Chunk(obj, end - start, end < e.members().size() ? end : -1);
    }

    @SuppressWarnings("unchecked")
    private List<GroupEntry> groupRound(Cursor c, List<String> sel, Set<String> ids) {
        String key = "g|" + c.from() + "|" + c.to() + "|" + c.select() + "|" + c.filter();
        List<GroupEntry> entries = (List<GroupEntry>) rounds.get(key);
        if (entries != null) {
            return entries;
        }
        boolean withMembers = sel.contains("members");
        boolean withName = sel.contains("displayName");
        entries = new ArrayList<>();
        for (GroupChange g : dir.groupChanges(c.from(), c.to()).values()) {
            if (ids != null && !ids.contains(g.id)) {
                continue;
            }
            if (g.deleted) {
                entries.add(new GroupEntry(g.id, EntryType.DELETED, false, List.of()));
            } else if (g.created) {
                entries.add(new GroupEntry(g.id, EntryType.FULL, false, List.of()));
            } else {
                boolean renamed = g.renamed && withName;
                List<MemberChange> members = withMembers ? List.copyOf(g.members) : List.of();
                if (renamed || !members.isEmpty()) {
                    entries.add(new GroupEntry(g.id, EntryType.CHANGED, renamed, members));
                }
            }
        }
        rounds.put(key, entries);
        return entries;
    }

    private static Map<String, Object> member(String id, boolean isGroup, boolean removed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("@odata.type", isGroup ? GROUP_TYPE : USER_TYPE);
        m.put("id", id);
        if (removed) {
            m.put("@removed", Map.of("reason", "deleted"));
        }
        return m;
    }

    private static Map<String, Object> removed(String id, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("@removed", Map.of("reason", reason));
        return m;
    }

    /** The delta $filter: "id eq '...'" joined by "or", at most 50 ids; null when there is none. */
    private static Set<String> idFilter(String raw) {
        if (raw == null) {
            return null;
        }
        String[] parts = OR.split(raw.trim());
        if (parts.length > MAX_FILTER_IDS) {
            throw new Failure(400, "Request_UnsupportedQuery", "Too many ids in the filter clause: " + parts.length
                + "; at most " + MAX_FILTER_IDS + " are supported.");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String part : parts) {
            Matcher m = ID_EQ.matcher(part);
            if (!m.matches()) {
                throw unsupportedFilter(raw);
            }
            ids.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        return ids;
    }

    // ---- Tokens ----

    /** A delta token: the cursor as Base64url JSON, stamped with this instance and a serial for expiry. */
    private String issue(boolean users, long from, long to, long pos1, long pos2, String select, String filter) {
        List<Object> parts = java.util.Arrays.asList(instance, tokenSerial++, users ? "u" : "g", from, to, pos1, pos2, select, filter);
        return StandInHttp.base64Url(StandInHttp.write(parts));
    }

    /** The cursor in a delta token, or null if this stand-in did not issue it. */
    private Cursor read(String token) {
        try {
            JsonNode a = StandInHttp.JSON.readTree(Base64.getUrlDecoder().decode(token));
            if (a == null || !a.isArray() || a.size() != 9 || !instance.equals(a.get(0).asText())) {
                return null;
            }
            long serial = a.get(1).asLong();
            if (serial < 0 || serial >= tokenSerial) {
                return null;
            }
            return new Cursor(serial, "u".equals(a.get(2).asText()), a.get(3).asLong(), a.get(4).asLong(), a.get(5).asLong(),
                a.get(6).asLong(), a.get(7).isNull() ? null : a.get(7).asText(), a.get(8).isNull() ? null : a.get(8).asText());
        } catch (Exception e) {
            return null;
        }
    }

    /** The nextLink of a plain list: the request's own options again, plus a $skiptoken for where the next page starts. */
    private String listLink(String path, Request r, String list, long position) {
        String token = StandInHttp.base64Url(("L:" + instance + ":" + position + ":" + list).getBytes(StandardCharsets.UTF_8));
        return url.get() + path + StandInHttp.queryString(optionMap("$select", r.q("$select"), "$top", r.q("$top"),
            "$filter", r.q("$filter"), "$skiptoken", token));
    }

    private long listPosition(String token, String list) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 4);
            if (parts.length == 4 && parts[0].equals("L") && parts[1].equals(instance) && parts[3].equals(list)) {
                return Long.parseLong(parts[2]);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the 400
        }
        throw new Failure(400, "Request_BadRequest", "Invalid $skiptoken value: '" + token + "'.");
    }

    private static Map<String, String> optionMap(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    // ---- Options and rendering ----

    private List<String> userSelect(String raw) {
        if (raw == null) {
            return StandInDirectory.DEFAULT_USER;
        }
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            String name;
            synchronized (dir) {
                name = dir.userProperty(p);
            }
            if (name == null) {
                throw unknownProperty(p, "user");
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** A groups $select; "members" only in delta, where it asks for members@delta. */
    private static List<String> groupSelect(String raw, boolean delta) {
        if (raw == null) {
            if (!delta) {
                return StandInDirectory.DEFAULT_GROUP;
            }
            List<String> all = new ArrayList<>(StandInDirectory.DEFAULT_GROUP);
            all.add("members");
            return all;
        }
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            String name = delta && p.equalsIgnoreCase("members") ? "members" : StandInDirectory.groupProperty(p);
            if (name == null) {
                throw unknownProperty(p, "group");
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** A $select on directory objects: [user properties, group properties]; each name must exist on one of them. */
    private List<List<String>> directorySelect(String raw) {
        if (raw == null) {
            return List.of(StandInDirectory.DEFAULT_USER, StandInDirectory.DEFAULT_GROUP);
        }
        List<String> users = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        for (String part : raw.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            String u;
            synchronized (dir) {
                u = dir.userProperty(p);
            }
            String g = StandInDirectory.groupProperty(p);
            if (u == null && g == null) {
                throw unknownProperty(p, "directoryObject");
            }
            if (u != null && !users.contains(u)) {
                users.add(u);
            }
            if (g != null && !groups.contains(g)) {
                groups.add(g);
            }
        }
        return List.of(users, groups);
    }

    private static int top(String raw) {
        if (raw == null) {
            return DEFAULT_PAGE;
        }
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= 1 && n <= MAX_PAGE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // same answer as out of range
        }
        throw new Failure(400, "Request_UnsupportedQuery", "Invalid page size specified: '" + raw + "'. Must be between 1 and "
            + MAX_PAGE + " inclusive.");
    }

    /** A user with id and the selected properties; never-set ones are null, never-set collections []. */
    private static Map<String, Object> user(User u, List<String> sel) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", u.id);
        for (String p : sel) {
            if (!p.equals("id")) {
                m.put(p, userValue(u, p));
            }
        }
        return m;
    }

    private static Object userValue(User u, String p) {
        Object v = u.props.get(p);
        return v != null ? v : StandInDirectory.USER_LISTS.contains(p) ? List.of() : null;
    }

    private static Map<String, Object> group(Group g, List<String> sel) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", g.id);
        for (String p : sel) {
            if (!p.equals("id") && !p.equals("members")) {
                m.put(p, switch (p) {
                    case "displayName" -> g.displayName;
                    case "createdDateTime" -> g.createdDateTime;
                    case "mailNickname" -> g.mailNickname;
                    case "mailEnabled", "isAssignableToRole" -> false;
                    case "securityEnabled" -> true;
                    case "groupTypes", "proxyAddresses" -> List.of();
                    default -> null;
                });
            }
        }
        return m;
    }

    private static Map<String, Object> typed(String type, Map<String, Object> object) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("@odata.type", type);
        m.putAll(object);
        return m;
    }

    private String context(String set, String select, String suffix) {
        return url.get() + "/v1.0/$metadata#" + set + (select == null ? "" : "(" + select.replace(" ", "") + ")") + suffix;
    }

    private static Answer collection(String context, List<Object> value, String nextLink, String deltaLink) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("@odata.context", context);
        body.put("value", value);
        if (nextLink != null) {
            body.put("@odata.nextLink", nextLink);
        }
        if (deltaLink != null) {
            body.put("@odata.deltaLink", deltaLink);
        }
        return StandInHttp.json(200, StandInHttp.GRAPH_JSON, body);
    }

    private static Failure notFound(String id) {
        return new Failure(404, "Request_ResourceNotFound", "Resource '" + id + "' does not exist or one of its queried "
            + "reference-property objects are not present.");
    }

    private static Failure unknownProperty(String name, String type) {
        return new Failure(400, "Request_BadRequest", "Could not find a property named '" + name + "' on type 'microsoft.graph."
            + type + "'.");
    }

    private static Failure unsupportedFilter(String filter) {
        return new Failure(400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified: '" + filter
            + "'.");
    }
}
