"""What the benchmark and soak scripts share: one `cinecloud serve` on a fresh SQLite file and
media folder, on a free port, started and waited for."""

import os
import socket
import subprocess
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`binary serve` with `env` added to the defaults; ready once `ready_path` answers.
    Attributes: proc, port, base (`http://127.0.0.1:PORT`), folder (its data)."""

    def __init__(self, binary, prefix, ready_path="/healthz", **env):
        self.folder = tempfile.mkdtemp(prefix=f"cinecloud-{prefix}-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        full = dict(os.environ,
                    DATABASE_URL=f"sqlite://{self.folder}/cinecloud.db",
                    CINECLOUD_MEDIA_DIR=f"{self.folder}/media",
                    CINECLOUD_LISTEN=f"127.0.0.1:{self.port}",
                    CINECLOUD_PUBLIC_URL=self.base,
                    CINECLOUD_DRAIN_SECONDS="0",
                    **env)
        self.proc = subprocess.Popen([binary, "serve"], env=full, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        for _ in range(600):
            try:
                urllib.request.urlopen(self.base + ready_path, timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        self.proc.kill()
        raise SystemExit("the server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)
