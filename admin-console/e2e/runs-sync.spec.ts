import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, seed, signIn } from "./support";

const directory = `/dirsync/directories/${seed.directoryId}`;

test("Sync now follows the run's progress, and History opens its report", async ({ page }) => {
  test.setTimeout(240_000);
  const errors = await signIn(page, `${directory}/sync`);
  await expect(page.getByRole("heading", { name: "Sync now" })).toBeVisible();
  await expect(page.getByTestId("schedule-full")).toHaveText("Every 12 h");
  await expect(page.getByTestId("schedule-admin")).toHaveText("Every 30 min");
  await expect(page.getByTestId("schedules-settings")).toHaveAttribute("href", new RegExp(`${seed.directoryId}/settings$`));
  await expect(page.getByTestId("followed-run")).toContainText("has not been synced yet");
  await expectAccessible(page, "the Sync tab");

  // Full sync: the server answers at once (202) and the tab follows the run, page by page, until it ends.
  await expect(page.getByTestId("sync-kind-full")).toBeChecked();
  await page.getByTestId("sync-now").click();
  const followed = page.getByTestId("followed-run");
  await expect(followed.getByRole("heading", { name: "Current run" })).toBeVisible();
  await expect(followed.getByTestId("status")).toHaveText("running");
  await expect(followed.getByTestId("progress-page")).toHaveText(/^[1-9]$/, { timeout: 30_000 });
  await expect(followed.getByTestId("progress-read")).not.toHaveText("0");
  await expectAccessible(page, "the Sync tab following a run");
  await screenshot(page, "directory-sync");
  await expect(followed.getByTestId("status")).toHaveText("completed", { timeout: 90_000 });
  await expect(followed.getByTestId("followed-counts")).toHaveText("13 created, 0 updated, 0 trashed, 0 failed");

  // Pause and resume (manage-realm): a paused directory is not synced.
  await page.getByTestId("sync-pause-resume").click();
  await expect(page.getByTestId("sync-pause-resume")).toHaveText("Resume");
  await expect(page.getByTestId("sync-now")).toBeDisabled();
  await page.getByTestId("sync-pause-resume").click();
  await expect(page.getByTestId("sync-pause-resume")).toHaveText("Pause");
  await expect(page.getByTestId("sync-now")).toBeEnabled();

  // One user, by username.
  await page.getByTestId("sync-kind-user").check();
  await expect(page.getByTestId("sync-now")).toBeDisabled();
  await page.getByTestId("sync-username").fill("u03");
  await page.getByTestId("sync-now").click();
  await expect(followed.getByText("Single-user sync")).toBeVisible();
  await expect(followed.getByTestId("status")).toHaveText("completed", { timeout: 60_000 });

  // History: both runs, newest first, with their counts; the full sync's report.
  await page.getByTestId("tab-history").click();
  await expect(page.getByTestId("run-total")).toHaveText("Runs in all: 2");
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("Single-user sync");
  const full = page.getByRole("row", { name: /Full sync/ });
  await expect(full.getByTestId("status")).toHaveText("completed");
  await expect(full.getByTestId("run-created")).toHaveText("13");
  await expect(full.getByTestId("run-trashed")).toHaveText("0");
  await expectAccessible(page, "the History tab");
  await screenshot(page, "directory-history");

  await full.getByTestId("run-link").click();
  await expect(page).toHaveURL(/\/history\/[0-9a-f-]{36}$/);
  const report = page.getByTestId("run-report");
  await expect(report.getByRole("heading", { name: /^Full sync of / })).toBeVisible();
  await expect(report.getByTestId("status")).toHaveText("completed");
  const created = report.getByTestId("count-created");
  await expect(created.getByTestId("users")).toHaveText("12");
  await expect(created.getByTestId("groups")).toHaveText("1");
  await expect(created.getByTestId("total")).toHaveText("13");
  await expect(report.getByTestId("progress-read")).toHaveText("12");
  await expect(report.getByTestId("progress-applied")).toHaveText("12");
  await expect(report.getByTestId("no-errors")).toBeVisible();
  await expect(page.getByTestId("tab-history")).toHaveAttribute("aria-selected", "true");
  await expectAccessible(page, "a run's report");
  await screenshot(page, "run-report");

  await report.getByRole("link", { name: "Run history" }).click();
  await expect(page.locator("tbody tr")).toHaveCount(2);
  expect(errors).toEqual([]);
});
