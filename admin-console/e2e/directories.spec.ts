import { expect, test } from "@playwright/test";
import { expectAccessible, open, screenshot, seed, signIn } from "./support";

test("External Directories lists the realm's directories with their counts, and searches them", async ({ page }) => {
  const errors = await signIn(page, "/dirsync/directories");
  await expect(page.getByRole("heading", { name: "External Directories" })).toBeVisible();
  await expect(page.getByTestId("nav-item-dirsync-directories")).toHaveClass(/pf-m-current/);

  const row = page.getByRole("row", { name: /Okta Production/ });
  await expect(row).toBeVisible();
  await expect(row.getByTestId("user-count")).toHaveText("1");
  await expect(row.getByTestId("status")).toHaveText("active");
  await expect(row.getByTestId("group-count")).toHaveText("1");
  await expect(row.getByTestId("last-run")).toContainText("Last request");
  await expect(page.getByRole("row", { name: /Okta Staging/ }).getByTestId("last-run")).toHaveText("Never");
  await expect(page.getByRole("row", { name: /Okta Staging/ })).toBeVisible();
  await expectAccessible(page, "External Directories");
  await screenshot(page, "directories");

  // Search narrows the list.
  await page.getByPlaceholder("Search directory").fill("staging");
  await page.getByPlaceholder("Search directory").press("Enter");
  await expect(page.getByRole("row", { name: /Okta Staging/ })).toBeVisible();
  await expect(page.getByRole("row", { name: /Okta Production/ })).toHaveCount(0);

  // The directory's Groups tab lists the group it manages.
  await open(page, `/dirsync/directories/${seed.scimDirectoryId}/groups`);
  await expect(page.getByRole("row", { name: /Engineering/ })).toBeVisible();
  await expectAccessible(page, "directory groups tab");

  // Keycloak's group page: the managing directory and the group's status, settable.
  await open(page, `/groups/${seed.groupId}`);
  await expect(page.getByTestId("group-directory")).toHaveText("Okta Production");
  await expect(page.getByTestId("group-status-select")).toHaveValue("active");
  await page.getByTestId("group-status-select").selectOption("bypass");
  await expect(page.getByText("Group status set to bypass")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("group-status-select")).toHaveValue("bypass");
  await expectAccessible(page, "group page with its directory");

  expect(errors).toEqual([]);
});

test("the header's navigation toggle hides and shows the navigation", async ({ page }) => {
  await signIn(page, "/dirsync/directories");
  const sidebar = page.locator("#page-sidebar");
  const toggle = page.locator(".pf-v5-c-masthead__toggle button");
  await expect(sidebar).toHaveClass(/pf-m-expanded/);
  await toggle.click();
  await expect(sidebar).toHaveClass(/pf-m-collapsed/);
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  // A resize that stays on a desktop (PatternFly's breakpoint is 1200 px) keeps the admin's choice.
  await page.setViewportSize({ width: 1300, height: 800 });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await expect(sidebar).toHaveClass(/pf-m-collapsed/);
  await toggle.click();
  await expect(sidebar).toHaveClass(/pf-m-expanded/);
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  // Crossing the breakpoint does decide: closed on a phone-sized window, open again on a desktop.
  await page.setViewportSize({ width: 800, height: 800 });
  await expect(sidebar).toHaveClass(/pf-m-collapsed/);
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(sidebar).toHaveClass(/pf-m-expanded/);
});
