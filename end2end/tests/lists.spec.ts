import { expect, test } from "@playwright/test";
import { openHydrated, signUp, uniqueEmail } from "./support";

const FILMS = ["The Kid", "Safety Last!", "The General"];

test("a viewer fills a new playlist from movie pages, reorders it, makes it public and shares the link", async ({
  page,
  browser,
}) => {
  await signUp(page, uniqueEmail("lister"), "Lena Lister");
  await openHydrated(page, "/lists");
  await page.getByLabel("Name").fill("Silent comedies");
  await page.getByLabel("Description").fill("For a rainy Sunday");
  await page.getByRole("button", { name: "Create playlist" }).click();
  const playlistLink = page.getByRole("link", { name: "Silent comedies" });
  await expect(playlistLink).toBeVisible();

  for (const title of FILMS) {
    await openHydrated(page, `/movies?q=${encodeURIComponent(title)}`);
    await page.getByRole("link", { name: new RegExp(title.replace(/[.*+?^${}()|[\]\\!]/g, "\\$&")) }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await page.getByRole("button", { name: "Add to a playlist…" }).click();
    await expect(page.getByLabel("Playlist", { exact: true })).toHaveValue(/\d+/);
    await page.getByRole("button", { name: "Add to playlist" }).click();
    await expect(page.getByText("Added to Silent comedies.")).toBeVisible();
  }

  await openHydrated(page, "/lists");
  await page.getByRole("link", { name: "Silent comedies" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Silent comedies" })).toBeVisible();
  const items = page.getByRole("list", { name: "Movies on this list" }).locator(".card-title");
  await expect(items).toHaveText(FILMS);

  // From the keyboard: the last one up, twice.
  const up = page.getByRole("button", { name: "Move The General up" });
  await up.focus();
  await page.keyboard.press("Enter");
  await expect(items).toHaveText(["The Kid", "The General", "Safety Last!"]);
  await page.getByRole("button", { name: "Move The General up" }).press("Enter");
  await expect(items).toHaveText(["The General", "The Kid", "Safety Last!"]);

  // Public, and the link works for someone without an account.
  await page.getByText("Edit list").click();
  await page.getByLabel("Public: anyone with the link can see it").check();
  await page.getByRole("button", { name: "Save list" }).click();
  await expect(page.locator(".row-heading .badge")).toHaveText("Public");
  const shareUrl = page.url();

  const stranger = await browser.newContext();
  const other = await stranger.newPage();
  await openHydrated(other, shareUrl);
  await expect(other.getByRole("heading", { level: 1, name: "Silent comedies" })).toBeVisible();
  await expect(other.getByRole("list", { name: "Movies on this list" }).locator(".card-title")).toHaveText([
    "The General",
    "The Kid",
    "Safety Last!",
  ]);
  await expect(other.getByRole("button", { name: /Move .* up/ })).toHaveCount(0);
  await stranger.close();
});

test("a private list looks missing to anyone else", async ({ page, browser }) => {
  await signUp(page, uniqueEmail("private"), "Pia Private");
  await openHydrated(page, "/lists");
  await page.getByLabel("Name").fill("Only mine");
  await page.getByRole("button", { name: "Create playlist" }).click();
  await page.getByRole("link", { name: "Only mine" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Only mine" })).toBeVisible();
  const url = page.url();

  const stranger = await browser.newContext();
  const other = await stranger.newPage();
  const response = await other.goto(url);
  expect(response?.status()).toBe(404);
  await expect(other.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await stranger.close();
});
