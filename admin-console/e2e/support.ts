import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** What ConsoleBrowserSuite seeded for this spec: the realm, the admin to sign in as, ids, URLs. */
export type Seed = {
  realm: string;
  adminUser: string;
  adminPassword: string;
  [key: string]: unknown;
};

export const seed: Seed = JSON.parse(process.env.DIRSYNC_E2E ?? "{}");

const here = dirname(fileURLToPath(import.meta.url));
const screenshots = join(here, "..", "..", "docs", "console");

/**
 * Signs in to the master realm's console (as a master-realm admin managing the test realm does, or
 * as another admin) and opens a page of the test realm.
 */
export async function signIn(page: Page, path: string, user = seed.adminUser, password = seed.adminPassword) {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`/admin/master/console/#/${encodeURIComponent(seed.realm)}${path}`);
  await page.locator("#username").fill(user);
  await page.locator("#password").fill(password);
  await page.locator("#kc-login").click();
  await expect(page.getByTestId("currentRealm")).toBeVisible();
  return errors;
}

/** Opens a page of the test realm in the signed-in console. */
export async function open(page: Page, path: string) {
  await page.goto(`/admin/master/console/#/${encodeURIComponent(seed.realm)}${path}`);
}

/**
 * The accessibility check every page passes: axe-core in the same browser, no violation rated
 * serious or critical. The violations found are in the failure message.
 */
export async function expectAccessible(page: Page, what: string) {
  // The whole page: Keycloak's header and our navigation as well as the page's own content.
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`),
    `accessibility of ${what}`,
  ).toEqual([]);
}

/** A screenshot for docs/console (shown in the README); taken when the suite runs with SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string) {
  if (process.env.SCREENSHOTS !== "1") return;
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`) });
}
