import { expect, test } from "@playwright/test";
import { expectAccessible, open, seed, signIn } from "./support";

test("an admin with only manage-realm configures directories and sees nothing of their users", async ({ page }) => {
  const errors = await signIn(page, "/dirsync/directories", String(seed.configurer), String(seed.configurerPassword));

  // The navigation: Directories, not the pages that list users (trash, pending enrollments).
  await expect(page.getByTestId("nav-item-dirsync-directories")).toBeVisible();
  await expect(page.getByTestId("nav-item-dirsync-trash")).toHaveCount(0);
  await expect(page.getByTestId("nav-item-dirsync-enrollments")).toHaveCount(0);

  // The list, with "Add directory".
  const row = page.getByRole("row", { name: /Configured Okta/ });
  await expect(row).toBeVisible();
  await expect(row.getByTestId("user-count")).toHaveText("1");
  await expect(page.getByTestId("add-directory")).toBeVisible();
  await expectAccessible(page, "the directories, manage-realm only");

  // The directory's page: its configuration tabs, none about its users; Pause and Delete in the header's menu.
  await row.getByTestId("directory-link").click();
  await expect(page.getByRole("heading", { name: "Configured Okta" })).toBeVisible();
  for (const tab of ["settings", "credentials", "mappings"]) {
    await expect(page.getByTestId(`tab-${tab}`)).toBeVisible();
  }
  for (const tab of ["groups", "sync", "history"]) {
    await expect(page.getByTestId(`tab-${tab}`)).toHaveCount(0);
  }
  await page.getByTestId("action-dropdown").click();
  await expect(page.getByTestId("pause-resume")).toBeVisible();
  await expect(page.getByTestId("delete-directory")).toBeVisible();
  await page.keyboard.press("Escape");

  // Settings are editable and saved.
  await expect(page.getByTestId("directory-name")).toBeEnabled();
  await page.getByTestId("directory-name").fill("Configured Okta (renamed)");
  await page.getByTestId("settings-save").click();
  await expect(page.getByRole("heading", { name: "Configured Okta (renamed)" })).toBeVisible();
  await expectAccessible(page, "a directory's settings, manage-realm only");

  await page.getByTestId("tab-credentials").click();
  await expect(page.getByTestId("base-url")).toBeVisible();
  await expect(page.getByTestId("regenerate-token")).toBeVisible();

  await page.getByTestId("tab-mappings").click();
  await expect(page.getByTestId("required-mapping")).toHaveCount(4);
  await expect(page.getByTestId("mapping-add")).toBeVisible();

  // A users' tab opened by its address shows the settings instead; a users' page says which roles it needs.
  await open(page, `/dirsync/directories/${seed.scimDirectoryId}/history`);
  await expect(page.getByTestId("directory-name")).toHaveValue("Configured Okta (renamed)");
  await open(page, "/dirsync/trash");
  await expect(page.getByText(/view-users or manage-users/)).toBeVisible();

  expect(errors).toEqual([]);
});
