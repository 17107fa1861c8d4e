import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, seed, signIn } from "./support";

const directory = `/dirsync/directories/${seed.directoryId}`;
const heldReport = `${directory}/history/${seed.heldRunId}`;

test("a view-users admin reads the held run but sees no Confirm, Sync or Pause button", async ({ page }) => {
  const errors = await signIn(page, heldReport, seed.viewerUser as string, seed.viewerPassword as string);
  const report = page.getByTestId("run-report");
  await expect(report.getByTestId("status")).toHaveText("held");
  await expect(report.getByTestId("held-user")).toHaveCount(10);
  await expect(page.getByTestId("confirm-held")).toHaveCount(0);

  await page.getByTestId("tab-sync").click();
  await expect(page.getByRole("heading", { name: "Sync now" })).toBeVisible();
  await expect(page.getByTestId("schedule-full")).toBeVisible();
  await expect(page.getByTestId("sync-read-only")).toBeVisible();
  await expect(page.getByTestId("sync-now")).toHaveCount(0);
  await expect(page.getByTestId("sync-pause-resume")).toHaveCount(0);
  await expectAccessible(page, "the Sync tab, read-only");
  expect(errors).toEqual([]);
});

test("a held run lists whom it would trash; Confirm sends them to the trash", async ({ page }) => {
  const errors = await signIn(page, `${directory}/history`);
  const row = page.getByRole("row", { name: /held/ });
  await expect(row.getByTestId("status")).toHaveText("held");
  await row.getByTestId("run-link").click();

  const report = page.getByTestId("run-report");
  await expect(report.getByTestId("run-message")).toContainText("This run would trash 10 of 12 users");
  await expect(report.getByRole("heading", { name: "Users this run would trash (10)" })).toBeVisible();
  const users = report.getByTestId("held-user");
  await expect(users).toHaveCount(10);
  await expect(report.getByTestId("held-users")).toContainText("h00");
  await expect(report.getByTestId("held-users")).not.toContainText("h11");
  await expect(report.getByTestId("count-held").getByTestId("users")).toHaveText("10");
  await expectAccessible(page, "a held run's report");
  await screenshot(page, "held-run");
  const userPage = await users.first().getAttribute("href");

  await report.getByTestId("confirm-held").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Trash the users of this run?");
  await expect(dialog).toContainText("10 users go to the trash now");
  await expectAccessible(page, "the confirmation dialog");
  await dialog.getByTestId("confirm").click();

  await expect(report.getByTestId("status")).toHaveText("completed");
  await expect(report.getByTestId("count-trashed").getByTestId("users")).toHaveText("10");
  await expect(report.getByTestId("held-users")).toHaveCount(0);
  await expect(report.getByTestId("run-message")).toContainText("Confirmed by an admin: 10 users trashed");

  // The user is in the trash: its page says so.
  await page.goto(`/admin/master/console/${userPage}`);
  await expect(page.getByTestId("user-status")).toContainText("pending deletion");
  await expect(page.getByTestId("user-status")).toContainText("deleted for good on");
  expect(errors).toEqual([]);
});
