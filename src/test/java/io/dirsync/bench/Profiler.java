package io.dirsync.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Java Flight Recording of the Keycloak server while a benchmark step runs, when {@code -Dbench.jfr=<directory>} is
 * given: started and stopped with the JDK's jcmd on the running server (no restart, no server option), written to
 * {@code <directory>/<name>.jfr}. Read it with {@code jfr print} or {@code jfr view hot-methods} (JDK 21+).
 */
public final class Profiler implements AutoCloseable {

    private final String pid;
    private final String name;

    private Profiler(String pid, String name) {
        this.pid = pid;
        this.name = name;
    }

    /** Whether -Dbench.jfr asks for recordings (a step may run extra, unmeasured requests for one). */
    public static boolean enabled() {
        return !System.getProperty("bench.jfr", "").isBlank();
    }

    public static Profiler start(String name) {
        String dir = System.getProperty("bench.jfr", "");
        String pid = dir.isBlank() ? null : HeapSampler.keycloakPid();
        if (pid == null) {
            return new Profiler(null, name);
        }
        try {
            Files.createDirectories(Path.of(dir));
            jcmd(pid, "JFR.start", "name=" + name, "settings=profile",
                "filename=" + Path.of(dir, name + ".jfr").toAbsolutePath());
        } catch (Exception e) {
            System.out.println("BENCH JFR not started: " + e);
            return new Profiler(null, name);
        }
        // a line another tool can wait for (e.g. to log the database's statements during this step only)
        System.out.println("BENCH JFR " + name + " started");
        return new Profiler(pid, name);
    }

    @Override
    public void close() {
        if (pid != null) {
            try {
                jcmd(pid, "JFR.stop", "name=" + name);
                System.out.println("BENCH JFR " + name + " stopped");
            } catch (Exception e) {
                System.out.println("BENCH JFR not stopped: " + e);
            }
        }
    }

    private static void jcmd(String pid, String... args) throws Exception {
        String[] command = new String[args.length + 2];
        command[0] = "jcmd";
        command[1] = pid;
        System.arraycopy(args, 0, command, 2, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
    }
}
