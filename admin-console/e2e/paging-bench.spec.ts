import { expect, test } from "@playwright/test";
import { writeFileSync } from "node:fs";
import { seed, signIn } from "./support";

/**
 * ConsolePagingBench's browser figures (not a test of anything): with thousands of trashed users and pending
 * enrollments seeded, how long from a click on the navigation entry, and from a reload of the whole console, until
 * the first row of the page is visible. Times in ms go to the JSON file the bench named (seed.out).
 */
test("paging figures of Trash and Pending Enrollments", async ({ page }) => {
  test.setTimeout(600_000);
  const rounds = Number(seed.rounds ?? 10);
  const figures: Record<string, number[]> = {};
  const note = (what: string, ms: number) => (figures[what] ??= []).push(ms);
  const trashRow = page.getByTestId("deletion").first();
  const enrollmentRow = page.getByTestId("reminders").first();

  await signIn(page, "/dirsync/directories");
  await expect(page.getByTestId("nav-item-dirsync-trash")).toBeVisible();

  for (let i = 0; i < rounds + 1; i++) {
    let start = Date.now();
    await page.getByTestId("nav-item-dirsync-trash").click();
    await expect(trashRow).toBeVisible({ timeout: 60_000 });
    if (i > 0) note("Trash: click on the nav entry -> first row visible", Date.now() - start);

    const box = page.getByPlaceholder("Search by username or e-mail");
    await box.fill(`trashed-${1000 + i}@`);
    start = Date.now();
    await box.press("Enter");
    await expect(page.getByTestId("matching-count")).toHaveText("1 user matches", { timeout: 60_000 });
    await expect(trashRow).toBeVisible();
    if (i > 0) note("Trash: search (Enter) -> the one match visible", Date.now() - start);

    start = Date.now();
    await page.getByTestId("nav-item-dirsync-enrollments").click();
    await expect(enrollmentRow).toBeVisible({ timeout: 60_000 });
    if (i > 0) note("Pending Enrollments: click on the nav entry -> first row visible", Date.now() - start);
  }

  for (let i = 0; i < Math.max(3, Math.floor(rounds / 2)) + 1; i++) {
    await page.getByTestId("nav-item-dirsync-trash").click();
    await expect(trashRow).toBeVisible({ timeout: 60_000 });
    const start = Date.now();
    await page.reload();
    await expect(trashRow).toBeVisible({ timeout: 60_000 });
    if (i > 0) note("Trash: reload (whole console starts) -> first row visible", Date.now() - start);
  }

  writeFileSync(String(seed.out), JSON.stringify(figures, null, 2));
  for (const [what, ms] of Object.entries(figures)) console.log(`BENCH browser ${what}: ${ms.join(", ")} ms`);
});
