package io.dirsync.ldap;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import javax.naming.AuthenticationException;
import javax.naming.CommunicationException;
import javax.naming.InvalidNameException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.PartialResultException;
import javax.naming.ServiceUnavailableException;
import javax.naming.SizeLimitExceededException;
import javax.naming.directory.Attribute;
import javax.naming.directory.SearchControls;
import javax.naming.directory.SearchResult;
import javax.naming.ldap.LdapContext;
import javax.net.ssl.SSLException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.LDAPConstants;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.TestLdapConnectionRepresentation;
import org.keycloak.services.managers.LDAPServerCapabilitiesManager;
import org.keycloak.storage.ldap.LDAPConfig;
import org.keycloak.storage.ldap.idm.store.ldap.LDAPContextManager;

import io.dirsync.engine.Directory;
import io.dirsync.engine.SyncConflictException;

/**
 * The LDAP type's admin actions ({@link io.dirsync.engine.DirectoryTypeProvider#adminAction}), on the settings an admin
 * is typing in the wizard or on a directory's settings page:
 *
 * <pre>
 * test-connection      {"settings": {connectionUrl, startTls}}: can Keycloak reach the server (TCP, LDAPS/StartTLS)?
 * test-authentication  {"settings": {connectionUrl, startTls, bindDn, bindCredential}}: does the server accept the bind?
 * search-groups        {"settings": {..., usersDn}, "search": "eng", "max": 20, "base": optional DN}: groups whose cn
 *                      contains the text (or the group of that DN), for synced groups and admin groups
 * </pre>
 *
 * They connect with Keycloak's own LDAP machinery, as its User Federation "Test connection" does
 * ({@link LDAPServerCapabilitiesManager#testLDAP}, {@link LDAPContextManager}: LDAPS and StartTLS through Keycloak's
 * truststore, vault references). Editing a directory ({@code existing}), a missing or masked bind credential is the
 * stored one, but only with the stored connection URL and bind DN (as Keycloak's own test does), so that a stored
 * credential is never sent to another server. A test that ran answers {@code {"ok": true|false, "message": ...}};
 * input it cannot use is a 400. No answer contains the credential.
 */
final class LdapAdminActions {

    static final String TEST_CONNECTION = "test-connection";
    static final String TEST_AUTHENTICATION = "test-authentication";
    static final String SEARCH_GROUPS = "search-groups";
    static final List<String> ACTIONS = List.of(TEST_CONNECTION, TEST_AUTHENTICATION, SEARCH_GROUPS);

    /** Connect and read timeout of a test or search: an admin waits for the answer. */
    static final int TIMEOUT_MILLIS = 10_000;
    static final int DEFAULT_MAX = 20;
    static final int MAX_MAX = 100;
    private static final int MAX_SEARCH_LENGTH = 200;
    private static final String GROUP_CLASSES = "(|(objectClass=group)(objectClass=groupOfNames)"
        + "(objectClass=groupOfUniqueNames)(objectClass=posixGroup))";

    /** The answer of a test. */
    record TestResult(boolean ok, String message) {
    }

    /**
     * A group found: its DN (what {@code syncedGroups} and {@code adminGroups} name), its name (cn), and how many
     * members the server listed ({@code memberCountAtLeast}: AD lists at most 1,500 values at once, there are more).
     */
    record FoundGroup(String dn, String name, int memberCount, boolean memberCountAtLeast) {
    }

    /** The groups found under {@code base}; {@code more} when there are more than {@code max}. */
    record GroupSearch(String base, List<FoundGroup> groups, boolean more) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    LdapAdminActions(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** The action's answer, or null when LDAP has no such action. */
    Object run(String action, ObjectNode body, Directory existing) {
        return switch (action) {
            case TEST_CONNECTION -> test(connection(body, existing, false), false);
            case TEST_AUTHENTICATION -> test(connection(body, existing, true), true);
            case SEARCH_GROUPS -> searchGroups(connection(body, existing, true), body);
            default -> null;
        };
    }

    // ------------------------------------------------------------------ what to connect to

    /** Where and as whom to connect, from the typed settings (or the directory's stored ones). */
    private record Connection(String url, boolean startTls, String bindDn, String credential, String usersDn) {

        /** The first server of the URL, for messages. */
        String host() {
            try {
                URI u = URI.create(url.trim().split("\\s+")[0]);
                return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
            } catch (IllegalArgumentException e) {
                return url;
            }
        }
    }

    private Connection connection(ObjectNode body, Directory existing, boolean bind) {
        JsonNode typed = body.get("settings");
        if (typed != null && !typed.isNull() && !typed.isObject()) {
            throw invalid("'settings' must be a JSON object: the directory's settings as they would be saved");
        }
        ObjectNode settings = typed instanceof ObjectNode o ? o : existing != null ? existing.settings() : null;
        if (settings == null) {
            throw invalid("Send {\"settings\": {\"connectionUrl\": \"ldap://host:389\", ...}}: the settings to test");
        }
        LdapSettings s = LdapSettings.typed(settings);
        if (s.connectionUrl == null) {
            throw invalid("settings.connectionUrl is required (ldap://host:389 or ldaps://host:636)");
        }
        for (String url : s.connectionUrl.split("\\s+")) {
            checkUrl(url);
        }
        if (s.bindDn != null) {
            LdapSettings.normalise(s.bindDn); // a 400 that names the bad DN
        }
        String credential = bind && s.bindDn != null ? credential(s, settings, existing) : null;
        return new Connection(s.connectionUrl, s.startTls, s.bindDn, credential, s.usersDn);
    }

    private static void checkUrl(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw invalid("settings.connectionUrl '" + url + "' is not a URL (ldap://host:389 or ldaps://host:636)");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ldap") && !scheme.equals("ldaps") || u.getHost() == null) {
            throw invalid("settings.connectionUrl '" + url + "' must be ldap://host[:port] or ldaps://host[:port]");
        }
    }

    /**
     * The typed credential, or the stored one of the directory being edited when none (or Keycloak's mask) was typed
     * and the URL and bind DN are the stored ones.
     */
    private String credential(LdapSettings s, ObjectNode settings, Directory existing) {
        JsonNode t = settings.get(LdapDirectoryTypeProvider.BIND_CREDENTIAL);
        String typed = t == null || t.isNull() ? null : t.asText();
        if (!LdapDirectoryTypeProvider.unchanged(typed)) {
            return typed;
        }
        ComponentModel component = existing == null ? null : LdapDirectories.component(realm, existing);
        String stored = component == null ? null : component.get(LDAPConstants.BIND_CREDENTIAL);
        if (stored == null || stored.isEmpty()) {
            throw invalid("settings.bindCredential is required to sign in as '" + s.bindDn + "'");
        }
        LdapSettings saved = LdapSettings.of(existing);
        if (!sameUrls(s.connectionUrl, saved.connectionUrl) || !sameDn(s.bindDn, saved.bindDn)) {
            throw invalid("The bind credential stored for directory \"" + existing.name() + "\" is used only with its "
                + "saved connection URL and bind DN (" + saved.connectionUrl + ", " + saved.bindDn + "); type the "
                + "credential for " + s.connectionUrl + " as '" + s.bindDn + "'");
        }
        return stored;
    }

    private static boolean sameUrls(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        String[] x = a.trim().split("\\s+");
        String[] y = b.trim().split("\\s+");
        if (x.length != y.length) {
            return false;
        }
        try {
            for (int i = 0; i < x.length; i++) {
                if (!URI.create(x[i]).equals(URI.create(y[i]))) {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean sameDn(String a, String b) {
        return a != null && b != null && LdapSettings.normalise(a).equals(LdapSettings.normalise(b));
    }

    /** Keycloak's LDAP configuration for a test or search: the connection and, when binding, the account. */
    private TestLdapConnectionRepresentation keycloakTest(Connection c, boolean bind) {
        TestLdapConnectionRepresentation t = new TestLdapConnectionRepresentation();
        t.setAction(bind ? LDAPServerCapabilitiesManager.TEST_AUTHENTICATION : LDAPServerCapabilitiesManager.TEST_CONNECTION);
        t.setConnectionUrl(c.url());
        t.setStartTls(Boolean.toString(c.startTls()));
        t.setUseTruststoreSpi(LDAPConstants.USE_TRUSTSTORE_ALWAYS);
        t.setConnectionTimeout(Integer.toString(TIMEOUT_MILLIS));
        boolean simple = bind && c.bindDn() != null;
        t.setAuthType(simple ? LDAPConstants.AUTH_TYPE_SIMPLE : LDAPConstants.AUTH_TYPE_NONE);
        t.setBindDn(simple ? c.bindDn() : null);
        // never null: Keycloak's StartTLS path reads it even for an anonymous connection
        t.setBindCredential(simple ? c.credential() : "");
        return t;
    }

    // ------------------------------------------------------------------ tests

    private TestResult test(Connection c, boolean bind) {
        String tls = c.startTls() ? " with StartTLS" : "";
        try {
            LDAPServerCapabilitiesManager.testLDAP(keycloakTest(c, bind), session, realm);
        } catch (Exception e) {
            return new TestResult(false, failure(c, bind, e));
        }
        if (!bind) {
            return new TestResult(true, "Connected to " + c.host() + tls + ".");
        }
        return new TestResult(true, c.bindDn() == null ? "Connected to " + c.host() + tls + " anonymously (no bind DN)."
            : "Signed in to " + c.host() + tls + " as '" + c.bindDn() + "'.");
    }

    /** What failed, for the admin: which host, and whether it is the network, TLS or the account. */
    static String failure(Connection c, boolean bind, Exception e) {
        String host = c.host();
        String detail = detail(e).replace(host + ": ", "");
        Throwable root = root(e);
        if (root instanceof UnknownHostException) {
            return "Cannot reach " + host + ": unknown host '" + hostName(c) + "'.";
        }
        if (root instanceof ConnectException) {
            return "Cannot reach " + host + ": the connection was refused (no LDAP server on that port?).";
        }
        if (root instanceof NoRouteToHostException) {
            return "Cannot reach " + host + ": no route to the host.";
        }
        if (root instanceof SocketTimeoutException || detail.toLowerCase(Locale.ROOT).contains("timed out")) {
            return "Cannot reach " + host + ": no answer within " + TIMEOUT_MILLIS / 1000 + " s.";
        }
        if (root instanceof SSLException || detail.contains("negotiate TLS") || detail.contains("StartTLS")) {
            String tls = (c.startTls() ? "StartTLS" : "TLS") + " with " + host + " failed: ";
            String why = String.valueOf(root.getMessage());
            if (why.contains("Unsupported or unrecognized SSL message")) {
                return tls + "the server does not speak TLS on that port (ldap:// rather than ldaps://?).";
            }
            return tls + detail + ". Is the server's certificate trusted by Keycloak's truststore, and issued to that host"
                + " name?";
        }
        if (e instanceof AuthenticationException) {
            return host + " refused the bind DN or credential ('" + c.bindDn() + "'): " + detail + ".";
        }
        if (e instanceof LDAPServerCapabilitiesManager.InvalidBindDNException || e instanceof InvalidNameException) {
            return "The bind DN '" + c.bindDn() + "' is not valid: " + detail + ".";
        }
        if (e instanceof ServiceUnavailableException) {
            return host + " is unavailable: " + detail + ".";
        }
        if (e instanceof CommunicationException) {
            return "Cannot reach " + host + ": " + detail + ".";
        }
        return (bind ? "Signing in to " : "Connecting to ") + host + " failed: " + detail + ".";
    }

    private static String hostName(Connection c) {
        try {
            return URI.create(c.url().trim().split("\\s+")[0]).getHost();
        } catch (IllegalArgumentException e) {
            return c.url();
        }
    }

    private static Throwable root(Throwable e) {
        Throwable t = e;
        while (true) {
            Throwable next = t instanceof NamingException n && n.getRootCause() != null ? n.getRootCause() : t.getCause();
            if (next == null || next == t) {
                return t;
            }
            t = next;
        }
    }

    /** The messages of the exception and its causes, once each. */
    private static String detail(Throwable e) {
        StringBuilder b = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 8 && b.length() < 400; depth++) {
            String m = t instanceof NamingException n ? n.getExplanation() : t.getMessage();
            if (m != null && !m.isBlank() && b.indexOf(m.trim()) < 0) {
                b.append(b.length() == 0 ? "" : ": ").append(m.trim());
            }
            Throwable next = t instanceof NamingException n && n.getRootCause() != null ? n.getRootCause() : t.getCause();
            t = next == t ? null : next;
        }
        return b.length() == 0 ? e.getClass().getSimpleName() : b.toString();
    }

    // ------------------------------------------------------------------ group search

    private GroupSearch searchGroups(Connection c, ObjectNode body) {
        String search = text(body, "search");
        if (search != null && search.length() > MAX_SEARCH_LENGTH) {
            throw invalid("'search' has at most " + MAX_SEARCH_LENGTH + " characters");
        }
        JsonNode m = body.get("max");
        if (m != null && !m.isNull() && !m.canConvertToInt()) {
            throw invalid("'max' must be a whole number from 1 to " + MAX_MAX);
        }
        int max = Math.min(Math.max(1, m == null || m.isNull() ? DEFAULT_MAX : m.asInt()), MAX_MAX);
        String base = text(body, "base");
        if (base == null && c.usersDn() == null) {
            throw invalid("settings.usersDn is required to search groups: they are searched in its domain (its dc= part)");
        }
        base = base != null ? base : LdapSettings.namingContext(c.usersDn());
        LdapSettings.normalise(base);
        // A DN typed into the search finds that group; any other text is part of a group's name (cn).
        boolean byDn = search != null && looksLikeDn(search);
        String filter = search == null || byDn ? GROUP_CLASSES
            : "(&" + GROUP_CLASSES + "(cn=*" + LdapSettings.filterValue(search) + "*))";
        SearchControls controls = new SearchControls();
        controls.setSearchScope(byDn ? SearchControls.OBJECT_SCOPE : SearchControls.SUBTREE_SCOPE);
        controls.setCountLimit(max + 1L);
        controls.setTimeLimit(TIMEOUT_MILLIS);
        controls.setReturningAttributes(new String[] {LDAPConstants.CN, LDAPConstants.MEMBER, "uniqueMember", "memberUid"});
        LDAPConfig config = LDAPServerCapabilitiesManager.buildLDAPConfig(keycloakTest(c, true), realm);
        List<FoundGroup> groups = new ArrayList<>();
        boolean more = false;
        try (LDAPContextManager manager = LDAPContextManager.create(session, config)) {
            LdapContext ctx = manager.getLdapContext();
            NamingEnumeration<SearchResult> results = ctx.search(byDn ? search : base, filter, controls);
            try {
                while (results.hasMore()) {
                    SearchResult r = results.next();
                    if (groups.size() == max) {
                        more = true;
                        break;
                    }
                    groups.add(group(r));
                }
            } catch (SizeLimitExceededException | PartialResultException end) {
                more = more || end instanceof SizeLimitExceededException;
            } finally {
                results.close();
            }
        } catch (javax.naming.NameNotFoundException notThere) {
            if (!byDn) {
                throw invalid("The search base '" + base + "' was not found on " + c.host() + ": " + detail(notThere));
            }
        } catch (NamingException e) {
            throw invalid("Cannot search groups: " + failure(c, true, e));
        }
        groups.sort(Comparator.comparing((FoundGroup g) -> g.name().toLowerCase(Locale.ROOT)).thenComparing(FoundGroup::dn));
        return new GroupSearch(byDn ? search : base, groups, more);
    }

    private static FoundGroup group(SearchResult r) throws NamingException {
        String dn = r.getNameInNamespace();
        Attribute cn = r.getAttributes().get(LDAPConstants.CN);
        String name = cn != null && cn.size() > 0 ? String.valueOf(cn.get(0)) : dn;
        int members = 0;
        boolean atLeast = false;
        NamingEnumeration<? extends Attribute> all = r.getAttributes().getAll();
        while (all.hasMore()) {
            Attribute a = all.next();
            String id = a.getID().toLowerCase(Locale.ROOT);
            if (id.equals("member") || id.equals("uniquemember") || id.equals("memberuid")) {
                members += a.size();
            } else if (id.startsWith("member;range=")) {
                members += a.size();
                atLeast = !id.endsWith("-*"); // the last range ends in *: then this is every member
            }
        }
        return new FoundGroup(dn, name, members, atLeast);
    }

    private static boolean looksLikeDn(String text) {
        if (!text.contains("=")) {
            return false;
        }
        try {
            LdapSettings.normalise(text);
            return true;
        } catch (SyncConflictException e) {
            return false;
        }
    }

    private static String text(ObjectNode body, String key) {
        JsonNode n = body.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid("'" + key + "' must be a string");
        }
        String t = n.asText().trim();
        return t.isEmpty() ? null : t;
    }

    private static SyncConflictException invalid(String message) {
        return new SyncConflictException(SyncConflictException.Kind.INVALID, message);
    }
}
