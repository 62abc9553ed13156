"""Shared fixtures: a real `palabre serve` process on free loopback ports."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from palabre.accounts.identity import Auth
from palabre.config import Settings
from palabre.db import Database
from palabre.media.sfu import Sfu
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.hub import Hub
from palabre.web.app import create_app
from palabre.web.backend import LocalBackend
from postgres_server import PostgresServer


def free_port() -> int:
    """A port free for both TCP and UDP on 127.0.0.1 (media uses the same number for both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return int(port)
    raise RuntimeError("no free port")


@dataclass
class PalabreServer:
    process: subprocess.Popen[bytes]
    http_url: str
    ws_url: str
    media_port: int
    data_dir: Path
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def health(self) -> dict[str, object]:
        import json

        with urllib.request.urlopen(self.http_url + "/healthz", timeout=5) as response:
            return dict(json.loads(response.read()))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.process.returncode


def start_server(tmp_path: Path, *args: str) -> PalabreServer:
    port, media_port = free_port(), free_port()
    data_dir = tmp_path / "data"
    log_path = tmp_path / f"server-{port}.log"
    command = [
        sys.executable,
        "-m",
        "palabre",
        "serve",
        "--port",
        str(port),
        "--media-port",
        str(media_port),
        "--media-tcp-port",
        str(media_port),
        "--data-dir",
        str(data_dir),
        *args,
    ]
    log = log_path.open("wb")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = PalabreServer(
        process,
        f"http://127.0.0.1:{port}",
        f"ws://127.0.0.1:{port}/ws",
        media_port,
        data_dir,
        log_path,
    )
    deadline = time.monotonic() + 60  # generous: a loaded CI machine starts slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"palabre serve exited:\n{server.log()}")
        with contextlib.suppress(OSError):
            server.health()
            return server
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"palabre serve did not start:\n{server.log()}")


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., PalabreServer]]:
    started: list[PalabreServer] = []

    def factory(*args: str) -> PalabreServer:
        server = start_server(tmp_path, *args)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture
def palabre_server(server_factory: Callable[..., PalabreServer]) -> PalabreServer:
    return server_factory()


# An app from create_app with a real (not started) SFU and an in-memory accounts database.
@pytest.fixture
def make_client() -> Iterator[Callable[..., TestClient]]:
    databases: list[Database] = []

    def factory(
        base_url: str = "http://testserver", secret: bytes = b"s" * 32, **options: Any
    ) -> TestClient:
        settings = Settings(**options)
        db = Database("sqlite://")
        databases.append(db)
        hub = Hub(Sfu(["127.0.0.1"]), MeetingCodes(b"k" * 32))
        app = create_app(
            LocalBackend(hub, settings), settings, auth=Auth(settings, db), secret=secret
        )
        return TestClient(app, base_url=base_url)

    yield factory
    for db in databases:
        db.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session (Debian's), on a private loopback port."""
    try:
        server = PostgresServer.start(free_port())
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL could not start in CI: {exc}")
        pytest.skip(f"PostgreSQL TESTS SKIPPED: the server could not start: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, then a database on the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'palabre.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()
