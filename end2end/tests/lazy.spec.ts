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
  const links = [...head.matchAll(/<link\b[^>]*>/g)].map((m) => m[0]);
  const hrefs = (rel: string) =>
    links.filter((l) => l.includes(`rel="${rel}"`)).map((l) => /href="([^"]+)"/.exec(l)?.[1] ?? "");
  for (const chunk of chunks) expect(hrefs("preload"), `${chunk} is preloaded`).toContain(chunk);
  expect(hrefs("modulepreload").filter((h) => h.startsWith("/pkg/__wasm_split.")), head).toHaveLength(1);
  // No waterfall: the chunk was asked for before the main module had arrived.
  const main = started((p) => isModule(p) && !CHUNK.test(p));
  expect(main).toHaveLength(1);
  expect(events.indexOf(`start ${chunks[0]}`), events.join("\n")).toBeLessThan(events.indexOf(`end ${main[0]}`));

  // And the page works: a form on it submits.
  await page.getByLabel("Name").fill("Rainy Sundays");
  await page.getByRole("button", { name: "Create playlist" }).click();
  await expect(page.getByRole("link", { name: "Rainy Sundays" })).toBeVisible();
});
