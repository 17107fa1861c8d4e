import { expect, test } from "@playwright/test";
import { expectAccessible, seed, signIn } from "./support";

test("An admin with only view-users sees the Trash and Pending Enrollments tables and no action button", async ({
  page,
}) => {
  const errors = await signIn(page, "/dirsync/trash", seed.viewerUser as string, seed.viewerPassword as string);
  await expect(page.getByRole("heading", { name: "Trash", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "leaver", exact: true })).toBeVisible();
  await expect(page.getByTestId("trash-count")).toHaveText("1 user in the trash");
  await expect(page.getByTestId("directory-filter")).toBeVisible();
  await expect(page.getByTestId("restore-selected")).toHaveCount(0);
  await expect(page.getByTestId("delete-selected")).toHaveCount(0);
  await expect(page.getByRole("checkbox")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /kebab toggle|actions/i })).toHaveCount(0);
  await expectAccessible(page, "Trash, read-only");

  await page.getByTestId("nav-item-dirsync-enrollments").click();
  await expect(page.getByRole("heading", { name: "Pending Enrollments", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "newbie", exact: true })).toBeVisible();
  await expect(page.getByTestId("last-error")).toContainText("Frontend URL");
  await expect(page.getByTestId("resend-all")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /kebab toggle|actions/i })).toHaveCount(0);
  await expectAccessible(page, "Pending Enrollments, read-only");
  expect(errors).toEqual([]);
});
