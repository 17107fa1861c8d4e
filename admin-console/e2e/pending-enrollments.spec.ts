import { expect, type Page, test } from "@playwright/test";
import { expectAccessible, screenshot, signIn } from "./support";

const row = (page: Page, username: string) =>
  page.getByRole("row").filter({ has: page.getByRole("link", { name: username, exact: true }) });

async function rowAction(page: Page, username: string, action: string) {
  await row(page, username).getByRole("button", { name: /kebab toggle|actions/i }).click();
  await page.getByRole("menuitem", { name: action }).click();
}

test("Pending Enrollments: list, search, resend one, delete one, resend all", async ({ page }) => {
  const errors = await signIn(page, "/dirsync/enrollments");
  await expect(page.getByRole("heading", { name: "Pending Enrollments", exact: true })).toBeVisible();
  await expect(page.getByTestId("nav-item-dirsync-enrollments")).toHaveClass(/pf-m-current/);
  for (const u of ["ann", "ben", "cy"]) await expect(row(page, u)).toBeVisible();
  await expect(page.getByTestId("matching-count")).toHaveText("3 enrollments match");
  const ann = row(page, "ann");
  await expect(ann).toContainText("ann@corp.test");
  await expect(ann).toContainText("Okta Enrollments");
  await expect(ann.getByTestId("reminders")).toHaveText("0");
  await expect(ann.getByTestId("sent")).not.toHaveText("Not sent yet");
  await expect(ann).toContainText(/in 30 days|in 29 days/);
  await expectAccessible(page, "Pending Enrollments");
  await screenshot(page, "pending-enrollments");

  // Search, then resend ann's e-mail.
  const box = page.getByPlaceholder("Search by username or e-mail");
  await box.fill("ANN@");
  await box.press("Enter");
  await expect(row(page, "ann")).toBeVisible();
  await expect(row(page, "ben")).toHaveCount(0);
  await expect(page.getByTestId("matching-count")).toHaveText("1 enrollment matches");
  await rowAction(page, "ann", "Resend");
  await expect(page.getByText("The enrollment e-mail was sent again to ann@corp.test (ann)")).toBeVisible();

  // Delete ben's enrollment, after a confirmation.
  await expect(row(page, "ben")).toBeVisible();
  await rowAction(page, "ben", "Delete");
  await expect(page.getByRole("dialog")).toContainText("stops working at once");
  await page.getByRole("dialog").getByTestId("confirm").click();
  await expect(page.getByText("The enrollment of ben was deleted")).toBeVisible();
  await expect(row(page, "ben")).toHaveCount(0);
  await expect(page.getByTestId("matching-count")).toHaveText("2 enrollments match");

  // Resend all, after a confirmation: it says what it did.
  await page.getByTestId("resend-all").click();
  await expect(page.getByRole("dialog")).toContainText("same link and expiry");
  await page.getByRole("dialog").getByTestId("confirm").click();
  await expect(page.getByText("Sent 2, failed 0")).toBeVisible();
  expect(errors).toEqual([]);
});
