package io.dirsync.entra;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jboss.logging.Logger;
import org.keycloak.connections.httpclient.HttpClientProvider;
import org.keycloak.models.FederatedIdentityModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import io.dirsync.engine.AdminGroups;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.KnownAbsent;
import io.dirsync.engine.ManagedGroup;
import io.dirsync.engine.ManagedUser;
import io.dirsync.engine.PullRun;
import io.dirsync.engine.RunReport;
import io.dirsync.engine.SourceUser;
import io.dirsync.engine.SyncConflictException;
import io.dirsync.engine.UserSync;
import io.dirsync.storage.Outcome;
import io.dirsync.storage.RunKind;

/**
 * One pull run of an Entra ID directory through Microsoft Graph: full, incremental (Graph delta queries), admin or
 * single-user. A thin adapter like {@link io.dirsync.ldap.LdapSync}: it reads Graph, turns each user into a
 * {@link SourceUser} and leaves every rule to the engine ({@link PullRun}); the engine's runner gives it its thread and
 * the directory's cluster-wide lock.
 *
 * <h2>Scope and state</h2>
 * A user is in scope when it is a member (direct, or through nested groups with {@code transitiveMembers}) of a synced
 * group or an admin group, and {@code accountEnabled} is not false. Each user's document (kept by the engine) is the
 * Graph user as read ({@code $select} of the mapped properties) plus {@code memberOf}: the synced and admin groups it is
 * in. That document is what an incremental run compares a change with. The directory's sync state (engine's
 * {@code directories().syncState}) holds the users and groups delta links and the groups nested in each tracked group.
 *
 * <h2>Runs</h2>
 * <ul>
 * <li>Full: delta links for "from now on" first ({@code $deltatoken=latest}), then every tracked group's members by id
 * (pass 1: who is in which group), then their properties from the same member lists with {@code $select} (pass 2, each
 * user applied once, with all its groups known); users no longer returned are trashed by the engine (rule 7, rule 10's
 * hold). Changes made while a full run reads are read again by the next incremental run (applying twice changes
 * nothing).</li>
 * <li>Incremental: one users delta round and one groups delta round from the stored links. The users the users round
 * names are re-evaluated with their document and the properties that changed; a tracked group the groups round names
 * (a member added or removed on any page, a rename, a nested group's change) has its members read again and compared
 * with the documents' {@code memberOf}, so split pages and replays cannot leave a membership half-applied. A user who
 * left (removed from every group, disabled, deleted) is handed to {@link PullRun#leftScope} (trashed at the end, or
 * held by rule 10). An expired delta link (410, {@code syncStateNotFound}) or changed settings: a full run instead.</li>
 * <li>Admin: the admin groups' members only (rule 12's roles, granted and revoked by the engine).</li>
 * <li>Single user: the user by UPN (or id) and its groups ({@code memberOf}/{@code transitiveMemberOf}).</li>
 * </ul>
 */
final class EntraSync {

    private static final Logger LOG = Logger.getLogger(EntraSync.class);
    static final String CLIENT_SECRET = "clientSecret";
    /** The document's list of the user's synced and admin groups (object ids). */
    static final String MEMBER_OF = "memberOf";
    private static final String USER_TYPE = "#microsoft.graph.user";
    private static final String GROUP_TYPE = "#microsoft.graph.group";
    /** Graph's {@code $filter=id eq ...} on groups delta takes at most this many ids. */
    private static final int DELTA_FILTER_MAX = 50;

    private final KeycloakSessionFactory factory;
    private final String realmId;
    private final String directoryId;
    private final Consumer<String> runOpened;
    private Directory directory;
    private EntraSettings settings;
    private GraphClient graph;

    private EntraSync(KeycloakSessionFactory factory, String realmId, String directoryId, Consumer<String> runOpened) {
        this.factory = factory;
        this.realmId = realmId;
        this.directoryId = directoryId;
        this.runOpened = runOpened;
    }

    /** The Entra directories' {@link io.dirsync.engine.PullSource}: one run on the calling thread. */
    static RunReport pull(KeycloakSessionFactory factory, String realmId, String directoryId, RunKind kind, String username,
                          Consumer<String> runOpened) {
        return new EntraSync(factory, realmId, directoryId, runOpened).execute(kind, username);
    }

    /** What a run knows of the tracked groups: Keycloak's managed group of each synced group, and the admin groups. */
    private record Plan(Map<String, String> keycloakGroupOf, Set<String> managedGroupIds, Set<String> adminGroupIds,
                        Set<String> tracked) {
        boolean inScope(Set<String> memberOf) {
            for (String g : memberOf) {
                if (tracked.contains(g)) {
                    return true;
                }
            }
            return false;
        }
    }

    private RunReport execute(RunKind kind, String username) {
        String secret = inTx(s -> {
            directory = engine(s).directories().get(realm(s), directoryId).orElseThrow();
            return engine(s).directories().secret(directory, CLIENT_SECRET);
        });
        settings = EntraSettings.of(directory);
        graph = new GraphClient(inTx(s -> s.getProvider(HttpClientProvider.class).getHttpClient()), settings, secret);
        SyncState state = kind == RunKind.INCREMENTAL
            ? inTx(s -> SyncState.parse(engine(s).directories().syncState(directory))) : null;
        if (kind == RunKind.INCREMENTAL && (state == null || !state.scopeKey().equals(scopeKey()))) {
            LOG.infof("Entra directory %s: %s; a full sync instead of an incremental one", directory.name(),
                state == null ? "no delta links yet" : "its groups or mapped properties changed");
            kind = RunKind.FULL;
        }
        RunKind runKind = kind;
        PullRun run = inTx(s -> PullRun.begin(s, directory, runKind));
        runOpened.accept(run.run().id());
        long started = System.nanoTime();
        RunReport report;
        try {
            report = switch (runKind) {
                case FULL -> full(run);
                case INCREMENTAL -> incremental(run, state);
                case ADMIN -> admin(run);
                case USER -> user(run, username);
                default -> throw new IllegalStateException("No " + runKind + " run for Entra directories");
            };
        } catch (DeltaExpired expired) {
            // Graph no longer knows the link: this run ends without changes and a full one starts over.
            LOG.infof("Entra directory %s: %s; starting a full sync", directory.name(), expired.getMessage());
            run.finishPartial(true, null);
            inTx(s -> {
                engine(s).directories().setSyncState(directory, null);
                return null;
            });
            return pull(factory, realmId, directoryId, RunKind.FULL, null, id -> { });
        } catch (RuntimeException e) {
            // anything unforeseen ends the run as failed (and trashes nobody) rather than leaving it "running"
            LOG.warnf(e, "Entra directory %s: the %s sync failed", directory.name(), runKind);
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return runKind == RunKind.FULL ? run.finish(false, message) : run.finishPartial(false, message);
        }
        LOG.infof("Entra directory %s: %s sync sent %d Graph requests (%d throttled) in %d ms", directory.name(), runKind,
            graph.requests(), graph.throttled(), (System.nanoTime() - started) / 1_000_000);
        return report;
    }

    // ------------------------------------------------------------------ full

    private RunReport full(PullRun run) {
        String usersDelta;
        String groupsDelta;
        Plan plan;
        Map<String, Set<String>> memberOf = new HashMap<>();
        Map<String, List<String>> nested = new LinkedHashMap<>();
        try {
            plan = plan(run, true);
            // "From now on" links first: what changes while this run reads is read again by the next incremental run.
            usersDelta = deltaRound(graph.url("/users/delta", "$select", String.join(",", settings.properties()),
                "$deltatoken", "latest"), v -> { });
            groupsDelta = deltaRound(groupsDeltaUrl(plan, "latest"), v -> { });
            for (String group : plan.tracked()) {
                Set<String> users = new HashSet<>();
                nested.put(group, members(group, users));
                users.forEach(u -> memberOf.computeIfAbsent(u, k -> new LinkedHashSet<>()).add(group));
            }
        } catch (GraphClient.GraphException | SyncConflictException e) {
            LOG.warnf("Entra directory %s: the full sync could not read its groups: %s", directory.name(), e.getMessage());
            return run.finish(false, e.getMessage());
        }
        Set<String> applied = new HashSet<>();
        try {
            for (String group : plan.tracked()) {
                String url = graph.url("/groups/" + group + membersSegment(), "$select",
                    String.join(",", settings.properties()), "$top", String.valueOf(settings.pageSize));
                while (url != null) {
                    GraphClient.Page page = graph.page(url, false);
                    List<ObjectNode> users = new ArrayList<>();
                    for (ObjectNode member : page.values()) {
                        String id = id(member);
                        if (USER_TYPE.equals(member.path("@odata.type").asText()) && id != null && applied.add(id)) {
                            users.add(member);
                        }
                    }
                    run.pageRead(users.size());
                    applyPage(run, plan, users, memberOf);
                    url = page.nextLink();
                }
            }
        } catch (GraphClient.GraphException e) {
            LOG.warnf("Entra directory %s: the full sync failed mid-run: %s", directory.name(), e.getMessage());
            return run.finish(false, e.getMessage());
        }
        RunReport report = run.finish(true, null);
        SyncState next = new SyncState(scopeKey(), usersDelta, groupsDelta, nested);
        inTx(s -> {
            engine(s).directories().setSyncState(directory, next.toJson());
            return null;
        });
        return report;
    }

    /** Applies a page of Graph users (enabled ones in scope); each user with the groups it is in. */
    private void applyPage(PullRun run, Plan plan, List<ObjectNode> users, Map<String, Set<String>> memberOf) {
        Map<ObjectNode, SourceUser> sources = new LinkedHashMap<>();
        for (ObjectNode u : users) {
            Set<String> groups = memberOf.getOrDefault(id(u), Set.of());
            if (plan.inScope(groups) && enabled(u)) {
                sources.put(u, sourceUser(u, groups));
            }
        }
        if (sources.isEmpty()) {
            return;
        }
        KnownAbsent known = inTx(s -> KnownAbsent.load(s, realm(s), engine(s).directories().get(realm(s), directoryId)
            .orElseThrow(), sources.values().stream().filter(u -> u.username() != null).toList()));
        for (Map.Entry<ObjectNode, SourceUser> e : sources.entrySet()) {
            apply(run, plan, e.getValue(), memberOf.getOrDefault(id(e.getKey()), Set.of()), known);
        }
    }

    private String apply(PullRun run, Plan plan, SourceUser source, Set<String> groups, KnownAbsent known) {
        Set<String> admin = new HashSet<>(groups);
        admin.retainAll(plan.adminGroupIds());
        String entryName = source.username() != null ? source.username() : source.externalId();
        return run.apply(source, entryName, known, admin, (s, realm, directory, change) ->
            linked(s, realm, directory, plan, change, groups));
    }

    // ------------------------------------------------------------------ incremental

    /** Graph no longer knows a delta link (410 Gone, syncStateNotFound): start over with a full run. */
    private static final class DeltaExpired extends RuntimeException {
        DeltaExpired(String message) {
            super(message);
        }
    }

    private RunReport incremental(PullRun run, SyncState state) {
        Plan plan;
        Map<String, ObjectNode> changedUsers = new LinkedHashMap<>();
        Set<String> changedGroups = new LinkedHashSet<>();
        Map<String, String> renamed = new HashMap<>();
        String usersDelta;
        String groupsDelta;
        try {
            plan = plan(run, false);
            usersDelta = deltaRound(state.usersDelta(), v -> {
                String id = id(v);
                if (id != null) {
                    // a user on several pages of a round: its latest properties win, removal included
                    changedUsers.merge(id, v, (before, after) -> after.has("@removed") ? after : merged(before, after));
                }
            });
            Set<String> nestedAll = new HashSet<>();
            state.nested().values().forEach(nestedAll::addAll);
            groupsDelta = deltaRound(state.groupsDelta(), v -> {
                String id = id(v);
                if (id != null && (plan.tracked().contains(id) || nestedAll.contains(id))) {
                    changedGroups.add(id);
                    if (v.hasNonNull("displayName")) {
                        renamed.put(id, v.get("displayName").asText());
                    }
                }
            });
        } catch (GraphClient.GraphException e) {
            if (e.status == 410 || "syncStateNotFound".equalsIgnoreCase(e.code) || "resyncRequired".equalsIgnoreCase(e.code)) {
                throw new DeltaExpired(e.getMessage());
            }
            return run.finishPartial(false, e.getMessage());
        } catch (SyncConflictException e) {
            return run.finishPartial(false, e.getMessage());
        }
        Map<String, List<String>> nested = new LinkedHashMap<>(state.nested());
        Map<String, Set<String>> nowIn = new HashMap<>(); // re-read group → its members now
        Set<String> affected = new LinkedHashSet<>(changedUsers.keySet());
        try {
            for (String group : plan.tracked()) {
                boolean changed = changedGroups.contains(group)
                    || nested.getOrDefault(group, List.of()).stream().anyMatch(changedGroups::contains);
                if (!changed) {
                    continue;
                }
                Set<String> users = new HashSet<>();
                nested.put(group, members(group, users));
                nowIn.put(group, users);
                // only who joined or left: a one-member change of a 50,000-member group re-applies one user
                Set<String> former = new HashSet<>(formerMembers(group));
                users.stream().filter(u -> !former.contains(u)).forEach(affected::add);
                former.stream().filter(u -> !users.contains(u)).forEach(affected::add);
            }
            inTx(s -> {
                renameGroups(s, run, renamed);
                return null;
            });
        } catch (GraphClient.GraphException | SyncConflictException e) {
            return run.finishPartial(false, e.getMessage());
        }
        try {
            List<String> batch = new ArrayList<>();
            for (Iterator<String> it = affected.iterator(); it.hasNext(); ) {
                batch.add(it.next());
                if (batch.size() == settings.pageSize || !it.hasNext()) {
                    run.pageRead(batch.size());
                    for (String userId : batch) {
                        reevaluate(run, plan, userId, changedUsers.get(userId), nowIn);
                    }
                    batch.clear();
                }
            }
        } catch (GraphClient.GraphException e) {
            return run.finishPartial(false, e.getMessage());
        }
        RunReport report = run.finishPartial(true, null);
        SyncState next = new SyncState(state.scopeKey(), usersDelta, groupsDelta, nested);
        inTx(s -> {
            engine(s).directories().setSyncState(directory, next.toJson());
            return null;
        });
        return report;
    }

    /**
     * One user an incremental run was told about: its document, the properties that changed and the groups re-read
     * decide whether it is applied or leaves the scope.
     */
    private void reevaluate(PullRun run, Plan plan, String userId, ObjectNode change, Map<String, Set<String>> nowIn) {
        ManagedUser managed = inTx(s -> engine(s).users().managedByExternalId(directory, userId).orElse(null));
        ObjectNode stored = managed == null ? null : document(managed.sourceDocument());
        if (change != null && change.has("@removed")) {
            if (managed != null) {
                String reason = change.path("@removed").path("reason").asText("deleted");
                run.leftScope(managed.userId(), "deleted".equals(reason) ? "deleted in Entra ID"
                    : "deleted in Entra ID (restorable there for 30 days)");
            }
            return;
        }
        Set<String> groups = new LinkedHashSet<>();
        if (stored != null) {
            stored.path(MEMBER_OF).forEach(g -> groups.add(g.asText()));
        }
        nowIn.forEach((group, members) -> {
            if (members.contains(userId)) {
                groups.add(group);
            } else {
                groups.remove(group);
            }
        });
        groups.retainAll(plan.tracked());
        if (!plan.inScope(groups)) {
            if (managed != null && !managed.trashed()) {
                run.leftScope(managed.userId(), "removed from every synced group in Entra ID");
            }
            return;
        }
        ObjectNode user;
        if (stored != null && change != null) {
            user = merged(stored, change);
        } else if (stored != null) {
            user = stored;
        } else {
            // new to the directory: its properties once (a delta entry of a user that existed before is partial)
            user = graph.object(graph.url("/users/" + userId, "$select", String.join(",", settings.properties())));
        }
        if (!enabled(user)) {
            if (managed != null) {
                run.leftScope(managed.userId(), "disabled in Entra ID");
            }
            return;
        }
        apply(run, plan, sourceUser(user, groups), groups, null);
    }

    /** The object ids of the directory's users whose document says they are in {@code group}: its members as last applied. */
    private List<String> formerMembers(String group) {
        List<String> externalIds = new ArrayList<>();
        int page = 1000;
        for (int first = 0; ; first += page) {
            int from = first;
            int found = inTx(s -> {
                DirectorySyncEngine engine = engine(s);
                List<String> ids = engine.users().withDocumentValue(directory, MEMBER_OF.toLowerCase(Locale.ROOT), group,
                    from, page);
                for (String id : ids) {
                    engine.users().managed(directory, id).map(ManagedUser::externalId).ifPresent(externalIds::add);
                }
                return ids.size();
            });
            if (found < page) {
                return externalIds;
            }
        }
    }

    // ------------------------------------------------------------------ admin and single user

    private RunReport admin(PullRun run) {
        try {
            Plan plan = plan(run, false);
            Map<String, Set<String>> adminOf = new HashMap<>();
            for (String group : plan.adminGroupIds()) {
                Set<String> users = new HashSet<>();
                members(group, users);
                users.forEach(u -> adminOf.computeIfAbsent(u, k -> new LinkedHashSet<>()).add(group));
            }
            Set<String> applied = new HashSet<>();
            for (String group : plan.adminGroupIds()) {
                String url = graph.url("/groups/" + group + membersSegment(), "$select",
                    String.join(",", settings.properties()), "$top", String.valueOf(settings.pageSize));
                while (url != null) {
                    GraphClient.Page page = graph.page(url, false);
                    List<ObjectNode> users = page.values().stream()
                        .filter(m -> USER_TYPE.equals(m.path("@odata.type").asText()) && id(m) != null)
                        .filter(m -> applied.add(id(m))).toList();
                    run.pageRead(users.size());
                    for (ObjectNode u : users) {
                        if (enabled(u)) {
                            Set<String> groups = adminRunGroups(plan, id(u), adminOf.getOrDefault(id(u), Set.of()));
                            apply(run, plan, sourceUser(u, groups), groups, null);
                        }
                    }
                    url = page.nextLink();
                }
            }
        } catch (GraphClient.GraphException | SyncConflictException e) {
            return run.finishPartial(false, e.getMessage());
        }
        return run.finishPartial(true, null);
    }

    /**
     * An admin run reads only the admin groups: a user's synced groups stay as its document says, its admin groups are
     * those just read.
     */
    private Set<String> adminRunGroups(Plan plan, String userId, Set<String> adminGroups) {
        Set<String> groups = new LinkedHashSet<>();
        ManagedUser managed = inTx(s -> engine(s).users().managedByExternalId(directory, userId).orElse(null));
        ObjectNode stored = managed == null ? null : document(managed.sourceDocument());
        if (stored != null) {
            stored.path(MEMBER_OF).forEach(g -> {
                if (!plan.adminGroupIds().contains(g.asText())) {
                    groups.add(g.asText());
                }
            });
        }
        groups.addAll(adminGroups);
        return groups;
    }

    private RunReport user(PullRun run, String username) {
        Plan plan;
        ObjectNode user;
        try {
            plan = plan(run, true);
            // a path segment of the admin's typing: encoded, so that it names one user and nothing else
            user = graph.object(graph.url("/users/" + GraphClient.segment(username.trim()), "$select",
                String.join(",", settings.properties())));
        } catch (GraphClient.GraphException e) {
            if (e.status == 404) {
                return outOfScope(run, username, null, "deleted in Entra ID or not found");
            }
            return run.finishPartial(false, e.getMessage());
        } catch (SyncConflictException e) {
            return run.finishPartial(false, e.getMessage());
        }
        try {
            Set<String> groups = new LinkedHashSet<>();
            String url = graph.url("/users/" + id(user) + (settings.transitiveMembers ? "/transitiveMemberOf" : "/memberOf"),
                "$select", "id", "$top", "999");
            while (url != null) {
                GraphClient.Page page = graph.page(url, false);
                page.values().stream().filter(g -> GROUP_TYPE.equals(g.path("@odata.type").asText()))
                    .map(EntraSync::id).filter(plan.tracked()::contains).forEach(groups::add);
                url = page.nextLink();
            }
            run.pageRead(1);
            if (!plan.inScope(groups)) {
                return outOfScope(run, username, id(user), "not in a synced group");
            }
            if (!enabled(user)) {
                return outOfScope(run, username, id(user), "disabled in Entra ID");
            }
            apply(run, plan, sourceUser(user, groups), groups, null);
        } catch (GraphClient.GraphException e) {
            return run.finishPartial(false, e.getMessage());
        }
        return run.finishPartial(true, null);
    }

    /** A single-user sync found the user out of scope: its user, if the directory has one, goes to the trash. */
    private RunReport outOfScope(PullRun run, String username, String objectId, String why) {
        String userId = inTx(s -> {
            DirectorySyncEngine engine = engine(s);
            if (objectId != null) {
                String byId = engine.users().managedByExternalId(directory, objectId).map(ManagedUser::userId).orElse(null);
                if (byId != null) {
                    return byId;
                }
            }
            UserModel u = UserSync.byUsername(engine.users().provider(directory), realm(s), username.trim());
            return u == null ? null : engine.users().managed(directory, u.getId()).map(ManagedUser::userId).orElse(null);
        });
        if (userId == null) {
            run.recordFailure(username, "No user '" + username + "' in the scope of directory \"" + directory.name()
                + "\" (" + why + ")");
        } else {
            run.leftScope(userId, why);
        }
        return run.finishPartial(true, null);
    }

    // ------------------------------------------------------------------ groups

    /**
     * Resolves the synced and admin groups (a group that is gone fails the run: it must not look like an empty one)
     * and keeps the managed groups current (rule 6's names, through the engine).
     */
    private Plan plan(PullRun run, boolean resolve) {
        AdminGroups adminGroups = run.adminGroups();
        Set<String> admin = new LinkedHashSet<>();
        adminGroups.groups().forEach(g -> admin.add(g.canonical()));
        Map<String, String> names = new LinkedHashMap<>();
        if (resolve) {
            for (String group : settings.syncedGroups) {
                names.put(group, groupName(group));
            }
            for (String group : admin) {
                groupName(group);
            }
        }
        return inTx(s -> {
            RealmModel realm = realm(s);
            DirectorySyncEngine engine = engine(s);
            Map<String, String> keycloakGroupOf = new HashMap<>();
            if (resolve) {
                keycloakGroupOf.putAll(engine.groups().keepManaged(realm, directory, names, EntraSettings.GROUP_IDS, run.run()));
            } else {
                // an incremental or admin run: the managed groups as the last full run left them (renames come by delta)
                Map<String, ManagedGroup> byExternalId = engine.groups().managedByExternalId(directory, EntraSettings.GROUP_IDS);
                settings.syncedGroups.forEach(group -> {
                    ManagedGroup existing = byExternalId.get(group);
                    if (existing != null) {
                        keycloakGroupOf.put(group, existing.groupId());
                    }
                });
            }
            Set<String> managedIds = new HashSet<>();
            engine.groups().managedGroups(directory).forEach(g -> managedIds.add(g.groupId()));
            Set<String> tracked = new LinkedHashSet<>(settings.syncedGroups);
            tracked.addAll(admin);
            return new Plan(keycloakGroupOf, managedIds, admin, tracked);
        });
    }

    private String groupName(String group) {
        try {
            ObjectNode g = graph.object(graph.url("/groups/" + group, "$select", "id,displayName"));
            String name = GraphClient.textOrNull(g.get("displayName"));
            return name == null ? group : name;
        } catch (GraphClient.GraphException e) {
            throw e.status == 404 ? groupGone(group) : e;
        }
    }

    /** A synced or admin group that is gone fails the run: it must not look like an empty group (rule 10). */
    private static SyncConflictException groupGone(String group) {
        return new SyncConflictException(SyncConflictException.Kind.NOT_FOUND, "Group '" + group
            + "' was not found in the tenant; nobody was trashed. Fix its object id or remove it from the directory's groups");
    }

    private void renameGroups(KeycloakSession s, PullRun run, Map<String, String> renamed) {
        RealmModel realm = realm(s);
        DirectorySyncEngine engine = engine(s);
        for (ManagedGroup g : engine.groups().managedGroups(directory)) {
            String name = g.externalId() == null ? null : renamed.get(EntraSettings.GROUP_IDS.canonical(g.externalId()));
            GroupModel kc = name == null ? null : realm.getGroupById(g.groupId());
            if (kc != null) {
                engine.groups().rename(realm, directory, kc, name, g.externalId(), run.run());
            }
        }
    }

    /** The ids of a group's user members (into {@code users}); returns the groups nested in it (transitive mode). */
    private List<String> members(String group, Set<String> users) {
        List<String> nested = new ArrayList<>();
        String url = graph.url("/groups/" + group + membersSegment(), "$select", "id", "$top", "999");
        while (url != null) {
            GraphClient.Page page;
            try {
                page = graph.page(url, false);
            } catch (GraphClient.GraphException e) {
                throw e.status == 404 ? groupGone(group) : e;
            }
            for (ObjectNode m : page.values()) {
                String id = id(m);
                String type = m.path("@odata.type").asText();
                if (id != null && USER_TYPE.equals(type)) {
                    users.add(id);
                } else if (id != null && GROUP_TYPE.equals(type) && settings.transitiveMembers) {
                    nested.add(id);
                }
            }
            url = page.nextLink();
        }
        return nested;
    }

    private String membersSegment() {
        return settings.transitiveMembers ? "/transitiveMembers" : "/members";
    }

    /**
     * The first request of a groups delta round: filtered to the tracked groups when Graph allows it (at most 50 ids,
     * no nesting to follow), else every group (only tracked ones are looked at).
     */
    private String groupsDeltaUrl(Plan plan, String deltaToken) {
        List<String> query = new ArrayList<>(List.of("$select", "displayName,members"));
        if (!settings.transitiveMembers && !plan.tracked().isEmpty() && plan.tracked().size() <= DELTA_FILTER_MAX) {
            query.add("$filter");
            query.add(String.join(" or ", plan.tracked().stream().map(id -> "id eq '" + id + "'").toList()));
        }
        if (deltaToken != null) {
            query.add("$deltatoken");
            query.add(deltaToken);
        }
        return graph.url("/groups/delta", query.toArray(String[]::new));
    }

    /** Reads a delta round to its end; every object to {@code each}; returns the round's deltaLink. */
    private String deltaRound(String url, Consumer<ObjectNode> each) {
        String next = url;
        while (true) {
            GraphClient.Page page = graph.page(next, true);
            page.values().forEach(each);
            if (page.nextLink() != null) {
                next = page.nextLink();
            } else if (page.deltaLink() != null) {
                return page.deltaLink();
            } else {
                throw new GraphClient.GraphException(200, "no_delta_link", "Graph ended a delta round without a deltaLink");
            }
        }
    }

    // ------------------------------------------------------------------ users

    /**
     * The engine's view of a Graph user: mapped properties as Keycloak attributes (a list property such as
     * {@code otherMails} or {@code businessPhones} gives its first value), its object id as the external id, and the
     * document the next incremental run starts from.
     */
    private SourceUser sourceUser(ObjectNode user, Set<String> groups) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("email", value(user, settings.emailAttribute));
        attributes.put("firstName", value(user, settings.firstNameAttribute));
        attributes.put("lastName", value(user, settings.lastNameAttribute));
        settings.mappings.forEach(m -> attributes.put(m.target(), value(user, m.source())));
        String username = value(user, settings.usernameAttribute);
        ObjectNode document = GraphClient.JSON.createObjectNode();
        ArrayNode memberOf = document.putArray(MEMBER_OF); // first: the document's indexed values are capped
        groups.stream().sorted().forEach(memberOf::add);
        for (String p : settings.properties()) {
            JsonNode v = user.get(p);
            document.set(p, v == null ? GraphClient.JSON.nullNode() : v);
        }
        return new SourceUser(id(user), username, attributes, true, document.toString());
    }

    private static String value(ObjectNode user, String property) {
        JsonNode v = user.get(property);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isArray()) {
            for (JsonNode e : v) {
                if (e.isValueNode() && !e.asText().isBlank()) {
                    return e.asText();
                }
            }
            return null;
        }
        return v.isValueNode() && !v.asText().isBlank() ? v.asText() : null;
    }

    private static boolean enabled(ObjectNode user) {
        JsonNode e = user.get("accountEnabled");
        return e == null || e.isNull() || e.asBoolean(true);
    }

    private static ObjectNode merged(ObjectNode base, ObjectNode change) {
        ObjectNode m = base.deepCopy();
        change.fields().forEachRemaining(f -> {
            if (!f.getKey().startsWith("@")) {
                m.set(f.getKey(), f.getValue());
            }
        });
        return m;
    }

    private static ObjectNode document(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = GraphClient.JSON.readTree(json);
            return n instanceof ObjectNode o ? o : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    static String id(JsonNode object) {
        String id = GraphClient.textOrNull(object.get("id"));
        return id == null ? null : id.toLowerCase(Locale.ROOT);
    }

    /**
     * In the user's transaction: its managed groups (rule 6, through the engine) and, with {@code identityProvider},
     * its link to the realm's identity provider by object id, so that signing in with Microsoft finds this user.
     */
    private void linked(KeycloakSession s, RealmModel realm, Directory directory, Plan plan, UserSync.UserChange change,
                        Set<String> groups) {
        Set<String> wanted = new HashSet<>();
        for (String g : groups) {
            String kc = plan.keycloakGroupOf().get(g);
            if (kc != null) {
                wanted.add(kc);
            }
        }
        UserModel user = change.user();
        engine(s).groups().setUserGroups(realm, directory, user, wanted, plan.managedGroupIds(),
            change.outcome() == Outcome.CREATED);
        String alias = settings.identityProvider;
        if (alias == null) {
            return;
        }
        IdentityProviderModel idp = s.identityProviders().getByAlias(alias);
        if (idp == null) {
            return; // the directory's settings check names a missing provider; a run does not fail every user for it
        }
        String objectId = engine(s).users().managed(directory, user.getId()).map(ManagedUser::externalId).orElse(null);
        if (objectId == null) {
            return;
        }
        FederatedIdentityModel link = s.users().getFederatedIdentity(realm, user, alias);
        if (link != null && objectId.equals(link.getUserId())) {
            return;
        }
        if (link != null) {
            s.users().removeFederatedIdentity(realm, user, alias);
        }
        s.users().addFederatedIdentity(realm, user, new FederatedIdentityModel(alias, objectId, user.getUsername()));
    }

    /** What identifies the run's scope: a change of it makes the stored delta links meaningless. */
    private String scopeKey() {
        List<String> admin = new ArrayList<>();
        AdminGroups.of(directory).groups().forEach(g -> admin.add(g.canonical() + ":" + g.role()));
        return String.join(",", settings.syncedGroups) + "|" + String.join(",", admin) + "|" + settings.transitiveMembers
            + "|" + String.join(",", settings.properties());
    }

    // ------------------------------------------------------------------ plumbing

    private RealmModel realm(KeycloakSession s) {
        RealmModel realm = s.realms().getRealm(realmId);
        s.getContext().setRealm(realm);
        return realm;
    }

    private static DirectorySyncEngine engine(KeycloakSession s) {
        return DirectorySyncEngine.of(s);
    }

    private <T> T inTx(Function<KeycloakSession, T> work) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, work::apply);
    }
}
