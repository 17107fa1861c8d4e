package io.dirsync.console;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs one Playwright spec of admin-console/e2e against the test server, in Debian's Chromium, and fails the JUnit
 * test with the spec's own output when the spec fails. What the spec needs (realm, admin, ids) goes in the
 * environment as JSON ({@code DIRSYNC_E2E}, read by e2e/support.ts).
 */
final class Browser {

    private static final Path CONSOLE = Path.of("admin-console").toAbsolutePath();
    private static final Path LOGS = Path.of("target", "browser").toAbsolutePath();

    private Browser() {
    }

    static void run(String spec, String serverUrl, Map<String, Object> seed) {
        try {
            Files.createDirectories(LOGS);
            Path log = LOGS.resolve(spec + ".log");
            List<String> command = new ArrayList<>(List.of("node", "node_modules/@playwright/test/cli.js", "test",
                "e2e/" + spec));
            // -Dbrowser.args="--repeat-each=20 -g mapping": a spec's test run again and again, to chase a flake.
            String extra = System.getProperty("browser.args", "").trim();
            if (!extra.isEmpty()) {
                command.addAll(List.of(extra.split("\\s+")));
            }
            ProcessBuilder pb = new ProcessBuilder(command).directory(CONSOLE.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
            pb.environment().put("KC_URL", serverUrl);
            pb.environment().put("DIRSYNC_E2E", new ObjectMapper().writeValueAsString(seed));
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail(spec + " did not end within 10 minutes; its output: " + log);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            System.out.println("---- " + spec + " ----\n" + output);
            if (p.exitValue() != 0) {
                fail(spec + " failed (exit " + p.exitValue() + "):\n" + tail(output, 120) + "\n(whole output: " + log
                    + "; failure screenshots under " + LOGS.resolve("results") + ")");
            }
        } catch (IOException e) {
            fail("could not run " + spec + " with node in " + CONSOLE + File.separator + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while " + spec + " ran");
        }
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }
}
