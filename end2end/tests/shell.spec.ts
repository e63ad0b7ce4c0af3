import { expect, type Locator, test } from "@playwright/test";
import { mainNav, openHydrated, signInAsNewAdmin } from "./support";

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
  await expect(await mainNav(page)).toBeVisible();
});

test("on a phone the header is one row plus the search, and its menu opens and closes", async ({ page, isMobile }) => {
  test.skip(!isMobile, "the phone's header");
  await openHydrated(page, "/movies");
  const header = page.locator("header.site-header");
  const centre = async (locator: Locator) => {
    const box = (await locator.boundingBox())!;
    return box.y + box.height / 2;
  };
  const menu = page.getByRole("button", { name: "Menu" });
  const row = await centre(header.getByRole("link", { name: "Cinecloud" }));
  for (const inRow of [menu, header.getByRole("link", { name: "Log in" }), header.getByRole("link", { name: "Sign up" })]) {
    expect(Math.abs((await centre(inRow)) - row)).toBeLessThan(8);
  }
  const search = (await page.getByRole("combobox", { name: "Search movies" }).boundingBox())!;
  const headerBox = (await header.boundingBox())!;
  expect(search.y).toBeGreaterThan(row);
  expect(headerBox.y + headerBox.height - (search.y + search.height), "nothing below the search").toBeLessThan(16);

  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeHidden();
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await nav.getByRole("link", { name: "Top rated" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Top rated" })).toBeVisible();
  await expect(nav, "following a link closes the menu").toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
});

test("an admin's longer menu still fits the screen on the catalog page", async ({ page, baseURL }) => {
  await signInAsNewAdmin(page, baseURL!, "Layout Admin");
  await openHydrated(page, "/movies");
  await expect((await mainNav(page)).getByRole("link", { name: "Recommender" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
