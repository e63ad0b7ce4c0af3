"""The measuring half of scripts/load: starts the server on the seeded PostgreSQL database, runs
wrk (scripts/load_mix.lua) for the peak and the soak, and prints what it measured. CPU is read
from /proc: the server's own process, and every process named `postgres` (the database's
backends and its background workers), in clock ticks."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

BIN, PG_URL, WORK = sys.argv[1:4]
MOVIES = int(os.environ.get("MOVIES", "100000"))
PEAK_SECONDS = int(os.environ.get("PEAK_SECONDS", "20"))
LOAD_SECONDS = int(os.environ.get("LOAD_SECONDS", "600"))
CONNECTIONS = 64
LUA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "load_mix.lua")
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server():
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DATABASE_URL=PG_URL, CINECLOUD_MEDIA_DIR=f"{WORK}/media",
               CINECLOUD_LISTEN=f"127.0.0.1:{port}", CINECLOUD_PUBLIC_URL=base, CINECLOUD_TRUST_PROXY="true",
               CINECLOUD_DRAIN_SECONDS="0", RUST_LOG="warn",
               LEPTOS_SITE_ROOT=os.path.join(os.path.dirname(BIN), "..", "site"))
    proc = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=open(f"{WORK}/server.log", "w"))
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/readyz", timeout=1).read()
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    with open(f"{WORK}/server.log") as log:
        raise SystemExit("the server did not start:\n" + log.read()[-3000:])


def ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return 0


def postgres_ticks():
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() != "postgres":
                    continue
        except OSError:
            continue
        total += ticks(pid)
    return total


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(base, kind, seconds, server_pid, delay_ms=0):
    """One wrk run; its throughput, latency percentiles, errors and the CPU per request."""
    pg0, srv0 = postgres_ticks(), ticks(server_pid)
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", LUA, base,
                          "--", kind, str(delay_ms), str(MOVIES)], capture_output=True, text=True, check=True).stdout
    pg, srv = postgres_ticks() - pg0, ticks(server_pid) - srv0
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    latency = {p: to_ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    per = max(requests, 1)
    return {
        "kind": kind,
        "requests_per_s": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 1),
        "p50_ms": round(latency.get("50", 0), 2),
        "p99_ms": round(latency.get("99", 0), 2),
        "errors": errors,
        "db_cpu_ms_per_request": round(pg / TICK * 1000 / per, 3),
        "server_cpu_us_per_request": round(srv / TICK * 1e6 / per, 1),
        "requests": requests,
    }


def main():
    proc, base = start_server()
    try:
        # Warm the caches and the pool as a running server would be.
        wrk(base, "mix", 5, proc.pid)
        print(f"peak: wrk -t2 -c{CONNECTIONS} -d{PEAK_SECONDS}s, {MOVIES:,} movies on PostgreSQL")
        peaks = {}
        for kind in ("json", "movies", "home", "search", "movie", "mix"):
            peaks[kind] = wrk(base, kind, PEAK_SECONDS, proc.pid)
            r = peaks[kind]
            print(f"  {kind:<7} {r['requests_per_s']:>9,.0f} req/s  p50 {r['p50_ms']:>7.2f} ms  p99 {r['p99_ms']:>7.2f} ms  "
                  f"errors {r['errors']}  db {r['db_cpu_ms_per_request']:.3f} ms/req  "
                  f"server {r['server_cpu_us_per_request']:.0f} us/req")
        target = 0.8 * peaks["mix"]["requests_per_s"]
        # Each connection waits this long before each request: CONNECTIONS / target per second.
        delay_ms = max(1, round(CONNECTIONS / target * 1000))
        rss0, fds0 = rss_kib(proc.pid), open_fds(proc.pid)
        print(f"soak: the mix at ~80 % of its peak ({target:,.0f} req/s: {delay_ms} ms between requests on each of "
              f"{CONNECTIONS} connections) for {LOAD_SECONDS} s; RSS {rss0 / 1024:.1f} MiB, {fds0} open descriptors")
        minutes = []
        left = LOAD_SECONDS
        while left > 0:
            seconds = min(60, left)
            r = wrk(base, "mix", seconds, proc.pid, delay_ms)
            minutes.append(r)
            left -= seconds
            print(f"  minute {len(minutes):>2}: {r['requests_per_s']:>8,.0f} req/s  p50 {r['p50_ms']:>7.2f} ms  "
                  f"p99 {r['p99_ms']:>7.2f} ms  errors {r['errors']}  db {r['db_cpu_ms_per_request']:.3f} ms/req  "
                  f"server {r['server_cpu_us_per_request']:.0f} us/req  RSS {rss_kib(proc.pid) / 1024:.1f} MiB", flush=True)
        rss1, fds1 = rss_kib(proc.pid), open_fds(proc.pid)
        growth = (rss1 - rss0) / rss0 * 100
        errors = sum(m["errors"] for m in minutes)
        print(f"end: RSS {rss1 / 1024:.1f} MiB ({growth:+.1f} %), {fds1} open descriptors; errors {errors}; "
              f"p99 by minute {[m['p99_ms'] for m in minutes]}")
        print(json.dumps({"peaks": peaks, "minutes": minutes, "rss_kib": [rss0, rss1], "fds": [fds0, fds1]}))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


main()
