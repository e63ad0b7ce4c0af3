import { expect, type Page, test } from "@playwright/test";
import { openHydrated, signUp, uniqueEmail } from "./support";

const FILMS = ["The Kid", "Safety Last!", "The General"];

/** The card of `title` in the grid on the page. */
function card(page: Page, title: string) {
  return page.locator(".movie-card").filter({ has: page.getByRole("link", { name: new RegExp(`^${escape(title)}`) }) });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\!]/g, "\\$&");
}

test("a viewer fills a new playlist from the cards, reorders it by drag and drop and keyboard, makes it public and shares the link", async ({
  page,
  browser,
  isMobile,
}) => {
  await signUp(page, uniqueEmail("lister"), "Lena Lister");
  await openHydrated(page, "/lists");
  await page.getByLabel("Name").fill("Silent comedies");
  await page.getByLabel("Description").fill("For a rainy Sunday");
  await page.getByRole("button", { name: "Create playlist" }).click();
  const playlistLink = page.getByRole("link", { name: "Silent comedies" });
  await expect(playlistLink).toBeVisible();

  for (const title of FILMS) {
    await openHydrated(page, `/movies?q=${encodeURIComponent(title)}`);
    const menu = card(page, title).first();
    await menu.getByRole("button", { name: `Playlists for ${title}` }).click();
    await expect(menu.getByRole("button", { name: `Playlists for ${title}` })).toHaveAttribute("aria-expanded", "true");
    const silent = menu.getByRole("group", { name: `Playlists for ${title}` }).getByLabel("Silent comedies");
    await expect(silent).not.toBeChecked();
    await silent.check();
    await expect(page.getByText("Added to Silent comedies.")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(menu.getByRole("group", { name: `Playlists for ${title}` })).toHaveCount(0);
    await expect(menu.getByRole("button", { name: `Playlists for ${title}` })).toBeFocused();
  }

  await openHydrated(page, "/lists");
  await page.getByRole("link", { name: "Silent comedies" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Silent comedies" })).toBeVisible();
  const items = page.getByRole("list", { name: "Movies on this list" }).locator(".card-title");
  await expect(items).toHaveText(FILMS);

  if (isMobile) {
    // A touch screen has no mouse to drag with: the Up button twice.
    await page.getByRole("button", { name: "Move The General up" }).click();
    await expect(items).toHaveText(["The Kid", "The General", "Safety Last!"]);
    await page.getByRole("button", { name: "Move The General up" }).click();
  } else {
    // With the mouse: drag The General's handle onto the first card.
    const listed = page.getByRole("list", { name: "Movies on this list" });
    await card(page, "The General").locator(".drag-handle").dragTo(listed.locator("li").first());
  }
  await expect(items).toHaveText(["The General", "The Kid", "Safety Last!"]);

  // From the keyboard: The Kid down.
  const down = page.getByRole("button", { name: "Move The Kid down" });
  await down.focus();
  await page.keyboard.press("Enter");
  await expect(items).toHaveText(["The General", "Safety Last!", "The Kid"]);

  // The order is stored, not just shown.
  await openHydrated(page, page.url());
  await expect(items).toHaveText(["The General", "Safety Last!", "The Kid"]);

  // Public, and the link works for someone without an account.
  await page.getByText("Edit list").click();
  await page.getByLabel("Public: anyone with the link can see it").check();
  await page.getByRole("button", { name: "Save list" }).click();
  await expect(page.locator(".row-heading .badge")).toHaveText("Public");
  const shareUrl = page.url();

  const stranger = await browser.newContext();
  const other = await stranger.newPage();
  await openHydrated(other, shareUrl);
  await expect(other.getByRole("heading", { level: 1, name: "Silent comedies" })).toBeVisible();
  await expect(other.getByRole("list", { name: "Movies on this list" }).locator(".card-title")).toHaveText([
    "The General",
    "Safety Last!",
    "The Kid",
  ]);
  await expect(other.getByRole("button", { name: /Move .* up/ })).toHaveCount(0);
  await expect(other.locator(".drag-handle")).toHaveCount(0);
  await stranger.close();
});

test("the watchlist button on a card and on the movie's page add and remove the same movie", async ({ page }) => {
  const FILM = "Charade";
  await signUp(page, uniqueEmail("watcher"), "Wes Watcher");
  await openHydrated(page, `/movies?q=${FILM}`);
  const onCard = card(page, FILM).first().getByRole("button", { name: `${FILM} on my watchlist` });
  await expect(onCard).toHaveAttribute("aria-pressed", "false");
  await onCard.click();
  await expect(page.getByText("Added to your watchlist.")).toBeVisible();
  await expect(onCard).toHaveAttribute("aria-pressed", "true");

  // The movie's page knows, straight from the server.
  await card(page, FILM).first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1, name: FILM })).toBeVisible();
  const onPage = page.getByRole("button", { name: `${FILM} on my watchlist` });
  await expect(onPage).toHaveAttribute("aria-pressed", "true");
  await expect(onPage).toHaveText("✓ On your watchlist");

  await openHydrated(page, "/lists");
  await page.getByRole("link", { name: "Watchlist", exact: true }).click();
  await expect(page.getByRole("list", { name: "Movies on this list" }).locator(".card-title")).toHaveText([FILM]);

  // Off again from the page; the card agrees after a reload.
  await openHydrated(page, `/movies?q=${FILM}`);
  await card(page, FILM).first().getByRole("link").first().click();
  await page.getByRole("button", { name: `${FILM} on my watchlist` }).click();
  await expect(page.getByText("Removed from your watchlist.")).toBeVisible();
  await expect(page.getByRole("button", { name: `${FILM} on my watchlist` })).toHaveAttribute("aria-pressed", "false");
  await openHydrated(page, `/movies?q=${FILM}`);
  await expect(card(page, FILM).first().getByRole("button", { name: `${FILM} on my watchlist` })).toHaveAttribute(
    "aria-pressed",
    "false",
  );

  // A playlist made on the spot from the card's menu, then left again.
  const menu = card(page, FILM).first();
  await menu.getByRole("button", { name: `Playlists for ${FILM}` }).click();
  const panel = menu.getByRole("group", { name: `Playlists for ${FILM}` });
  await expect(panel.getByText("No playlists yet.")).toBeVisible();
  await panel.getByLabel("New playlist name").fill("Cary Grant night");
  await panel.getByRole("button", { name: "Create" }).click();
  await expect(page.getByText("Added to Cary Grant night.")).toBeVisible();
  await expect(panel.getByLabel("Cary Grant night")).toBeChecked();
  await panel.getByLabel("Cary Grant night").uncheck();
  await expect(page.getByText("Removed from Cary Grant night.")).toBeVisible();

  await openHydrated(page, "/lists");
  await page.getByRole("link", { name: "Cary Grant night" }).click();
  // The list's page comes in its own chunk: the lists page stays until it has arrived.
  await expect(page.getByRole("heading", { level: 1, name: "Cary Grant night" })).toBeVisible();
  await expect(page.getByText("No movies yet")).toBeVisible();
});

test("a private list looks missing to anyone else", async ({ page, browser }) => {
  await signUp(page, uniqueEmail("private"), "Pia Private");
  await openHydrated(page, "/lists");
  await page.getByLabel("Name").fill("Only mine");
  await page.getByRole("button", { name: "Create playlist" }).click();
  await page.getByRole("link", { name: "Only mine" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Only mine" })).toBeVisible();
  const url = page.url();

  const stranger = await browser.newContext();
  const other = await stranger.newPage();
  const response = await other.goto(url);
  expect(response?.status()).toBe(404);
  await expect(other.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await stranger.close();
});
