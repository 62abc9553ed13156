"""Shared fixtures: a real `palabre serve` process on free loopback ports.

`make test` runs the suite in three phases, by what a test needs of the machine (machine_share
below, from the test's path):
- most tests share it: two processes (pytest-xdist, `-n 2 -m "not pairs and not alone"`);
- `pairs`, browsers or networks with media whose checks are that media flows or comes back
  (not how well): two at a time, with nothing else beside them (`-n 2 -m pairs`);
- `alone`, a loss, freeze, frame-rate, CPU or memory threshold: one at a time with nothing
  beside them (`-m alone`).
Each xdist worker takes its free ports from a block of its own
(palabre.bot.harness.use_port_block), and session fixtures (PostgreSQL) start once per worker,
each on its own port and directory."""

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
from palabre.accounts.passwords import PROFILE_VARIABLE
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

# argon2id at its production cost spends ~0.25 s of CPU per sign-in and per account made, on
# both cores (parallelism 4): the tests make thousands. The servers the tests start inherit it.
os.environ[PROFILE_VARIABLE] = "cheapest"
# A server sheds video when its event loop runs late (docs/overload.md), and on a machine that
# runs two tests with browsers its loop runs late because of the others: the servers the tests
# start do not shed, except where a test asks (tests/integration/test_overload.py).
os.environ["PALABRE_MEDIA_SHEDDING"] = "false"

# Hypothesis's per-example deadline (200 ms) measures the machine, not the code: on a loaded
# one, examples that touch a database went over it (a DeadlineExceeded under make test's
# parallel phase). Its other checks stay.
settings.register_profile("loaded-machine", deadline=None)
settings.load_profile("loaded-machine")
# What needs the machine to itself (paths under tests/): a loss, freeze, frame-rate, CPU or
# memory threshold. Run beside another test on 2 cores, the browsers' video stalled (4 failures).
ALONE = (
    "netns/test_netns_media.py",
    "browser/test_browser_quality.py",
    "browser/test_browser_background.py",  # the segmentation model takes a core
    "integration/test_media_flow.py",
    "integration/test_simulcast.py",
    "integration/test_last_n.py",
    "integration/test_overload.py",
    "integration/test_hostile_media.py",
    "integration/test_interop_aiortc.py",
    "integration/test_leak.py",
    "integration/test_recording.py",
    "recording/test_compose_ffmpeg.py",
    "bench/test_forward_smoke.py",
    "bench/test_compare_smoke.py",
)
# Browsers and networks with media that check that it flows, or comes back after an outage,
# within generous timeouts: two such tests at a time leave each about a core.
PAIRS = (
    "netns/",
    "browser/",
)
# Browsers without media (the workspace's pages, the PWA, the pages' weight, a refused join)
# share the machine; so does the wheel's build, which runs on a copy of the tree (its `npm ci`
# once emptied client/node_modules under the client-layout test).
SHARES_THE_MACHINE = (
    "browser/test_browser_attachments.py",
    "browser/test_browser_board.py",
    "browser/test_browser_convert.py",
    "browser/test_browser_documents.py",
    "browser/test_browser_documents_offline.py",
    "browser/test_browser_files.py",
    "browser/test_browser_planning.py",
    "browser/test_browser_transfers.py",
    "browser/test_browser_transfers_e2ee.py",
    "browser/test_browser_transfers_firefox.py",
    "browser/test_browser_workspace_admin.py",
    "browser/test_web_weight.py",
    "browser/test_browser_refused.py",
    "browser/test_browser_pwa.py",
    "browser/test_browser_usage.py",
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


def machine_share(item: pytest.Item) -> str | None:
    """What a test needs of the machine: "alone", "pairs" or None (see the docstring)."""
    path = Path(str(item.path)).resolve().relative_to(TESTS).as_posix()
    if path.startswith(SHARES_THE_MACHINE):
        return None
    if path.startswith(ALONE):
        return "alone"
    return "pairs" if path.startswith(PAIRS) else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        share = machine_share(item)
        if share is not None:
            item.add_marker(getattr(pytest.mark, share))


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
