import { expect, test } from "@playwright/test";
import { openHydrated, signUp, uniqueEmail } from "./support";

// Movies no other story rates or edits, so their averages and titles are stable here.
const RATED = ["Carnival of Souls", "Dementia 13", "House on Haunted Hill", "The Golem", "Detour"];

test("a new viewer picks favourites, rates five movies, gets reasoned recommendations, and 'not interested' sticks", async ({
  page,
}) => {
  // A long story (eight pages opened and hydrated): 26–29 s of the default 30 on this machine's
  // release build, so it gets the triple allowance rather than failing on a busy runner.
  test.slow();
  await signUp(page, uniqueEmail("newbie"), "Nina Newcomer");
  await openHydrated(page, "/");

  // First visit: pick three movies from the offered ones.
  const picker = page.getByRole("region", { name: "Which of these do you like?" });
  await expect(picker).toBeVisible();
  const choices = picker.locator("button.pick");
  expect(await choices.count()).toBeGreaterThanOrEqual(6);
  const picked: string[] = [];
  for (let i = 0; i < 3; i++) {
    const choice = choices.nth(i);
    picked.push((await choice.locator(".card-title").innerText()).trim());
    await choice.click();
    await expect(choice).toHaveAttribute("aria-pressed", "true");
  }
  await picker.getByRole("button", { name: "Save 3 picks" }).click();
  await expect(picker).toHaveCount(0);

  // Rate five movies five stars.
  for (const title of RATED) {
    await openHydrated(page, `/movies?q=${encodeURIComponent(title)}`);
    await page.getByRole("link", { name: new RegExp(title) }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await page.getByRole("group", { name: "Your rating" }).locator("label").nth(9).click();
    await expect(page.getByText("You rated it 5 stars.")).toBeVisible();
  }

  // Home: every recommendation says why, and none is a movie already rated or picked.
  await openHydrated(page, "/");
  await expect(page.getByRole("region", { name: "Which of these do you like?" })).toHaveCount(0);
  const forYou = page.getByRole("region", { name: "Recommended for you" });
  const items = forYou.getByRole("listitem");
  await expect(items.first()).toBeVisible();
  const count = await items.count();
  expect(count).toBeGreaterThanOrEqual(3);
  const titles: string[] = [];
  for (let i = 0; i < count; i++) {
    const item = items.nth(i);
    titles.push((await item.locator(".card-title").innerText()).trim());
    await expect(item.locator(".reason")).toHaveText(/^(Because you|Popular)/);
  }
  for (const seen of [...RATED, ...picked]) expect(titles).not.toContain(seen);

  // "Not interested" removes the first one now and after a reload.
  const gone = titles[0];
  await forYou.getByRole("button", { name: `Not interested in ${gone}` }).click();
  await expect(forYou.getByRole("link", { name: new RegExp(`^${escape(gone)}`) })).toHaveCount(0);
  await expect(page.getByText(`We won't recommend ${gone} again.`)).toBeVisible();
  await openHydrated(page, "/");
  await expect(forYou.getByRole("listitem").first()).toBeVisible();
  await expect(forYou.getByRole("link", { name: new RegExp(`^${escape(gone)}`) })).toHaveCount(0);
});

test("a new viewer can skip the favourites question and is not asked again", async ({ page }) => {
  await signUp(page, uniqueEmail("skipper"), "Sam Skipper");
  await openHydrated(page, "/");
  const picker = page.getByRole("region", { name: "Which of these do you like?" });
  await picker.getByRole("button", { name: "Skip" }).click();
  await expect(picker).toHaveCount(0);
  // Still recommended something, each with its reason.
  const forYou = page.getByRole("region", { name: "Recommended for you" });
  await expect(forYou.locator(".reason").first()).toHaveText(/^(Popular|A good place to start)/);
  await openHydrated(page, "/");
  await expect(page.getByRole("region", { name: "Recommended for you" })).toBeVisible();
  await expect(picker).toHaveCount(0);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
