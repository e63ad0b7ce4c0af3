import { expect, test } from "@playwright/test";
import { openHydrated } from "./support";

test("a viewer finds a movie without typing its accent, narrows the list, and shares it", async ({ page, context, isMobile }) => {
  await openHydrated(page, "/movies");
  // Part of "Häxan", typed without its accent.
  await page.getByRole("searchbox", { name: "Search" }).fill("haxa");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=haxa/);
  await expect(page.getByRole("status").filter({ hasText: "1 movie" })).toBeVisible();
  await expect(page.getByRole("link", { name: /Häxan/ })).toBeVisible();

  await page.getByRole("searchbox", { name: "Search" }).fill("");
  const more = page.getByRole("button", { name: "Filters" });
  if (isMobile) {
    // On a phone the filters beyond the search words wait behind a button.
    await expect(page.getByLabel("Genre")).toBeHidden();
    await expect(more).toHaveAttribute("aria-expanded", "false");
    await more.click();
    await expect(more).toHaveAttribute("aria-expanded", "true");
  } else {
    await expect(more).toBeHidden();
  }
  await page.getByLabel("Genre").selectOption({ label: "Horror" });
  await page.getByLabel("From year").fill("1920");
  await page.getByLabel("To year").fill("1929");
  await page.getByLabel("Sort by").selectOption({ label: "Title" });
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/genre=horror/);
  const results = page.getByRole("list").filter({ has: page.getByRole("link", { name: /Nosferatu/ }) });
  await expect(results.getByRole("link", { name: /Nosferatu/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /Night of the Living Dead/ })).toHaveCount(0);
  const titles = await results.getByRole("link").allTextContents();

  // The URL is the whole state: a fresh page shows the same list.
  const shared = await context.newPage();
  await shared.goto(page.url());
  const sharedResults = shared.getByRole("list").filter({ has: shared.getByRole("link", { name: /Nosferatu/ }) });
  await expect(sharedResults.getByRole("link")).toHaveText(titles);
  await expect(shared.getByLabel("Genre")).toHaveValue("horror");
  // A filtered list shows its filters, open on a phone too.
  await expect(shared.getByLabel("Genre")).toBeVisible();

  // Back returns to the search.
  await page.goBack();
  await expect(page.getByRole("link", { name: /Häxan/ })).toBeVisible();
});

test("a movie page shows its facts and people", async ({ page }) => {
  await openHydrated(page, "/movies?q=metropolis");
  await page.getByRole("link", { name: /Metropolis/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Metropolis" })).toBeVisible();
  await expect(page).toHaveTitle("Metropolis (1927) · Cinecloud");
  await expect(page.getByText("Fritz Lang")).toBeVisible();
  await expect(page.getByRole("list", { name: "Genres" }).getByRole("link", { name: "Science Fiction" })).toBeVisible();
});

test("the header search suggests movies as you type and opens one from the keyboard", async ({ page }) => {
  await openHydrated(page, "/");
  const search = page.getByRole("combobox", { name: "Search movies" });
  // "Häxan", typed without its accent.
  await search.fill("haxa");
  const option = page.getByRole("option", { name: /Häxan/ });
  await expect(option).toBeVisible();
  await expect(search).toHaveAttribute("aria-expanded", "true");
  await search.press("ArrowDown");
  await expect(option).toHaveAttribute("aria-selected", "true");
  await expect(search).toHaveAttribute("aria-activedescendant", "suggestion-0");
  await search.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Häxan" })).toBeVisible();

  // Enter with nothing highlighted shows every result; Escape closes the suggestions.
  await search.fill("nosf");
  await expect(page.getByRole("option", { name: /Nosferatu/ })).toBeVisible();
  await search.press("Escape");
  await expect(page.getByRole("listbox", { includeHidden: true })).toBeHidden();
  await search.press("Enter");
  await expect(page).toHaveURL(/\/movies\?q=nosf$/);
  await expect(page.getByRole("status").filter({ hasText: "1 movie" })).toBeVisible();
});

test("people link to their pages, which list their movies", async ({ page }) => {
  await openHydrated(page, "/movies?q=metropolis");
  await page.getByRole("link", { name: /Metropolis/ }).first().click();
  await page.getByRole("link", { name: "Fritz Lang" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Fritz Lang" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Directed" }).getByRole("link", { name: /Metropolis/ })).toBeVisible();
});

test("on a phone, the first screen of the catalog shows movies", async ({ page, isMobile }) => {
  test.skip(!isMobile, "the phone's first screen");
  for (const path of ["/movies", "/"]) {
    await openHydrated(page, path);
    const viewport = page.viewportSize()!;
    const firstCover = page.locator(".movie-card:not(.skeleton) .cover").first();
    await expect(firstCover).toBeVisible();
    const box = (await firstCover.boundingBox())!;
    expect(box.y + box.height, `${path}: the first cover ends within the first screen`).toBeLessThanOrEqual(viewport.height);
    // The first card's cover (unless the movie has none: other stories add such movies) is
    // loaded first of all, at once.
    if ((await firstCover.evaluate((e) => e.tagName)) === "IMG") {
      await expect(firstCover).toHaveAttribute("fetchpriority", "high");
      await expect(firstCover).toHaveAttribute("loading", "eager");
    }
    // Covers come sized for this screen. What the page controls is checked, not the browser's
    // pick: Chromium may take a larger candidate it already holds in its memory cache (a CI
    // run picked the 720 px cover where 480 px was enough), or a slightly smaller one. The
    // `sizes` slot matches the width the cover is laid out at, and `srcset` offers a WebP at
    // least the device pixels it fills and at most 1.5 times as many.
    const image = page.locator(".movie-card:not(.skeleton) img.cover").first();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    const shown = await image.evaluate((img: HTMLImageElement) => {
      // The width `sizes` gives: the first entry whose media condition holds, measured as CSS.
      let slot = 0;
      for (const entry of img.sizes.split(",").map((e) => e.trim())) {
        const m = /^(\(.*\))\s+(\S+)$/.exec(entry);
        if (m && !window.matchMedia(m[1]).matches) continue;
        const probe = document.createElement("div");
        probe.style.cssText = `position: absolute; width: ${m ? m[2] : entry}`;
        document.body.append(probe);
        slot = probe.getBoundingClientRect().width;
        probe.remove();
        break;
      }
      return {
        src: img.currentSrc,
        rendered: img.getBoundingClientRect().width,
        slot,
        needed: img.getBoundingClientRect().width * window.devicePixelRatio,
        offered: img.srcset.split(",").map((c) => {
          const [url, w] = c.trim().split(/\s+/);
          return { url: new URL(url, location.href).href, width: parseInt(w) };
        }),
      };
    });
    const detail = `${path}: ${JSON.stringify(shown)}`;
    expect(Math.abs(shown.slot - shown.rendered), detail).toBeLessThanOrEqual(shown.rendered * 0.1);
    const best = Math.min(...shown.offered.map((c) => c.width).filter((w) => w >= shown.needed));
    expect(best, detail).toBeLessThanOrEqual(shown.needed * 1.5);
    expect(shown.offered.every((c) => c.url.endsWith(`-${c.width}.webp`)), detail).toBe(true);
    expect(shown.offered.map((c) => c.url), detail).toContain(shown.src);
  }
});
