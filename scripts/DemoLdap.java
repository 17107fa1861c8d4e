import java.util.ArrayList;
import java.util.List;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;

/**
 * The demo directory server that ./run.sh starts next to Keycloak: an in-memory LDAP server (UnboundID's SDK,
 * fetched through Maven) with three departments of users, OpenLDAP-style (uid, memberOf), so that the demo
 * realm's "Demo OpenLDAP" directory has something to pull. Run as a single-file program:
 *   java -cp unboundid-ldapsdk.jar scripts/DemoLdap.java [port]
 * Bind as cn=admin,dc=demo,dc=test / admin. Every user's password is "password". Every user has mail except hedy.
 * Data lives in memory only.
 */
public class DemoLdap {

    static final String BASE = "dc=demo,dc=test";
    /** The one user without mail (as some AD users are): signs in all the same, never asked for an e-mail. */
    static final String NO_MAIL = "hedy";

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 10389;
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
        config.addAdditionalBindCredentials("cn=admin," + BASE, "admin");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("default", java.net.InetAddress.getLoopbackAddress(), port, null));
        config.setSchema(null); // lets entries carry memberOf, as OpenLDAP's memberof overlay maintains it
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        server.add(new Entry(BASE, new Attribute("objectClass", "top", "domain"), new Attribute("dc", "demo")));
        server.add(new Entry("ou=people," + BASE, new Attribute("objectClass", "top", "organizationalUnit"), new Attribute("ou", "people")));
        server.add(new Entry("ou=groups," + BASE, new Attribute("objectClass", "top", "organizationalUnit"), new Attribute("ou", "groups")));

        String[][] departments = {
            {"Engineering", "ada:Ada:Lovelace", "alan:Alan:Turing", "grace:Grace:Hopper", "linus:Linus:Torvalds"},
            {"Sales", "mary:Mary:Kay", "zig:Zig:Ziglar", "dale:Dale:Carnegie"},
            {"Support", "florence:Florence:Nightingale", "clara:Clara:Barton", "ken:Ken:Thompson", NO_MAIL + ":Hedy:Lamarr"},
            {"Directory Admins", "ada:Ada:Lovelace"}};
        java.util.Map<String, List<String>> groupsOfUser = new java.util.LinkedHashMap<>();
        java.util.Map<String, String[]> people = new java.util.LinkedHashMap<>();
        for (String[] dept : departments) {
            for (int i = 1; i < dept.length; i++) {
                String[] p = dept[i].split(":");
                people.put(p[0], p);
                groupsOfUser.computeIfAbsent(p[0], k -> new ArrayList<>()).add("cn=" + dept[0] + ",ou=groups," + BASE);
            }
        }
        int phone = 100;
        for (String[] p : people.values()) {
            Entry person = new Entry("uid=" + p[0] + ",ou=people," + BASE,
                new Attribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"),
                new Attribute("uid", p[0]), new Attribute("cn", p[1] + " " + p[2]), new Attribute("givenName", p[1]),
                new Attribute("sn", p[2]),
                new Attribute("telephoneNumber", "+1 555 0" + (phone++)), new Attribute("userPassword", "password"),
                // A stable id across restarts, so that a re-sync of unchanged demo data changes nothing.
                new Attribute("entryUUID", java.util.UUID.nameUUIDFromBytes(p[0].getBytes()).toString()),
                new Attribute("memberOf", groupsOfUser.get(p[0])));
            if (!p[0].equals(NO_MAIL)) {
                person.addAttribute("mail", p[0] + "@demo.test");
            }
            server.add(person);
        }
        for (String[] dept : departments) {
            List<String> members = new ArrayList<>();
            for (int i = 1; i < dept.length; i++) {
                members.add("uid=" + dept[i].split(":")[0] + ",ou=people," + BASE);
            }
            server.add(new Entry("cn=" + dept[0] + ",ou=groups," + BASE, new Attribute("objectClass", "top", "groupOfNames"),
                new Attribute("cn", dept[0]), new Attribute("member", members)));
        }
        server.startListening();
        System.out.println("[demo-ldap] listening on ldap://127.0.0.1:" + port + " (" + BASE + ", " + people.size() + " users)");
        Thread.currentThread().join();
    }
}
