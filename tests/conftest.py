"""Shared fixtures: a real `palabre serve` process on free loopback ports.

The tests that must not share the machine (ALONE below: browsers with media, network
namespaces, media quality and memory through real servers, benchmarks that load the cores,
the wheel's npm build) are marked `alone`: `make test` runs the others first on two processes
(pytest-xdist, `-n 2 -m "not alone"`), then these one at a time with nothing beside them
(`-m alone`). Each xdist worker takes its free ports from a
block of its own (palabre.bot.harness.use_port_block), and session fixtures (PostgreSQL)
start once per worker, each on its own port and directory."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from starlette.testclient import TestClient

from palabre.accounts.identity import Auth
from palabre.bot.harness import ServerProcess, free_port, use_port_block
from palabre.bot.harness import start_server as harness_start_server
from palabre.config import Settings
from palabre.db import Database
from palabre.media.sfu import Sfu
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.hub import Hub
from palabre.web.app import create_app
from palabre.web.backend import LocalBackend
from postgres_server import PostgresServer
from redis_server import RedisServer
from smtp_server import SmtpServer
from workspace import Workspace

PalabreServer = ServerProcess  # the name the tests know

TESTS = Path(__file__).resolve().parent

# Hypothesis's per-example deadline (200 ms) measures the machine, not the code: on a loaded
# one, examples that touch a database went over it (a DeadlineExceeded under make test's
# parallel phase). Its other checks stay.
settings.register_profile("loaded-machine", deadline=None)
settings.load_profile("loaded-machine")
# What needs the machine to itself (paths under tests/): a loss, freeze, frame-rate or memory
# threshold, or a build that rewrites node_modules. Run beside another test on 2 cores, the
# browsers' video stalled (4 failures) and the wheel's `npm ci` emptied client/node_modules
# under the client-layout test. The rest of browser/ (documents, the workspace's admin pages,
# the pages' weight, a refused join) carries no media and shares the machine.
ALONE = (
    "netns/",
    "browser/",
    "integration/test_media_flow.py",
    "integration/test_simulcast.py",
    "integration/test_last_n.py",
    "integration/test_hostile_media.py",
    "integration/test_interop_aiortc.py",
    "integration/test_leak.py",
    "bench/test_forward_smoke.py",
    "bench/test_compare_smoke.py",
    "test_wheel.py",
)
SHARES_THE_MACHINE = (
    "browser/test_browser_documents.py",
    "browser/test_browser_documents_offline.py",
    "browser/test_browser_workspace_admin.py",
    "browser/test_web_weight.py",
    "browser/test_browser_refused.py",
)


def _worker_index() -> tuple[int, int] | None:
    """(this worker's index, how many workers) under pytest-xdist; None otherwise."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = os.environ.get("PYTEST_XDIST_WORKER_COUNT", "")
    if worker.startswith("gw") and worker[2:].isdigit() and count.isdigit():
        return int(worker[2:]), int(count)
    return None


def pytest_configure(config: pytest.Config) -> None:
    worker = _worker_index()
    if worker is not None:
        use_port_block(*worker)


def must_run_alone(item: pytest.Item) -> bool:
    """Whether a test needs the machine to itself (ALONE, SHARES_THE_MACHINE)."""
    path = Path(str(item.path)).resolve().relative_to(TESTS).as_posix()
    return path.startswith(ALONE) and not path.startswith(SHARES_THE_MACHINE)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if must_run_alone(item):
            item.add_marker(pytest.mark.alone)


def start_server(tmp_path: Path, *args: str) -> PalabreServer:
    return harness_start_server(tmp_path / "data", *args)


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


@pytest.fixture
def workspace(database_url: str) -> Iterator[Workspace]:
    """The workspace API on a fresh database, SQLite then PostgreSQL."""
    ws = Workspace(database_url)
    yield ws
    ws.close()


@pytest.fixture
def sqlite_workspace(tmp_path: Path) -> Iterator[Workspace]:
    """The workspace API on a fresh SQLite file only (for tests of logic, not of storage)."""
    ws = Workspace(f"sqlite:///{tmp_path / 'palabre.db'}")
    yield ws
    ws.close()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free loopback port, keeping what it receives."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    """A real redis-server (Debian's) on a private loopback port, no persistence; a test may
    `restart()` it."""
    try:
        server = RedisServer.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"redis-server could not start in CI: {exc}")
        pytest.skip(f"REDIS TESTS SKIPPED: redis-server could not start: {exc}")
    try:
        yield server
    finally:
        server.stop()
