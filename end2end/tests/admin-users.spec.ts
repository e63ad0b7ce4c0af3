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

test("an admin finds a viewer by part of their email, and the search stays in the URL", async ({
  page,
  browser,
  baseURL,
}) => {
  const email = uniqueEmail("findable");
  const name = `Findable Viewer ${Date.now()}`;
  const viewerContext = await browser.newContext();
  await signUp(await viewerContext.newPage(), email, name);
  await viewerContext.close();

  await signInAsNewAdmin(page, baseURL!, "Finding Admin");
  await openHydrated(page, "/admin/users");
  const search = page.getByRole("search", { name: "Find accounts" });
  await search.getByLabel("Name or email").fill(email.split("@")[0].toUpperCase());
  await search.getByLabel("Sort by").selectOption({ label: "Name" });
  await search.getByRole("button", { name: "Find" }).click();
  await expect(page).toHaveURL(/\/admin\/users\?q=.*&sort=name/);
  await expect(page.getByRole("status").filter({ hasText: "1 account" })).toBeVisible();
  const rows = page.getByRole("table", { name: "Accounts" }).locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(name);

  // Opened directly, the same search shows the same account.
  await page.reload();
  await expect(rows).toHaveCount(1);
  await expect(search.getByLabel("Sort by")).toHaveValue("name");

  // The name opens the account's page: its facts and its audit log, which records what an
  // admin does to it.
  await rows.first().getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await page.getByRole("button", { name: `End sessions: ${name}` }).click();
  const log = page.getByRole("table", { name: "Audit log, newest first" });
  await expect(log.locator("tbody tr").first()).toContainText("Sessions ended");
  await expect(log.locator("tbody tr").first()).toContainText("admin-");
  await page.reload();
  await expect(log.getByRole("row").filter({ hasText: "Sign-up" })).toHaveCount(1);
});
