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

test("an admin hands a viewer who forgot their password a one-time link, then deletes the account", async ({
  page,
  browser,
  baseURL,
}) => {
  const email = uniqueEmail("forgetful");
  const name = `Forgetful Viewer ${Date.now()}`;
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await signUp(viewer, email, name);

  await signInAsNewAdmin(page, baseURL!, "Reset Admin");
  await openHydrated(page, `/admin/users?q=${encodeURIComponent(email)}`);
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const reset = page.getByRole("region", { name: "Password reset" });
  await reset.getByRole("button", { name: "Make a password-reset link" }).click();
  const field = reset.getByLabel("Reset link (shown only now)");
  await expect(field).toHaveValue(/\/reset\?token=[A-Za-z0-9_-]{43}$/);
  const link = await field.inputValue();
  const accountPage = page.url();

  // The viewer opens it in a fresh browser, chooses a new password and is signed in; the
  // session they had before ends.
  const fresh = await browser.newContext();
  const owner = await fresh.newPage();
  await openHydrated(owner, link);
  await expect(owner.getByText(`A new password for ${email}.`, { exact: false })).toBeVisible();
  await owner.getByLabel("New password").fill("a brand new passphrase");
  await owner.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(owner.getByRole("link", { name: `Profile of ${name}` })).toBeVisible();
  await viewer.reload();
  await expect(viewer.getByRole("link", { name: "Log in" }).first()).toBeVisible();
  // The link worked once.
  await openHydrated(owner, link);
  await expect(owner.getByRole("alert")).toContainText("has already been used");

  // The admin deletes the account, typing its email to confirm; its session ends with it.
  await page.goto(accountPage);
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  const log = page.getByRole("table", { name: "Audit log, newest first" });
  await expect(log.getByRole("row").filter({ hasText: "Password-reset link" })).toHaveCount(2);
  const danger = page.getByRole("region", { name: "Delete account" });
  await danger.getByLabel("Type the account's email to confirm").fill("not-this@example.com");
  await danger.getByRole("button", { name: "Delete this account" }).click();
  await expect(danger.getByText("Type the account's email exactly to confirm.")).toBeVisible();
  await danger.getByLabel("Type the account's email to confirm").fill(email);
  await danger.getByRole("button", { name: "Delete this account" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await owner.reload();
  await expect(owner.getByRole("link", { name: "Log in" }).first()).toBeVisible();
  await openHydrated(page, `/admin/users?q=${encodeURIComponent(email)}`);
  await expect(page.getByText("No accounts match.")).toBeVisible();
  await fresh.close();
  await viewerContext.close();
});
