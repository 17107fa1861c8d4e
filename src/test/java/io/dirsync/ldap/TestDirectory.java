package io.dirsync.ldap;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPInterface;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;

import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.representations.idm.ComponentRepresentation;

/**
 * A directory the LDAP tests write their data into, in one of three flavours:
 * <ul>
 * <li>{@code memory-openldap} / {@code memory-ad} (default, the fast suite): an UnboundID in-memory server in the test
 *     JVM with an OpenLDAP-like (inetOrgPerson, uid, groupOfNames) or AD-like (user, sAMAccountName,
 *     userPrincipalName, userAccountControl, group) data set. It runs without a schema so that it stores
 *     {@code memberOf} like AD; this class keeps memberOf in step as the memberof overlay or AD would.</li>
 * <li>{@code slapd}: a real OpenLDAP slapd with the memberof and refint overlays (started by .ci/ldap-suites.sh).</li>
 * <li>{@code samba}: a real Samba AD domain controller over LDAPS (started by .ci/ldap-suites.sh).</li>
 * </ul>
 * Each test gets its own organisational unit, so remote servers can be shared by all tests.
 */
public final class TestDirectory implements AutoCloseable {

    public static final String PASSWORD = "Us3r-Passw0rd!";
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final String flavour;
    private final boolean ad;
    private final InMemoryDirectoryServer memory;
    private final LDAPInterface ldap;
    private final LDAPConnection remote;
    private boolean leaveEntries;
    private final String connectionUrl;
    private final String bindDn;
    private final String bindPassword;
    private final String ou;
    private final String upnSuffix;
    private static final String NO_PAGING_CONTROL = "dirsync.test.noPagingControl";
    private volatile int failPagesAfter = -1;
    private volatile int endPagesAfter = -1;
    private volatile int dropPagesAfter = -1;
    private volatile int holdPagesAfter = -1;
    private volatile java.util.concurrent.CountDownLatch pageGate = new java.util.concurrent.CountDownLatch(0);
    private volatile long pageDelayMillis;
    private final AtomicInteger pagedRequests = new AtomicInteger();
    private final AtomicInteger personEntriesSent = new AtomicInteger();

    private TestDirectory(String flavour) throws Exception {
        this.flavour = flavour;
        this.ad = flavour.endsWith("ad") || flavour.equals("samba");
        String base;
        switch (flavour) {
            case "memory-openldap", "memory-ad" -> {
                base = ad ? "DC=corp,DC=test" : "dc=example,dc=org";
                bindDn = ad ? "CN=Administrator,CN=Users,DC=corp,DC=test" : "cn=admin,dc=example,dc=org";
                bindPassword = "adminsecret";
                InMemoryDirectoryServerConfig cfg = new InMemoryDirectoryServerConfig(base);
                cfg.setSchema(null);
                cfg.addAdditionalBindCredentials(bindDn, bindPassword);
                cfg.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getByName("127.0.0.1"), 0, null));
                cfg.addInMemoryOperationInterceptor(new InMemoryOperationInterceptor() {
                    @Override
                    public void processSearchEntry(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchEntry entry) {
                        if (entry.getSearchEntry().hasObjectClass("person") || entry.getSearchEntry().hasObjectClass("inetOrgPerson")) {
                            personEntriesSent.incrementAndGet();
                        }
                    }

                    @Override
                    public void processSearchResult(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchResult result) {
                        if (Boolean.TRUE.equals(result.getProperty(NO_PAGING_CONTROL))) {
                            // The page's entries are sent, then a plain "success" without the paging control.
                            result.setResult(new com.unboundid.ldap.sdk.LDAPResult(result.getMessageID(), ResultCode.SUCCESS));
                        }
                    }

                    @Override
                    public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
                        if (request.getRequest().hasControl(SimplePagedResultsControl.PAGED_RESULTS_OID)) {
                            int n = pagedRequests.incrementAndGet();
                            if (failPagesAfter >= 0 && n > failPagesAfter) {
                                throw new LDAPException(ResultCode.UNAVAILABLE, "simulated outage in the middle of a paged search");
                            }
                            if (endPagesAfter >= 0 && n > endPagesAfter) {
                                request.setProperty(NO_PAGING_CONTROL, Boolean.TRUE);
                            }
                            if (dropPagesAfter >= 0 && n > dropPagesAfter) {
                                dropPagesAfter = -1; // once: the client's next connection is served again
                                memory.closeAllConnections(false);
                                throw new LDAPException(ResultCode.SERVER_DOWN, "connection dropped in the middle of a paged search");
                            }
                            if (holdPagesAfter >= 0 && n > holdPagesAfter) {
                                awaitGate();
                            }
                            if (pageDelayMillis > 0) {
                                pause(pageDelayMillis);
                            }
                        }
                    }
                });
                memory = new InMemoryDirectoryServer(cfg);
                memory.startListening();
                memory.add("dn: " + base, "objectClass: top", "objectClass: " + (ad ? "domainDNS" : "dcObject"),
                    "objectClass: organization", "o: test", ad ? "dc: corp" : "dc: example");
                ldap = memory;
                remote = null;
                connectionUrl = "ldap://127.0.0.1:" + memory.getListenPort();
            }
            case "slapd" -> {
                base = System.getProperty("dirsync.slapd.base", "dc=example,dc=org");
                bindDn = System.getProperty("dirsync.slapd.bindDn", "cn=admin,dc=example,dc=org");
                bindPassword = System.getProperty("dirsync.slapd.bindPassword", "adminsecret");
                connectionUrl = System.getProperty("dirsync.slapd.url", "ldap://127.0.0.1:3890");
                memory = null;
                java.net.URI u = java.net.URI.create(connectionUrl);
                remote = new LDAPConnection(u.getHost(), u.getPort(), bindDn, bindPassword);
                ldap = remote;
            }
            case "samba" -> {
                base = System.getProperty("dirsync.samba.base", "DC=example,DC=test");
                bindDn = System.getProperty("dirsync.samba.bindDn", "CN=Administrator,CN=Users,DC=example,DC=test");
                bindPassword = System.getProperty("dirsync.samba.bindPassword", "Adm1n-Passw0rd!");
                connectionUrl = System.getProperty("dirsync.samba.url", "ldaps://dc1.example.test:636");
                memory = null;
                java.net.URI u = java.net.URI.create(connectionUrl);
                SSLUtil ssl = new SSLUtil(new TrustAllTrustManager());
                remote = new LDAPConnection(ssl.createSSLSocketFactory(), u.getHost(), u.getPort(), bindDn, bindPassword);
                ldap = remote;
            }
            default -> throw new IllegalArgumentException("Unknown directory flavour " + flavour);
        }
        upnSuffix = base.toLowerCase(java.util.Locale.ROOT).replace("dc=", "").replace(",", ".");
        ou = (ad ? "OU=" : "ou=") + "t" + SEQ.incrementAndGet() + "x" + UUID.randomUUID().toString().substring(0, 6) + "," + base;
        ldap.add("dn: " + ou, "objectClass: top", "objectClass: organizationalUnit",
            (ad ? "ou: " : "ou: ") + new DN(ou).getRDN().getAttributeValues()[0]);
    }

    /** The flavour from -Ddirsync.ldap.target (slapd, samba) or the in-memory one given. */
    public static TestDirectory start(String inMemoryFlavour) throws Exception {
        String target = System.getProperty("dirsync.ldap.target", "");
        if (target.equals("slapd") && inMemoryFlavour.equals("memory-openldap")) {
            return new TestDirectory("slapd");
        }
        if (target.equals("samba") && inMemoryFlavour.equals("memory-ad")) {
            return new TestDirectory("samba");
        }
        return new TestDirectory(inMemoryFlavour);
    }

    public boolean isActiveDirectory() {
        return ad;
    }

    public boolean inMemory() {
        return memory != null;
    }

    public String flavour() {
        return flavour;
    }

    /** Connection settings of an LDAP directory pointed at this test's unit; add groups and attributes to them. */
    public Map<String, Object> settings(String usernameAttribute) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("vendor", ad ? "ad" : "openldap");
        s.put("connectionUrl", connectionUrl);
        s.put("bindDn", bindDn);
        s.put("bindCredential", bindPassword);
        s.put("usersDn", ou);
        s.put("usernameAttribute", usernameAttribute);
        if (memory != null) {
            s.put("uuidAttribute", "entryUUID");
        }
        s.put("pageSize", 5);
        return s;
    }

    /**
     * A stock Keycloak LDAP provider (not a directory) on this test's OpenLDAP-like unit (uid, entryUUID), read-only,
     * importing, never syncing on its own, limited to {@code filter}: the anchor of the benchmark and a user-storage
     * provider for tests. Add what else it needs (pagination, page size) before creating it.
     */
    public ComponentRepresentation keycloakLdapProvider(String name, String filter) {
        ComponentRepresentation c = new ComponentRepresentation();
        c.setName(name);
        c.setProviderId("ldap");
        c.setProviderType("org.keycloak.storage.UserStorageProvider");
        MultivaluedHashMap<String, String> cfg = new MultivaluedHashMap<>();
        cfg.putSingle("vendor", "other");
        cfg.putSingle("connectionUrl", connectionUrl);
        cfg.putSingle("bindDn", bindDn);
        cfg.putSingle("bindCredential", bindPassword);
        cfg.putSingle("authType", "simple");
        cfg.putSingle("usersDn", ou);
        cfg.putSingle("usernameLDAPAttribute", "uid");
        cfg.putSingle("rdnLDAPAttribute", "uid");
        cfg.putSingle("uuidLDAPAttribute", "entryUUID");
        cfg.putSingle("userObjectClasses", "inetOrgPerson, organizationalPerson");
        cfg.putSingle("searchScope", "2");
        cfg.putSingle("editMode", "READ_ONLY");
        cfg.putSingle("importEnabled", "true");
        cfg.putSingle("fullSyncPeriod", "-1");
        cfg.putSingle("changedSyncPeriod", "-1");
        cfg.putSingle("customUserSearchFilter", filter);
        c.setConfig(cfg);
        return c;
    }

    /** A user; {@code mail} may be null. Returns its DN. In AD the login name is sAMAccountName. */
    public String user(String name, String given, String sn, String mail) throws LDAPException {
        List<Attribute> attrs = new ArrayList<>();
        String dn;
        if (ad) {
            dn = "CN=" + given + " " + sn + "," + ou;
            attrs.add(new Attribute("objectClass", "top", "person", "organizationalPerson", "user"));
            attrs.add(new Attribute("cn", given + " " + sn));
            attrs.add(new Attribute("sAMAccountName", name));
            attrs.add(new Attribute("userPrincipalName", name + "@" + upnSuffix));
            if (remote != null) {
                attrs.add(new Attribute("unicodePwd", ("\"" + PASSWORD + "\"").getBytes(StandardCharsets.UTF_16LE)));
            } else {
                attrs.add(new Attribute("userPassword", PASSWORD));
            }
            attrs.add(new Attribute("userAccountControl", "512"));
        } else {
            dn = "uid=" + name + "," + ou;
            attrs.add(new Attribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"));
            attrs.add(new Attribute("uid", name));
            attrs.add(new Attribute("cn", given + " " + sn));
            attrs.add(new Attribute("userPassword", PASSWORD));
        }
        attrs.add(new Attribute("givenName", given));
        attrs.add(new Attribute("sn", sn));
        if (mail != null) {
            attrs.add(new Attribute("mail", mail));
        }
        ldap.add(dn, attrs);
        return dn;
    }

    /** A group with these members (at least one for OpenLDAP: groupOfNames requires a member). */
    public String group(String name, String... memberDns) throws LDAPException {
        String dn = (ad ? "CN=" : "cn=") + name + "," + ou;
        List<Attribute> attrs = new ArrayList<>();
        attrs.add(new Attribute("objectClass", ad ? new String[] {"top", "group"} : new String[] {"top", "groupOfNames"}));
        attrs.add(new Attribute("cn", name));
        if (ad && remote != null) {
            attrs.add(new Attribute("sAMAccountName", name));
        }
        if (memberDns.length > 0) {
            attrs.add(new Attribute("member", memberDns));
        }
        ldap.add(dn, attrs);
        if (memory != null) {
            for (String m : memberDns) {
                ldap.modify(m, new Modification(ModificationType.ADD, "memberOf", dn));
            }
        }
        return dn;
    }

    public void addMember(String groupDn, String memberDn) throws LDAPException {
        ldap.modify(groupDn, new Modification(ModificationType.ADD, "member", memberDn));
        if (memory != null) {
            ldap.modify(memberDn, new Modification(ModificationType.ADD, "memberOf", groupDn));
        }
    }

    public void removeMember(String groupDn, String memberDn) throws LDAPException {
        ldap.modify(groupDn, new Modification(ModificationType.DELETE, "member", memberDn));
        if (memory != null) {
            ldap.modify(memberDn, new Modification(ModificationType.DELETE, "memberOf", groupDn));
        }
    }

    /** Deletes an entry (refint, or this class for the in-memory server, drops it from its groups). */
    public void delete(String dn) throws LDAPException {
        if (memory != null) {
            var entry = ldap.getEntry(dn, "memberOf");
            if (entry != null && entry.getAttributeValues("memberOf") != null) {
                for (String g : entry.getAttributeValues("memberOf")) {
                    ldap.modify(g, new Modification(ModificationType.DELETE, "member", dn));
                }
            }
        }
        ldap.delete(dn);
    }

    /** AD: sets ACCOUNTDISABLE (514) or clears it (512). */
    public void setDisabled(String userDn, boolean disabled) throws LDAPException {
        ldap.modify(userDn, new Modification(ModificationType.REPLACE, "userAccountControl", disabled ? "514" : "512"));
    }

    public void set(String dn, String attribute, String value) throws LDAPException {
        ldap.modify(dn, value == null ? new Modification(ModificationType.DELETE, attribute)
            : new Modification(ModificationType.REPLACE, attribute, value));
    }

    /**
     * How many user (person) entries the in-memory server has sent in search results since the last call, and starts
     * counting again: what a search really read, whatever Keycloak then kept.
     */
    public int personEntriesSent() {
        return personEntriesSent.getAndSet(0);
    }

    /** In-memory only: every paged search request after the next {@code pages} fails as if the server went away. */
    public void failPagedSearchesAfter(int pages) {
        pagedRequests.set(0);
        failPagesAfter = pages;
    }

    /**
     * In-memory only: the paged search requests after the next {@code pages} are answered with their entries and a
     * plain "success" without the paging control, as Samba AD answered the page it was stopped in (the search then
     * looks finished to Keycloak).
     */
    public void endPagedSearchesWithoutControlAfter(int pages) {
        pagedRequests.set(0);
        endPagesAfter = pages;
    }

    /**
     * In-memory only: the paged search request after the next {@code pages} closes every client connection while the
     * client waits for the page, without a notice of disconnection, as Samba AD did when stopped mid-run: the JDK's LDAP
     * client fails the waiting request with "LDAP connection has been closed", or, when the close wins the race, the next
     * request with "socket closed" (a ServiceUnavailableException). Once; later requests are answered.
     */
    public void dropConnectionsOnPagedSearchAfter(int pages) {
        pagedRequests.set(0);
        dropPagesAfter = pages;
    }

    public void heal() {
        failPagesAfter = -1;
        endPagesAfter = -1;
        dropPagesAfter = -1;
    }

    /**
     * In-memory only: the next {@code pages} paged search requests are answered, the ones after wait until
     * {@link #releasePages} (at most 2 minutes): a run stays in the middle of its pages for as long as a test looks at it.
     */
    public void holdPagedSearchesAfter(int pages) {
        pagedRequests.set(0);
        pageGate = new java.util.concurrent.CountDownLatch(1);
        holdPagesAfter = pages;
    }

    public void releasePages() {
        holdPagesAfter = -1;
        pageGate.countDown();
    }

    /**
     * A real server's outage script (.ci/ldap-suites.sh passes it as {@code -Ddirsync.ldap.outage="<script> <server>"}):
     * {@code down} stops the server, {@code up} starts it again; null for the in-memory flavours and outside CI.
     */
    public static List<String> outageScript() {
        String script = System.getProperty("dirsync.ldap.outage", "").trim();
        return script.isEmpty() ? null : List.of(script.split("\\s+"));
    }

    /** Stops the real server (its process ends: every connection to it is lost, new ones are refused). */
    public void stopServer() throws Exception {
        outage("down");
    }

    /** Starts the real server again and reconnects this class's own connection. */
    public void startServer() throws Exception {
        outage("up");
        remote.reconnect();
    }

    private void outage(String what) throws Exception {
        List<String> script = outageScript();
        if (remote == null || script == null) {
            throw new IllegalStateException("No outage script for the " + flavour + " directory");
        }
        List<String> command = new ArrayList<>(script);
        command.add(what);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(3, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("Outage script " + command + " failed: " + out);
        }
        System.out.print(out);
    }

    /** In-memory only: every paged search request is answered {@code millis} late (a slow directory); 0 ends it. */
    public void slowPagedSearches(long millis) {
        pageDelayMillis = millis;
    }

    private void awaitGate() {
        try {
            pageGate.await(2, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Leaves this directory's entries on a remote server at {@link #close} (a benchmark's throwaway slapd: deleting
     * 100,000 entries one by one, each updating memberOf, takes longer than the benchmark).
     */
    public void leaveEntries() {
        leaveEntries = true;
    }

    @Override
    public void close() {
        releasePages();
        if (memory != null) {
            memory.shutDown(true);
        }
        if (remote != null && leaveEntries) {
            remote.close();
        } else if (remote != null) {
            try {
                // Free the names (sAMAccountName is unique per AD domain) for the next test: delete the unit, leaves first.
                List<String> dns = new ArrayList<>();
                remote.search(ou, com.unboundid.ldap.sdk.SearchScope.SUB, "(objectClass=*)", "1.1")
                    .getSearchEntries().forEach(e -> dns.add(e.getDN()));
                dns.sort((a, b) -> Integer.compare(b.split(",").length, a.split(",").length));
                for (String dn : dns) {
                    remote.delete(dn);
                }
            } catch (LDAPException | RuntimeException e) {
                System.out.println("Could not clean up " + ou + ": " + e);
            } finally {
                remote.close();
            }
        }
    }
}
