"""Runs scripts/bench_hydrate.mjs against a fresh demo server (run by scripts/bench-hydrate) and
prints a table: per page, the median first contentful paint, largest contentful paint and
time to hydrated of a throttled phone's first visit, in ms."""

import json
import os
import subprocess
import sys
import urllib.request

from bench_common import Server

BIN = sys.argv[1]


def main():
    server = Server(BIN, "hydrate", ready_path="/readyz",
                    LEPTOS_SITE_ROOT=os.path.join(os.path.dirname(BIN), "..", "site"), RUST_LOG="warn")
    try:
        with urllib.request.urlopen(server.base + "/api/v1/movies?per_page=1", timeout=10) as response:
            movie = f"/movies/{json.load(response)['items'][0]['id']}"
        pages = sys.argv[2:] or ["/", "/movies", movie, "/login"]
        out = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "bench_hydrate.mjs"), server.base, *pages],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
    finally:
        server.stop()
    print(f"{'page':<12} {'FCP ms':>7} {'LCP ms':>7} {'hydrated ms':>12}  loads [fcp, lcp, hydrated]")
    for line in out.splitlines():
        r = json.loads(line)
        print(f"{r['page']:<12} {r['fcp_ms']:>7} {r['lcp_ms']:>7} {r['hydrated_ms']:>12}  {r['loads']}")
    print(out, end="")


main()
