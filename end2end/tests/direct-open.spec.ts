import { expect, test, type Locator, type Page } from "@playwright/test";
import { openHydrated, signInAsNewAdmin, signUp, uniqueEmail } from "./support";

// Stories mostly reach pages by clicking, which renders them in the browser. A bookmark, a
// shared link or a reload asks the server for the whole page instead, and that path once hung
// (`/movies/new` for a signed-in admin stalled after the header, #15). Each page is opened
// here directly, reloaded, and fetched whole by a plain request with a deadline.

/** Opens `path` directly, then reloads it; both times `ready` must show once hydrated. */
async function openAndReload(page: Page, path: string, ready: (page: Page) => Locator) {
  await openHydrated(page, path);
  await expect(ready(page)).toBeVisible();
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "", { timeout: 30_000 });
  await expect(ready(page)).toBeVisible();
  // The server's answer ends (no stalled stream) within a deadline, as curl would see it.
  const response = await page.request.get(path, { timeout: 10_000 });
  expect(response.status(), path).toBe(200);
  expect(await response.text(), `${path} is a whole document`).toContain("</html>");
}

test("an admin opens every admin page directly and by reload", async ({ page, baseURL }) => {
  await signInAsNewAdmin(page, baseURL!, "Direct Admin");
  await openAndReload(page, "/movies/new", (p) => p.getByRole("button", { name: "Create movie" }));
  await openAndReload(page, "/admin", (p) => p.getByRole("heading", { name: "Top movies" }));
  await openAndReload(page, "/admin?days=365", (p) => p.getByRole("img", { name: /Hours watched per day/ }));
  await openAndReload(page, "/admin/users", (p) => p.getByRole("heading", { level: 1, name: "Users" }));
  await openAndReload(page, "/admin/users?q=direct&sort=last-active", (p) =>
    p.getByRole("link", { name: "Direct Admin", exact: true }),
  );
  await page.getByRole("link", { name: "Direct Admin", exact: true }).click();
  await page.waitForURL(/\/admin\/users\/\d+$/);
  const own = new URL(page.url()).pathname;
  await openAndReload(page, own, (p) => p.getByRole("heading", { name: "Audit log" }));
  await openAndReload(page, "/admin/recommender", (p) => p.getByRole("heading", { level: 1, name: "Recommender" }));
  // The admin's own sign-in is among the recent security events.
  await openAndReload(page, "/admin/security", (p) =>
    p.getByRole("table", { name: "Security events, newest first" }).getByRole("cell", { name: "Sign-in" }).first(),
  );
  await openAndReload(page, "/profile", (p) => p.getByRole("heading", { level: 1, name: "Your profile" }));
  await openAndReload(page, "/movies/1", (p) => p.getByRole("button", { name: "Edit" }));
  // The editor opened directly still works: a movie can be created from it.
  await openHydrated(page, "/movies/new");
  const title = `Direct Road ${Date.now()}`;
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Year", { exact: true }).fill("1960");
  await page.getByRole("button", { name: "Create movie" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
});

test("a viewer opening an admin page directly is told it is for admins", async ({ page }) => {
  await signUp(page, uniqueEmail("direct"), "Direct Viewer");
  await openAndReload(page, "/movies/new", (p) => p.getByText("Only admins can add movies."));
  await openAndReload(page, "/lists", (p) => p.getByRole("heading", { level: 1, name: "My lists" }));
  // A new viewer has no watchlist row yet; the page still shows one, empty.
  await expect(page.locator(".list-summaries").getByText("Watchlist")).toBeVisible();
  await openAndReload(page, "/me/stats", (p) => p.getByRole("heading", { level: 1, name: /^Your \d{4} in film$/ }));
  await openAndReload(page, "/reset?token=not-a-link", (p) => p.getByRole("alert").getByText(/invalid/));
  // The profile lists where they are signed in: here, marked as this device.
  await openAndReload(page, "/profile", (p) =>
    p.getByRole("region", { name: "Where you're signed in" }).getByText("This device"),
  );
});

test("a visitor reloading the catalog gets its kept copy revalidated, and it still hydrates", async ({ page }) => {
  // The server keeps visitors' list pages and tags them; a reload asks with the tag and is
  // answered 304 with no policy, so the browser keeps the policy its copy's nonce matches.
  // (Chromium reports the revalidated document as 200 with the 304's own headers.)
  const violations: string[] = [];
  page.on("console", (m) => {
    if (m.text().includes("Content Security Policy")) violations.push(m.text());
  });
  const documents: { asked: string | undefined; tag: string | undefined; policy: string | undefined }[] = [];
  page.on("requestfinished", async (request) => {
    if (request.resourceType() !== "document") return;
    const response = await request.response();
    const sent = await request.allHeaders();
    const got = (await response?.allHeaders()) ?? {};
    documents.push({ asked: sent["if-none-match"], tag: got["etag"], policy: got["content-security-policy"] });
  });
  await openAndReload(page, "/movies", (p) => p.getByRole("heading", { level: 1, name: "Movies" }));
  await expect.poll(() => documents.length).toBeGreaterThanOrEqual(2);
  const [first, reload] = documents;
  expect(first.tag, "the page is tagged").toMatch(/^W\/"[0-9a-f]{16}"$/);
  expect(first.policy).toContain("'nonce-");
  expect(reload.asked, "the reload asks with the tag").toBe(first.tag);
  expect(reload.policy, "answered 304: no policy to replace the kept one").toBeUndefined();
  expect(violations).toEqual([]);
  // Hydrated from the kept copy: the search works.
  await page.getByRole("searchbox").first().fill("metropolis");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("link", { name: /Metropolis/ }).first()).toBeVisible();
});
