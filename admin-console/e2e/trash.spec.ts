import { expect, type Page, test } from "@playwright/test";
import { expectAccessible, screenshot, seed, signIn } from "./support";

/** A row of the table, by the username it shows. */
const row = (page: Page, username: string) => page.getByRole("row").filter({ has: page.getByRole("link", { name: username, exact: true }) });

async function search(page: Page, text: string) {
  const box = page.getByPlaceholder("Search by username or e-mail");
  await box.fill(text);
  await box.press("Enter");
}

async function rowAction(page: Page, username: string, action: string) {
  await row(page, username).getByRole("button", { name: /kebab toggle|actions/i }).click();
  await page.getByRole("menuitem", { name: action }).click();
}

test("Trash: find a user by search, restore it, delete one for good, restore two at once", async ({ page }) => {
  const errors = await signIn(page, "/dirsync/trash");
  await expect(page.getByRole("heading", { name: "Trash", exact: true })).toBeVisible();
  await expect(page.getByTestId("nav-item-dirsync-trash")).toHaveClass(/pf-m-current/);
  await expect(page.getByTestId("trash-count")).toHaveText("5 users in the trash");
  for (const u of ["leaver", "gone", "bulk1", "bulk2", "kept"]) await expect(row(page, u)).toBeVisible();
  await expect(page.getByTestId("matching-count")).toHaveText("5 users match");

  const leaver = row(page, "leaver");
  await expect(leaver.getByTestId("user-link")).toHaveAttribute(
    "href",
    new RegExp(`#/${seed.realm}/users/${seed.leaverId}/settings$`),
  );
  await expect(leaver).toContainText("leaver@corp.test");
  await expect(leaver).toContainText("Okta Trash");
  await expect(leaver).toContainText("deactivated");
  await expect(leaver.getByTestId("deletion")).toContainText("Deleted for good on");
  await expect(leaver.getByTestId("deletion")).toContainText(/in 7 days|next week/);
  await expectAccessible(page, "Trash");
  await screenshot(page, "trash");

  // The directory filter.
  await page.getByTestId("directory-filter").selectOption({ label: "Entra Trash" });
  await expect(row(page, "kept")).toBeVisible();
  await expect(row(page, "leaver")).toHaveCount(0);
  await expect(page.getByTestId("matching-count")).toHaveText("1 user matches");
  await page.getByTestId("directory-filter").selectOption({ label: "All directories" });
  await expect(row(page, "leaver")).toBeVisible();

  // Find by search, restore.
  await search(page, "LEAV");
  await expect(row(page, "leaver")).toBeVisible();
  await expect(row(page, "gone")).toHaveCount(0);
  await expect(page.getByTestId("matching-count")).toHaveText("1 user matches");
  await rowAction(page, "leaver", "Restore");
  await expect(page.getByText("User leaver was restored and enabled")).toBeVisible();
  await expect(row(page, "leaver")).toHaveCount(0);
  await expect(page.getByTestId("trash-count")).toHaveText("4 users in the trash");

  // Delete one permanently, after a confirmation that says it cannot be undone.
  await search(page, "gone");
  await rowAction(page, "gone", "Delete permanently");
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Delete permanently?");
  await expect(dialog).toContainText("cannot be undone");
  await expectAccessible(page, "Trash's delete confirmation");
  await dialog.getByTestId("confirm").click();
  await expect(page.getByText("User gone was deleted for good")).toBeVisible();
  await expect(row(page, "gone")).toHaveCount(0);
  await expect(page.getByTestId("trash-count")).toHaveText("3 users in the trash");

  // Bulk: select two, restore them.
  await search(page, "");
  await expect(row(page, "bulk1")).toBeVisible();
  await expect(page.getByTestId("restore-selected")).toBeDisabled();
  await row(page, "bulk1").getByRole("checkbox").check();
  await row(page, "bulk2").getByRole("checkbox").check();
  await page.getByTestId("restore-selected").click();
  await expect(page.getByRole("dialog")).toContainText("The 2 selected users leave the trash");
  await page.getByRole("dialog").getByTestId("confirm").click();
  await expect(page.getByText("2 users were restored")).toBeVisible();
  await expect(row(page, "bulk1")).toHaveCount(0);
  await expect(row(page, "bulk2")).toHaveCount(0);
  await expect(row(page, "kept")).toBeVisible();
  await expect(page.getByTestId("trash-count")).toHaveText("1 user in the trash");

  // Delete selected asks first; cancelling leaves the user.
  await row(page, "kept").getByRole("checkbox").check();
  await page.getByTestId("delete-selected").click();
  await expect(page.getByRole("dialog")).toContainText("cannot be undone");
  await page.getByRole("dialog").getByTestId("cancel").click();
  await expect(row(page, "kept")).toBeVisible();
  expect(errors).toEqual([]);
});
