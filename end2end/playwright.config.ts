import { defineConfig, devices } from "@playwright/test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pngImage } from "./tests/support";

// Each project (desktop, phone) gets its own server on its own fresh database, so stories that
// change global state (the first admin) run independently in both.
const root = resolve(__dirname, "..");
const binary = process.env.CINECLOUD_BIN ?? join(root, "target/release/cinecloud");
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? join(root, "target/site");

// What every server of the stories runs with.
const sharedEnv: Record<string, string> = {
  LEPTOS_SITE_ROOT: siteRoot,
  CINECLOUD_LOG_FORMAT: "json",
  RUST_LOG: "warn",
  // Every story signs up its own viewers, all from 127.0.0.1.
  CINECLOUD_SIGN_UPS_PER_HOUR: "100000",
  // Train the recommender as soon as a story has given a few signals.
  CINECLOUD_RECOMMENDER_RETRAIN_AFTER: "5",
  CINECLOUD_RECOMMENDER_POLL_SECONDS: "2",
};

export function serverEnv(port: number): Record<string, string> {
  const data = process.env[`CINECLOUD_E2E_DATA_${port}`] ?? mkdtempSync(join(tmpdir(), `cinecloud-e2e-${port}-`));
  process.env[`CINECLOUD_E2E_DATA_${port}`] = data;
  return {
    CINECLOUD_METADATA_DIR: offlineMetadata(data),
    DATABASE_URL: `sqlite://${data}/cinecloud.db`,
    CINECLOUD_MEDIA_DIR: join(data, "media"),
    CINECLOUD_LISTEN: `127.0.0.1:${port}`,
    CINECLOUD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...sharedEnv,
  };
}

// The offline catalog's extra films for the import stories (#19): one invented film with a
// poster and a Spanish title, beside the demo films the offline catalog always has.
function offlineMetadata(data: string): string {
  const folder = join(data, "metadata");
  mkdirSync(folder, { recursive: true });
  const film = {
    title: "The Lantern Keepers",
    year: 2019,
    runtime_minutes: 94,
    synopsis: "Invented for Cinecloud's end-to-end stories: two sisters keep the last gas lamps of a harbour town lit.",
    genres: ["Drama"],
    directors: [{ name: "Mara Lindqvist" }],
    cast: [{ name: "Ines Holloway", character: "Edda" }],
    country: "SE",
    original_language: "sv",
    poster: "lantern-keepers.png",
    translations: [{ language: "es-ES", title: "Los Guardianes del Farol", synopsis: "" }],
  };
  writeFileSync(join(folder, "lantern-keepers.json"), JSON.stringify(film));
  writeFileSync(join(folder, "lantern-keepers.png"), pngImage(400, 600));
  return folder;
}

// The fleet: HAProxy on this port, its two servers on the next two.
const FLEET_PORT = 3110;

// The TMDb stories (#19): a server on this port whose TMDb is the project's TMDb-protocol
// fixture (server/core/examples/tmdb_fixture.rs, built by scripts/test) on TMDB_FIXTURE_PORT.
const TMDB_PORT = 3102;
const TMDB_FIXTURE_PORT = 3108;
const tmdbFixture = process.env.CINECLOUD_TMDB_FIXTURE ?? join(root, "target/debug/examples/tmdb_fixture");
const tmdbEnv: Record<string, string> = {
  CINECLOUD_TMDB_TOKEN: "fixture-read-access-token",
  CINECLOUD_TMDB_API_URL: `http://127.0.0.1:${TMDB_FIXTURE_PORT}/3/`,
  CINECLOUD_TMDB_IMAGE_URL: `http://127.0.0.1:${TMDB_FIXTURE_PORT}/t/p/w780`,
};

const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // Stories start videos from scripts, not only from clicks.
      "--autoplay-policy=no-user-gesture-required",
      "--mute-audio",
    ],
  },
  colorScheme: "light" as const,
};

const projects = [
  { name: "desktop", port: 3100, device: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } },
  { name: "phone", port: 3101, device: { ...devices["Pixel 7"], viewport: { width: 390, height: 844 } } },
];

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [["list"], ["json", { outputFile: "test-results/results.json" }]] : "list",
  use: { trace: "retain-on-failure" },
  // The first-admin story needs a server with no admin yet, so on each server it runs before
  // every other story (some of which create admins).
  projects: [
    ...projects.flatMap((p) => {
      const use = { ...p.device, ...chromium, baseURL: `http://127.0.0.1:${p.port}` };
      return [
        { name: `${p.name}-first-admin`, testMatch: /setup\.spec\.ts/, use },
        {
          name: p.name,
          testIgnore: [/setup\.spec\.ts/, /fleet\.spec\.ts/, /metadata-tmdb\.spec\.ts/],
          dependencies: [`${p.name}-first-admin`],
          use,
        },
      ];
    }),
    // One server whose metadata comes from TMDb (the fixture), on both viewports.
    ...projects.map((p) => ({
      name: `${p.name}-tmdb`,
      testMatch: /metadata-tmdb\.spec\.ts/,
      use: { ...p.device, ...chromium, baseURL: `http://127.0.0.1:${TMDB_PORT}` },
    })),
    // Two servers on PostgreSQL behind HAProxy (scripts/fleet): the fleet's story.
    {
      name: "fleet",
      testMatch: /fleet\.spec\.ts/,
      use: { ...projects[0].device, ...chromium, baseURL: `http://127.0.0.1:${FLEET_PORT}` },
    },
  ],
  webServer: [
    ...projects.map((p) => ({
      command: `${binary} serve`,
      url: `http://127.0.0.1:${p.port}/healthz`,
      env: serverEnv(p.port),
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore" as const,
      stderr: "pipe" as const,
    })),
    {
      command: `${tmdbFixture} 127.0.0.1:${TMDB_FIXTURE_PORT}`,
      url: `http://127.0.0.1:${TMDB_FIXTURE_PORT}/3/movie/775?api_key=${tmdbEnv.CINECLOUD_TMDB_TOKEN}`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: "ignore" as const,
      stderr: "pipe" as const,
    },
    {
      command: `${binary} serve`,
      url: `http://127.0.0.1:${TMDB_PORT}/healthz`,
      env: { ...serverEnv(TMDB_PORT), ...tmdbEnv },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore" as const,
      stderr: "pipe" as const,
    },
    {
      command: `${join(root, "scripts/fleet")} ${FLEET_PORT}`,
      // The balancer answers 200 once a server is up and ready.
      url: `http://127.0.0.1:${FLEET_PORT}/readyz`,
      env: { ...sharedEnv, CINECLOUD_BIN: binary },
      reuseExistingServer: false,
      timeout: 90_000,
      stdout: "ignore" as const,
      stderr: "pipe" as const,
    },
  ],
});
