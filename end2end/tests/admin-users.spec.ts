import { expect, test } from "@playwright/test";
import { PASSWORD, logIn, openHydrated, signInAsNewAdmin, signUp, uniqueEmail } from "./support";

test("an admin disables a viewer, who is signed out at once and cannot sign in until enabled again", async ({
  page,
  browser,
  baseURL,
}) => {
  const email = uniqueEmail("paused");
  const name = `Paused Viewer ${Date.now()}`;
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signUp(viewer, email, name);

  await signInAsNewAdmin(page, baseURL!, "Users Admin");
  await openHydrated(page, "/admin/users");
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row.getByRole("cell", { name: "Active" })).toBeVisible();
  await row.getByRole("button", { name: `Disable: ${name}` }).click();
  await expect(row.getByRole("cell", { name: "Disabled" })).toBeVisible();

  // The viewer's open session ends at its next request.
  await viewer.reload();
  await expect(viewer.getByRole("link", { name: "Log in" }).first()).toBeVisible();
  await expect(viewer.getByRole("link", { name: `Profile of ${name}` })).toHaveCount(0);
  // Signing in again is refused, and says why.
  await openHydrated(viewer, "/login");
  await viewer.getByLabel("Email").fill(email);
  await viewer.getByLabel("Password").fill(PASSWORD);
  await viewer.getByRole("button", { name: "Log in" }).click();
  await expect(viewer.getByRole("alert")).toHaveText("This account is disabled. Ask an admin to enable it again.");

  await row.getByRole("button", { name: `Enable: ${name}` }).click();
  await expect(row.getByRole("cell", { name: "Active" })).toBeVisible();
  await logIn(viewer, email, name);
  await viewerContext.close();
});
