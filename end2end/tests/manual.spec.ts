import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PASSWORD, openHydrated, signInAsNewAdmin, uniqueEmail } from "./support";

// The tour of docs/manual.md: every step is a user story with its checks, and each ends with a
// picture of the page. In the suite the pictures go to the test's output folder; with
// CINECLOUD_MANUAL_SCREENSHOTS=1 (scripts/manual-screenshots) they replace docs/manual/*.jpg.
const MANUAL = resolve(__dirname, "../../docs/manual");

async function picture(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  // Let images and fonts settle, so the picture shows the page as a person sees it.
  await page.waitForLoadState("networkidle");
  const path = process.env.CINECLOUD_MANUAL_SCREENSHOTS
    ? (mkdirSync(MANUAL, { recursive: true }), join(MANUAL, `${name}.jpg`))
    : testInfo.outputPath(`${name}.jpg`);
  await page.screenshot({ path, type: "jpeg", quality: 70 });
}

test.describe("the manual's tour", () => {
  // One viewport is enough for the manual's pictures; the stories themselves run on both.
  test.skip(({ isMobile }) => isMobile, "the manual shows the desktop layout");

  test("a viewer's tour: sign up, pick favourites, browse, rate, list, watch, history, profile", async ({
    page,
  }, testInfo) => {
    test.setTimeout(120_000);
    await openHydrated(page, "/");
    await expect(page.getByRole("heading", { name: "Cinecloud" })).toBeVisible();
    await picture(page, testInfo, "home-visitor");

    await openHydrated(page, "/signup");
    await page.getByLabel("Email").fill(uniqueEmail("tour"));
    await page.getByLabel("Display name").fill("Theo Tour");
    await page.getByLabel("Password").fill(PASSWORD);
    await picture(page, testInfo, "signup");
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page.getByRole("link", { name: "Profile of Theo Tour" })).toBeVisible();

    const picker = page.getByRole("region", { name: "Which of these do you like?" });
    await expect(picker).toBeVisible();
    const choices = picker.locator("button.pick");
    for (let i = 0; i < 3; i++) {
      await choices.nth(i).click();
      await expect(choices.nth(i)).toHaveAttribute("aria-pressed", "true");
    }
    await picture(page, testInfo, "favourites");
    await picker.getByRole("button", { name: "Save 3 picks" }).click();
    await expect(picker).toHaveCount(0);
    await expect(page.getByRole("region", { name: "Recommended for you" })).toBeVisible();
    await picture(page, testInfo, "recommendations");

    await openHydrated(page, "/movies?genre=comedy&sort=year-oldest");
    await expect(page.getByRole("link", { name: /The Kid/ }).first()).toBeVisible();
    await picture(page, testInfo, "browse");

    await openHydrated(page, "/movies?q=keaton");
    await expect(page.getByRole("link", { name: /The General/ }).first()).toBeVisible();
    await picture(page, testInfo, "search");

    await page.getByRole("link", { name: /The General/ }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: "The General" })).toBeVisible();
    await page.getByRole("group", { name: "Your rating" }).locator("label").nth(8).click();
    await expect(page.getByText("You rated it 4 and a half stars.")).toBeVisible();
    const watchlist = page.getByRole("button", { name: "The General on my watchlist" });
    await watchlist.click();
    await expect(watchlist).toHaveAttribute("aria-pressed", "true");
    await picture(page, testInfo, "movie");

    await openHydrated(page, "/lists");
    await page.getByLabel("Name").fill("Buster at his best");
    await page.getByLabel("Description").fill("Stone face, flying feet");
    await page.getByRole("button", { name: "Create playlist" }).click();
    await expect(page.getByRole("link", { name: "Buster at his best" })).toBeVisible();
    await picture(page, testInfo, "lists");

    // The demo clips are made in the background when the server first starts.
    await openHydrated(page, "/movies?q=big%20buck%20bunny");
    const movieUrl = await page.getByRole("link", { name: /Big Buck Bunny/ }).first().getAttribute("href");
    await expect(async () => {
      await openHydrated(page, movieUrl!);
      await expect(page.getByRole("link", { name: "▶ Play" })).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
    await page.getByRole("link", { name: "▶ Play" }).click();
    const video = page.getByLabel("Video: Big Buck Bunny");
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);
    const reported = page.waitForResponse((r) => r.url().includes("/api/playback/report") && r.ok());
    await video.evaluate((v: HTMLVideoElement) => {
      v.currentTime = 12;
      return v.play();
    });
    await reported;
    await video.evaluate((v: HTMLVideoElement) => v.pause());
    await picture(page, testInfo, "watch");

    await openHydrated(page, "/history");
    await expect(page.getByRole("link", { name: /Big Buck Bunny/ }).first()).toBeVisible();
    await picture(page, testInfo, "history");

    await openHydrated(page, "/profile");
    await expect(page.getByRole("heading", { name: "Your profile" })).toBeVisible();
    await picture(page, testInfo, "profile");
  });

  test("an admin's tour: edit a movie in place, add one, manage users, see the model", async ({
    page,
    baseURL,
  }, testInfo) => {
    await signInAsNewAdmin(page, baseURL!, "Manon Manual");
    await openHydrated(page, "/movies?q=metropolis");
    await page.getByRole("link", { name: /Metropolis/ }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: "Metropolis" })).toBeVisible();
    await page.getByRole("button", { name: "Edit" }).click();
    await expect(page.getByLabel("Title", { exact: true })).toHaveValue("Metropolis");
    await picture(page, testInfo, "admin-edit");
    await page.getByRole("button", { name: "Cancel" }).click();

    await openHydrated(page, "/movies");
    await page.getByRole("link", { name: "New movie" }).click();
    await expect(page.getByRole("button", { name: "Create movie" })).toBeVisible();
    await page.getByLabel("Title", { exact: true }).fill("The Tour");
    await page.getByLabel("Year", { exact: true }).fill("1924");
    await picture(page, testInfo, "admin-new");

    await openHydrated(page, "/admin/users");
    await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "Manon Manual", exact: true })).toBeVisible();
    await picture(page, testInfo, "admin-users");

    await openHydrated(page, "/admin/recommender");
    await expect(page.getByRole("heading", { name: /Recommender/ })).toBeVisible();
    await picture(page, testInfo, "admin-recommender");
  });
});
