"""A real Redis server for the live-bus tests: Debian's redis-server on a private loopback
port, no persistence (nothing written to disk), stopped at the end of the test. `restart()`
stops and starts it on the same port, as an operator's restart would."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from palabre.bot.harness import free_port, stop_process


class RedisServer:
    def __init__(self, port: int, binary: str) -> None:
        self.port = port
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="palabre-redis-"))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @classmethod
    def start(cls, port: int | None = None) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (make deps-system installs it)")
        server = cls(port or free_port(), binary)
        server.launch()
        return server

    def launch(self) -> None:
        command = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",  # no RDB snapshots
            "--appendonly", "no",
            "--dir", str(self.root),
            "--daemonize", "no",
            "--protected-mode", "yes",
            "--loglevel", "warning",
        ]  # fmt: skip
        log = (self.root / "log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 30
        while not self.answers():
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {self.log()[-500:]}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"redis-server did not answer in 30 s: {self.log()[-500:]}")
            time.sleep(0.05)

    def answers(self) -> bool:
        """Whether it answers PING (a raw RESP exchange: no client library involved)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def log(self) -> str:
        path = self.root / "log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self) -> None:
        """Stop it at once (SIGKILL): every client connection breaks."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def restart(self, down_for: float = 0.0) -> None:
        self.kill()
        time.sleep(down_for)
        self.launch()

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)
