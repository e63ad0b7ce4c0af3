import { expect, type Locator, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { deflateSync } from "node:zlib";

/** A fresh address per story, so stories never share an account. */
export function uniqueEmail(name: string): string {
  return `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

export const PASSWORD = "a long enough passphrase";

/** The main navigation, opened first where it waits behind the menu button (a phone). */
export async function mainNav(page: Page): Promise<Locator> {
  const menu = page.getByRole("button", { name: "Menu" });
  if (await menu.isVisible()) {
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
  }
  return page.getByRole("navigation", { name: "Main" });
}

/** Opens a page and waits until the WebAssembly has made it interactive. When it does not, the
 * failure carries what the browser reported (panics, failed loads). */
export async function openHydrated(page: Page, path: string): Promise<void> {
  const reports: string[] = [];
  const onConsole = (m: { type(): string; text(): string }) => {
    if (m.type() === "error" || m.type() === "warning") reports.push(`${m.type()}: ${m.text()}`);
  };
  const onError = (e: Error) => reports.push(`pageerror: ${e.message}`);
  page.on("console", onConsole);
  page.on("pageerror", onError);
  try {
    await page.goto(path);
    await expect(page.locator("html"), `hydration of ${path}; browser said:\n${reports.join("\n")}`).toHaveAttribute(
      "data-hydrated",
      "",
      // The first page a cold browser opens on a busy 2-core machine compiles 1.3 MB of wasm.
      { timeout: 30_000 },
    );
    // A hydration mismatch panics the WebAssembly after the marker is set: fail loudly here.
    const panics = reports.filter((r) => r.includes("panicked"));
    expect(panics, `${path} panicked while hydrating`).toEqual([]);
  } catch (e) {
    throw new Error(`${path} did not hydrate. Browser reports:\n${reports.join("\n") || "(none)"}\n${e}`);
  } finally {
    page.off("console", onConsole);
    page.off("pageerror", onError);
  }
}

/** Signs up through the form and waits for the signed-in header. */
export async function signUp(page: Page, email: string, name: string): Promise<void> {
  await openHydrated(page, "/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Display name").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("link", { name: `Profile of ${name}` })).toBeVisible();
}

/** Logs out from the header and waits for the anonymous header. */
export async function logOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("link", { name: "Log in" }).first()).toBeVisible();
}

/** Runs the server's own command line on this project's database; returns what it printed. */
function cinecloud(baseURL: string, args: string[], extraEnv: Record<string, string> = {}): string {
  const port = new URL(baseURL).port;
  const data = process.env[`CINECLOUD_E2E_DATA_${port}`];
  if (!data) throw new Error(`no data folder recorded for port ${port}`);
  const binary = process.env.CINECLOUD_BIN ?? `${__dirname}/../../target/release/cinecloud`;
  const out = execFileSync(binary, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${data}/cinecloud.db`,
      CINECLOUD_MEDIA_DIR: `${data}/media`,
      CINECLOUD_PUBLIC_URL: baseURL,
      RUST_LOG: "error",
      ...extraEnv,
    },
  });
  return out.toString().trim();
}

/** A new one-time setup link from the server's own command line, on this project's database. */
export function setupLink(baseURL: string): string {
  return cinecloud(baseURL, ["admin", "setup-link"]);
}

/** Creates an admin with `cinecloud admin create` and signs in as them through the form. */
export async function signInAsNewAdmin(page: Page, baseURL: string, name: string): Promise<void> {
  const email = uniqueEmail("admin");
  cinecloud(baseURL, ["admin", "create", "--email", email, "--name", name], { CINECLOUD_ADMIN_PASSWORD: PASSWORD });
  await logIn(page, email, name);
}

/** Signs in through the login form and waits for the signed-in header of `name`. */
export async function logIn(page: Page, email: string, name: string): Promise<void> {
  await openHydrated(page, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("link", { name: `Profile of ${name}` })).toBeVisible();
}

/** A real PNG image of the given size with a colour gradient, built in memory. */
export function pngImage(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // truecolour RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = (x * 255) / width;
      row[2 + x * 3] = (y * 255) / height;
      row[3 + x * 3] = 160;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Where a video element is, in seconds. */
export const videoTime = (video: Locator) => video.evaluate((v: HTMLVideoElement) => v.currentTime);

/** Waits for the player's report of `event` (start, seek, pause…) to be saved. */
export function playbackReported(page: Page, event: string) {
  return page.waitForResponse(
    (r) => r.url().includes("/api/playback/report") && (r.request().postData() ?? "").includes(`event=${event}`) && r.ok(),
  );
}
