package io.dirsync.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.testframework.annotations.InjectAdminClient;
import org.keycloak.testframework.annotations.InjectKeycloakUrls;
import org.keycloak.testframework.annotations.InjectRealm;
import org.keycloak.testframework.annotations.KeycloakIntegrationTest;
import org.keycloak.testframework.realm.ManagedRealm;
import org.keycloak.testframework.server.KeycloakUrls;

import io.dirsync.bench.Results.Check;
import io.dirsync.it.DirSync;
import io.dirsync.it.Http;
import io.dirsync.it.KeycloakScim;
import io.dirsync.ldap.BenchServerConfig;
import io.dirsync.ldap.TestDirectory;

/**
 * Issue 16's side-by-side benchmark ({@code bash bench/run.sh [--scale 0.1] [--db h2|postgres]}; profile {@code bench},
 * never part of the test run, asserts nothing about time). One Keycloak 26.7.3 from the distribution with the extension
 * and Keycloak's own SCIM server ({@code --features=scim-api}) does the same work through each path in one run, each
 * path warmed up before it is measured:
 * <ul>
 *   <li>SCIM: our endpoint vs Keycloak's built-in SCIM vs the Admin REST API: creates from 4 clients (two rounds, the
 *       order reversed), a page of 100 at offset 0 and near the end, {@code userName eq} and {@code emails.value eq}
 *       at 1,000 users and at the full population, adding one member to a big and to a 10-member group, reading the
 *       big group with and without its members, replacing a user (PUT); creates (built-in and Admin REST), the
 *       filters, pages, member additions and the PUT (Admin REST) also in a realm without directories filled to the same
 *       number of users: Keycloak alone, none of the extension's realm-level rules on its paths (its server-wide
 *       membership guard reads the group's managed row);</li>
 *   <li>growth: the create rate of the first vs the last block of users, filters at 1,000 vs the full population;</li>
 *   <li>LDAP: the directory sync vs Keycloak's own LDAP sync of the same directory (the in-JVM server, or slapd with
 *       {@code -Ddirsync.ldap.target=slapd}), each in a realm of its own:
 *       first full sync, an unchanged re-sync, a re-sync after 1 % of the users changed; peak heap; rows written per
 *       user on PostgreSQL.</li>
 * </ul>
 * The figures are scaled by {@code -Dbench.scale} (1 = 100,000 users). Writes {@code results.md} and
 * {@code results.png} to {@code -Dbench.out} (default target/bench-results; the run command gives docs/benchmarks).
 */
@KeycloakIntegrationTest(config = BenchServerConfig.class)
class SideBySideBench {

    static final int CLIENTS = 4;
    static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    @InjectRealm
    ManagedRealm realm;

    @InjectAdminClient
    Keycloak admin;

    @InjectKeycloakUrls
    KeycloakUrls urls;

    final double scale = Double.parseDouble(System.getProperty("bench.scale", "0.1"));
    final int samples = Integer.getInteger("bench.samples", 200);
    final Results results = new Results();

    DirSync dirsync;
    DirSync.ScimDirectory ours;
    KeycloakScim builtIn;
    String adminBase;
    /**
     * The Admin REST API of a realm without directories: Keycloak alone. In the directories' realm Keycloak's own paths
     * run the extension's rules too (a bigger user profile: the alias attributes and the validators of rules 3 and 4,
     * whose uniqueness look-ups run on every create), so the same-realm figures compare like for like under the same
     * rules, and these figures compare against what Keycloak does without directories.
     */
    String aloneBase;
    /** Keycloak's built-in SCIM server in that realm. */
    KeycloakScim builtInAlone;
    /** Our SCIM directory's users by number (userName bench-user-k): their ids. */
    final Map<Integer, String> oursIds = new ConcurrentHashMap<>();
    int oursCount;
    /** Users made through Keycloak's built-in SCIM and the Admin REST API: members of their groups, PUT targets. */
    final List<Made> builtInUsers = Collections.synchronizedList(new ArrayList<>());
    final List<Made> adminUsers = Collections.synchronizedList(new ArrayList<>());
    final List<Made> aloneUsers = Collections.synchronizedList(new ArrayList<>());

    record Made(String id, String name) {
    }

    /** A measured figure: a median latency (ms) or a rate (per second); no value when that path failed. */
    record Fig(Double value, String text) {
        static final Fig NONE = new Fig(null, "—");
    }

    int n(int full) {
        return Math.max(10, (int) Math.round(full * scale));
    }

    /** What the header says of the SCIM part: creates per path and the big group's size (0 when not measured). */
    int createdPerPath;
    int bigGroupSize;
    /** The LDAP server the LDAP part read (the in-JVM one unless -Ddirsync.ldap.target=slapd). */
    String ldapServer = "—";

    @Test
    void sideBySide() throws Exception {
        String loadAtFirst = loadAverage();
        long started = System.currentTimeMillis();
        dirsync = new DirSync(admin, realm, urls.getBase());
        // -Dbench.scim=false: the LDAP part alone (at 100,000 users against slapd the SCIM part is a run of its own).
        if (!"false".equals(System.getProperty("bench.scim"))) {
            scim(started);
        } else {
            results.note("SCIM not measured in this run (-Dbench.scim=false).");
        }

        // 8. LDAP: the directory sync vs Keycloak's own LDAP sync (-Dbench.ldap=false: the SCIM part alone).
        boolean withLdap = Boolean.parseBoolean(System.getProperty("bench.ldap", "true"));
        if (withLdap) {
            ldap(n(100_000), Math.max(2, (int) Math.round(200 * scale)));
            step("LDAP", started);
        } else {
            results.note("LDAP not measured in this run (-Dbench.ldap=false).");
        }

        String db = System.getProperty("kc.test.database.url", "").startsWith("jdbc:postgresql:")
            ? "PostgreSQL (" + System.getProperty("bench.db.label", "remote") + ")"
            : "dev-file".equals(System.getProperty("kc.test.database"))
                ? "H2 in a file (the test framework's dev-file database, as run.sh's start-dev keeps it)"
                : "H2 (the test framework's in-memory dev-mem database; run.sh's start-dev uses an H2 file)";
        String scimPart = createdPerPath == 0 ? "SCIM not measured"
            : String.format(Locale.ROOT, "%,d users in our SCIM directory, %,d creates per path, a %,d-member group",
                oursCount, createdPerPath, bigGroupSize);
        String ldapPart = withLdap ? String.format(Locale.ROOT, "LDAP %,d users in %d groups on %s", n(100_000),
            Math.max(2, (int) Math.round(200 * scale)), ldapServer) : "LDAP not measured";
        results.header(String.format(Locale.ROOT, "Scale **%s** of the issue's figures (1 = 100,000 users): %s, %s."
                + " Database: **%s**."
                + " One Keycloak 26.7.3 (the Keycloak test framework's distribution server, `--features=scim-api`)%s."
                + " Measured %s in %d min.", fmt(scale), scimPart, ldapPart, db,
            createdPerPath == 0 ? "" : String.format(Locale.ROOT, ", %d clients for creates, %d samples per latency (medians,"
                + " p95 in brackets) after %d unmeasured, the paths of a row taking turns in blocks", CLIENTS,
                samples, samples / 4),
            Instant.now().truncatedTo(ChronoUnit.MINUTES),
            (System.currentTimeMillis() - started) / 60_000));
        results.header(String.format(Locale.ROOT, "Machine: %d cores (%s), %s RAM. Load average (1, 5, 15 min) %s before"
                + " the build, %s at the first measurement, %s at the end. Other jobs shared this machine whenever the load"
                + " exceeds the cores: the figures are indicative until a run on a quiet machine.",
            Runtime.getRuntime().availableProcessors(), cpuModel(), memTotal(), System.getProperty("bench.loadAtStart", "n/a"),
            loadAtFirst, loadAverage()));
        results.header("Ratios are speed-ups of ours (the other path's time ÷ ours, or our rate ÷ theirs: above 1 ours is"
            + " faster) against the built-in SCIM server (target ≥ 1.0x) and the Admin REST API (≥ 1.2x); growth and LDAP"
            + " rows give the issue's own ratios. The Admin REST equivalents: `GET /users?username=…&exact=true`,"
            + " `?email=…&exact=true`, `?first=…&max=100`, `PUT /users/{id}/groups/{group}`, `GET /groups/{id}/members`"
            + " (with members) and `GET /groups/{id}` (without), `PUT /users/{id}`. They and the built-in server run in our"
            + " directories' realm, where Keycloak's own paths run the extension's rules too (a bigger user profile: the"
            + " alias attributes and the validators of rules 3 and 4); the rows \"against Keycloak alone\""
            + " measure the same calls (creates through both; filters, pages, member additions and the PUT through the"
            + " Admin REST API) in a realm of their own without directories, filled to as many users as our directory.");
        Path out = Path.of(System.getProperty("bench.out", "target/bench-results"));
        results.write(out);
        System.out.println("BENCH results written to " + out.toAbsolutePath());
        System.out.println(Files.readString(out.resolve("results.md")));
    }

    /** Steps 0-7: our SCIM endpoint, Keycloak's built-in one and the Admin REST API, and how ours grows. */
    void scim(long started) throws Exception {
        ours = dirsync.scimDirectory("Bench Okta");
        DirSync.ScimDirectory warmOurs = dirsync.scimDirectory("Warm-up Okta");
        builtIn = KeycloakScim.enable(realm, dirsync, urls.getBase());
        adminBase = urls.getBase() + "/admin/realms/" + realm.getName();
        RealmRepresentation alone = new RealmRepresentation();
        alone.setRealm("bench-keycloak-alone");
        alone.setEnabled(true);
        admin.realms().create(alone);
        aloneBase = urls.getBase() + "/admin/realms/" + alone.getRealm();
        builtInAlone = KeycloakScim.enable(alone.getRealm(), admin.realm(alone.getRealm()), dirsync, urls.getBase());

        int population = n(100_000);
        int creates = n(10_000);
        int block = Math.max(10, Math.min(1000, population / 10));
        int small = Math.min(1000, population / 2);
        int bigGroup = n(10_000);
        bigGroupSize = bigGroup;
        int warm = Integer.getInteger("bench.warmup", 300);

        // 0. Warm-up: each path creates users first (not measured), so that no path pays for the JIT alone.
        Load.parallel(warm, CLIENTS, i -> createOurs(warmOurs, "warm-" + i, "Warm", "Up" + i));
        Load.parallel(warm, CLIENTS, i -> builtInUsers.add(createBuiltIn("kc-warm-" + i)));
        Load.parallel(warm, CLIENTS, i -> adminUsers.add(createAdmin("admin-warm-" + i)));
        Load.parallel(warm, CLIENTS, i -> aloneUsers.add(createAdmin(aloneBase, "alone-warm-" + i)));
        Load.parallel(warm, CLIENTS, i -> createBuiltIn(builtInAlone, "kc-alone-warm-" + i));
        // ... and looks those users up by userName and by e-mail: the first measured filters (at 1,000 users, next) were
        // otherwise each path's first look-ups, and ours run code that no create runs (PostgreSQL: userName eq at 1,000
        // users went from 0.99-1.18x to 1.25x the Admin REST API with this; emails.value eq stayed 0.80x, a plan
        // PostgreSQL makes on tables it has not analyzed yet: see the README).
        for (boolean byEmail : new boolean[] {false, true}) {
            IntConsumer[] ops = lookupOps(warmOurs, byEmail, i -> warmValue("warm-" + i, byEmail),
                i -> warmValue("kc-warm-" + i, byEmail), i -> warmValue("admin-warm-" + i, byEmail));
            for (IntConsumer op : ops) {
                Load.parallel(warm, CLIENTS, op);
            }
            Load.parallel(warm, CLIENTS, aloneLookupOp(byEmail));
        }
        step("warm-up", started);

        // 1. Growth, first block; then the look-ups at 1,000 users.
        long firstBlock = Load.parallel(block, CLIENTS, i -> createOurs(i + 1));
        oursCount = block;
        fillOurs(small);
        fillAlone(small);
        Fig[] userSmall = lookups(false, oursCount);
        Fig[] mailSmall = lookups(true, oursCount);
        int smallN = oursCount;
        step("look-ups at " + smallN, started);

        // 2. Creates through each path, 4 clients, in rounds whose order alternates (ours first, then last, ...), so that
        //    no path always runs on the bigger realm or into the same burst of other load.
        int rounds = Math.max(2, Integer.getInteger("bench.rounds", 4));
        int perRound = Math.max(5, creates / rounds);
        long[] ms = new long[5];
        boolean[] failed = new boolean[5];
        List<List<String>> roundRates = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
            new ArrayList<>());
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < 5; k++) {
                int path = round % 2 == 0 ? k : 4 - k;
                int offset = round * perRound;
                int r = round;
                Long t = switch (path) {
                    case 0 -> timed("our SCIM creates", () -> {
                        int base = oursCount;
                        try (Profiler jfr = Profiler.start("create-ours-" + r)) {
                            long m = Load.parallel(perRound, CLIENTS, i -> createOurs(base + i + 1));
                            oursCount += perRound;
                            return m;
                        }
                    });
                    case 1 -> timed("built-in SCIM creates", () -> {
                        try (Profiler jfr = Profiler.start("create-built-in-" + r)) {
                            return Load.parallel(perRound, CLIENTS, i -> builtInUsers.add(createBuiltIn("kc-scim-" + (offset + i))));
                        }
                    });
                    case 2 -> timed("Admin REST creates", () -> {
                        try (Profiler jfr = Profiler.start("create-admin-rest-" + r)) {
                            return Load.parallel(perRound, CLIENTS, i -> adminUsers.add(createAdmin("admin-rest-" + (offset + i))));
                        }
                    });
                    case 3 -> timed("built-in SCIM creates, Keycloak alone", () -> {
                        try (Profiler jfr = Profiler.start("create-built-in-alone-" + r)) {
                            return Load.parallel(perRound, CLIENTS, i -> createBuiltIn(builtInAlone, "kc-alone-" + (offset + i)));
                        }
                    });
                    default -> timed("Admin REST creates, Keycloak alone", () -> {
                        try (Profiler jfr = Profiler.start("create-admin-rest-alone-" + r)) {
                            return Load.parallel(perRound, CLIENTS, i -> aloneUsers.add(createAdmin(aloneBase,
                                "alone-" + (offset + i))));
                        }
                    });
                };
                if (t == null) {
                    failed[path] = true;
                } else {
                    ms[path] += t;
                    roundRates.get(path).add(String.format(Locale.ROOT, "%.0f", perRound * 1000.0 / t));
                }
            }
        }
        results.note(String.format(Locale.ROOT, "Creates per round (users/s, %,d users a round): ours %s; built-in %s; Admin"
            + " REST %s; Keycloak alone: built-in %s, Admin REST %s.", perRound, roundRates.get(0), roundRates.get(1),
            roundRates.get(2), roundRates.get(3), roundRates.get(4)));
        Fig[] createRates = new Fig[5];
        for (int p = 0; p < 5; p++) {
            double rate = rounds * perRound * 1000.0 / Math.max(1, ms[p]);
            createRates[p] = failed[p] ? new Fig(null, "failed") : new Fig(rate, String.format(Locale.ROOT, "%.0f users/s", rate));
        }
        createdPerPath = rounds * perRound;
        compare("SCIM", String.format(Locale.ROOT, "create %,d users, %d clients (%d rounds, order alternating)",
            rounds * perRound, CLIENTS, rounds), true, createRates[0], createRates[1], createRates[2]);
        againstKeycloakAlone("create users (the same rounds)", true, createRates[0], createRates[3], createRates[4]);
        step("creates", started);

        // 3. Up to the full population; the last block measured as the first was.
        fillOurs(population - block);
        int lastFrom = oursCount + 1;
        int base = oursCount;
        long lastBlock = Load.parallel(block, CLIENTS, i -> createOurs(base + i + 1));
        oursCount += block;
        results.row("growth", String.format(Locale.ROOT, "create via our SCIM, %d clients: users 1-%,d vs %,d-%,d", CLIENTS,
                block, lastFrom, oursCount),
            String.format(Locale.ROOT, "%.0f vs %.0f users/s", block * 1000.0 / firstBlock, block * 1000.0 / lastBlock), "", "",
            new Check("last/first time", lastBlock / (double) firstBlock, 1.2, false));
        fillAlone(oursCount);
        step("population " + oursCount, started);

        // 4. Look-ups at the full population.
        Fig[] userLarge = lookups(false, oursCount);
        Fig[] mailLarge = lookups(true, oursCount);
        compare("SCIM", String.format(Locale.ROOT, "filter userName eq, %,d users", smallN), false, userSmall);
        compare("SCIM", String.format(Locale.ROOT, "filter userName eq, %,d users", oursCount), false, userLarge);
        compare("SCIM", String.format(Locale.ROOT, "filter emails.value eq, %,d users", smallN), false, mailSmall);
        compare("SCIM", String.format(Locale.ROOT, "filter emails.value eq, %,d users", oursCount), false, mailLarge);
        growth(String.format(Locale.ROOT, "our filter userName eq, %,d vs %,d users", oursCount, smallN), userLarge[0], userSmall[0], 1.5);
        growth(String.format(Locale.ROOT, "our filter emails.value eq, %,d vs %,d users", oursCount, smallN), mailLarge[0], mailSmall[0], 1.5);
        againstKeycloakAlone(String.format(Locale.ROOT, "filter userName eq, %,d users", smallN), false, userSmall[0], Fig.NONE,
            userSmall[3]);
        againstKeycloakAlone(String.format(Locale.ROOT, "filter userName eq, %,d users", oursCount), false, userLarge[0], Fig.NONE,
            userLarge[3]);
        againstKeycloakAlone(String.format(Locale.ROOT, "filter emails.value eq, %,d users", smallN), false, mailSmall[0],
            Fig.NONE, mailSmall[3]);
        againstKeycloakAlone(String.format(Locale.ROOT, "filter emails.value eq, %,d users", oursCount), false, mailLarge[0],
            Fig.NONE, mailLarge[3]);
        int population2 = oursCount;
        Fig byDocument = latency("our displayName eq", samples / 4, samples, s -> {
            int k = Load.spread(s, population2);
            expectOne(ours.scim("GET", "/Users?filter=" + enc("displayName eq \"Bench User" + k + "\""), null));
        });
        results.row("SCIM", String.format(Locale.ROOT, "filter displayName eq (a value only our documents hold), %,d users",
            oursCount), byDocument.text(), "n/a", "n/a");
        step("look-ups at " + oursCount, started);

        // 5. Pages of 100.
        int far = (int) (oursCount * 0.9);
        Fig[] first = pages(0, 0);
        compare("SCIM", "page of 100 at offset 0", false, first);
        againstKeycloakAlone("page of 100 at offset 0", false, first[0], Fig.NONE, first[3]);
        int aloneFar = (int) (aloneUsers.size() * 0.9);
        Fig[] farPages = pages(far, aloneFar);
        compare("SCIM", String.format(Locale.ROOT, "page of 100 at offset %,d", far), false, farPages);
        againstKeycloakAlone(String.format(Locale.ROOT, "page of 100 at offset %,d%s", far, aloneFar == far ? ""
            : String.format(Locale.ROOT, " (Keycloak alone's at %,d)", aloneFar)), false, farPages[0], Fig.NONE, farPages[3]);
        step("pages", started);

        // 6. Groups: add one member to a big and to a 10-member group; read the big one with and without members.
        groups(bigGroup);
        step("groups", started);

        // 7. Replace a user.
        Fig[] put = puts();
        compare("SCIM", "replace a user (PUT)", false, put);
        againstKeycloakAlone("replace a user (PUT)", false, put[0], Fig.NONE, put[3]);
        step("PUT", started);
    }

    // ---- SCIM paths --------------------------------------------------------------------------------------------

    void createOurs(int k) {
        oursIds.put(k, createOurs(ours, "bench-user-" + k, "Bench", "User" + k));
    }

    static String createOurs(DirSync.ScimDirectory dir, String userName, String given, String family) {
        return DirSync.id(expect(dir.scim("POST", "/Users", DirSync.scimUser(userName, given, family, userName + "@bench.test")),
            201));
    }

    void fillOurs(int upTo) throws Exception {
        int count = upTo - oursCount;
        if (count > 0) {
            int base = oursCount;
            Load.parallel(count, CLIENTS, i -> createOurs(base + i + 1));
            oursCount = upTo;
        }
    }

    /** Fills the realm without directories up to {@code upTo} users, through the Admin REST API (not measured). */
    void fillAlone(int upTo) throws Exception {
        int count = upTo - aloneUsers.size();
        if (count > 0) {
            int base = aloneUsers.size();
            Load.parallel(count, CLIENTS, i -> aloneUsers.add(createAdmin(aloneBase, "alone-fill-" + (base + i))));
        }
    }

    /** A look-up by username or e-mail (exact) of one of the realm without directories' users, which must find it alone. */
    IntConsumer aloneLookupOp(boolean byEmail) {
        List<Made> users = List.copyOf(aloneUsers);
        return s -> adminFindOne(aloneBase, byEmail, warmValue(users.get(Load.spread(s, users.size()) - 1).name(), byEmail));
    }


    Made createBuiltIn(String userName) {
        return createBuiltIn(builtIn, userName);
    }

    static Made createBuiltIn(KeycloakScim server, String userName) {
        Http.Result r = expect(server.scim("POST", "/Users", scimBody(userName, "Kay", "Cee")), 201);
        return new Made(DirSync.id(r), userName);
    }

    static Map<String, Object> scimBody(String userName, String given, String family) {
        return Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:User"), "userName", userName,
            "name", Map.of("givenName", given, "familyName", family),
            "emails", List.of(Map.of("value", userName + "@bench.test", "primary", true)), "active", true);
    }

    Made createAdmin(String username) {
        return createAdmin(adminBase, username);
    }

    Made createAdmin(String base, String username) {
        Http.Result r = expect(Http.send("POST", base + "/users", dirsync.adminBearer(), adminBody(username, "Rest")),
            201);
        String location = r.header("Location");
        return new Made(location.substring(location.lastIndexOf('/') + 1), username);
    }

    static Map<String, Object> adminBody(String username, String lastName) {
        return Map.of("username", username, "enabled", true, "firstName", "Admin", "lastName", lastName,
            "email", username + "@bench.test");
    }

    /** {@code userName eq} (or {@code emails.value eq}) of our users 1..population through each path. */
    Fig[] lookups(boolean byEmail, int population) {
        String attr = byEmail ? "emails.value" : "userName";
        IntFunction<String> value = s -> value(byEmail, s, population);
        IntConsumer[] ops = lookupOps(ours, byEmail, value, value, value);
        String what = attr + " eq at " + population + " users";
        return sideBySide(samples / 4, samples, new Timed("our " + what, ops[0]), new Timed("built-in " + what, ops[1]),
            new Timed("Admin REST " + what, ops[2]), new Timed("Admin REST, Keycloak alone, " + what, aloneLookupOp(byEmail)));
    }

    /**
     * A look-up of one user by {@code userName eq} or {@code emails.value eq} (the Admin REST API: {@code username=} or
     * {@code email=}, exact) through our SCIM endpoint in {@code dir}, the built-in server and the Admin REST API; the
     * value for sample s from each path's function. Each must find exactly one user.
     */
    IntConsumer[] lookupOps(DirSync.ScimDirectory dir, boolean byEmail, IntFunction<String> oursValue,
                            IntFunction<String> builtInValue, IntFunction<String> adminValue) {
        String attr = byEmail ? "emails.value" : "userName";
        IntConsumer oursOp = s -> expectOne(dir.scim("GET", "/Users?filter=" + enc(attr + " eq \"" + oursValue.apply(s)
            + "\""), null));
        IntConsumer builtInOp = s -> expectOne(builtIn.scim("GET", "/Users?filter=" + enc(attr + " eq \""
            + builtInValue.apply(s) + "\""), null));
        IntConsumer adminOp = s -> adminFindOne(adminBase, byEmail, adminValue.apply(s));
        return new IntConsumer[] {oursOp, builtInOp, adminOp};
    }

    /** The Admin REST API's exact look-up by username or e-mail in the realm at {@code base}: exactly one user. */
    void adminFindOne(String base, boolean byEmail, String value) {
        JsonNode found = expect(Http.send("GET", base + "/users?" + (byEmail ? "email=" : "username=") + enc(value)
            + "&exact=true", dirsync.adminBearer(), null), 200).json();
        if (found.size() != 1) {
            throw new IllegalStateException("Admin REST (" + base + ") found " + found.size() + " users");
        }
    }

    /** A page of 100 users from the Admin REST API of the realm at {@code base}. */
    void adminPage(String base, int offset) {
        expectPage(expect(Http.send("GET", base + "/users?first=" + offset + "&max=100", dirsync.adminBearer(), null), 200)
            .json(), null);
    }

    /** A PUT of {@code u} through the Admin REST API of the realm at {@code base}, last name changed for sample s. */
    void adminPut(String base, Made u, int s) {
        expect(Http.send("PUT", base + "/users/" + u.id(), dirsync.adminBearer(), adminBody(u.name(), "Put" + s)), 204);
    }

    static String warmValue(String userName, boolean byEmail) {
        return userName + (byEmail ? "@bench.test" : "");
    }

    static String value(boolean byEmail, int s, int population) {
        int k = Load.spread(s, population);
        return "bench-user-" + k + (byEmail ? "@bench.test" : "");
    }

    /**
     * Pages of 100 at {@code offset} through ours, the built-in server and the Admin REST API, and Keycloak alone's at its
     * own offset. The built-in server reads every user of the realm for each page (about 0.5 s at 10,000 users): it is
     * measured after the others, on its own, so that its reads do not bill theirs.
     */
    Fig[] pages(int offset, int aloneOffset) {
        int n = Math.max(10, samples / 5);
        String scimPage = "/Users?startIndex=" + (offset + 1) + "&count=100";
        Fig[] others = sideBySide(n / 4, n,
            new Timed("our page at " + offset, s -> expectPage(ours.scim("GET", scimPage, null).json(), "Resources")),
            new Timed("Admin REST page at " + offset, s -> adminPage(adminBase, offset)),
            new Timed("Admin REST, Keycloak alone, page at " + aloneOffset, s -> adminPage(aloneBase, aloneOffset)));
        Fig builtInPage = latency("built-in page at " + offset, n / 4, n, s -> expectPage(expect(builtIn.scim("GET", scimPage,
            null), 200).json(), "Resources"));
        return new Fig[] {others[0], builtInPage, others[1], others[2]};
    }

    static void expectPage(JsonNode page, String field) {
        JsonNode list = field == null ? page : page.path(field);
        if (list.size() != 100) {
            throw new IllegalStateException("a page of " + list.size() + ", not 100: " + brief(page.toString()));
        }
    }

    void groups(int bigGroup) throws Exception {
        int n = Math.max(10, samples / 5);
        int warm = Math.max(3, n / 4);
        // Ours: managed groups of our directory, members our users.
        String bigId = createOurGroup("Big", 1, bigGroup);
        String smallId = createOurGroup("Small", bigGroup + 1, 10);
        AtomicInteger spare = new AtomicInteger(bigGroup + 11);

        // Keycloak's own: realm groups whose members are users made by the built-in SCIM server and the Admin REST API.
        List<Made> pool = new ArrayList<>(adminUsers);
        pool.addAll(builtInUsers);
        int theirBig = Math.max(1, Math.min(bigGroup, pool.size() - 10 - 4 * (warm + n)));
        if (theirBig < bigGroup) {
            results.note(String.format(Locale.ROOT, "Keycloak's big group has %,d members, not %,d: not enough users made by"
                + " the other paths", theirBig, bigGroup));
        }
        String kcBig = createKeycloakGroup("kc-big");
        String kcSmall = createKeycloakGroup("kc-small");
        Load.parallel(theirBig, CLIENTS, i -> join(pool.get(i).id(), kcBig));
        for (int i = 0; i < 10; i++) {
            join(pool.get(theirBig + i).id(), kcSmall);
        }
        // The same groups in the realm without directories (Keycloak alone), their members its own users.
        int aloneBig = Math.max(1, Math.min(bigGroup, aloneUsers.size() - 10 - 2 * (warm + n)));
        String aloneBigId = createKeycloakGroup(aloneBase, "alone-big");
        String aloneSmallId = createKeycloakGroup(aloneBase, "alone-small");
        Load.parallel(aloneBig, CLIENTS, i -> join(aloneBase, aloneUsers.get(i).id(), aloneBigId));
        for (int i = 0; i < 10; i++) {
            join(aloneBase, aloneUsers.get(aloneBig + i).id(), aloneSmallId);
        }

        // Each path adds users not yet in the group, from a pool of its own.
        AtomicInteger next = new AtomicInteger(theirBig + 10);
        AtomicInteger nextAlone = new AtomicInteger(aloneBig + 10);
        // The big groups first, then the small ones: {name, ours, Keycloak's, Keycloak alone's}.
        String[][] groups = {{"big", bigId, kcBig, aloneBigId}, {"small", smallId, kcSmall, aloneSmallId}};
        Fig[][] added = new Fig[groups.length][];
        for (int g = 0; g < groups.length; g++) {
            String name = groups[g][0];
            String ourGroup = groups[g][1];
            String kcGroup = groups[g][2];
            String aloneGroup = groups[g][3];
            added[g] = sideBySide(warm, n,
                new Timed("our PATCH " + name + " group", s -> expect2xx(ours.scim("PATCH", "/Groups/" + ourGroup,
                    addMember(oursIds.get(spare.getAndIncrement()))))),
                new Timed("built-in PATCH " + name + " group", s -> expect2xx(builtIn.scim("PATCH", "/Groups/" + kcGroup,
                    addMember(pool.get(next.getAndIncrement()).id())))),
                new Timed("Admin REST join " + name + " group", s -> join(pool.get(next.getAndIncrement()).id(), kcGroup)),
                new Timed("Admin REST join " + name + " group, Keycloak alone", s -> join(aloneBase,
                    aloneUsers.get(nextAlone.getAndIncrement()).id(), aloneGroup)));
        }
        Fig[] big = added[0];
        Fig[] small = added[1];
        if (Profiler.enabled()) {
            // our member PATCHes alone, recorded like the PUT's (not part of the figures): each adds a user of the
            // directory (spread, none of the group's own members) to the small group and removes it again
            try (Profiler jfr = Profiler.start("patch-ours")) {
                for (int s = 0; s < 500; s++) {
                    int k = Load.spread(s, oursCount);
                    if (k > bigGroup && k < spare.get()) {
                        continue;
                    }
                    String user = oursIds.get(k);
                    expect2xx(ours.scim("PATCH", "/Groups/" + smallId, addMember(user)));
                    expect2xx(ours.scim("PATCH", "/Groups/" + smallId, removeMember(user)));
                }
            }
        }
        compare("SCIM", String.format(Locale.ROOT, "PATCH add one member to a %,d-member group", bigGroup), false, big[0],
            big[1], big[2]);
        compare("SCIM", "PATCH add one member to a 10-member group", false, small[0], small[1], small[2]);
        againstKeycloakAlone(String.format(Locale.ROOT, "PATCH add one member to a %,d-member group%s", bigGroup,
            aloneBig < bigGroup ? String.format(Locale.ROOT, " (Keycloak alone's has %,d)", aloneBig) : ""), false, big[0],
            Fig.NONE, big[3]);
        againstKeycloakAlone("PATCH add one member to a 10-member group", false, small[0], Fig.NONE, small[3]);
        growth(String.format(Locale.ROOT, "our member PATCH, %,d- vs 10-member group", bigGroup), big[0], small[0], 2.0);

        Fig[] with = sideBySide(warm, n,
            new Timed("our big group read", s -> expect(ours.scim("GET", "/Groups/" + bigId, null), 200)),
            new Timed("built-in big group read", s -> expect(builtIn.scim("GET", "/Groups/" + kcBig, null), 200)),
            new Timed("Admin REST big group members", s -> expect(Http.send("GET", adminBase + "/groups/" + kcBig
                + "/members?first=0&max=" + (bigGroup + 1000) + "&briefRepresentation=true", dirsync.adminBearer(), null), 200)));
        Fig oursWith = with[0];
        Fig builtInWith = with[1];
        Fig adminWith = with[2];
        int builtInMembers = membersIn(builtIn.scim("GET", "/Groups/" + kcBig, null));
        results.note(String.format(Locale.ROOT, "The big group's read with members returned %d members from ours, %d from"
            + " the built-in SCIM server, %d from the Admin REST API.", membersIn(ours.scim("GET", "/Groups/" + bigId, null)),
            builtInMembers, Http.send("GET", adminBase + "/groups/" + kcBig
                + "/members?first=0&max=" + (bigGroup + 1000) + "&briefRepresentation=true", dirsync.adminBearer(), null)
                .json().size()));
        if (builtInMembers <= 0 && builtInWith.value() != null) {
            // A read that returns no member is not the same work: no ratio against it.
            builtInWith = new Fig(null, builtInWith.text() + ", returned " + builtInMembers + " members: not comparable");
        }
        compare("SCIM", String.format(Locale.ROOT, "read the %,d-member group with its members", bigGroup), false, oursWith,
            builtInWith, adminWith);
        Fig[] without = sideBySide(warm, n,
            new Timed("our big group read without members", s -> expect(ours.scim("GET", "/Groups/" + bigId
                + "?excludedAttributes=members", null), 200)),
            new Timed("built-in big group read without members", s -> expect(builtIn.scim("GET", "/Groups/" + kcBig
                + "?excludedAttributes=members", null), 200)),
            new Timed("Admin REST big group", s -> expect(Http.send("GET", adminBase + "/groups/" + kcBig, dirsync.adminBearer(),
                null), 200)));
        compare("SCIM", String.format(Locale.ROOT, "read the %,d-member group, excludedAttributes=members", bigGroup), false,
            without);
    }

    static int membersIn(Http.Result group) {
        return group.status() == 200 ? group.json().path("members").size() : -group.status();
    }

    String createOurGroup(String name, int firstUser, int members) {
        List<Map<String, Object>> first = new ArrayList<>();
        for (int k = firstUser; k < firstUser + Math.min(500, members); k++) {
            first.add(Map.of("value", oursIds.get(k)));
        }
        String id = DirSync.id(expect(ours.scim("POST", "/Groups", Map.of("schemas",
            List.of("urn:ietf:params:scim:schemas:core:2.0:Group"), "displayName", name, "members", first)), 201));
        for (int from = firstUser + 500; from < firstUser + members; from += 500) {
            List<Map<String, Object>> more = new ArrayList<>();
            for (int k = from; k < Math.min(from + 500, firstUser + members); k++) {
                more.add(Map.of("value", oursIds.get(k)));
            }
            expect2xx(ours.scim("PATCH", "/Groups/" + id, Map.of("schemas", List.of(PATCH_OP), "Operations",
                List.of(Map.of("op", "add", "path", "members", "value", more)))));
        }
        return id;
    }

    static Map<String, Object> addMember(String userId) {
        return Map.of("schemas", List.of(PATCH_OP), "Operations",
            List.of(Map.of("op", "add", "path", "members", "value", List.of(Map.of("value", userId)))));
    }

    /** Okta's and Entra's form of removing one member: a filter on the member's id in the path. */
    static Map<String, Object> removeMember(String userId) {
        return Map.of("schemas", List.of(PATCH_OP), "Operations",
            List.of(Map.of("op", "remove", "path", "members[value eq \"" + userId + "\"]")));
    }

    String createKeycloakGroup(String name) {
        return createKeycloakGroup(adminBase, name);
    }

    String createKeycloakGroup(String base, String name) {
        String location = expect(Http.send("POST", base + "/groups", dirsync.adminBearer(), Map.of("name", name)), 201)
            .header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    void join(String userId, String groupId) {
        join(adminBase, userId, groupId);
    }

    void join(String base, String userId, String groupId) {
        expect(Http.send("PUT", base + "/users/" + userId + "/groups/" + groupId, dirsync.adminBearer(), null), 204);
    }

    /**
     * Replacing a user through ours, the built-in server, the Admin REST API and Keycloak alone's, each path picking
     * its users the same way: spread over all the users it has (the others used to take their first 25, made together
     * in the warm-up, while ours were spread over all 100,000 at scale 1).
     */
    Fig[] puts() {
        int n = Math.max(10, samples / 2);
        int warm = n / 4;
        IntConsumer ourPut = s -> {
            int k = Load.spread(s, oursCount);
            expect(ours.scim("PUT", "/Users/" + oursIds.get(k), DirSync.scimUser("bench-user-" + k, "Bench", "Put" + s,
                "bench-user-" + k + "@bench.test")), 200);
        };
        Fig[] figs = sideBySide(warm, n,
            new Timed("our PUT", ourPut),
            new Timed("built-in PUT", s -> {
                Made u = builtInUsers.get(Load.spread(s, builtInUsers.size()) - 1);
                // Keycloak's SCIM server wants the id in the body of a PUT, equal to the path's.
                Map<String, Object> body = new java.util.HashMap<>(scimBody(u.name(), "Kay", "Put" + s));
                body.put("id", u.id());
                expect(builtIn.scim("PUT", "/Users/" + u.id(), body), 200);
            }),
            new Timed("Admin REST PUT", s -> adminPut(adminBase, adminUsers.get(Load.spread(s, adminUsers.size()) - 1), s)),
            new Timed("Admin REST PUT, Keycloak alone", s -> adminPut(aloneBase,
                aloneUsers.get(Load.spread(s, aloneUsers.size()) - 1), s)));
        if (Profiler.enabled()) {
            // our PUTs alone, so that the recording holds no other path's requests (not part of the figures); enough
            // of them (seconds) for the recording's samples and for a look at the database's statements meanwhile
            try (Profiler jfr = Profiler.start("put-ours")) {
                for (int s = 0; s < 1000; s++) {
                    ourPut.accept(n + s);
                }
            }
        }
        return figs;
    }

    // ---- LDAP ----------------------------------------------------------------------------------------------------

    void ldap(int users, int groups) throws Exception {
        RealmRepresentation rep = new RealmRepresentation();
        rep.setRealm("bench-ldap-" + System.nanoTime());
        rep.setEnabled(true);
        admin.realms().create(rep);
        // The directory sync gets an empty realm of its own, as Keycloak's provider gets one (LdapRuns.KeycloakLdap).
        DirSync ldapRealm = new DirSync(admin, rep.getRealm(), urls.getBase());
        try (TestDirectory ldap = TestDirectory.start("memory-openldap"); RowWrites rows = RowWrites.connect()) {
            ldap.leaveEntries();
            ldapServer = ldap.inMemory() ? "the in-JVM UnboundID server (the test JVM, beside Keycloak)"
                : "a real OpenLDAP slapd (Debian's package: mdb, memberof and refint overlays; .ci/ldap-suites.sh)";
            List<String> userDns = new ArrayList<>();
            List<String> groupDns = LdapRuns.populate(ldap, "b", users, groups, userDns);
            // Warm-up: both paths sync a small directory of their own first (a fresh server's JIT otherwise bills the
            // first path measured).
            int warm = Math.max(10, Math.min(2_000, users / 5));
            Map<String, Object> warmSettings = LdapRuns.settings(ldap, LdapRuns.populate(ldap, "w", warm, 1, null));
            LdapRuns.sync(ldapRealm, LdapRuns.directory(ldapRealm, "Warm-up", warmSettings));
            @SuppressWarnings("unchecked")
            List<String> warmGroups = (List<String>) warmSettings.get("syncedGroups");
            try (LdapRuns.KeycloakLdap w = new LdapRuns.KeycloakLdap(admin, dirsync, urls.getBase(), ldap, warmGroups, false)) {
                w.fullSync();
            }

            String id = LdapRuns.directory(ldapRealm, "Bench LDAP", LdapRuns.settings(ldap, groupDns));
            Sampled oursFirst = sampled(rows, "ldap-ours-first", () -> LdapRuns.sync(ldapRealm, id));
            Sampled oursAgain = sampled(rows, null, () -> LdapRuns.sync(ldapRealm, id));
            try (LdapRuns.KeycloakLdap anchor = new LdapRuns.KeycloakLdap(admin, dirsync, urls.getBase(), ldap, groupDns, false)
                .keepRealm()) {
                Sampled kcFirst = sampled(rows, "ldap-keycloak-first", () -> anchor.fullSync().result());
                Sampled kcAgain = sampled(rows, null, () -> anchor.changedSync().result());
                int changed = Math.max(1, users / 100);
                for (int i = 0; i < changed; i++) {
                    ldap.set(userDns.get(i * (users / changed)), "sn", "Changed" + i);
                }
                Sampled oursChanged = sampled(rows, null, () -> LdapRuns.sync(ldapRealm, id));
                Sampled kcChanged = sampled(rows, null, () -> anchor.changedSync().result());

                long ourFirstMs = LdapRuns.millis(oursFirst.result());
                results.row("LDAP", String.format(Locale.ROOT, "first full sync, %,d users / %d groups", users, groups),
                    String.format(Locale.ROOT, "%.1f s, %s", ourFirstMs / 1000.0, oursFirst.rowsPerUser(users)),
                    String.format(Locale.ROOT, "Keycloak's LDAP sync: %.1f s, %s", kcFirst.millis() / 1000.0,
                        kcFirst.rowsPerUser(users)), "—",
                    new Check("ours/Keycloak", ourFirstMs / (double) kcFirst.millis(), 1.0, false));
                long writes = LdapRuns.changes(oursAgain.result());
                results.row("LDAP", "unchanged re-sync",
                    String.format(Locale.ROOT, "full re-read %.1f s, %d changes written%s", LdapRuns.millis(oursAgain.result())
                        / 1000.0, writes, oursAgain.rows() < 0 ? "" : ", " + oursAgain.rows() + " rows"),
                    String.format(Locale.ROOT, "Keycloak's changed-users sync: %.1f s%s", kcAgain.millis() / 1000.0,
                        kcAgain.rows() < 0 ? "" : ", " + kcAgain.rows() + " rows"), "—",
                    new Check("vs our first", LdapRuns.millis(oursAgain.result()) / (double) ourFirstMs, 0.25, false),
                    new Check("changes written", writes, 0, false));
                results.row("LDAP", String.format(Locale.ROOT, "re-sync with 1 %% changed (%,d users' sn)", changed),
                    String.format(Locale.ROOT, "full re-read %.1f s, %d updated%s", LdapRuns.millis(oursChanged.result())
                        / 1000.0, oursChanged.result().at("/counts/updated").asLong(), oursChanged.rows() < 0 ? ""
                        : ", " + oursChanged.rows() + " rows"),
                    String.format(Locale.ROOT, "Keycloak's changed-users sync: %.1f s, %s updated%s", kcChanged.millis()
                        / 1000.0, kcChanged.result().path("updated").asText(), kcChanged.rows() < 0 ? ""
                        : ", " + kcChanged.rows() + " rows"), "—",
                    new Check("vs our first", LdapRuns.millis(oursChanged.result()) / (double) ourFirstMs, 0.3, false));
                if (rows.counting()) {
                    // The database's counters include PostgreSQL's own catalog writes (autovacuum's statistics after a big
                    // sync): the tables say whose rows they were.
                    results.note("Rows written, by table (PostgreSQL's counters: the database's total, then the tables"
                        + " written most): our unchanged re-sync " + oursAgain.tables() + "; Keycloak's changed-users sync "
                        + kcAgain.tables() + "; our 1 %-changed re-sync " + oursChanged.tables() + ".");
                }
                if (!"false".equals(System.getProperty("bench.anchorGroups"))) {
                    // Keycloak's plain provider above creates users only; with its group mapper (IMPORT) it also creates
                    // the groups and the memberships, as the directory sync does: the like-for-like anchor.
                    try (LdapRuns.KeycloakLdap withGroups = new LdapRuns.KeycloakLdap(admin, dirsync, urls.getBase(), ldap,
                        groupDns, true).keepRealm()) {
                        Sampled kcGroups = sampled(rows, "ldap-keycloak-groups-first", () -> withGroups.fullSync().result());
                        results.row("LDAP", String.format(Locale.ROOT, "first full sync with memberships, %,d users / %d groups",
                                users, groups),
                            String.format(Locale.ROOT, "%.1f s (the run above)", ourFirstMs / 1000.0),
                            String.format(Locale.ROOT, "Keycloak's LDAP sync with its group mapper: %.1f s, %s, peak heap %d MiB",
                                kcGroups.millis() / 1000.0, kcGroups.rowsPerUser(users), kcGroups.heap() >> 20), "—",
                            new Check("ours/Keycloak", ourFirstMs / (double) kcGroups.millis(), 1.0, false));
                    }
                }
                results.row("LDAP", "peak heap of the server during the first full sync",
                    (oursFirst.heap() >> 20) + " MiB", "Keycloak's LDAP sync: " + (kcFirst.heap() >> 20) + " MiB", "—",
                    new Check("ours/Keycloak", oursFirst.heap() / (double) Math.max(1, kcFirst.heap()), 1.0, false));
            }
        }
        // The realms of the measured syncs stay: removing one of 100,000 users runs past Keycloak's transaction timeout
        // on H2, and this server and its database are thrown away after the run.
    }

    /** A sync's answer, its wall time, the server's peak heap and the rows written (-1 on H2) while it ran. */
    /** {@code tables}: the rows by table (RowWrites.describe), "n/a (H2)" on H2. */
    record Sampled(JsonNode result, long millis, long heap, long rows, String tables) {
        String rowsPerUser(int users) {
            return rows < 0 ? "rows n/a on H2" : String.format(Locale.ROOT, "%,d rows (%.1f per user)", rows, rows / (double) users);
        }
    }

    static Sampled sampled(RowWrites rows, String profile, Callable<JsonNode> sync) throws Exception {
        Map<String, long[]> before = rows.read();
        HeapSampler heap = HeapSampler.start();
        long t = System.currentTimeMillis();
        JsonNode result;
        try (Profiler jfr = profile == null ? null : Profiler.start(profile)) {
            result = sync.call();
        }
        long millis = System.currentTimeMillis() - t;
        long peak = heap.stop();
        Map<String, long[]> after = rows.read();
        return new Sampled(result, millis, peak, RowWrites.total(before, after), RowWrites.describe(before, after));
    }

    // ---- measuring and reporting ------------------------------------------------------------------------------------

    /** Median latency of {@code op}; a failure (e.g. an operation that path does not support) is noted, not fatal. */
    Fig latency(String what, int warm, int n, IntConsumer op) {
        try {
            double[] ms = Load.latencies(warm, n, op);
            double median = Load.pct(ms, 50);
            return new Fig(median, String.format(Locale.ROOT, "%.1f ms (%.1f)", median, Load.pct(ms, 95)));
        } catch (RuntimeException | AssertionError e) {
            results.note(what + " failed: " + brief(String.valueOf(e.getMessage())));
            return new Fig(null, "failed");
        }
    }

    /** A path measured by {@link #sideBySide}: what the notes call it, and its request for sample s. */
    record Timed(String what, IntConsumer op) {
    }

    /**
     * The paths' latencies measured side by side, in blocks: each path runs a block of consecutive requests, then the
     * next path; the first path of a round rotates, so that neither the order, nor the JIT's progress, nor another job's
     * load on this machine favours a path. Blocks, not single requests taking turns: a request right after another
     * path's ran slower than in a run of its own kind (the Admin REST API's page of 100 17 → 36 ms, our PUT 2.7 → 3.1-3.6
     * ms on H2), which measures the mix rather than the path. {@code warm} unmeasured requests of each path first, in
     * the same blocks. A path that fails is noted and left out of the later rounds; the others go on.
     */
    Fig[] sideBySide(int warm, int n, Timed... paths) {
        int k = paths.length;
        int block = Math.max(5, n / 10);
        double[][] ms = new double[k][n];
        boolean[] failed = new boolean[k];
        int round = 0;
        for (int from = 0; from < warm + n; from += block, round++) {
            for (int j = 0; j < k; j++) {
                int p = (round + j) % k;
                for (int i = from; i < Math.min(from + block, warm + n) && !failed[p]; i++) {
                    try {
                        long start = System.nanoTime();
                        paths[p].op().accept(i);
                        if (i >= warm) {
                            ms[p][i - warm] = (System.nanoTime() - start) / 1e6;
                        }
                    } catch (RuntimeException | AssertionError e) {
                        failed[p] = true;
                        results.note(paths[p].what() + " failed: " + brief(String.valueOf(e.getMessage())));
                    }
                }
            }
        }
        Fig[] figs = new Fig[k];
        for (int p = 0; p < k; p++) {
            double median = Load.pct(ms[p], 50);
            figs[p] = failed[p] ? new Fig(null, "failed")
                : new Fig(median, String.format(Locale.ROOT, "%.1f ms (%.1f)", median, Load.pct(ms[p], 95)));
        }
        return figs;
    }

    Long timed(String what, Callable<Long> run) {
        try {
            return run.call();
        } catch (Exception | AssertionError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            results.note(what + " failed: " + brief(String.valueOf(cause.getMessage())));
            return null;
        }
    }

    /**
     * A row of ours vs Keycloak's built-in SCIM server ({@link Fig#NONE}: not measured) and the Admin REST API of the realm
     * without directories (Keycloak alone), with the same targets as against the directories' realm (≥ 1.0x, ≥ 1.2x).
     */
    void againstKeycloakAlone(String operation, boolean rate, Fig ours, Fig builtInAlone, Fig adminAlone) {
        List<Check> checks = new ArrayList<>();
        if (ours.value() != null && builtInAlone.value() != null) {
            checks.add(new Check("vs built-in, Keycloak alone", rate ? ours.value() / builtInAlone.value()
                : builtInAlone.value() / ours.value(), 1.0, true));
        }
        if (ours.value() != null && adminAlone.value() != null) {
            checks.add(new Check("vs Admin REST, Keycloak alone", rate ? ours.value() / adminAlone.value()
                : adminAlone.value() / ours.value(), 1.2, true));
        }
        // The header says what "Keycloak alone" is; the row keeps to a label the plot can show whole.
        results.row("SCIM", operation + ", against Keycloak alone", ours.text(),
            builtInAlone.text(), adminAlone.text(), checks.toArray(Check[]::new));
    }

    /** A row of ours vs the built-in SCIM server (target ≥ 1.0x) vs the Admin REST API (≥ 1.2x). */
    void compare(String section, String operation, boolean rate, Fig... figs) {
        List<Check> checks = new ArrayList<>();
        Fig o = figs[0];
        if (o.value() != null && figs[1].value() != null) {
            checks.add(new Check("vs built-in", rate ? o.value() / figs[1].value() : figs[1].value() / o.value(), 1.0, true));
        }
        if (o.value() != null && figs[2].value() != null) {
            checks.add(new Check("vs Admin REST", rate ? o.value() / figs[2].value() : figs[2].value() / o.value(), 1.2, true));
        }
        results.row(section, operation, o.text(), figs[1].text(), figs[2].text(), checks.toArray(Check[]::new));
    }

    void growth(String operation, Fig large, Fig small, double target) {
        if (large.value() == null || small.value() == null) {
            results.row("growth", operation, large.text() + " vs " + small.text(), "", "");
            return;
        }
        results.row("growth", operation, large.text() + " vs " + small.text(), "", "",
            new Check("ratio", large.value() / small.value(), target, false));
    }

    static Http.Result expect(Http.Result r, int status) {
        if (r.status() != status) {
            throw new IllegalStateException("HTTP " + r.status() + ", expected " + status + ": " + brief(r.body()));
        }
        return r;
    }

    static Http.Result expect2xx(Http.Result r) {
        if (r.status() / 100 != 2) {
            throw new IllegalStateException("HTTP " + r.status() + ": " + brief(r.body()));
        }
        return r;
    }

    static void expectOne(Http.Result r) {
        expect(r, 200);
        if (r.json().path("totalResults").asInt() != 1) {
            throw new IllegalStateException("totalResults " + r.json().path("totalResults") + ", expected 1");
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String brief(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    static void step(String what, long started) {
        System.out.printf(Locale.ROOT, "BENCH step %s done at %d s (load %s)%n", what, (System.currentTimeMillis() - started)
            / 1000, loadAverage());
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (Exception e) {
            return "unknown CPU";
        }
    }

    static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0))
                .findFirst().orElse("unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }
}
