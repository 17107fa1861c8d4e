import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, seed, signIn } from "./support";

// A step that cannot happen fails with its own reason, not the whole test's timeout.
test.use({ actionTimeout: 20_000 });
// The second test reads the directory the first one created.
test.describe.configure({ mode: "serial" });

const s = seed as typeof seed & {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  graphUrl: string;
  limitedUrl: string;
  engineeringId: string;
  adminsId: string;
  viewer: string;
  viewerPassword: string;
  certificatePem: string;
  privateKeyPem: string;
  certificateThumbprint: string;
};

test("The Entra ID wizard tests the app, picks groups by searching the tenant, creates the directory; it syncs and its settings keep the secret", async ({
  page,
}) => {
  test.setTimeout(300_000);
  const errors = await signIn(page, "/dirsync/directories");

  // "Add directory" offers Microsoft Entra ID.
  await page.getByTestId("add-directory").click();
  await expect(page.getByTestId("add-directory-entra")).toContainText("Microsoft Entra ID");
  await page.getByTestId("add-directory-entra").click();
  await expect(page).toHaveURL(/\/dirsync\/directories\/new\/entra$/);
  await expect(page.getByRole("heading", { name: "Add Microsoft Entra ID directory" })).toBeVisible();
  await expect(page.getByTestId("entra-name")).toHaveValue("New Entra ID Directory");

  // Create before the connection is filled in: the server's refusal, as it says it.
  await page.getByTestId("entra-create").click();
  await expect(page.getByTestId("entra-save-error")).toContainText("settings.tenantId is required");

  // Connection: the clouds preset their hosts; Custom lets the admin set them (the stand-in's).
  await page.getByTestId("entra-name").fill("Contoso Entra");
  await expect(page.getByTestId("entra-save-error")).toHaveCount(0);
  await expect(page.getByTestId("entra-cloud")).toHaveValue("global");
  await expect(page.getByTestId("entra-authority-host")).toHaveValue("https://login.microsoftonline.com");
  await expect(page.getByTestId("entra-graph-endpoint")).toHaveValue("https://graph.microsoft.com");
  await page.getByTestId("entra-cloud").selectOption("usgov");
  await expect(page.getByTestId("entra-authority-host")).toHaveValue("https://login.microsoftonline.us");
  await expect(page.getByTestId("entra-graph-endpoint")).toHaveValue("https://graph.microsoft.us");
  await page.getByTestId("entra-cloud").selectOption("china");
  await expect(page.getByTestId("entra-graph-endpoint")).toHaveValue("https://microsoftgraph.chinacloudapi.cn");
  await page.getByTestId("entra-cloud").selectOption("custom");
  await page.getByTestId("entra-tenant").fill(s.tenantId);
  await page.getByTestId("entra-client-id").fill(s.clientId);
  await expect(page.getByTestId("entra-test-connection")).toBeDisabled();
  await page.getByTestId("entra-client-secret").fill(s.clientSecret);

  // An app without GroupMember.Read.All: the page names the missing permission.
  await page.getByTestId("entra-authority-host").fill(s.limitedUrl);
  await page.getByTestId("entra-graph-endpoint").fill(s.limitedUrl);
  await page.getByTestId("entra-test-connection").click();
  const result = page.getByTestId("entra-test-result");
  await expect(result).toContainText("GroupMember.Read.All");
  const missing = result.locator('[data-testid="entra-check"][data-check="GroupMember.Read.All"]');
  await expect(missing).toHaveAttribute("data-ok", "false");
  await expect(missing).toContainText("Failed");
  await expect(missing).toContainText("lacks the application permission GroupMember.Read.All");
  await expect(result.locator('[data-testid="entra-check"][data-check="User.Read.All"]')).toHaveAttribute("data-ok", "true");
  await expectAccessible(page, "the Entra ID wizard with a failed test");
  await page.getByTestId("entra-test-connection").evaluate((b) => b.scrollIntoView({ block: "center" }));
  await screenshot(page, "entra-wizard-missing-permission");

  // The tenant whose app has every permission: each check passes.
  await page.getByTestId("entra-authority-host").fill(s.graphUrl);
  await page.getByTestId("entra-graph-endpoint").fill(s.graphUrl);
  await page.getByTestId("entra-test-connection").click();
  await expect(result).toContainText("Connected");
  await expect(result.locator('[data-testid="entra-check"][data-ok="false"]')).toHaveCount(0);
  await expect(result.locator('[data-testid="entra-check"][data-check="token"]')).toContainText("OK");
  await expect(result.locator('[data-testid="entra-check"][data-check="GroupMember.Read.All"]')).toContainText("OK");

  // Synced groups: search the tenant by name, pick one (name and object id shown).
  await page.getByTestId("entra-synced-groups-search").locator("input").fill("Eng");
  const option = page.getByRole("option", { name: /Engineering/ });
  await expect(option).toBeVisible();
  await expect(option).toContainText(s.engineeringId);
  await expect(page.getByRole("option", { name: /Sales/ })).toHaveCount(0);
  await option.click();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("entra-synced-groups-chip")).toHaveText(`Engineering (${s.engineeringId})`);
  // PatternFly's switch draws its toggle over the checkbox: the click lands on the toggle, inside the label.
  await page.getByRole("checkbox", { name: "Include members of nested groups" }).check({ force: true });

  // An admin group, picked the same way, and its role.
  await page.getByTestId("entra-add-admin-group").click();
  await page.getByTestId("entra-admin-group-0-search").locator("input").fill("Adm");
  await page.getByRole("option", { name: /Admins/ }).click();
  await expect(page.getByTestId("entra-admin-group-0-chip")).toHaveText(`Admins (${s.adminsId})`);
  await page.getByTestId("entra-admin-role-0").selectOption("help-desk");

  // Attributes: the username attribute and its required mappings; one optional mapping.
  await expect(page.getByTestId("entra-username-attribute")).toHaveValue("userPrincipalName");
  for (const a of ["mail", "onPremisesSamAccountName", "employeeId"]) {
    await expect(page.getByTestId("entra-username-attribute").locator(`option[value="${a}"]`)).toHaveCount(1);
  }
  await expect(page.getByTestId("entra-required-mapping").first()).toContainText("userPrincipalName");
  await page.getByTestId("entra-mapping-add").click();
  await page.getByTestId("entra-mapping-source-0").fill("employeeId");
  await page.getByTestId("entra-mapping-target-0").fill("alias1");

  // Sign-in: the realm's identity providers, with what choosing one (or none) means.
  await expect(page.getByTestId("entra-identity-provider-help")).toContainText(
    "Entra users sign in through this identity provider, linked by object id",
  );
  await expect(page.getByTestId("entra-identity-provider").locator('option[value="microsoft"]')).toHaveText(
    "Microsoft (microsoft)",
  );
  await page.getByTestId("entra-identity-provider").selectOption("microsoft");
  // With a provider, a Keycloak password is refused unless the admin allows it.
  await expect(page.getByRole("checkbox", { name: "Also allow a Keycloak password" })).not.toBeChecked();

  await page.getByTestId("entra-incremental-sync").fill("30");

  await expectAccessible(page, "the Entra ID wizard");
  await page.getByRole("heading", { name: "Groups", exact: true }).evaluate((h) => h.scrollIntoView({ block: "start" }));
  await screenshot(page, "entra-wizard");

  // Create: the directory's page opens, the secret stored and never shown.
  await page.getByTestId("entra-create").click();
  await expect(page).toHaveURL(/\/dirsync\/directories\/[^/]+\/settings$/);
  await expect(page.getByRole("heading", { name: "Contoso Entra" })).toBeVisible();
  await expect(page.getByTestId("entra-secret-help")).toContainText("A client secret is stored");
  await expect(page.getByTestId("entra-client-secret")).toHaveValue("");
  await expect(page.getByTestId("entra-client-secret")).toHaveAttribute("placeholder", "Stored, unchanged");
  await expect(page.getByTestId("tab-sync")).toBeVisible();
  await expect(page.getByTestId("tab-credentials")).toHaveCount(0);
  await expect(page.getByTestId("status").first()).toHaveText("active");

  // Sync tab: the incremental kind is offered; a full sync creates the users.
  await page.getByTestId("tab-sync").click();
  await expect(page.getByTestId("sync-kind-incremental")).toBeVisible();
  await expect(page.getByTestId("schedule-incremental")).toHaveText("Every 30 min");
  await expect(page.getByTestId("schedules-off")).toHaveCount(0);
  await expect(page.getByTestId("sync-kind-full")).toBeChecked();
  await expectAccessible(page, "the Entra ID directory's Sync tab");
  await page.getByTestId("sync-now").click();
  const followed = page.getByTestId("followed-run");
  await expect(followed.getByTestId("status")).toHaveText("completed", { timeout: 120_000 });
  await expect(followed.getByTestId("followed-counts")).toContainText("0 failed");
  await expect(followed.getByTestId("followed-counts")).not.toContainText(/^0 created/);
  await screenshot(page, "entra-sync");
  await followed.getByTestId("open-report").click();
  const report = page.getByTestId("run-report");
  await expect(report.getByTestId("status")).toHaveText("completed");
  // alice and bob (Engineering), carol (Platform, nested in Engineering), dave (the admin group)
  await expect(report.getByTestId("count-created").getByTestId("users")).toHaveText("4");

  // Settings tab after the sync: the secret stored, the group's name from the directory, the username locked,
  // and Test connection with the stored secret (?directory=).
  await page.getByTestId("tab-settings").click();
  await expect(page.getByTestId("entra-secret-help")).toContainText("A client secret is stored");
  await expect(page.getByTestId("entra-client-secret")).toHaveValue("");
  await expect(page.getByTestId("entra-synced-groups-chip")).toHaveText(`Engineering (${s.engineeringId})`);
  await expect(page.getByTestId("username-attribute-locked")).toBeVisible();
  await expect(page.getByTestId("entra-identity-provider")).toHaveValue("microsoft");
  await expect(page.getByTestId("entra-cloud")).toHaveValue("custom");
  await page.getByTestId("entra-test-connection").click();
  await expect(page.getByTestId("entra-test-result")).toContainText("Connected");
  await expect(page.getByTestId("entra-mappings-link")).toBeVisible();
  await expect(page.getByTestId("entra-save")).toBeDisabled();
  await expectAccessible(page, "the Entra ID directory's Settings tab");
  await screenshot(page, "entra-settings");
  expect(errors).toEqual([]);
});

test("An admin with only view-users sees the Entra ID directory's pages and no action button", async ({ page }) => {
  const errors = await signIn(page, "/dirsync/directories", s.viewer, s.viewerPassword);
  const row = page.getByRole("row", { name: /Contoso Entra/ });
  await expect(row).toContainText("Microsoft Entra ID");
  await expect(page.getByTestId("add-directory")).toHaveCount(0);
  await row.getByTestId("directory-link").click();

  await expect(page.getByRole("heading", { name: "Contoso Entra" })).toBeVisible();
  await expect(page.getByTestId("entra-client-secret")).toHaveValue("Stored, unchanged");
  await expect(page.getByTestId("entra-secret-help")).toContainText("A client secret is stored");
  await expect(page.getByTestId("entra-synced-groups-chip")).toHaveText(`Engineering (${s.engineeringId})`);
  await expect(page.getByTestId("entra-identity-provider")).toHaveValue("microsoft");
  for (const id of [
    "entra-save",
    "entra-revert",
    "entra-test-connection",
    "entra-add-admin-group",
    "entra-mapping-add",
    "pause-resume",
    "delete-directory",
  ]) {
    await expect(page.getByTestId(id)).toHaveCount(0);
  }
  await expectAccessible(page, "the Entra ID directory's Settings tab, read-only");
  await screenshot(page, "entra-settings-read-only");

  await page.getByTestId("tab-sync").click();
  await expect(page.getByTestId("sync-read-only")).toBeVisible();
  await expect(page.getByTestId("sync-now")).toHaveCount(0);
  await expect(page.getByTestId("sync-pause-resume")).toHaveCount(0);
  await expect(page.getByTestId("schedule-incremental")).toHaveText("Every 30 min");
  await expectAccessible(page, "the Entra ID directory's Sync tab, read-only");

  await page.getByTestId("tab-mappings").click();
  await expect(page.getByTestId("required-mapping")).toHaveCount(4);
  await expect(page.getByTestId("mapping-add")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("The Entra ID settings switch the app to a certificate: tested, saved, its thumbprint shown and the key never", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const errors = await signIn(page, "/dirsync/directories");
  await page.getByRole("row", { name: /Contoso Entra/ }).getByTestId("directory-link").click();
  await expect(page.getByRole("heading", { name: "Contoso Entra" })).toBeVisible();
  await expect(page.getByTestId("entra-credential")).toHaveValue("secret");

  await page.getByTestId("entra-credential").selectOption("certificate");
  await expect(page.getByTestId("entra-client-secret")).toHaveCount(0);
  await expect(page.getByTestId("entra-key-help")).toContainText("never shown again");
  await expect(page.getByTestId("entra-test-connection")).toBeDisabled();
  await page.getByTestId("entra-certificate").fill(s.certificatePem);
  await page.getByTestId("entra-private-key").fill(s.privateKeyPem);
  await page.getByTestId("entra-test-connection").click();
  await expect(page.getByTestId("entra-test-result")).toContainText("Connected");

  await page.getByTestId("entra-save").click();
  await expect(page.getByTestId("entra-certificate-stored")).toContainText(`thumbprint ${s.certificateThumbprint}`);
  await expect(page.getByTestId("entra-certificate-stored")).toContainText("CN=contoso-entra-sync");
  await expect(page.getByTestId("entra-private-key")).toHaveValue("");
  await expect(page.getByTestId("entra-private-key")).toHaveAttribute("placeholder", "Stored, unchanged");
  await expect(page.getByTestId("entra-key-help")).toContainText("A private key is stored");

  // Reopened: the certificate shown, the key not; Test connection signs in with the stored key.
  await page.reload();
  await expect(page.getByTestId("entra-credential")).toHaveValue("certificate");
  await expect(page.getByTestId("entra-certificate")).toHaveValue(/BEGIN CERTIFICATE/);
  await expect(page.getByTestId("entra-private-key")).toHaveValue("");
  await page.getByTestId("entra-test-connection").click();
  await expect(page.getByTestId("entra-test-result")).toContainText("Connected");
  await expectAccessible(page, "the Entra ID settings with a certificate");
  await screenshot(page, "entra-settings-certificate");
  expect(errors).toEqual([]);
});
