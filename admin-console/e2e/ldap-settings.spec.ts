import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, seed, signIn } from "./support";

// A step that cannot happen fails with its own reason, not the whole test's timeout.
test.use({ actionTimeout: 20_000 });

const s = seed as typeof seed & {
  directoryId: string;
  engineeringDn: string;
  salesDn: string;
  connectionUrl: string;
  auditorUser: string;
  auditorPassword: string;
};

test("An LDAP directory's settings: the username attribute locked after the first sync, saved with the stored credential", async ({
  page,
}) => {
  const errors = await signIn(page, `/dirsync/directories/${s.directoryId}/settings`);
  const username = page.getByTestId("ldap-username-attribute");
  await expect(username).toHaveValue("uid");
  await expect(username).toHaveAttribute("readonly", "");
  await expect(page.getByTestId("username-attribute-lock")).toBeVisible();
  await expect(page.getByTestId("username-attribute-locked")).toHaveText(
    "Cannot change after the first sync; add it as an alias instead.",
  );
  await expect(page.getByTestId("ldap-credential-help")).toContainText("A credential is stored");
  await expect(page.getByTestId("ldap-synced-groups-chip")).toHaveText(s.engineeringDn);

  // Nothing typed: the tests and the search use the stored credential.
  await page.getByTestId("ldap-test-authentication").click();
  await expect(page.getByTestId("ldap-test-result")).toContainText("Signed in to");
  await page.getByTestId("ldap-synced-groups-search").locator("input").fill("Sal");
  await page.getByRole("option", { name: /Sales/ }).click();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("ldap-synced-groups-chip")).toHaveCount(2);

  await page.getByTestId("ldap-full-sync").fill("60");
  await expectAccessible(page, "an LDAP directory's settings");
  await page.getByRole("heading", { name: "Users and groups" }).evaluate((h) => h.scrollIntoView({ block: "start" }));
  await screenshot(page, "ldap-settings");
  await page.getByTestId("ldap-save").click();
  await expect(page.getByText("Settings saved")).toBeVisible();

  // A refusal of the server is shown as it says it.
  await page.getByTestId("ldap-users-dn").fill("");
  await page.getByTestId("ldap-save").click();
  await expect(page.getByTestId("ldap-save-error")).toContainText("settings.usersDn is required");
  await page.getByTestId("ldap-revert").click();
  await expect(page.getByTestId("ldap-save-error")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("An admin with only view-users sees an LDAP directory's settings read-only", async ({ page }) => {
  const errors = await signIn(page, `/dirsync/directories/${s.directoryId}/settings`, s.auditorUser, s.auditorPassword);
  await expect(page.getByTestId("ldap-username-attribute")).toHaveValue("uid");
  await expect(page.getByTestId("ldap-name")).toHaveAttribute("readonly", "");
  await expect(page.getByTestId("ldap-url")).toHaveValue(s.connectionUrl);
  await expect(page.getByTestId("ldap-synced-groups-chip")).toHaveCount(2);
  for (const id of ["ldap-save", "ldap-test-connection", "ldap-test-authentication", "ldap-add-alias", "ldap-add-admin-group", "ldap-synced-groups-search"]) {
    await expect(page.getByTestId(id)).toHaveCount(0);
  }
  await expectAccessible(page, "an LDAP directory's settings, read-only");
  expect(errors).toEqual([]);
});
