"""What a first visit downloads (run by scripts/bench-transfer): starts the release server on a
fresh SQLite file with the demo catalog, opens each page as a browser with an empty cache would
(the HTML, then the stylesheet, the JavaScript glue and the WebAssembly it links to, with the
chunks and chunk loader of a lazy page, which the server preloads in <head>), once for
each Accept-Encoding, and counts the bytes as they come over the wire (bodies not decoded).
Prints a table, then one JSON object per page and encoding; then (scripts/bench_images.mjs) what
a phone's browser downloads on opening each page, images counted apart, as JSON per page and phone."""

import json
import os
import re
import subprocess
import sys

from bench_common import Server
import urllib.request

BIN = sys.argv[1]
PAGES = sys.argv[2:] or ["/", "/movies"]
ENCODINGS = [("br", "br, gzip"), ("gzip", "gzip"), ("identity", "identity")]


def start():
    server = Server(BIN, "transfer", ready_path="/readyz",
                    LEPTOS_SITE_ROOT=os.path.join(os.path.dirname(BIN), "..", "site"), RUST_LOG="warn")
    return server.proc, server.base


def fetch(url, accept):
    """(bytes on the wire, Content-Encoding, body as sent)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()  # urllib does not decode: these are the bytes sent
        return len(body), response.headers.get("Content-Encoding", "identity"), body


def bundle(html):
    """The URLs a page loads before it is interactive: stylesheet, glue module, WebAssembly, and
    (a lazy page) the chunks and their loader its hydrating script fetches beside them
    (app/src/assets.rs, `BundleTags`)."""
    text = html.decode()
    css = re.search(r'<link rel="stylesheet"[^>]*href="([^"]+)"', text)
    js = re.search(r'import\("([^"]+)"\)', text)
    wasm = re.search(r'module_or_path: "([^"]+\.wasm)"', text)
    missing = [n for n, m in (("css", css), ("js", js), ("wasm", wasm)) if not m]
    if missing:
        raise SystemExit(f"the page links no {', '.join(missing)}")
    head = text[:text.index("</head>")]
    meta = re.search(r'<meta name="cinecloud-chunks" content="([^"]*)"', head)
    chunks = meta.group(1).split() if meta else []
    return {"css": css.group(1), "js": js.group(1), "wasm": wasm.group(1)}, chunks


def main():
    proc, base = start()
    rows = []
    try:
        for page in PAGES:
            _, _, plain = fetch(base + page, "identity")
            links, chunks = bundle(plain)
            for name, accept in ENCODINGS:
                row = {"page": page, "accept": name}
                html_bytes, html_encoding, _ = fetch(base + page, accept)
                row["html"] = html_bytes
                encodings = {"html": html_encoding}
                for kind, url in links.items():
                    size, encoding, _ = fetch(base + url, accept)
                    row[kind] = size
                    encodings[kind] = encoding
                row["chunks"] = 0
                for url in chunks:
                    size, encoding, _ = fetch(base + url, accept)
                    row["chunks"] += size
                    encodings["chunks"] = encoding
                row["total"] = row["html"] + row["css"] + row["js"] + row["wasm"] + row["chunks"]
                row["encodings"] = encodings
                rows.append(row)
        phones = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "bench_images.mjs"), base, *PAGES],
                                check=True, capture_output=True, text=True).stdout
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    print(f"{'page':<10} {'accept':<9} {'html':>9} {'css':>9} {'js':>9} {'wasm':>10} {'chunks':>9} {'total':>10}")
    for r in rows:
        print(f"{r['page']:<10} {r['accept']:<9} {r['html']:>9,} {r['css']:>9,} {r['js']:>9,} {r['wasm']:>10,} "
              f"{r['chunks']:>9,} {r['total']:>10,}")
    for r in rows:
        print(json.dumps(r))
    print()
    print(f"{'page':<10} {'phone':<13} {'images':>7} {'image bytes':>12} {'requests':>9} {'all bytes':>10}")
    for line in phones.splitlines():
        r = json.loads(line)
        print(f"{r['page']:<10} {r['phone']:<13} {r['images']:>7} {r['image_bytes']:>12,} {r['requests']:>9} {r['total_bytes']:>10,}")
    print(phones, end="")


main()
