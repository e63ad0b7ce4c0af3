"""Runs Lighthouse (mobile preset, the default) on each page of a fresh demo server (run by
scripts/lighthouse) and prints a table of scores and the metrics that decide them, then one JSON
object per page. Each page is measured RUNS times (default 3) and the median score is kept:
Lighthouse's simulated throttling still varies with the machine's load."""

import json
import os
import statistics
import subprocess
import sys
import urllib.request

from bench_common import Server

BIN = sys.argv[1]
RUNS = int(os.environ.get("RUNS", "3"))
# "simulate" (the preset's default: an unthrottled load, then Lantern's model of a slow phone) or
# "devtools" (Chromium itself throttles network and CPU while loading: slower, but what it
# measures happened). See docs/architecture.md, "Images on phones", for why both are printed.
THROTTLING = os.environ.get("THROTTLING", "simulate")


def first_movie(base):
    """A movie page to measure: the first of the catalog's first page."""
    with urllib.request.urlopen(base + "/api/v1/movies?per_page=1", timeout=10) as response:
        return f"/movies/{json.load(response)['items'][0]['id']}"


def lighthouse(url):
    out = subprocess.run(
        [os.environ["LIGHTHOUSE"], url, "--output=json", "--output-path=stdout", "--quiet",
         "--only-categories=performance,accessibility", f"--throttling-method={THROTTLING}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        capture_output=True, text=True)
    # Lighthouse 12.2 on Chromium 156 can fail its layout-shift "root causes" gatherer (a trace
    # field it does not know) and exit 1 with a whole report: use the report when it has scores.
    try:
        report = json.loads(out.stdout)
        scored = report["categories"]["performance"]["score"] is not None
    except (ValueError, KeyError):
        scored = False
    if not scored:
        raise SystemExit(f"lighthouse failed on {url} (exit {out.returncode}):\n{out.stderr[-3000:]}")
    if out.returncode != 0:
        print(f"note: lighthouse exited {out.returncode} on {url} but wrote a scored report", file=sys.stderr)
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "kib": round(audits["total-byte-weight"]["numericValue"] / 1024),
    }


def main():
    server = Server(BIN, "lighthouse", ready_path="/readyz",
                    LEPTOS_SITE_ROOT=os.path.join(os.path.dirname(BIN), "..", "site"), RUST_LOG="warn")
    rows = []
    try:
        pages = sys.argv[2:] or ["/", "/movies", first_movie(server.base), "/top-rated", "/login", "/signup"]
        for page in pages:
            runs = [lighthouse(server.base + page) for _ in range(RUNS)]
            median = sorted(runs, key=lambda r: r["performance"])[len(runs) // 2]
            median["page"] = page
            median["performance_runs"] = [r["performance"] for r in runs]
            rows.append(median)
            print(f"measured {page}: {median['performance_runs']}", file=sys.stderr)
    finally:
        server.stop()
    print(f"throttling: {THROTTLING}")
    print(f"{'page':<12} {'perf':>4} {'a11y':>4} {'LCP ms':>7} {'FCP ms':>7} {'TBT ms':>7} {'CLS':>6} {'KiB':>6}  runs")
    for r in rows:
        print(f"{r['page']:<12} {r['performance']:>4} {r['accessibility']:>4} {r['lcp_ms']:>7} {r['fcp_ms']:>7} "
              f"{r['tbt_ms']:>7} {r['cls']:>6} {r['kib']:>6}  {r['performance_runs']}")
    for r in rows:
        print(json.dumps(r))
    low = [r["page"] for r in rows if r["performance"] < 95 or r["accessibility"] < 100]
    print(f"below the goal (performance 95, accessibility 100): {', '.join(low) or 'none'}")


main()
