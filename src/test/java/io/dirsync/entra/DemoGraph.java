package io.dirsync.entra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The demo tenant that ./run.sh starts next to Keycloak for the demo realm's "Demo Entra ID" directory: a
 * {@link GraphStandIn} (Entra's token endpoint and Microsoft Graph v1.0) on a given port with a small company, Fabrikam:
 * <pre>
 * Marketing       olivia.chen, liam.patel, sofia.rossi
 * Finance         noah.schmidt, emma.dubois, and the group "Finance Leads":
 *   Finance Leads mateo.garcia, aiko.tanaka
 * Entra Admins    priya.nair
 * (no group)      ethan.brooks: not in any synced or admin group, so never synced
 * </pre>
 * Every user (@fabrikam.test) has givenName, surname, displayName, mail, jobTitle and mobilePhone. Object ids come from
 * a fixed seed, so they are the same on every start and a re-sync of the unchanged tenant changes nothing. The data
 * lives in memory.
 *
 * <p>Run from the test classes with Jackson on the class path:
 * <pre>
 *   java -cp target/test-classes:jackson-databind.jar:jackson-core.jar:jackson-annotations.jar \
 *     io.dirsync.entra.DemoGraph [port [file]]
 * </pre>
 * It writes what a directory needs to reach it ({@code url}, {@code tenantId}, {@code clientId}, {@code clientSecret},
 * {@code groups}: object id by display name, {@code users}: how many) as JSON to {@code file} (atomically, once it
 * answers; deleted again on exit), or prints it without a file, then runs until stopped.
 */
public final class DemoGraph {

    static final int DEFAULT_PORT = 18080;
    /** The seed of the object ids: the same tenant on every start. */
    static final long SEED = 20260707L;
    static final String DOMAIN = "fabrikam.test";

    private DemoGraph() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_PORT;
        Path file = args.length > 1 ? Path.of(args[1]) : null;
        GraphStandIn graph;
        try {
            graph = GraphStandIn.start(port);
        } catch (UncheckedIOException e) {
            System.err.println("[demo-graph] cannot listen on 127.0.0.1:" + port + ": " + e.getCause());
            System.exit(1);
            return;
        }
        graph.seedIds(SEED);

        Map<String, String> groups = new LinkedHashMap<>();
        String marketing = group(graph, groups, "Marketing");
        String finance = group(graph, groups, "Finance");
        String leads = group(graph, groups, "Finance Leads");
        String admins = group(graph, groups, "Entra Admins");
        graph.addMember(finance, leads); // nested: synced with transitiveMembers

        int users = 0;
        String[][] people = {
            // group, first, last, job title
            {marketing, "Olivia", "Chen", "Marketing Manager"},
            {marketing, "Liam", "Patel", "Content Strategist"},
            {marketing, "Sofia", "Rossi", "Brand Designer"},
            {finance, "Noah", "Schmidt", "Finance Director"},
            {finance, "Emma", "Dubois", "Accountant"},
            {leads, "Mateo", "Garcia", "Financial Controller"},
            {leads, "Aiko", "Tanaka", "FP&A Lead"},
            {admins, "Priya", "Nair", "IT Administrator"},
            {null, "Ethan", "Brooks", "Sales Intern"},
        };
        for (String[] p : people) {
            String upn = (p[1] + "." + p[2]).toLowerCase(Locale.ROOT) + "@" + DOMAIN;
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("givenName", p[1]);
            props.put("surname", p[2]);
            props.put("displayName", p[1] + " " + p[2]);
            props.put("mail", upn);
            props.put("jobTitle", p[3]);
            props.put("mobilePhone", String.format(Locale.ROOT, "+1 425 555 %04d", 110 + users));
            String id = graph.addUser(upn, props);
            if (p[0] != null) {
                graph.addMember(p[0], id);
            }
            users++;
        }

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("url", graph.url());
        info.put("tenantId", GraphStandIn.TENANT);
        info.put("clientId", GraphStandIn.CLIENT_ID);
        info.put("clientSecret", GraphStandIn.CLIENT_SECRET);
        info.put("groups", groups);
        info.put("users", users);
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info);
        if (file == null) {
            System.out.println(json);
        } else {
            write(file, json);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the next start overwrites it
                }
            }));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(graph::close));
        System.out.println("[demo-graph] Microsoft Graph stand-in at " + graph.url() + ": tenant " + GraphStandIn.TENANT
            + ", " + users + " users, " + groups.size() + " groups" + (file == null ? "" : "; ids in " + file));
        new CountDownLatch(1).await(); // the server's threads are daemons: keep the JVM up until stopped
    }

    private static String group(GraphStandIn graph, Map<String, String> groups, String name) {
        String id = graph.addGroup(name);
        groups.put(name, id);
        return id;
    }

    private static void write(Path file, String json) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".demo-graph", ".json");
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
