import { expect, test } from "@playwright/test";
import { mainNav, openHydrated, signUp, uniqueEmail } from "./support";

test("a viewer opens their year in film, makes a share card, and revokes it", async ({ page, browser }) => {
  const name = `Yara Year ${Date.now()}`;
  await signUp(page, uniqueEmail("year"), name);
  // Something to count: a rating given today.
  await openHydrated(page, "/movies?q=sunrise");
  await page.getByRole("link", { name: /Sunrise/ }).first().click();
  const stars = page.getByRole("group", { name: "Your rating" });
  await stars.locator("label").nth(7).click();
  await expect(page.getByText("You rated it 4 stars.")).toBeVisible();

  await (await mainNav(page)).getByRole("link", { name: "Your year" }).click();
  const year = new Date().getUTCFullYear();
  await expect(page.getByRole("heading", { level: 1, name: `Your ${year} in film` })).toBeVisible();
  await expect(page.getByText("Only you can see this page.")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Year" }).getByRole("link", { name: `${year}` })).toHaveAttribute(
    "aria-current",
    "page",
  );
  const ratings = page.locator(".figure").filter({ hasText: "Ratings given" });
  await expect(ratings).toContainText("1");
  // The ratings chart reads as a table: the viewer's 4 stars are all of their ratings.
  const chart = page.locator("figure#ratings-compared");
  await expect(chart.getByRole("img", { name: /Your ratings and everyone's/ })).toBeVisible();
  await chart.getByText("Show as table").click();
  const table = chart.getByRole("table", { name: "Your ratings and everyone's" });
  await expect(table.getByRole("row", { name: /^4★ / }).getByRole("cell").first()).toHaveText("100");

  // A share card exists only once asked for, and only its link shows it.
  const share = page.getByRole("region", { name: "Share card" });
  await share.getByRole("button", { name: `Make a share card of ${year}` }).click();
  const link = share.getByLabel("Link to your card");
  await expect(link).toHaveValue(/\/share\/[A-Za-z0-9_-]{43}\.png$/);
  await expect(share.getByRole("img", { name: `Your ${year} in film, as a card` })).toBeVisible();
  const url = await link.inputValue();
  const stranger = await browser.newContext();
  const seen = await stranger.request.get(url);
  expect(seen.status()).toBe(200);
  expect(seen.headers()["content-type"]).toBe("image/png");

  await share.getByRole("button", { name: "Revoke the link" }).click();
  await expect(share.getByRole("button", { name: `Make a share card of ${year}` })).toBeVisible();
  expect((await stranger.request.get(url)).status()).toBe(404);
  await stranger.close();

  // Opened directly and reloaded, the page is the same, and a visitor is asked to sign in.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: `Your ${year} in film` })).toBeVisible();
  const visitor = await browser.newContext();
  const answer = await visitor.request.get("/me/stats");
  expect(answer.status()).toBe(401);
  await visitor.close();
});
