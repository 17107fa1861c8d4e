import { expect, test, type Page } from "@playwright/test";
import { createHmac } from "node:crypto";
import { expectAccessible, open, screenshot, seed, signIn } from "./support";

type Keys = { apiHostname: string; integrationKey: string; secretKey: string; endpoint: string };

/** Duo's percent-encoding of a canonical parameter: only unreserved characters and ~ stay as they are. */
const duoEncode = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

/**
 * A request as Duo's clients sign it (v2: Date, method, API host, path, sorted parameters; HMAC-SHA1, Basic
 * ikey:signature), sent straight to the directory's endpoint: the server checks the signature against the
 * directory's API hostname, so no proxy is needed here (DuoProxySuite tests the proxy).
 */
async function duo(keys: Keys, method: string, path: string, params: Record<string, string> = {}) {
  const date = new Date().toUTCString();
  const canon = Object.keys(params)
    .sort()
    .map((k) => `${duoEncode(k)}=${duoEncode(params[k])}`)
    .join("&");
  const signature = createHmac("sha1", keys.secretKey)
    .update([date, method, keys.apiHostname.toLowerCase(), path, canon].join("\n"))
    .digest("hex");
  const post = method === "POST";
  const response = await fetch(keys.endpoint + path + (!post && canon ? `?${canon}` : ""), {
    method,
    headers: {
      Date: date,
      Authorization: "Basic " + Buffer.from(`${keys.integrationKey}:${signature}`).toString("base64"),
      ...(post ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
    },
    body: post ? canon : undefined,
  });
  return { status: response.status, json: (await response.json()) as any };
}

async function readKeys(page: Page): Promise<Keys> {
  await expect(page.getByTestId("credentials-dialog")).toBeVisible();
  const value = (id: string) => page.getByTestId(id).locator("input").inputValue();
  return {
    apiHostname: await value("duo-api-hostname"),
    integrationKey: await value("duo-integration-key"),
    secretKey: await value("duo-secret-key"),
    endpoint: await value("duo-endpoint"),
  };
}

test("a Duo Admin API directory set up through the wizard takes a user pushed with the keys it showed", async ({ page }) => {
  const errors = await signIn(page, "/dirsync/directories");
  await page.getByTestId("add-directory").click();
  await expect(page.getByTestId("add-directory-duo-admin-api")).toContainText("Duo Admin API");
  await page.getByTestId("add-directory-duo-admin-api").click();

  // Step 1: the server proposes the name; the API hostname and the role of userType=admin.
  await expect(page.getByTestId("directory-name")).toHaveValue("New Duo Admin API Sync");
  await page.getByTestId("directory-name").fill("Corp Duo");
  await page.getByTestId("duo-api-hostname-setting").fill("https://duo-api.example.test/");
  await page.getByTestId("duo-admin-role").selectOption("help-desk");
  await expectAccessible(page, "Duo wizard, name step");
  await screenshot(page, "duo-wizard");
  // A URL is not a host name: the server's refusal is shown and the wizard stays on the step.
  await page.getByTestId("wizard-next").click();
  await expect(page.getByText("must be a host name").first()).toBeVisible();
  await expect(page.getByTestId("duo-api-hostname-setting")).toBeVisible();
  await page.getByTestId("duo-api-hostname-setting").fill("DUO-API.Example.test");
  await page.getByTestId("wizard-next").click();

  // Step 2: Duo's required mappings are locked.
  await expect(page.getByTestId("required-mapping")).toHaveCount(4);
  await page.getByTestId("wizard-next").click();
  // Step 3: enrollment e-mails stay off.
  await page.getByTestId("wizard-next").click();

  // Step 4: Complete setup shows the API hostname, integration key, secret key and the proxy's target once.
  await expect(page.getByText("Help Desk", { exact: true }).first()).toBeVisible();
  await page.getByTestId("wizard-next").click();
  const keys = await readKeys(page);
  expect(keys.apiHostname).toBe("duo-api.example.test");
  expect(keys.integrationKey).toMatch(/^DI[A-Z0-9]{18}$/);
  expect(keys.secretKey).toHaveLength(40);
  expect(keys.endpoint).toMatch(new RegExp(`/realms/${seed.realm}/dirsync/[0-9a-f-]{36}/duo$`));
  await expect(page.getByTestId("duo-keys-expire")).not.toHaveText("—");
  await expectAccessible(page, "Duo keys dialog");
  await screenshot(page, "duo-credentials");
  await page.getByTestId("credentials-done").click();

  // The keys work: a user created as Duo's clients do.
  const created = await duo(keys, "POST", "/admin/v1/users", { username: "grace", email: "grace@corp.test", realname: "Grace Hopper", alias1: "ghopper" });
  expect(created.status, JSON.stringify(created.json)).toBe(200);
  expect(created.json.response.alias1).toBe("ghopper");

  // Its Credentials tab: the host, the proxy's target, the integration key (no secret key), the connection.
  await expect(page.getByTestId("tab-credentials")).toHaveAttribute("aria-selected", "true");
  await page.reload();
  await expect(page.getByTestId("api-hostname").locator("input")).toHaveValue("duo-api.example.test");
  await expect(page.getByTestId("endpoint").locator("input")).toHaveValue(keys.endpoint);
  await expect(page.getByTestId("integration-key").locator("input")).toHaveValue(keys.integrationKey);
  await expect(page.getByTestId("keys-status")).toContainText("valid");
  await expect(page.getByTestId("connection")).toHaveText("connected");
  await expect(page.getByTestId("last-request")).not.toHaveText("—");
  await expect(page.getByText(keys.secretKey)).toHaveCount(0);
  // The tabs of a push directory: no Sync tab.
  for (const tab of ["settings", "credentials", "mappings", "groups", "history"]) {
    await expect(page.getByTestId(`tab-${tab}`)).toBeVisible();
  }
  await expect(page.getByTestId("tab-sync")).toHaveCount(0);
  await expectAccessible(page, "Duo credentials tab");
  await screenshot(page, "duo-credentials-tab");

  // Regenerate keys, after a confirmation: the old pair stops at once, the new one works.
  await page.getByTestId("regenerate-keys").click();
  await expect(page.getByText("stop working at once")).toBeVisible();
  await page.getByRole("button", { name: "Regenerate keys" }).last().click();
  const fresh = await readKeys(page);
  expect(fresh.integrationKey).not.toBe(keys.integrationKey);
  expect(fresh.secretKey).not.toBe(keys.secretKey);
  const old = await duo(keys, "GET", "/admin/v1/users", { username: "grace" });
  expect(old.status).toBe(401);
  expect(old.json.code).toBe(40103);
  const now = await duo(fresh, "GET", "/admin/v1/users", { username: "grace" });
  expect(now.status).toBe(200);
  expect(now.json.response[0].user_id).toBe(created.json.response.user_id);
  await page.getByTestId("credentials-done").click();
  await expect(page.getByTestId("integration-key").locator("input")).toHaveValue(fresh.integrationKey);

  // Settings: the host name and role as saved; a bad host name is refused, a good change saved.
  await page.getByTestId("tab-settings").click();
  await expect(page.getByTestId("duo-api-hostname-setting")).toHaveValue("duo-api.example.test");
  await expect(page.getByTestId("duo-admin-role")).toHaveValue("help-desk");
  await page.getByTestId("duo-api-hostname-setting").fill("duo api");
  await page.getByTestId("settings-save").click();
  await expect(page.getByTestId("duo-save-error")).toContainText("must be a host name");
  await page.getByTestId("duo-api-hostname-setting").fill("duo-api.example.test");
  await page.getByTestId("duo-admin-role").selectOption("user-manager");
  await page.getByTestId("settings-save").click();
  await expect(page.getByText("Saved", { exact: true })).toBeVisible();
  await expectAccessible(page, "Duo settings tab");

  // The list: the type, the user count, active.
  await open(page, "/dirsync/directories");
  const row = page.getByRole("row", { name: /Corp Duo/ });
  await expect(row).toContainText("Duo Admin API");
  await expect(row.getByTestId("user-count")).toHaveText("1");
  await expect(row.getByTestId("status")).toHaveText("active");

  expect(errors).toEqual([]);
});
