import { expect, test } from "@playwright/test";
import { openHydrated, signInAsNewAdmin } from "./support";

// The server's offline catalog holds "The Lantern Keepers" (playwright.config.ts writes it,
// with a poster file, into the folder CINECLOUD_METADATA_DIR names).
test("an admin finds a film by part of its title, imports it with its poster, and finds it on the grid", async ({
  page,
  baseURL,
}) => {
  await signInAsNewAdmin(page, baseURL!, "Mo Metadata");
  await openHydrated(page, "/movies/new");

  const finder = page.getByRole("region", { name: "Find the film" });
  await finder.getByLabel("Search by title, and year if you like").fill("lantern keep");
  await expect(finder.getByText("Results from the offline catalog.")).toBeVisible();
  const use = finder.getByRole("button", { name: "Use The Lantern Keepers (2019)" });
  await expect(use).toBeVisible();
  await expect(finder.getByText("Mara Lindqvist")).toBeVisible();
  // The hit's poster came through the server and decoded.
  const hit = finder.getByRole("listitem").filter({ has: page.getByRole("button", { name: "Use The Lantern Keepers (2019)" }) });
  const thumbnail = hit.locator("img");
  const width = await thumbnail.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    return img.naturalWidth;
  });
  expect(width).toBe(400);

  // A year that is not the film's finds nothing.
  await finder.getByLabel("Search by title, and year if you like").fill("lantern keepers 1950");
  await expect(finder.getByText("Nothing found.", { exact: false })).toBeVisible();
  await finder.getByLabel("Search by title, and year if you like").fill("lantern keepers 2019");
  await use.click();

  // The editor is filled in for review; nothing is saved until the admin creates it.
  await expect(page.getByLabel("Title", { exact: true })).toHaveValue("The Lantern Keepers");
  await expect(page.getByLabel("Year", { exact: true })).toHaveValue("2019");
  await expect(finder.getByText("Importing “The Lantern Keepers” from the offline catalog, with its poster.")).toBeVisible();
  await page.getByRole("button", { name: "Create movie" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "The Lantern Keepers" })).toBeVisible();
  await expect(page).toHaveURL(/\/movies\/\d+$/);
  const movieUrl = page.url();
  await expect(page.locator("img.cover.large")).toHaveAttribute("src", /^\/media\/covers\/\d+\/webp-[0-9a-f]{32}-360\.webp$/);
  await expect(page.getByRole("link", { name: "Mara Lindqvist" })).toBeVisible();
  await expect(page.getByRole("region", { name: "History" })).toContainText(
    "imported from the offline catalog (The Lantern Keepers)",
  );

  // On the grid with its cover, and found by its Spanish title too.
  for (const query of ["lantern", "guardianes farol"]) {
    await openHydrated(page, `/movies?q=${encodeURIComponent(query)}`);
    const card = page.getByRole("link", { name: /The Lantern Keepers/ }).first();
    await expect(card).toBeVisible();
    await expect(card.locator("img")).toHaveAttribute("src", /\/media\/covers\//);
  }

  // Opened directly and reloaded, the page is the same.
  await page.goto(movieUrl);
  await expect(page.getByRole("heading", { level: 1, name: "The Lantern Keepers" })).toBeVisible();
});

test("a viewer cannot reach the finder's search or its posters", async ({ request }) => {
  const search = await request.get("/api/admin/find_metadata?q=lantern");
  expect([401, 403]).toContain(search.status());
  const poster = await request.get("/media-metadata/poster?ref=lantern-keepers.png");
  expect(poster.status()).toBe(404);
});

test("the about page gives TMDb's attribution, opened directly", async ({ page }) => {
  await openHydrated(page, "/about");
  await expect(page.getByRole("heading", { level: 1, name: "About Cinecloud" })).toBeVisible();
  await expect(page.getByText("This product uses the TMDB API but is not endorsed or certified by TMDB.")).toBeVisible();
  await expect(page.getByRole("contentinfo").getByRole("link", { name: "About" })).toHaveAttribute("href", "/about");
});
