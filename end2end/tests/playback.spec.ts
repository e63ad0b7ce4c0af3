import { expect, test } from "@playwright/test";
import { openHydrated, playbackReported, signUp, uniqueEmail, videoTime } from "./support";

// A demo movie whose clip (30 s, generated with ffmpeg when the server loads the demo catalog)
// no other story touches.
const FILM = "Big Buck Bunny";

test("a viewer plays a demo clip, seeks, leaves, and resumes where they stopped; it is in history and Continue watching", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signUp(page, uniqueEmail("watcher"), "Wanda Watcher");
  await openHydrated(page, `/movies?q=${encodeURIComponent(FILM)}`);
  const movieUrl = await page.getByRole("link", { name: new RegExp(FILM) }).first().getAttribute("href");
  // The clips are made in the background right after the server first starts.
  await expect(async () => {
    await openHydrated(page, movieUrl!);
    await expect(page.getByRole("link", { name: "▶ Play" })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });

  await page.getByRole("link", { name: "▶ Play" }).click();
  await expect(page.getByRole("heading", { level: 1, name: FILM })).toBeVisible();
  const video = page.getByLabel(`Video: ${FILM}`);
  await expect(page.getByRole("button", { name: /Resume at/ })).toHaveCount(0);
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(1);
  const started = playbackReported(page, "start");
  await video.evaluate((v: HTMLVideoElement) => v.play());
  await started;
  await expect.poll(() => videoTime(video)).toBeGreaterThan(0.5);

  const seeked = playbackReported(page, "seek");
  await video.evaluate((v: HTMLVideoElement) => {
    v.currentTime = 14;
  });
  await seeked;
  const paused = playbackReported(page, "pause");
  await video.evaluate((v: HTMLVideoElement) => v.pause());
  await paused;
  const stoppedAt = await videoTime(video);
  expect(stoppedAt).toBeGreaterThanOrEqual(14);

  // Leave, and find it on the home page.
  await page.getByRole("link", { name: "← Back to the movie" }).click();
  await expect(page.getByRole("heading", { level: 1, name: FILM })).toBeVisible();
  await openHydrated(page, "/");
  const row = page.getByRole("region", { name: "Continue watching" });
  await expect(row.locator(".card-title")).toHaveText([FILM]);

  // Come back: offered the place where it stopped, and playing from there.
  await row.getByRole("link", { name: new RegExp(`Resume ${FILM} at 0:1[4-6]`) }).click();
  const resume = page.getByRole("button", { name: /Resume at 0:1[4-6]/ });
  await expect(resume).toBeVisible();
  await expect(page.getByRole("button", { name: "Start over" })).toBeVisible();
  await resume.click();
  await expect(resume).toHaveCount(0);
  const resumedAt = await videoTime(video);
  expect(Math.abs(resumedAt - stoppedAt)).toBeLessThanOrEqual(2);
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => !v.paused)).toBe(true);

  // In the history, with where it stopped; removing it empties the history.
  await openHydrated(page, "/history");
  const history = page.locator("#history");
  await expect(history.locator(".card-title")).toHaveText([FILM]);
  await expect(history).toContainText(/Stopped at 0:1\d of 0:30/);
  await page.getByRole("button", { name: `Remove ${FILM} from history` }).click();
  await expect(page.getByText("Nothing here yet.")).toBeVisible();
});

test("the player and the stream are for signed-in viewers only", async ({ page, request }) => {
  await openHydrated(page, `/movies?q=${encodeURIComponent(FILM)}`);
  const movieUrl = await page.getByRole("link", { name: new RegExp(FILM) }).first().getAttribute("href");
  const id = movieUrl!.split("/").pop();
  await openHydrated(page, `/watch/${id}`);
  await expect(page.getByText("to watch movies.")).toBeVisible();
  await expect(page.locator("video")).toHaveCount(0);
  const stream = await request.get(`/stream/${id}`, { headers: { Range: "bytes=0-99" } });
  expect(stream.status()).toBe(401);
});
