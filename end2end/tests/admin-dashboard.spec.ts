import { expect, test } from "@playwright/test";
import { openHydrated, signInAsNewAdmin, signUp, uniqueEmail } from "./support";

// Today as the dashboard's charts label it: days are UTC days.
const todayLabel = () =>
  new Date().toLocaleString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

test("an admin opens the dashboard, switches the period and reads a chart as a table", async ({
  page,
  browser,
  baseURL,
}) => {
  // A viewer signs up today, so today has an active viewer and a sign-up.
  const viewerContext = await browser.newContext();
  await signUp(await viewerContext.newPage(), uniqueEmail("counted"), "Counted Viewer");
  await viewerContext.close();

  await signInAsNewAdmin(page, baseURL!, "Dashboard Admin");
  await openHydrated(page, "/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  const periods = page.getByRole("navigation", { name: "Period" });
  await expect(periods.getByRole("link", { name: "30 days" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByText("Sign-ups, last 30 days")).toBeVisible();

  await periods.getByRole("link", { name: "7 days" }).click();
  await expect(page).toHaveURL(/\/admin\?days=7$/);
  await expect(periods.getByRole("link", { name: "7 days" })).toHaveAttribute("aria-current", "page");
  await expect(periods.getByRole("link", { name: "30 days" })).not.toHaveAttribute("aria-current", "page");
  await expect(page.getByText("Sign-ups, last 7 days")).toBeVisible();

  // The daily active viewers chart is a named image; its numbers are a table on request.
  const chart = page.getByRole("figure").filter({ has: page.getByRole("img", { name: /Daily active viewers/ }) });
  await expect(chart.getByRole("img", { name: /Accounts that signed in, played or rated/ })).toBeVisible();
  await chart.getByText("Show as table").click();
  const table = chart.getByRole("table", { name: "Daily active viewers" });
  await expect(table).toBeVisible();
  await expect(table.locator("tbody tr")).toHaveCount(7);
  const today = table.getByRole("row", { name: new RegExp(`^${todayLabel()} `) });
  const active = Number(await today.getByRole("cell").last().textContent());
  expect(active).toBeGreaterThanOrEqual(2);

  // Opened directly and reloaded, the period in the URL holds.
  await openHydrated(page, "/admin?days=365");
  await page.reload();
  await expect(periods.getByRole("link", { name: "365 days" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("heading", { name: "Top movies" })).toBeVisible();

  // Media storage by kind: the demo catalog's covers are there, with their size.
  const storage = page.getByRole("table", { name: /Media storage by kind/ });
  const covers = storage.getByRole("row", { name: /^Covers / });
  await expect(covers).toBeVisible();
  expect(Number((await covers.getByRole("cell").first().textContent())!.replace(/,/g, ""))).toBeGreaterThan(0);
  await expect(covers.getByRole("cell").last()).toHaveText(/\d (KB|MB|GB)$/);
});

test("a viewer cannot open the dashboard", async ({ page }) => {
  await signUp(page, uniqueEmail("curious"), "Curious Viewer");
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
});
