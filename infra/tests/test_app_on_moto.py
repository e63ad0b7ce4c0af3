"""The app itself on the stack's bucket: the template deployed into a moto server, then
`cinecloud serve` pointed at that server's S3 endpoint and the stack's media bucket, and an admin
uploads a cover through it. CINECLOUD_BIN names the built binary (scripts/infra passes the
release build's)."""

import os
import socket
import struct
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

import pytest
import requests
from moto.server import ThreadedMotoServer

from conftest import REGION, Deployed

PASSWORD = "a long enough passphrase"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def png(width, height):
    """A solid-colour PNG, made without an imaging library."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x30\x60\x90" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def moto_server():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def test_the_app_stores_a_cover_in_the_stacks_bucket(template, moto_server):
    binary = os.environ.get("CINECLOUD_BIN", "")
    assert Path(binary).is_file(), "set CINECLOUD_BIN to the built cinecloud (scripts/infra does)"
    stack = Deployed(template, endpoint=moto_server)
    assert stack.stack["StackStatus"] == "CREATE_COMPLETE"
    bucket = stack.outputs["MediaBucketName"]

    data = tempfile.TemporaryDirectory(prefix="cinecloud-infra-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": f"sqlite://{data.name}/cinecloud.db",
        "CINECLOUD_S3_BUCKET": bucket,
        "CINECLOUD_S3_ENDPOINT": moto_server,
        "CINECLOUD_S3_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "CINECLOUD_LISTEN": f"127.0.0.1:{port}",
        "CINECLOUD_PUBLIC_URL": base,
        "CINECLOUD_DEMO_CATALOG": "false",
        "CINECLOUD_DRAIN_SECONDS": "0",
        "CINECLOUD_LOG_FORMAT": "json",
        "LEPTOS_SITE_ROOT": data.name,
    }
    created = subprocess.run(
        [binary, "admin", "create", "--email", "root@example.com", "--name", "Root"],
        env={**env, "CINECLOUD_ADMIN_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    log = open(Path(data.name) / "serve.log", "w")
    server = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ready = requests.get(f"{base}/readyz", timeout=2)
                if ready.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, (Path(data.name) / "serve.log").read_text()
            time.sleep(0.2)
        assert ready.json() == {"database": "ok", "media": "ok"}, "the app reaches the stack's bucket"

        admin = requests.Session()
        admin.headers["Sec-Fetch-Site"] = "same-origin"
        signed_in = admin.post(f"{base}/api/log_in", data={"email": "root@example.com", "password": PASSWORD})
        assert signed_in.status_code in (200, 303), signed_in.text
        movie_id = admin.post(f"{base}/api/admin/create_movie", json={"form": {"title": "Sunrise", "year": "1927"}}).json()
        version = admin.get(f"{base}/api/movie", params={"id": movie_id}).json()["version"]
        uploaded = admin.post(
            f"{base}/api/admin/upload_cover",
            data={"id": str(movie_id), "version": str(version)},
            files={"cover": ("poster.png", png(400, 600), "image/png")},
        )
        assert uploaded.status_code == 200, uploaded.text
        card = uploaded.json()["cover"]["card"]

        # Stored in the stack's bucket, under covers/, and served back through the app.
        s3 = stack.client("s3")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="covers/").get("Contents", [])]
        assert len(keys) == 3 and all(k.startswith(f"covers/{movie_id}/") for k in keys), keys
        served = requests.get(f"{base}{card}")
        assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
        assert served.content[:3] == b"\xff\xd8\xff"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        data.cleanup()
