import { expect, test } from "@playwright/test";
import { expectAccessible, open, seed, signIn } from "./support";

test("an admin with only view-users sees the pages and no action button", async ({ page }) => {
  const errors = await signIn(page, "/dirsync/directories", String(seed.viewer), String(seed.viewerPassword));

  // The list: the directory, no "Add directory".
  await expect(page.getByRole("row", { name: /Viewed Okta/ })).toBeVisible();
  await expect(page.getByTestId("add-directory")).toHaveCount(0);
  await expect(page.getByTestId("nav-item-dirsync-trash")).toBeVisible();
  await expect(page.getByTestId("nav-item-dirsync-enrollments")).toBeVisible();

  // The directory's page: no Pause / Delete menu, a read-only form, no Regenerate, no mapping edits.
  await open(page, `/dirsync/directories/${seed.scimDirectoryId}/settings`);
  await expect(page.getByRole("heading", { name: "Viewed Okta" })).toBeVisible();
  await expect(page.getByTestId("settings-save")).toHaveCount(0);
  await expect(page.locator("#directory-name")).toBeDisabled();
  await expect(page.getByTestId("pause-resume")).toHaveCount(0);
  await expect(page.getByTestId("delete-directory")).toHaveCount(0);
  await expectAccessible(page, "directory settings, read-only");

  await page.getByTestId("tab-credentials").click();
  await expect(page.getByTestId("base-url")).toBeVisible();
  await expect(page.getByTestId("regenerate-token")).toHaveCount(0);

  await page.getByTestId("tab-mappings").click();
  await expect(page.getByTestId("required-mapping")).toHaveCount(4);
  await expect(page.getByTestId("mapping-add")).toHaveCount(0);
  await expect(page.getByTestId("mapping-save")).toHaveCount(0);

  // The user's page: status shown, not settable.
  await open(page, `/users/${seed.userId}/settings`);
  await expect(page.getByTestId("user-directory")).toHaveText("Viewed Okta");
  await expect(page.getByTestId("user-status")).toContainText("active");
  await expect(page.getByTestId("user-status-select")).toHaveCount(0);

  expect(errors).toEqual([]);
});
