import { expect, test } from "@playwright/test";
import { openHydrated, signInAsNewAdmin } from "./support";

// This server's TMDb is the project's TMDb-protocol fixture (playwright.config.ts starts
// server/core/examples/tmdb_fixture.rs), which has two invented films called "The Glass
// Harbour": each viewport imports its own, as the catalog holds a TMDb film once.
test("an admin imports a film from TMDb, changes its year, and takes TMDb's year back with a refresh", async ({
  page,
  baseURL,
}, testInfo) => {
  const year = testInfo.project.name.startsWith("phone") ? "1987" : "1931";
  const changed = String(Number(year) + 1);
  await signInAsNewAdmin(page, baseURL!, "Tess Tmdb");
  await openHydrated(page, "/movies/new");

  const finder = page.getByRole("region", { name: "Find the film" });
  await finder.getByLabel("Search by title, and year if you like").fill("glass harb");
  await expect(finder.getByText("Results from TMDb.")).toBeVisible();
  await expect(finder.getByText("This product uses the TMDB API but is not endorsed or certified by TMDB.")).toBeVisible();
  await finder.getByRole("button", { name: `Use The Glass Harbour (${year})` }).click();
  await expect(page.getByLabel("Year", { exact: true })).toHaveValue(year);
  await page.getByRole("button", { name: "Create movie" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "The Glass Harbour" })).toBeVisible();
  await expect(page).toHaveURL(/\/movies\/\d+$/);
  const movieUrl = page.url();
  const history = page.getByRole("region", { name: "History" });
  await expect(history).toContainText(/imported from TMDb #900[12]/);

  // Nothing differs yet.
  await page.getByRole("button", { name: "Refresh from TMDb" }).click();
  await expect(page.getByText("Nothing here differs from TMDb.")).toBeVisible();

  // The admin changes the year here.
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Year", { exact: true }).fill(changed);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(history).toContainText(`${year} → ${changed}`);

  // Opened directly, the refresh lists that one field; taking it puts TMDb's year back.
  await openHydrated(page, new URL(movieUrl).pathname);
  await page.getByRole("button", { name: "Refresh from TMDb" }).click();
  const changes = page.getByRole("region", { name: "Changes from TMDb" });
  await expect(changes.getByRole("row")).toHaveCount(2); // the header and the year
  const row = changes.getByRole("row").filter({ has: page.getByLabel("Take TMDb's year") });
  await expect(row).toContainText(changed);
  await expect(row).toContainText(year);
  const save = changes.getByRole("button", { name: "Save the ticked fields" });
  await expect(save).toBeDisabled();
  await changes.getByLabel("Take TMDb's year").check();
  await save.click();
  await expect(page.getByText("Refreshed from TMDb.")).toBeVisible();
  await expect(changes).toHaveCount(0);
  await expect(history).toContainText(`${changed} → ${year}`);

  // After a reload the page has TMDb's year, and nothing differs any more.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "The Glass Harbour" })).toBeVisible();
  await expect(page.getByText(year, { exact: true }).first()).toBeVisible();
  await page.getByRole("button", { name: "Refresh from TMDb" }).click();
  await expect(page.getByText("Nothing here differs from TMDb.")).toBeVisible();
});
