package io.dirsync.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Samples the Keycloak server's used heap (jstat -gc) and keeps the peak. */
public final class HeapSampler {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong peak = new AtomicLong();
    private Thread thread;

    public static HeapSampler start() {
        HeapSampler s = new HeapSampler();
        String pid = keycloakPid();
        if (pid == null) {
            return s;
        }
        s.thread = new Thread(() -> {
            try {
                Process p = new ProcessBuilder("jstat", "-gc", pid, "200").redirectErrorStream(true).start();
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String header = in.readLine();
                    Map<String, Integer> col = new HashMap<>();
                    String[] h = header.trim().split("\\s+");
                    for (int i = 0; i < h.length; i++) {
                        col.put(h[i], i);
                    }
                    String line;
                    while (s.running.get() && (line = in.readLine()) != null) {
                        String[] v = line.trim().split("\\s+");
                        double kb = 0;
                        for (String k : List.of("S0U", "S1U", "EU", "OU")) {
                            kb += Double.parseDouble(v[col.get(k)]);
                        }
                        long bytes = (long) (kb * 1024);
                        s.peak.accumulateAndGet(bytes, Math::max);
                    }
                } finally {
                    p.destroy();
                }
            } catch (Exception e) {
                System.out.println("BENCH heap sampling failed: " + e);
            }
        });
        s.thread.setDaemon(true);
        s.thread.start();
        return s;
    }

    public long stop() throws InterruptedException {
        running.set(false);
        if (thread != null) {
            thread.join(2000);
        }
        return peak.get();
    }

    /** The pid of the Keycloak server the test framework started (its command line names kc-test-framework). */
    public static String keycloakPid() {
        return ProcessHandle.allProcesses()
            .filter(p -> p.info().commandLine().map(c -> c.contains("kc-test-framework") && c.contains("java")).orElse(false))
            .map(p -> Long.toString(p.pid())).findFirst().orElse(null);
    }
}
