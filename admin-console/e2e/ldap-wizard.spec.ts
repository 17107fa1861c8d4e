import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, seed, signIn } from "./support";

// A step that cannot happen fails with its own reason, not the whole test's timeout.
test.use({ actionTimeout: 20_000 });

const s = seed as typeof seed & {
  connectionUrl: string;
  bindDn: string;
  bindCredential: string;
  usersDn: string;
  engineeringDn: string;
  salesDn: string;
};

test("The LDAP wizard tests the connection, picks a group by searching the directory and creates the directory", async ({
  page,
}) => {
  const errors = await signIn(page, "/dirsync/directories/new/ldap");
  await expect(page.getByRole("heading", { name: "Add LDAP / Active Directory directory" })).toBeVisible();
  await expect(page.getByTestId("ldap-name")).toHaveValue("New LDAP Directory");

  // Create before the connection is filled in: the server's refusal, as it says it.
  await page.getByTestId("ldap-create").click();
  await expect(page.getByTestId("ldap-save-error")).toContainText("settings.connectionUrl is required");

  await page.getByTestId("ldap-name").fill("Corp LDAP");
  await expect(page.getByTestId("ldap-save-error")).toHaveCount(0);
  await page.getByTestId("ldap-vendor").selectOption("openldap");
  await expect(page.getByTestId("ldap-username-attribute")).toHaveValue("uid");
  await page.getByTestId("ldap-url").fill(s.connectionUrl);
  await expect(page.getByTestId("ldap-security")).toHaveValue("none");
  await page.getByTestId("ldap-bind-dn").fill(s.bindDn);

  // A wrong password: the failure says which host refused which account.
  await page.getByTestId("ldap-bind-credential").fill("not-the-password");
  await page.getByTestId("ldap-test-authentication").click();
  const result = page.getByTestId("ldap-test-result");
  await expect(result).toContainText("refused the bind DN or credential");
  await expect(result).toContainText(s.bindDn);
  await expect(result).toContainText(s.connectionUrl.replace("ldap://", ""));

  await page.getByTestId("ldap-bind-credential").fill(s.bindCredential);
  await page.getByTestId("ldap-test-connection").click();
  await expect(result).toContainText("Connected to " + s.connectionUrl.replace("ldap://", ""));
  await page.getByTestId("ldap-test-authentication").click();
  await expect(result).toContainText("Signed in to");

  await page.getByTestId("ldap-users-dn").fill(s.usersDn);

  // Synced groups: search the directory by name, pick one.
  await page.getByTestId("ldap-synced-groups-search").locator("input").fill("Eng");
  const option = page.getByRole("option", { name: /Engineering/ });
  await expect(option).toBeVisible();
  await expect(option).toContainText(s.engineeringDn);
  await expect(option).toContainText("2 members");
  await expect(page.getByRole("option", { name: /Sales/ })).toHaveCount(0);
  await option.click();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("ldap-synced-groups-chip")).toHaveText(s.engineeringDn);
  // PatternFly's switch draws its toggle over the checkbox: the click lands on the toggle, inside the label.
  await page.getByRole("checkbox", { name: "Nested membership" }).check({ force: true });

  await page.getByTestId("ldap-add-alias").click();
  await page.getByTestId("ldap-alias-1").fill("mail");

  // An admin group, picked the same way, and its role.
  await page.getByTestId("ldap-add-admin-group").click();
  await page.getByTestId("ldap-admin-group-0-search").locator("input").fill("Sal");
  await page.getByRole("option", { name: /Sales/ }).click();
  await expect(page.getByTestId("ldap-admin-group-0-chip")).toHaveText(s.salesDn);
  await page.getByTestId("ldap-admin-role-0").selectOption("help-desk");

  await page.getByTestId("ldap-admin-sync").fill("60");
  await page.getByRole("checkbox", { name: "Send enrollment e-mails" }).check({ force: true });

  await expectAccessible(page, "the LDAP wizard");
  await page.getByRole("heading", { name: "Connection", exact: true }).evaluate((h) => h.scrollIntoView({ block: "start" }));
  await screenshot(page, "ldap-wizard");

  await page.getByTestId("ldap-create").click();
  await expect(page).toHaveURL(/\/dirsync\/directories\/[^/]+\/settings$/);
  await expect(page.getByRole("heading", { name: "Corp LDAP" })).toBeVisible();
  // activated by the wizard: only an active directory is synced on its schedules
  await expect(page.getByTestId("status").first()).toHaveText("active");
  await expect(page.getByTestId("ldap-credential-help")).toContainText("A credential is stored");
  await expect(page.getByTestId("ldap-bind-credential")).toHaveValue("");
  expect(errors).toEqual([]);
});
