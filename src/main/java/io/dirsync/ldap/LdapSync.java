package io.dirsync.ldap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.naming.directory.SearchControls;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.LDAPConstants;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.UserStorageUtil;
import org.keycloak.storage.ldap.LDAPStorageProvider;
import org.keycloak.storage.ldap.LDAPUtils;
import org.keycloak.storage.ldap.idm.model.LDAPObject;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQuery;
import org.keycloak.storage.ldap.idm.query.internal.LDAPQueryConditionsBuilder;

import io.dirsync.engine.AdminGroups;
import io.dirsync.engine.Directory;
import io.dirsync.engine.DirectorySyncEngine;
import io.dirsync.engine.KnownAbsent;
import io.dirsync.engine.ManagedGroup;
import io.dirsync.storage.Outcome;
import io.dirsync.engine.PullRun;
import io.dirsync.engine.RunReport;
import io.dirsync.engine.SourceUser;
import io.dirsync.engine.SyncConflictException;
import io.dirsync.engine.UserSync;
import io.dirsync.storage.RunKind;

/**
 * One pull run of an LDAP directory: full sync (the whole scope; users no longer returned go to the trash through
 * {@link PullRun}), admin sync (members of the admin groups; admin roles) or single-user sync. A thin adapter:
 * it reads entries with Keycloak's own LDAP provider (its connection, paging and the component's scope filter),
 * turns each into a {@link SourceUser} and leaves every rule to the engine. The engine's
 * {@link io.dirsync.engine.PullRunner} runs it (thread, cluster-wide lock, schedules).
 */
public final class LdapSync {

    private static final Logger LOG = Logger.getLogger(LdapSync.class);
    /** AD userAccountControl ACCOUNTDISABLE. */
    static final int ACCOUNTDISABLE = 0x2;

    private final KeycloakSessionFactory factory;
    private final String realmId;
    private final String directoryId;
    private final Consumer<String> runOpened;

    private LdapSync(KeycloakSessionFactory factory, String realmId, String directoryId, Consumer<String> runOpened) {
        this.factory = factory;
        this.realmId = realmId;
        this.directoryId = directoryId;
        this.runOpened = runOpened;
    }

    /** The LDAP directories' {@link io.dirsync.engine.PullSource}: one run on the calling thread. */
    static RunReport pull(KeycloakSessionFactory factory, String realmId, String directoryId, RunKind kind, String username,
                          Consumer<String> runOpened) {
        return new LdapSync(factory, realmId, directoryId, runOpened).execute(kind, username);
    }

    // ------------------------------------------------------------------ the run

    /** What a run needs to know about groups, resolved once at its start. */
    private record Plan(LdapSettings settings, Map<String, Set<String>> groupsOfDn, Set<String> managedGroupIds,
                        Map<String, Set<String>> adminGroupsOfDn, String adminFilter) {
    }

    private RunReport execute(RunKind kind, String username) {
        Directory directory = inTx(s -> engine(s).directories().get(realm(s), directoryId).orElseThrow());
        PullRun run = inTx(s -> PullRun.begin(s, directory, kind));
        runOpened.accept(run.run().id());
        Plan plan;
        try {
            plan = inTx(s -> plan(s, run));
        } catch (RuntimeException e) {
            LOG.warnf(e, "LDAP directory %s: could not resolve its groups", directory.name());
            return finish(run, kind, false, message(e));
        }
        boolean complete = true;
        String failure = null;
        boolean found = false;
        long readNanos = 0;
        int entries = 0;
        long started = System.nanoTime();
        try (LDAPQuery query = inTx(s -> query(s, plan, kind, username))) {
            boolean more = true;
            while (more) {
                query.setLimit(plan.settings().pageSize);
                long asked = System.nanoTime();
                List<LDAPObject> page = query.getResultList();
                requirePagingControl(query, entries + page.size());
                readNanos += System.nanoTime() - asked;
                entries += page.size();
                run.pageRead(page.size()); // the engine keeps the run's progress
                more = query.getPaginationContext() != null && query.getPaginationContext().hasNextPage();
                Map<LDAPObject, Applied> sources = new LinkedHashMap<>();
                for (LDAPObject entry : page) {
                    if (!(plan.settings().isActiveDirectory() && disabled(entry))) {
                        sources.put(entry, applied(run, plan, entry));
                    }
                }
                if (kind == RunKind.FULL) {
                    // Entries unchanged since their user's last apply cost no more than this one query (issue 16)
                    Map<String, String> digests = new HashMap<>();
                    sources.values().stream().filter(a -> a.source().username() != null && a.source().externalId() != null)
                        .forEach(a -> digests.put(a.source().externalId(), a.digest()));
                    Set<String> skipped = run.skipUnchanged(digests);
                    sources.values().removeIf(a -> skipped.contains(a.source().externalId()));
                }
                List<SourceUser> named = sources.values().stream().map(Applied::source).filter(u -> u.username() != null).toList();
                // One look-up per page for what a new user would otherwise cost a query each (see KnownAbsent)
                KnownAbsent known = named.isEmpty() ? null : inTx(s -> KnownAbsent.load(s, realm(s),
                    engine(s).directories().get(realm(s), directoryId).orElseThrow(), named));
                List<PullRun.Entry> applied = new ArrayList<>();
                for (LDAPObject entry : page) {
                    found = true;
                    Applied a = sources.get(entry);
                    if (a != null) { // else AD-disabled (out of scope: trashed by the full sync if it was in), or skipped
                        applied.add(new PullRun.Entry(a.source(), a.dn(), a.adminGroups(), a.digest(),
                            (s, realm, dir, change) -> link(s, realm, dir, plan, a, change.user(),
                                change.outcome() == Outcome.CREATED, entry)));
                    }
                }
                run.applyAll(applied, known);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "LDAP directory %s: the %s sync failed mid-run", directory.name(), kind);
            complete = false;
            failure = message(e);
        }
        if (complete && kind == RunKind.USER && !found) {
            try {
                inTx(s -> {
                    deprovisionByUsername(s, username, run);
                    return null;
                });
            } catch (SyncConflictException notHere) {
                run.recordFailure(username, notHere.getMessage());
            }
        }
        // Where a run's time goes (directory vs. Keycloak side), for operators sizing a sync.
        LOG.infof("LDAP directory %s: %s sync read %d entries in %d ms from the directory, %d ms in all", directory.name(),
            kind, entries, readNanos / 1_000_000, (System.nanoTime() - started) / 1_000_000);
        return finish(run, kind, complete, failure);
    }

    private static RunReport finish(PullRun run, RunKind kind, boolean complete, String failure) {
        return kind == RunKind.FULL ? run.finish(complete, failure) : run.finishPartial(complete, failure);
    }

    /** Resolves synced and admin groups (nested ones too), keeps managed groups and the scope filter current. */
    private Plan plan(KeycloakSession s, PullRun run) {
        RealmModel realm = realm(s);
        DirectorySyncEngine engine = engine(s);
        Directory directory = engine.directories().get(realm, directoryId).orElseThrow();
        LdapSettings settings = LdapSettings.of(directory);
        LDAPStorageProvider provider = provider(s, realm, directory);
        // directories made before these existed
        LdapDirectories.ensureGuard(realm, LdapDirectories.component(realm, directory));
        DirectoryPasswordPolicy.ensureIn(s, realm);

        Map<String, String> sourceNames = new LinkedHashMap<>();
        for (String dn : settings.syncedGroups) {
            LDAPObject group = loadGroup(provider, dn);
            String cn = group.getAttributeAsString(LDAPConstants.CN);
            sourceNames.put(dn, cn == null ? group.getDn().getFirstRdn().getAttrValue(group.getDn().getFirstRdn().getAllKeys().get(0)) : cn);
        }
        Map<String, String> keycloakGroupOf = engine.groups().keepManaged(realm, directory, sourceNames, LdapSettings.GROUP_IDS,
            run.run());
        Map<String, Set<String>> groupsOfDn = new HashMap<>();
        Set<String> scope = new LinkedHashSet<>();
        keycloakGroupOf.forEach((dn, groupId) -> {
            for (String member : expand(provider, settings, dn)) {
                groupsOfDn.computeIfAbsent(member, k -> new HashSet<>()).add(groupId);
                scope.add(member);
            }
        });
        // Rule 12 is the engine's (PullRun grants the roles); the run only tells it which admin groups a user is in,
        // through nested groups too.
        Map<String, Set<String>> adminGroupsOfDn = new HashMap<>();
        Set<String> adminScope = new LinkedHashSet<>();
        for (AdminGroups.AdminGroup admin : run.adminGroups().groups()) {
            loadGroup(provider, admin.group());
            for (String member : expand(provider, settings, admin.group())) {
                adminGroupsOfDn.computeIfAbsent(member, k -> new HashSet<>()).add(admin.canonical());
                adminScope.add(member);
            }
        }
        LdapDirectories.setScope(realm, directory, LdapDirectories.scopeFilter(settings, scope, adminScope));
        Set<String> managedIds = engine.groups().managedGroups(directory).stream()
            .map(ManagedGroup::groupId).collect(Collectors.toSet());
        String adminFilter = LdapDirectories.scopeFilter(settings, List.of(), adminScope);
        return new Plan(settings, groupsOfDn, managedIds, adminGroupsOfDn, adminFilter);
    }

    /** A group entry, or a failure that names it: a synced group that is gone must not look like an empty one. */
    private static LDAPObject loadGroup(LDAPStorageProvider provider, String dn) {
        try (LDAPQuery q = new LDAPQuery(provider)) {
            q.setSearchDn(dn);
            q.setSearchScope(SearchControls.OBJECT_SCOPE);
            q.addReturningLdapAttribute(LDAPConstants.CN);
            List<LDAPObject> found = provider.getLdapIdentityStore().fetchQueryResults(q);
            if (found.isEmpty()) {
                throw new IllegalStateException("Group '" + dn + "' was not found in the directory; nobody was trashed. "
                    + "Fix its DN or remove it from the directory's groups");
            }
            return found.get(0);
        }
    }

    /** The group and, with nested groups on, every group nested in it (normalised DNs). */
    private static Set<String> expand(LDAPStorageProvider provider, LdapSettings settings, String dn) {
        Set<String> result = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(List.of(dn));
        while (!todo.isEmpty()) {
            String next = todo.remove(todo.size() - 1);
            if (!result.add(LdapSettings.normalise(next)) || !settings.nestedGroups) {
                continue;
            }
            try (LDAPQuery q = new LDAPQuery(provider)) {
                q.setSearchDn(provider.getLdapIdentityStore().getConfig().getBaseDn() != null
                    ? provider.getLdapIdentityStore().getConfig().getBaseDn() : LdapSettings.namingContext(settings.usersDn));
                q.setSearchScope(SearchControls.SUBTREE_SCOPE);
                q.addWhereCondition(new LDAPQueryConditionsBuilder().addCustomLDAPFilter(
                    "(&(|(objectClass=group)(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))(memberOf="
                        + LdapSettings.filterValue(next) + "))"));
                q.addReturningLdapAttribute(LDAPConstants.CN);
                for (LDAPObject child : provider.getLdapIdentityStore().fetchQueryResults(q)) {
                    todo.add(child.getDn().toString());
                }
            }
        }
        return result;
    }

    private LDAPQuery query(KeycloakSession s, Plan plan, RunKind kind, String username) {
        RealmModel realm = realm(s);
        Directory directory = engine(s).directories().get(realm, directoryId).orElseThrow();
        LDAPStorageProvider provider = provider(s, realm, directory);
        LDAPQuery q = LDAPUtils.createQueryForUserSearch(provider, realm);
        DirectoryGuardMapper.leaveOut(q); // the sync's read, not one of Keycloak's look-ups
        for (String attr : LdapDirectories.returningAttributes(plan.settings())) {
            q.addReturningLdapAttribute(attr);
            q.addReturningReadOnlyLdapAttribute(attr);
        }
        LDAPQueryConditionsBuilder conditions = new LDAPQueryConditionsBuilder();
        if (kind == RunKind.ADMIN) {
            q.addWhereCondition(conditions.addCustomLDAPFilter(plan.adminFilter()));
        } else if (kind == RunKind.USER) {
            q.addWhereCondition(conditions.equal(plan.settings().usernameAttribute, username.trim()));
        }
        return q;
    }

    /**
     * What an in-scope entry's apply is given: the engine's view of it, its DN, the managed groups (Keycloak ids) and
     * admin groups (rule 12) its user belongs in, and the digest of all of it ({@link PullRun#digest}).
     */
    private record Applied(SourceUser source, String dn, Set<String> groupIds, Set<String> adminGroups, String digest) {
    }

    private static Applied applied(PullRun run, Plan plan, LDAPObject entry) {
        SourceUser source = sourceUser(plan.settings(), entry, true);
        String dn = entry.getDn().toString();
        Set<String> memberOf = memberOf(entry);
        Set<String> groupIds = new HashSet<>();
        Set<String> adminGroups = new HashSet<>();
        for (String g : memberOf) {
            groupIds.addAll(plan.groupsOfDn().getOrDefault(g, Set.of()));
            adminGroups.addAll(plan.adminGroupsOfDn().getOrDefault(g, Set.of()));
        }
        List<String> facts = new ArrayList<>();
        facts.add("dn=" + dn);
        groupIds.forEach(id -> facts.add("group=" + id));
        adminGroups.forEach(g -> facts.add("admin=" + g));
        return new Applied(source, dn, groupIds, adminGroups, run.digest(source, facts));
    }

    /** The engine's view of an entry; its username is null when the username attribute has no value. */
    private static SourceUser sourceUser(LdapSettings settings, LDAPObject entry, boolean active) {
        String username = entry.getAttributeAsString(settings.usernameAttribute);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("email", entry.getAttributeAsString(settings.emailAttribute));
        attributes.put("firstName", entry.getAttributeAsString(settings.firstNameAttribute));
        attributes.put("lastName", entry.getAttributeAsString(settings.lastNameAttribute));
        settings.mappings.forEach(m -> attributes.put(m.target(), entry.getAttributeAsString(m.source())));
        return new SourceUser(entry.getUuid(), username == null || username.isBlank() ? null : username, attributes, active);
    }

    /** The entry's groups, as normalised DNs. */
    private static Set<String> memberOf(LDAPObject entry) {
        Set<String> memberOf = new HashSet<>();
        for (String v : entry.getAttributeAsSetOrDefault(LDAPConstants.MEMBER_OF, Set.of())) {
            try {
                memberOf.add(LdapSettings.normalise(v));
            } catch (SyncConflictException ignore) {
                // not a DN we can compare: not one of ours
            }
        }
        return memberOf;
    }

    static boolean disabled(LDAPObject entry) {
        String uac = entry.getAttributeAsString(LDAPConstants.USER_ACCOUNT_CONTROL);
        try {
            return uac != null && (Integer.parseInt(uac.trim()) & ACCOUNTDISABLE) != 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * In the user's transaction: what Keycloak's LDAP provider validates the user by (entry id and DN) and the user's
     * managed-group memberships (rule 6, through the engine). Its admin roles (rule 12) are the run's, from the admin
     * groups of its {@link Applied}.
     */
    private void link(KeycloakSession s, RealmModel realm, Directory directory, Plan plan, Applied applied, UserModel user,
                      boolean created, LDAPObject entry) {
        boolean changed = false;
        if (!entry.getUuid().equals(user.getFirstAttribute(LDAPConstants.LDAP_ID))) {
            user.setSingleAttribute(LDAPConstants.LDAP_ID, entry.getUuid());
            changed = true;
        }
        if (!applied.dn().equals(user.getFirstAttribute(LDAPConstants.LDAP_ENTRY_DN))) {
            user.setSingleAttribute(LDAPConstants.LDAP_ENTRY_DN, applied.dn());
            changed = true;
        }
        DirectorySyncEngine engine = engine(s);
        engine.groups().setUserGroups(realm, directory, user, applied.groupIds(), plan.managedGroupIds(), created);
        if (changed) {
            UserCache cache = UserStorageUtil.userCache(s);
            if (cache != null) {
                cache.evict(realm, user);
            }
        }
    }

    /** Single-user sync of a name the directory no longer returns: its user leaves the scope (rule 7). */
    private void deprovisionByUsername(KeycloakSession s, String username, PullRun run) {
        RealmModel realm = realm(s);
        DirectorySyncEngine engine = engine(s);
        Directory directory = engine.directories().get(realm, directoryId).orElseThrow();
        UserModel user = UserSync.byUsername(engine.users().provider(directory), realm, username.trim());
        if (user == null || engine.users().managed(directory, user.getId()).isEmpty()) {
            throw new SyncConflictException(SyncConflictException.Kind.NOT_FOUND, "No user '" + username
                + "' in the scope of directory \"" + directory.name() + "\" (not found, not in a synced group, or disabled)");
        }
        engine.trash().deprovision(realm, directory, user, "no longer in the source's scope", run.run());
    }

    // ------------------------------------------------------------------ plumbing

    static LDAPStorageProvider provider(KeycloakSession s, RealmModel realm, Directory directory) {
        ComponentModel c = LdapDirectories.component(realm, directory);
        if (c == null) {
            throw new IllegalStateException("Directory \"" + directory.name() + "\" has no Keycloak LDAP component (id "
                + directory.id() + "); save its settings again to recreate it");
        }
        return (LDAPStorageProvider) s.getProvider(UserStorageProvider.class, new UserStorageProviderModel(c));
    }

    private RealmModel realm(KeycloakSession s) {
        RealmModel realm = s.realms().getRealm(realmId);
        s.getContext().setRealm(realm);
        return realm;
    }

    private static DirectorySyncEngine engine(KeycloakSession s) {
        return DirectorySyncEngine.of(s);
    }

    private <T> T inTx(java.util.function.Function<KeycloakSession, T> work) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, work::apply);
    }

    /**
     * Every page of a paged search ends with the server's paging control (RFC 2696; Keycloak asks for it as critical).
     * Keycloak ends the search as if complete when a page comes without it (KEYCLOAK-19036: a size limit must not loop),
     * and JNDI reads a connection dropped mid-page as the page's end, so a server stopping mid-search looked like the end
     * of the directory: Samba AD stopped mid-run answered 41 of 300 users, and only the trash limit held the run
     * (issue 15). Such a listing may be incomplete, so the run fails and trashes nobody.
     */
    private static void requirePagingControl(LDAPQuery query, int readSoFar) {
        if (query.getPaginationContext() == null) {
            return; // not a paged search (pagination off): the server's answer is the whole result
        }
        javax.naming.ldap.Control[] controls;
        try {
            controls = query.getPaginationContext().getLdapContext().getResponseControls();
        } catch (javax.naming.NamingException e) {
            controls = null;
        }
        if (controls == null || java.util.Arrays.stream(controls).noneMatch(
                c -> c instanceof javax.naming.ldap.PagedResultsResponseControl)) {
            throw new IncompleteListing("The directory ended its answer after " + readSoFar + " entries without the paging"
                + " control every page must carry (the server stopped, dropped the connection or hit a size limit), so the"
                + " listing may be incomplete");
        }
    }

    /** A paged listing that ended without its paging control: see {@link #requirePagingControl}. */
    static final class IncompleteListing extends RuntimeException {
        IncompleteListing(String message) {
            super(message);
        }
    }

    private static String message(Throwable e) {
        StringBuilder b = new StringBuilder(connectionLost(e) ? "Lost the connection to the directory: " : "");
        int start = b.length();
        for (Throwable t = e; t != null && b.length() < 600; t = t.getCause()) {
            if (t.getMessage() != null && b.indexOf(t.getMessage()) < 0) {
                b.append(b.length() == start ? "" : ": ").append(t.getMessage());
            }
        }
        return b.length() == start ? b.append(e.getClass().getSimpleName()).toString() : b.toString();
    }

    /**
     * Whether the directory went away (stopped, unreachable, connection dropped) rather than answered with an error:
     * JNDI's own words for it are only a host and port, or "connection closed", so the run's message says it. A request
     * waiting for its reply when the connection drops gets a plain {@code NamingException} with the JDK's
     * {@link #JNDI_CONNECTION_CLOSED} (seen when Samba AD was stopped mid-page), not a {@code CommunicationException};
     * the next page's request sent on the dropped connection a {@code ServiceUnavailableException} ("host:port; socket
     * closed").
     */
    private static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.naming.CommunicationException || t instanceof java.net.SocketException
                || t instanceof javax.naming.ServiceUnavailableException
                || t instanceof javax.naming.NamingException && JNDI_CONNECTION_CLOSED.equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** The JDK's LDAP provider's message for a request whose connection closed before its reply (LdapRequest). */
    private static final String JNDI_CONNECTION_CLOSED = "LDAP connection has been closed";

}
