import { defineConfig } from "@playwright/test";

/**
 * The console's browser tests. They are started by src/test/java/io/dirsync/console/ConsoleBrowserSuite
 * (mvn -Pbrowser verify), which starts Keycloak with the extension, seeds what each spec needs and
 * passes it in the environment (e2e/support.ts). Chromium is Debian's (apt-get install chromium);
 * Playwright's own browser download does not work here.
 */
export default defineConfig({
  testDir: "e2e",
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "../target/browser/results",
  use: {
    baseURL: process.env.KC_URL ?? "http://localhost:8080",
    viewport: { width: 1440, height: 900 },
    screenshot: "only-on-failure",
    trace: "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
