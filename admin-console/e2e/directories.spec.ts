import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, seed, signIn } from "./support";

test("External Directories lists the realm's directories with their counts", async ({ page }) => {
  const errors = await signIn(page, "/dirsync/directories");
  await expect(page.getByRole("heading", { name: "External Directories" })).toBeVisible();
  const row = page.getByRole("row", { name: /Okta Production/ });
  await expect(row).toBeVisible();
  await expect(row.getByTestId("user-count")).toHaveText("1");
  await expect(row.getByTestId("status")).toHaveText("active");
  await expect(page.getByTestId("nav-item-dirsync-directories")).toHaveClass(/pf-m-current/);
  await expectAccessible(page, "External Directories");
  await screenshot(page, "directories");
  expect(errors).toEqual([]);
  expect(seed.scimDirectoryId).toBeTruthy();
});
