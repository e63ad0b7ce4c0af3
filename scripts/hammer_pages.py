"""The page hammer (run by scripts/hammer-pages): starts the server on a fresh SQLite file with the
demo catalog, then requests server-rendered pages many at a time and counts the ones that never
finish (stalled: no end within the timeout), were dropped (the connection closed early: a panic
while rendering) or ended without the closing script. A page that does not finish within the timeout is a stall (the Leptos SSR lost wake-up,
leptos#4851/#4578): the process stays healthy, the one response just never ends."""

import concurrent.futures as futures
import http.client
import os
import socket
import sys
import threading
import time

from bench_common import Server

BIN = sys.argv[1]
TOTAL = int(os.environ.get("HAMMER_REQUESTS", "2000"))
AT_ONCE = int(os.environ.get("HAMMER_AT_ONCE", "20"))
TIMEOUT = float(os.environ.get("HAMMER_TIMEOUT", "10"))
PATHS = ["/", "/movies", "/movies/1", "/movies/2", "/people/1", "/people/3", "/top-rated",
         "/movies?genre=Drama", "/login", "/no-such-page", "/profile", "/history", "/lists", "/watch/1",
         "/admin/users", "/admin/security", "/movies/999999", "/people/999999"]


def main():
    server = Server(BIN, "hammer", CINECLOUD_API_REQUESTS_PER_MINUTE="1000000", RUST_LOG="error")
    port = server.port
    try:
        local = threading.local()

        def one(i):
            # Each worker keeps its connection open between pages, as browsers do.
            path = PATHS[i % len(PATHS)]
            started = time.monotonic()
            if getattr(local, "connection", None) is None:
                local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            try:
                local.connection.request("GET", path)
                response = local.connection.getresponse()
                body = response.read()
                status = response.status
                if response.will_close:
                    local.connection.close()
                    local.connection = None
            except (TimeoutError, socket.timeout) as e:
                local.connection.close()
                local.connection = None
                return path, "stalled", time.monotonic() - started, str(e)
            except OSError as e:
                # The server dropped the connection: a panic while writing the page.
                local.connection.close()
                local.connection = None
                return path, "dropped", time.monotonic() - started, str(e)
            complete = b"</html>" in body and b"__INCOMPLETE_CHUNKS" in body
            return path, status if complete else "cut short", time.monotonic() - started, ""

        stalls = {}
        statuses = {}
        times = []
        with futures.ThreadPoolExecutor(AT_ONCE) as pool:
            for path, status, seconds, detail in pool.map(one, range(TOTAL)):
                statuses[status] = statuses.get(status, 0) + 1
                if status in ("stalled", "cut short", "dropped"):
                    stalls[path] = stalls.get(path, 0) + 1
                else:
                    times.append(seconds)
        times.sort()
        p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000 if times else 0
        print(f"requests: {TOTAL}, {AT_ONCE} at a time, timeout {TIMEOUT:.0f} s")
        print(f"statuses: {dict(sorted(statuses.items(), key=str))}")
        print(f"failed by page: {stalls}")
        print(f"finished pages: p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms")
        print(f"failures: {sum(stalls.values())} (stalled: {statuses.get('stalled', 0)}, dropped: {statuses.get('dropped', 0)}, cut short: {statuses.get('cut short', 0)})")
    finally:
        server.stop()


main()
