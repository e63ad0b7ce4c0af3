// When a slow phone sees a page and when it can use it (run by scripts/bench_hydrate.py):
// Chromium itself throttled as Lighthouse's mobile preset does with `--throttling-method=devtools`
// (562.5 ms request latency, 1.47 Mbit/s down, 675 kbit/s up, CPU 4x slower), Lighthouse's phone
// viewport, an empty cache each time. Per load: first contentful paint, largest contentful paint,
// and the moment the page had hydrated (`<html data-hydrated>`), in ms from navigation start.
// Prints one JSON object per page with the median of RUNS loads (default 5), and every load.
//   node scripts/bench_hydrate.mjs BASE_URL PAGE...
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "end2end", "package.json"));
const { chromium } = require("playwright");

const RUNS = Number(process.env.RUNS || 5);
const [base, ...pages] = process.argv.slice(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Installed before any of the page's scripts: records the paints and the hydration as they happen.
const watch = () => {
  window.__seen = {};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__seen[e.entryType === "paint" ? e.name : "lcp"] = e.startTime;
  }).observe({ type: "paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__seen.lcp = e.startTime;
  }).observe({ type: "largest-contentful-paint", buffered: true });
  // The document is still empty here: watch all of it for the attribute.
  new MutationObserver((_, observer) => {
    if (document.documentElement?.hasAttribute("data-hydrated")) {
      window.__seen.hydrated = performance.now();
      observer.disconnect();
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
};

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium" });
try {
  for (const url of pages) {
    const loads = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({
        viewport: { width: 412, height: 823 },
        deviceScaleFactor: 1.75,
        isMobile: true,
        hasTouch: true,
      });
      const page = await context.newPage();
      await page.addInitScript(watch);
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 562.5,
        downloadThroughput: (1474.56 * 1024) / 8,
        uploadThroughput: (675 * 1024) / 8,
      });
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      await page.goto(base + url, { waitUntil: "load", timeout: 120_000 });
      await page.waitForFunction(() => window.__seen.hydrated !== undefined, null, { timeout: 120_000 });
      // LCP is final once the page has settled; the largest paint may come after hydration.
      await page.waitForTimeout(500);
      const seen = await page.evaluate(() => window.__seen);
      loads.push({ fcp: seen["first-contentful-paint"], lcp: seen.lcp, hydrated: seen.hydrated });
      await context.close();
    }
    const pick = (key) => Math.round(median(loads.map((l) => l[key])));
    console.log(JSON.stringify({ page: url, fcp_ms: pick("fcp"), lcp_ms: pick("lcp"), hydrated_ms: pick("hydrated"),
      loads: loads.map((l) => [Math.round(l.fcp), Math.round(l.lcp), Math.round(l.hydrated)]) }));
  }
} finally {
  await browser.close();
}
