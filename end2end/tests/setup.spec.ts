import { expect, test } from "@playwright/test";
import { PASSWORD, mainNav, openHydrated, setupLink, uniqueEmail } from "./support";

test("the first-admin setup link works once and only once", async ({ page, browser, baseURL }) => {
  const link = setupLink(baseURL!);
  expect(link).toContain("/setup?token=");

  await openHydrated(page, link);
  await expect(page.getByText("This link works only once.")).toBeVisible();
  await page.getByLabel("Email").fill(uniqueEmail("root"));
  await page.getByLabel("Display name").fill("Root Admin");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await expect((await mainNav(page)).getByRole("link", { name: "Users" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Root Admin", exact: true })).toBeVisible();

  // Anyone opening the same link again, in a fresh browser, is turned away.
  const stranger = await browser.newContext();
  const again = await stranger.newPage();
  await again.goto(link);
  await expect(again.getByRole("alert")).toHaveText("This setup link is invalid or has already been used.");
  await expect(again.getByRole("button", { name: "Create admin account" })).toHaveCount(0);
  await stranger.close();

  // And no new link can be issued once an admin exists.
  expect(() => setupLink(baseURL!)).toThrow();
});
