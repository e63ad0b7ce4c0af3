import { expect, test } from "@playwright/test";
import { logIn, logOut, openHydrated, playbackReported, signUp, uniqueEmail, videoTime } from "./support";

// #17 item 2: the same viewer's story through HAProxy in front of two servers (scripts/fleet),
// round-robin with no stickiness: every request may land on either server, and the session,
// the rating, the list and the place in the film must hold on both.
const FILM = "Sintel";

test("through the balancer a viewer signs up, signs in again, rates, saves to the watchlist and resumes a film", async ({
  page,
}) => {
  test.setTimeout(150_000);
  // Which server answered each of the app's own requests.
  const servers = new Set<string>();
  page.on("response", (r) => {
    const server = r.headers()["x-cinecloud-server"];
    if (server && new URL(r.url()).pathname.startsWith("/api/")) servers.add(server);
  });

  const email = uniqueEmail("fleet");
  await signUp(page, email, "Fleur Fleet");
  await logOut(page);
  await logIn(page, email, "Fleur Fleet");

  // The clips are made in the background by the server that loaded the demo catalog.
  await openHydrated(page, `/movies?q=${encodeURIComponent(FILM)}`);
  const movieUrl = await page.getByRole("link", { name: new RegExp(FILM) }).first().getAttribute("href");
  await expect(async () => {
    await openHydrated(page, movieUrl!);
    await expect(page.getByRole("link", { name: "▶ Play" })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 90_000 });

  const stars = page.getByRole("group", { name: "Your rating" });
  await stars.locator("label").nth(7).click();
  await expect(page.getByText("You rated it 4 stars.")).toBeVisible();
  await page.getByRole("button", { name: `${FILM} on my watchlist` }).click();
  await expect(page.getByText("Added to your watchlist.")).toBeVisible();
  // Reloaded pages come from either server: both know the rating and the list.
  for (let i = 0; i < 2; i++) {
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "");
    await expect(stars.getByRole("radio", { name: "4 stars", exact: true })).toBeChecked();
    await expect(page.getByRole("button", { name: `${FILM} on my watchlist` })).toHaveText("✓ On your watchlist");
  }

  await page.getByRole("link", { name: "▶ Play" }).click();
  const video = page.getByLabel(`Video: ${FILM}`);
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(1);
  const started = playbackReported(page, "start");
  await video.evaluate((v: HTMLVideoElement) => v.play());
  await started;
  const seeked = playbackReported(page, "seek");
  await video.evaluate((v: HTMLVideoElement) => {
    v.currentTime = 12;
  });
  await seeked;
  const paused = playbackReported(page, "pause");
  await video.evaluate((v: HTMLVideoElement) => v.pause());
  await paused;
  const stoppedAt = await videoTime(video);

  await page.getByRole("link", { name: "← Back to the movie" }).click();
  await expect(page.getByRole("heading", { level: 1, name: FILM })).toBeVisible();
  for (let i = 0; i < 2; i++) {
    await openHydrated(page, movieUrl!.replace("/movies/", "/watch/"));
    await expect(page.getByRole("button", { name: /Resume at 0:1[2-4]/ })).toBeVisible();
  }
  await page.getByRole("button", { name: /Resume at 0:1[2-4]/ }).click();
  expect(Math.abs((await videoTime(video)) - stoppedAt)).toBeLessThanOrEqual(2);

  expect([...servers].sort()).toEqual(["one", "two"]);
});
