"""The app itself on the stack's resources: the template deployed into a moto server, then
`cinecloud serve` pointed at that server with the task definition's settings. An admin uploads a
cover into the stack's media bucket; the database password is read from the stack's secret and
followed through a rotation. CINECLOUD_BIN names the built binary (scripts/infra passes the
release build's)."""

import glob
import json
import os
import shutil
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


@pytest.fixture
def moto_server():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    # Moto's state is per process, not per server: each test starts from an empty account.
    requests.post(f"http://127.0.0.1:{port}/moto-api/reset", timeout=10).raise_for_status()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def cinecloud_binary():
    binary = os.environ.get("CINECLOUD_BIN", "")
    assert Path(binary).is_file(), "set CINECLOUD_BIN to the built cinecloud (scripts/infra does)"
    return binary


def app_env(folder, **settings):
    """`cinecloud serve`'s environment on a free port, its site and data in `folder`, with fake
    AWS credentials (moto accepts any) and `settings` added."""
    port = free_port()
    return {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "CINECLOUD_LISTEN": f"127.0.0.1:{port}",
        "CINECLOUD_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CINECLOUD_DEMO_CATALOG": "false",
        "CINECLOUD_DRAIN_SECONDS": "0",
        "CINECLOUD_LOG_FORMAT": "json",
        "LEPTOS_SITE_ROOT": str(folder),
        **settings,
    }


class Server:
    """`cinecloud serve` with `env`, its log in `folder`."""

    def __init__(self, binary, env, folder):
        self.log_path = folder / "serve.log"
        self.log = open(self.log_path, "w")
        self.base = env["CINECLOUD_PUBLIC_URL"]
        self.process = subprocess.Popen([binary, "serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def ready(self):
        """Waits for /readyz to answer 200 and returns its body."""
        deadline = time.monotonic() + 60
        while True:
            try:
                ready = requests.get(f"{self.base}/readyz", timeout=2)
                if ready.status_code == 200:
                    return ready.json()
            except requests.ConnectionError:
                pass
            assert self.process.poll() is None and time.monotonic() < deadline, self.log_path.read_text()
            time.sleep(0.2)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def test_the_app_stores_a_cover_in_the_stacks_bucket(template, moto_server):
    binary = cinecloud_binary()
    stack = Deployed(template, endpoint=moto_server)
    assert stack.stack["StackStatus"] == "CREATE_COMPLETE"
    bucket = stack.outputs["MediaBucketName"]

    data = tempfile.TemporaryDirectory(prefix="cinecloud-infra-")
    env = app_env(
        data.name,
        DATABASE_URL=f"sqlite://{data.name}/cinecloud.db",
        CINECLOUD_S3_BUCKET=bucket,
        CINECLOUD_S3_ENDPOINT=moto_server,
        CINECLOUD_S3_REGION=REGION,
    )
    base = env["CINECLOUD_PUBLIC_URL"]
    created = subprocess.run(
        [binary, "admin", "create", "--email", "root@example.com", "--name", "Root"],
        env={**env, "CINECLOUD_ADMIN_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    server = Server(binary, env, Path(data.name))
    try:
        assert server.ready() == {"database": "ok", "media": "ok"}, "the app reaches the stack's bucket"

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
        # One WebP per width (240, 360, 480, 720, 1280), stored with its content type.
        assert len(keys) == 5 and all(k.startswith(f"covers/{movie_id}/webp-") for k in keys), keys
        head = s3.head_object(Bucket=bucket, Key=keys[0])
        assert head["ContentType"] == "image/webp", head
        served = requests.get(f"{base}{card}")
        assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
        assert served.content[:4] == b"RIFF" and served.content[8:12] == b"WEBP"
    finally:
        server.stop()
        data.cleanup()


class Cluster:
    """A PostgreSQL cluster of the test's own that checks passwords (SCRAM), as RDS does: the
    machine's shared server trusts local connections, so a rotation could not be seen there.
    Run as `postgres` when the test runs as root (PostgreSQL refuses root)."""

    def __init__(self, password):
        initdb = max(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
        self.bin = Path(initdb).parent
        self.as_postgres = os.geteuid() == 0
        self.user = "postgres" if self.as_postgres else os.environ.get("USER", "postgres")
        self.dir = Path(tempfile.mkdtemp(prefix="cinecloud-pg-secret-"))
        (self.dir / "password").write_text(password)
        if self.as_postgres:
            for path in (self.dir, self.dir / "password"):
                shutil.chown(path, "postgres")
        self.port = free_port()
        data = str(self.dir / "data")
        self.run("initdb", "-D", data, "-A", "scram-sha-256", "-U", self.user, f"--pwfile={self.dir / 'password'}", "--no-sync")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", data, "-l", str(self.dir / "log"), "-w", "-o", options, "start")

    def run(self, tool, *args, env=None):
        command = [str(self.bin / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 0, f"{tool}: {done.stderr}"
        return done.stdout

    def sql(self, password, statement):
        """Runs `statement` signed in with `password` over TCP (so the password is checked)."""
        env = {**os.environ, "PGPASSWORD": password}
        return self.run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d", "postgres",
                        "-Atqc", statement, env=env)

    def stop(self):
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def test_the_app_signs_in_with_the_stacks_secret_and_follows_its_rotation(template, moto_server):
    """RDS rotates the master password in its secret every 7 days; connections opened after that
    must use the new one. The app reads the secret the task definition names, and after a
    rotation that also ends every session it had (the pool opens new connections), it recovers by
    itself within seconds with 503s meanwhile, never a 500, long before its periodic re-read."""
    binary = cinecloud_binary()
    stack = Deployed(template, endpoint=moto_server)
    definition = stack.task_definition()
    env_of_task = {e["name"]: e["value"] for e in definition["containerDefinitions"][0]["environment"]}
    secret_id = env_of_task["CINECLOUD_DATABASE_SECRET"]
    assert secret_id == stack.secret

    first, second = "first password, from RDS", "second password, rotated"
    cluster = Cluster(first)
    secrets = stack.client("secretsmanager")
    secrets.put_secret_value(SecretId=secret_id, SecretString=json.dumps({"username": cluster.user, "password": first}))
    data = tempfile.TemporaryDirectory(prefix="cinecloud-infra-")
    env = app_env(
        data.name,
        # As in the task definition: no user or password in the URL.
        DATABASE_URL=f"postgres://127.0.0.1:{cluster.port}/postgres",
        CINECLOUD_DATABASE_SECRET=secret_id,
        # Only a refused password can make it read the secret again within this test.
        CINECLOUD_DATABASE_SECRET_REFRESH_SECONDS="3600",
        AWS_ENDPOINT_URL_SECRETS_MANAGER=moto_server,
        AWS_REGION=REGION,
        CINECLOUD_MEDIA_DIR=f"{data.name}/media",
    )
    base = env["CINECLOUD_PUBLIC_URL"]
    server = Server(binary, env, Path(data.name))
    try:
        assert server.ready()["database"] == "ok"
        assert requests.get(f"{base}/api/v1/movies", params={"q": "before"}, timeout=5).status_code == 200

        # The rotation: a new password in PostgreSQL and in the secret, and the app's sessions
        # ended (as its pool replaces connections over time; here all at once).
        cluster.sql(first, f"ALTER ROLE {cluster.user} PASSWORD '{second}'")
        secrets.put_secret_value(SecretId=secret_id, SecretString=json.dumps({"username": cluster.user, "password": second}))
        ended = cluster.sql(second, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
        rotated = time.monotonic()
        assert int(ended) >= 1, "the app's sessions were ended"
        statuses = []
        while True:
            # A search no one made before: the catalog's caches cannot answer it, PostgreSQL must.
            searched = {"q": f"rotation {len(statuses)}"}
            status = requests.get(f"{base}/api/v1/movies", params=searched, timeout=5).status_code
            statuses.append(status)
            if status == 200:
                break
            assert time.monotonic() - rotated < 10, f"not recovered in 10 s: {statuses[-5:]}\n{server.log_path.read_text()[-3000:]}"
            time.sleep(0.05)
        recovered = time.monotonic() - rotated
        assert set(statuses) <= {200, 503}, statuses
        print(f"recovered {recovered * 1000:.0f} ms after the rotation; {len(statuses) - 1} answers 503 meanwhile")
        assert server.ready()["database"] == "ok"
        log = server.log_path.read_text()
        assert "the database refused the password; reading the secret again" in log, "read again on refusal"
        assert "the database secret changed" in log
        if os.environ.get("CINECLOUD_SHOW_LOG"):
            print(log)
        assert first not in log and second not in log, "the password never reaches the log"
    finally:
        server.stop()
        cluster.stop()
        data.cleanup()
