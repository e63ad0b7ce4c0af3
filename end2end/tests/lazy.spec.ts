import { expect, test } from "@playwright/test";
import { openHydrated, signUp, uniqueEmail } from "./support";

// Every page but the catalog's own (`/`, `/movies`, `/top-rated`) is in WebAssembly chunks of its
// own (app/src/lib.rs, `lazy_pages!`), so the module every visitor loads first is smaller.
// Opened directly, such a page must not wait for the main module before it asks for its chunk:
// the server names the chunk in <head>, and the browser fetches both at once.

const CHUNK = /^\/pkg\/(split|chunk)_[^/]+\.wasm$/;

test("a private page opened directly fetches its code alongside the main module, and works", async ({ page }) => {
  const events: string[] = [];
  page.on("request", (r) => events.push(`start ${new URL(r.url()).pathname}`));
  page.on("requestfinished", (r) => events.push(`end ${new URL(r.url()).pathname}`));
  const started = (wanted: (path: string) => boolean) => [
    ...new Set(events.filter((e) => e.startsWith("start ")).map((e) => e.slice(6)).filter(wanted)),
  ];
  const isModule = (p: string) => p.startsWith("/pkg/") && p.endsWith(".wasm");
  // Each look starts from an empty HTTP cache, as a first visit does.
  const cdp = await page.context().newCDPSession(page);
  const firstVisit = async (path: string) => {
    await cdp.send("Network.clearBrowserCache");
    events.length = 0;
    await openHydrated(page, path);
  };

  // A visitor's lazy pages hydrate when opened directly (openHydrated fails on a hydration
  // panic: grouping pages into one lazy function made exactly these panic, see
  // docs/architecture.md, "Lazy pages").
  for (const path of ["/login", "/signup", "/people/1"]) await openHydrated(page, path);

  await signUp(page, uniqueEmail("lazy"), "Lazy Lou");

  // The home page needs no chunk.
  await firstVisit("/");
  expect(started((p) => CHUNK.test(p)), "the home page loads no chunk").toEqual([]);
  expect(started(isModule), "the home page loads the main module only").toHaveLength(1);
  // Pointing at a movie starts fetching the movie page's code, before any click.
  await page.locator(".movie-card:not(.skeleton) a").first().hover();
  await expect.poll(() => started((p) => p.includes("split___movie_route_view_"))).toHaveLength(1);

  await firstVisit("/lists");
  const chunks = started((p) => CHUNK.test(p));
  expect(chunks.length, "the lists page's code came in a chunk").toBeGreaterThan(0);
  // Every chunk it fetched was named in the server's <head>, with the loader script.
  const html = await (await page.request.get("/lists")).text();
  const head = html.slice(0, html.indexOf("</head>"));
  const named = (/<meta name="cinecloud-chunks" content="([^"]*)"/.exec(head)?.[1] ?? "").split(" ");
  for (const chunk of chunks) expect(named, `${chunk} is named in <head>`).toContain(chunk);
  expect(named.filter((h) => h.startsWith("/pkg/__wasm_split.")), head).toHaveLength(1);
  // No waterfall: the chunk was asked for before the main module had arrived.
  const main = started((p) => isModule(p) && !CHUNK.test(p));
  expect(main).toHaveLength(1);
  expect(events.indexOf(`start ${chunks[0]}`), events.join("\n")).toBeLessThan(events.indexOf(`end ${main[0]}`));

  // And the page works: a form on it submits.
  await page.getByLabel("Name").fill("Rainy Sundays");
  await page.getByRole("button", { name: "Create playlist" }).click();
  await expect(page.getByRole("link", { name: "Rainy Sundays" })).toBeVisible();
});

// The bundle is most of a first visit's bytes: the page's own content goes first (its first paint
// and its leading cover, the image marked `fetchpriority="high"`), then the bundle is asked for
// (app/src/assets.rs, `BundleTags`).
test("a page paints and loads its leading cover before it asks for the bundle", async ({ page }) => {
  // A movie of the demo catalog with a cover, which no story changes (others add movies without
  // covers, so the catalog's first card may have none).
  const found = await (await page.request.get("/api/v1/movies?q=agent%20327")).json();
  const movie = found.items.find((m: { cover: unknown }) => m.cover);
  expect(movie, "the demo catalog's Agent 327 has a cover").toBeTruthy();
  const heroes: string[] = [];
  for (const path of ["/", "/movies", `/movies/${movie.id}`, "/login"]) {
    await openHydrated(page, path);
    const seen = await page.evaluate(() => {
      const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      const wasm = resources.filter((r) => new URL(r.name).pathname.endsWith(".wasm")).map((r) => r.startTime);
      const hero = document.querySelector<HTMLImageElement>('img[fetchpriority="high"]');
      return {
        paint: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
        firstWasm: Math.min(...wasm),
        wasmCount: wasm.length,
        hero: hero ? (resources.find((r) => r.name === hero.currentSrc)?.responseEnd ?? null) : undefined,
      };
    });
    const said = `${path}: ${JSON.stringify(seen)}`;
    expect(seen.wasmCount, said).toBeGreaterThan(0);
    expect(seen.paint, said).toBeDefined();
    expect(seen.firstWasm, said).toBeGreaterThan(seen.paint!);
    if (seen.hero !== undefined) {
      expect(seen.hero, `${said}: the cover was fetched`).not.toBeNull();
      expect(seen.firstWasm, said).toBeGreaterThanOrEqual(seen.hero!);
      heroes.push(path);
    }
  }
  expect(heroes, "the movie page leads with its cover; the sign-in page has none").toContain(`/movies/${movie.id}`);
  expect(heroes).not.toContain("/login");
});
