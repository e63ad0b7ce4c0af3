import { expect, test } from "@playwright/test";
import { openHydrated, signInAsNewAdmin } from "./support";

test("the theme toggle persists across reloads", async ({ page }) => {
  await openHydrated(page, "/");
  const html = page.locator("html");
  const toggle = page.getByRole("button", { name: "Dark theme" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");

  await toggle.click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(html).toHaveAttribute("data-hydrated", "");
  await expect(toggle).toHaveAttribute("aria-pressed", "true");

  await toggle.click();
  await expect(html).toHaveAttribute("data-theme", "light");
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "light");
});

test("an unknown address shows a helpful 404 page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the home page" }).click();
  await expect(page.getByRole("heading", { name: "Cinecloud" })).toBeVisible();
});

test("the layout fits the screen without sideways scrolling", async ({ page }) => {
  await openHydrated(page, "/signup");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
});

test("an admin's longer menu still fits the screen on the catalog page", async ({ page, baseURL }) => {
  await signInAsNewAdmin(page, baseURL!, "Layout Admin");
  await openHydrated(page, "/movies");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Recommender" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
