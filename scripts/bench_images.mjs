// What a phone downloads when it opens a page (run by scripts/bench_transfer.py): Chromium with
// an empty cache, a phone's viewport and pixel density, the page loaded and left until the
// network is quiet, no scrolling. Prints one JSON object per page and phone: the bytes of images
// and of everything, as they came over the wire (response bodies before decoding, plus headers).
//   node scripts/bench_images.mjs BASE_URL PAGE...
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "end2end", "package.json"));
const { chromium } = require("playwright");

// Lighthouse's mobile preset emulates a Moto G Power; the second is a current large phone.
const PHONES = [
  { name: "412x823@1.75", viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75 },
  { name: "390x844@3", viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 },
];

const [base, ...pages] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium" });
try {
  for (const url of pages) {
    for (const phone of PHONES) {
      const context = await browser.newContext({
        viewport: phone.viewport,
        deviceScaleFactor: phone.deviceScaleFactor,
        isMobile: true,
        hasTouch: true,
      });
      const page = await context.newPage();
      const responses = [];
      page.on("requestfinished", (request) => responses.push(request));
      await page.goto(base + url, { waitUntil: "networkidle" });
      await page.waitForTimeout(500);
      const row = { page: url, phone: phone.name, images: 0, image_bytes: 0, requests: 0, total_bytes: 0 };
      for (const request of responses) {
        const sizes = await request.sizes();
        const bytes = sizes.responseBodySize + sizes.responseHeadersSize;
        row.requests += 1;
        row.total_bytes += bytes;
        if (request.resourceType() === "image") {
          row.images += 1;
          row.image_bytes += bytes;
        }
      }
      console.log(JSON.stringify(row));
      await context.close();
    }
  }
} finally {
  await browser.close();
}
