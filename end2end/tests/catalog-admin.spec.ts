import { expect, test } from "@playwright/test";
import { openHydrated, pngImage, signInAsNewAdmin, signUp, uniqueEmail } from "./support";

test("an admin creates a movie, edits its title and genre in place, and sees the history", async ({ page, baseURL }) => {
  await signInAsNewAdmin(page, baseURL!, "Ada Admin");
  const title = `Harbor Lights ${Date.now()}`;

  await openHydrated(page, "/movies");
  await page.getByRole("link", { name: "New movie" }).click();
  await expect(page.getByRole("button", { name: "Create movie" })).toBeVisible();
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Year", { exact: true }).fill("1951");
  await page.getByLabel("Add a genre").fill("Drama");
  await page.getByLabel("Add a genre").press("Enter");
  await page.getByLabel("Add a director").fill("Ida Lupino");
  await page.getByLabel("Add a director").press("Enter");
  await page.getByRole("button", { name: "Create movie" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page).toHaveURL(/\/movies\/\d+$/);

  // A bad value is refused next to its field, and nothing is saved.
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Year", { exact: true }).fill("1700");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#edit-year-error")).toContainText("year");
  await expect(page.getByLabel("Year", { exact: true })).toHaveAttribute("aria-invalid", "true");

  // Title and genre changed where they are shown.
  const renamed = `${title} (restored)`;
  await page.getByLabel("Year", { exact: true }).fill("1951");
  await page.getByLabel("Title", { exact: true }).fill(renamed);
  await page.getByRole("button", { name: "Remove Drama" }).click();
  await page.getByLabel("Add a genre").fill("Film Noir");
  await page.getByRole("button", { name: "Add", exact: true }).first().click();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { level: 1, name: renamed })).toBeVisible();
  const genres = page.getByRole("list", { name: "Genres" });
  await expect(genres.getByRole("link", { name: "Film Noir" })).toBeVisible();
  await expect(genres.getByRole("link", { name: "Drama" })).toHaveCount(0);

  const history = page.getByRole("region", { name: "History" });
  await expect(history).toContainText("Ada Admin changed the title");
  await expect(history).toContainText(`${title} → ${renamed}`);
  await expect(history).toContainText("Drama → Film Noir");

  // The change is what everyone sees after a reload.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: renamed })).toBeVisible();
});

test("an admin uploads a cover with progress, sees it on the grid, deletes the movie and undoes it", async ({
  page,
  baseURL,
}) => {
  await signInAsNewAdmin(page, baseURL!, "Cora Admin");
  await openHydrated(page, "/movies?q=sherlock");
  await page.getByRole("link", { name: /Sherlock Jr\./ }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Sherlock Jr." })).toBeVisible();
  const movieUrl = page.url();
  const oldCover = await page.locator("img.cover.large").getAttribute("src");

  await page.getByRole("button", { name: "Edit" }).click();
  await page.locator("#cover-file").setInputFiles({
    name: "poster.png",
    mimeType: "image/png",
    buffer: pngImage(900, 1350),
  });
  const progress = page.getByRole("progressbar", { name: "Cover upload" });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute("value", "100");
  await expect(page.getByText("Cover uploaded.")).toBeVisible();
  const newCover = await page.locator("img.cover.large").getAttribute("src");
  expect(newCover).toMatch(/^\/media\/covers\/\d+\/webp-[0-9a-f]{32}-360\.webp$/);
  expect(newCover).not.toBe(oldCover);

  // A file that is not an image is refused with a clear message; the cover stays.
  await page.locator("#cover-file").setInputFiles({
    name: "poster.png",
    mimeType: "image/png",
    buffer: Buffer.from("definitely not a picture"),
  });
  await expect(page.getByRole("alert")).toContainText("Upload a JPEG, PNG or WebP image.");
  await expect(page.locator("img.cover.large")).toHaveAttribute("src", newCover!);
  await page.getByRole("button", { name: "Cancel" }).click();

  // The grid shows the new cover, and the browser could load it.
  await openHydrated(page, "/movies?q=sherlock");
  const card = page.locator(".movie-card").filter({ hasText: "Sherlock Jr." }).locator("img.cover");
  await expect(card).toHaveAttribute("src", newCover!);
  await expect.poll(() => card.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);

  // Delete, with confirmation, then undo from the toast.
  await openHydrated(page, movieUrl);
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete movie" }).click();
  await expect(page).toHaveURL(/\/movies$/);
  await expect(page.getByText("Deleted “Sherlock Jr.”.")).toBeVisible();
  const found = async () => (await (await page.request.get("/api/v1/movies?q=sherlock")).json()).total;
  await expect.poll(found).toBe(0);
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sherlock Jr." })).toBeVisible();
  await expect(page.getByText("Restored “Sherlock Jr.”.")).toBeVisible();
  await expect.poll(found).toBe(1);
});

test("viewers and visitors get no edit controls", async ({ page }) => {
  await openHydrated(page, "/movies?q=nosferatu");
  await page.getByRole("link", { name: /Nosferatu/ }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Nosferatu" })).toBeVisible();
  for (const name of ["Edit", "Delete", "Save"]) {
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await expect(page.getByRole("toolbar")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "History" })).toHaveCount(0);

  await signUp(page, uniqueEmail("viewer"), "Vic Viewer");
  await openHydrated(page, "/movies?q=nosferatu");
  await expect(page.getByRole("link", { name: "New movie" })).toHaveCount(0);
  await page.getByRole("link", { name: /Nosferatu/ }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Nosferatu" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Edit", exact: true })).toHaveCount(0);
  await expect(page.getByRole("toolbar")).toHaveCount(0);
  await openHydrated(page, "/movies/new");
  await expect(page.getByRole("alert")).toHaveText("Only admins can add movies.");
  await expect(page.getByRole("button", { name: "Create movie" })).toHaveCount(0);
});
