import { expect, test } from "@playwright/test";
import { logIn, logOut, openHydrated, pngImage, signUp, uniqueEmail } from "./support";

test("a viewer signs up, logs out and in, renames themself and uploads a photo", async ({ page }) => {
  const email = uniqueEmail("ada");
  await signUp(page, email, "Ada Lovelace");
  await logOut(page);

  await logIn(page, email, "Ada Lovelace");

  await page.getByRole("link", { name: "Profile of Ada Lovelace" }).click();
  await expect(page.getByRole("heading", { name: "Your profile" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "");
  const name = page.getByRole("textbox", { name: "Display name" });
  await name.fill("Countess Ada");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Name saved." })).toBeVisible();
  await expect(page.getByRole("link", { name: "Profile of Countess Ada" })).toBeVisible();

  await page.getByLabel("Choose a photo").setInputFiles({ name: "me.png", mimeType: "image/png", buffer: pngImage(320, 240) });
  await page.getByRole("button", { name: "Upload photo" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Photo updated." })).toBeVisible();
  const avatar = page.getByRole("img", { name: "Your profile photo" });
  await expect(avatar).toBeVisible();
  // The header shows the stored, re-encoded photo.
  const photo = await page.request.get((await avatar.getAttribute("src"))!);
  expect(photo.status()).toBe(200);
  expect(photo.headers()["content-type"]).toBe("image/jpeg");

  await logOut(page);
  await expect(page.getByRole("img", { name: "Your profile photo" })).toHaveCount(0);
});

test("a wrong password shows an error and signs nobody in", async ({ page }) => {
  const email = uniqueEmail("grace");
  await signUp(page, email, "Grace");
  await logOut(page);

  await openHydrated(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("definitely not it");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Email or password is incorrect.");
  await expect(page.getByRole("link", { name: "Profile of Grace" })).toHaveCount(0);
});

test("a signed-up form with a common password explains what to fix", async ({ page }) => {
  await openHydrated(page, "/signup");
  await page.getByLabel("Email").fill(uniqueEmail("weak"));
  await page.getByLabel("Display name").fill("Weak");
  await page.getByLabel("Password").fill("password1");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByText("That password is too easy to guess: it is a common one or a simple variation of one. Choose another.")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
});
