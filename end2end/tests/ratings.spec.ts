import { expect, test } from "@playwright/test";
import { mainNav, openHydrated, signUp, uniqueEmail } from "./support";

test("a viewer rates a movie with half stars from the keyboard, sees the average, and clears it", async ({ page }) => {
  await signUp(page, uniqueEmail("rater"), "Rita Rater");
  await openHydrated(page, "/movies?q=metropolis");
  await page.getByRole("link", { name: /Metropolis/ }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Metropolis" })).toBeVisible();
  const stars = page.getByRole("group", { name: "Your rating" });
  await expect(stars.getByRole("radio")).toHaveCount(10);

  // The eighth half star is four stars; people click the star itself (the radio's label).
  await stars.locator("label").nth(7).click();
  await expect(stars.getByRole("radio", { name: "4 stars", exact: true })).toBeChecked();
  await expect(page.getByText("You rated it 4 stars.")).toBeVisible();
  // Arrow keys move within the radio group: one step right is half a star more.
  await stars.getByRole("radio", { name: "4 stars", exact: true }).press("ArrowRight");
  await expect(page.getByText("You rated it 4 and a half stars.")).toBeVisible();
  await expect(page.getByText("Rated 4.5 out of 5 by 1 viewer")).toBeVisible();

  // It was saved: a reload shows the same.
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "");
  await expect(stars.getByRole("radio", { name: "4 and a half stars" })).toBeChecked();
  await expect(page.getByText("Rated 4.5 out of 5 by 1 viewer")).toBeVisible();

  await page.getByRole("button", { name: "Clear rating" }).click();
  await expect(page.getByText("Not rated yet.")).toBeVisible();
  await expect(page.getByText("No ratings yet")).toBeVisible();
});

test("visitors see the average and are asked to log in to rate", async ({ page }) => {
  await openHydrated(page, "/movies?q=nosferatu");
  await page.getByRole("link", { name: /Nosferatu/ }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Nosferatu" })).toBeVisible();
  await expect(page.getByRole("radio")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Log in" }).last()).toBeVisible();
  await expect(page.getByText("to rate this movie.")).toBeVisible();
});

test("a viewer rates a movie from its card in the catalog and clears it there", async ({ page }) => {
  await signUp(page, uniqueEmail("card-rater"), "Cora Cards");
  await openHydrated(page, "/movies?q=navigator");
  const card = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: /The Navigator/ }) });
  const stars = card.getByRole("group", { name: "Rate The Navigator" });
  await stars.locator("label").nth(6).click();
  await expect(stars.getByRole("radio", { name: "3 and a half stars" })).toBeChecked();
  await expect(card.locator(".card-rating")).toHaveText("★ 3.5");

  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "");
  await expect(stars.getByRole("radio", { name: "3 and a half stars" })).toBeChecked();
  await expect(card.locator(".card-rating")).toHaveText("★ 3.5");

  // Rated, it is on the "Top rated" page.
  await (await mainNav(page)).getByRole("link", { name: "Top rated" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Top rated" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Top rated movies" }).getByRole("link", { name: /The Navigator/ })).toBeVisible();

  await openHydrated(page, "/movies?q=navigator");
  await card.getByRole("button", { name: "Clear your rating of The Navigator" }).click();
  await expect(stars.getByRole("radio", { name: "3 and a half stars" })).not.toBeChecked();
  await expect(card.locator(".card-rating")).toHaveText("☆ –");
});
