"""The flood itself (run by scripts/bench-flood): starts the server on a fresh SQLite file and
folder, floods it, samples /proc/<pid>/status for VmRSS and probes /healthz meanwhile."""

import concurrent.futures as futures
import os
import struct
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from http.cookiejar import CookieJar

import bench_common

BIN = sys.argv[1]
PASSWORD = "a long enough passphrase"


def png(width, height, varied):
    """A PNG of width x height: a gradient (big after compression), or one colour (tiny)."""
    if varied:
        rows = b"".join(b"\0" + bytes(((x * 7 + y * 13) & 255 for x in range(width * 3))) for y in range(height))
    else:
        rows = (b"\0" + b"\x07" * (width * 3)) * height
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


class Server(bench_common.Server):
    """A fresh server on SQLite with the sign-up allowance under test."""

    def __init__(self, sign_ups_per_hour):
        super().__init__(BIN, "flood",
                         CINECLOUD_DEMO_CATALOG="false",
                         CINECLOUD_API_REQUESTS_PER_MINUTE="100000",
                         CINECLOUD_SIGN_UPS_PER_HOUR=str(sign_ups_per_hour),
                         LEPTOS_SITE_ROOT=os.path.join(os.path.dirname(BIN), "..", "site"),
                         RUST_LOG="error")

    def rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0


def client():
    jar = CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def post(opener, url, fields=None, body=None, content_type=None):
    data = body if body is not None else urllib.parse.urlencode(fields or {}).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Sec-Fetch-Site", "same-origin")
    request.add_header("Content-Type", content_type or "application/x-www-form-urlencoded")
    try:
        with opener.open(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def multipart(field, filename, data):
    boundary = "----cinecloudflood"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Watch:
    """Samples RSS every 50 ms and /healthz latency every 5 ms until stopped."""

    def __init__(self, server):
        self.server, self.stop_flag, self.rss, self.latencies = server, threading.Event(), [], []
        self.threads = [threading.Thread(target=self._rss), threading.Thread(target=self._health)]
        for t in self.threads:
            t.start()

    def _rss(self):
        while not self.stop_flag.is_set():
            self.rss.append(self.server.rss_mib())
            time.sleep(0.05)

    def _health(self):
        while not self.stop_flag.is_set():
            started = time.perf_counter()
            try:
                urllib.request.urlopen(self.server.base + "/healthz", timeout=10).read()
                self.latencies.append((time.perf_counter() - started) * 1000)
            except OSError:
                self.latencies.append(10_000.0)
            time.sleep(0.005)

    def finish(self):
        self.stop_flag.set()
        for t in self.threads:
            t.join()
        lat = sorted(self.latencies)
        pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
        return max(self.rss), pick(0.5), pick(0.99), len(lat)


def report(name, server, results, watch, before):
    peak, p50, p99, probes = watch.finish()
    counts = {}
    for status in results:
        counts[status] = counts.get(status, 0) + 1
    after = server.rss_mib()
    ok = "ok" if peak < 1024 and p99 < 100 else "OVER THE GOAL"
    print(f"{name}: statuses {dict(sorted(counts.items()))}; RSS before {before:.0f} MiB, peak {peak:.0f} MiB, "
          f"after {after:.0f} MiB; /healthz p50 {p50:.1f} ms, p99 {p99:.1f} ms over {probes} probes: {ok}")
    return peak < 1024 and p99 < 100


def sign_up_flood(server, name):
    before = server.rss_mib()
    watch = Watch(server)
    def one(i):
        return post(client(), server.base + "/api/sign_up",
                    {"email": f"flood{i}@example.com", "display_name": f"Flood {i}", "password": PASSWORD})
    with futures.ThreadPoolExecutor(50) as pool:
        results = list(pool.map(one, range(100)))
    return report(name, server, results, watch, before)


def burst(server, n):
    """n sign-ups sent at once (the limit lifted, so each is hashed unless the hashing gate is
    saturated); then RSS is sampled for 60 s. Goals (#33): peak under 512 MiB, and within 60 s
    RSS back under the pre-burst figure + 64 MiB."""
    before = server.rss_mib()
    watch = Watch(server)
    start = threading.Barrier(n)
    def one(i):
        start.wait()
        return post(client(), server.base + "/api/sign_up",
                    {"email": f"burst{i}@example.com", "display_name": f"Burst {i}", "password": PASSWORD})
    with futures.ThreadPoolExecutor(n) as pool:
        results = list(pool.map(one, range(n)))
    peak, p50, p99, probes = watch.finish()
    settled, waited = server.rss_mib(), 0
    while waited < 60 and settled >= before + 64:
        time.sleep(1)
        waited += 1
        settled = server.rss_mib()
    counts = {}
    for status in results:
        counts[status] = counts.get(status, 0) + 1
    good = peak < 512 and settled < before + 64 and p99 < 100
    print(f"burst of {n} sign-ups at once: statuses {dict(sorted(counts.items()))}; RSS before {before:.0f} MiB, "
          f"peak {peak:.0f} MiB, {settled:.0f} MiB {waited} s after (goal: under {before + 64:.0f} within 60 s); "
          f"/healthz p50 {p50:.1f} ms, p99 {p99:.1f} ms over {probes} probes: {'ok' if good else 'OVER THE GOAL'}")
    return good


def photo_flood(server):
    viewers = []
    for i in range(40):
        opener = client()
        status = post(opener, server.base + "/api/sign_up",
                      {"email": f"photo{i}@example.com", "display_name": f"Photo {i}", "password": PASSWORD})
        assert status in (200, 302, 303), status
        viewers.append(opener)
    photo = multipart("photo", "big.png", png(4000, 3000, varied=True))
    amplifier = multipart("photo", "bomb.png", png(8000, 8000, varied=False))
    print(f"photo flood: a 4000 x 3000 photo of {len(photo[0]) // 1024} KB and an 8000 x 8000 one-colour PNG "
          f"of {len(amplifier[0]) // 1024} KB per viewer")
    before = server.rss_mib()
    watch = Watch(server)
    def one(opener_and_body):
        opener, (body, kind) = opener_and_body
        return post(opener, server.base + "/api/upload_photo", body=body, content_type=kind)
    jobs = [(v, photo) for v in viewers] + [(v, amplifier) for v in viewers]
    with futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(one, jobs))
    return report("photo flood (80 uploads, 20 at a time)", server, results, watch, before)


def main():
    good = True
    server = Server(sign_ups_per_hour=10)
    try:
        good &= sign_up_flood(server, "sign-up flood, default limit (100 sign-ups, 50 at a time)")
    finally:
        server.stop()
    server = Server(sign_ups_per_hour=100_000)
    try:
        good &= sign_up_flood(server, "sign-up flood, limit lifted (100 sign-ups, 50 at a time)")
        good &= photo_flood(server)
    finally:
        server.stop()
    server = Server(sign_ups_per_hour=100_000)
    try:
        good &= burst(server, 300)
    finally:
        server.stop()
    print("result:", "within the goals" if good else "OVER THE GOALS")
    sys.exit(0 if good else 1)


main()
