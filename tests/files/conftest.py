"""The files tests' stores: every blob-store test runs on the local directory and on a real
S3 server (SeaweedFS, started once per session on private loopback ports)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from palabre.files.blobs import BlobStore, LocalStore
from palabre.files.s3 import S3Store
from seaweedfs_server import ACCESS_KEY, SECRET_KEY, SeaweedFS
from space_kit import join, new_space, user_id
from workspace import Workspace


@pytest.fixture(scope="session")
def seaweedfs() -> Iterator[SeaweedFS]:
    try:
        server = SeaweedFS.start()
    except (RuntimeError, OSError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"SeaweedFS could not start in CI: {exc}")
        pytest.skip(f"S3 TESTS SKIPPED: SeaweedFS could not start: {exc}")
    try:
        yield server
    finally:
        server.stop()


def s3_store(server: SeaweedFS) -> S3Store:
    """A store of its own: one bucket (each new bucket takes SeaweedFS volumes), a prefix
    of its own in it."""
    store = S3Store(server.endpoint, "palabre-tests", ACCESS_KEY, SECRET_KEY,
                    prefix=f"{uuid.uuid4().hex}/")  # fmt: skip
    store.ensure_bucket()
    return store


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    if request.param == "local":
        yield LocalStore(tmp_path / "blobs")
        return
    made = s3_store(request.getfixturevalue("seaweedfs"))
    yield made
    made.close()


@pytest.fixture
def files_ws(database_url: str, tmp_path: Path) -> Iterator[Workspace]:
    """The workspace API, SQLite then PostgreSQL, its blobs in this test's directory."""
    ws = Workspace(database_url, data_dir=str(tmp_path / "data"))
    yield ws
    ws.close()


@pytest.fixture
def s3_ws(seaweedfs: SeaweedFS, tmp_path: Path) -> Iterator[Workspace]:
    """The workspace API on SQLite with its blobs in S3 (SeaweedFS)."""
    ws = Workspace(
        f"sqlite:///{tmp_path / 'palabre.db'}", data_dir=str(tmp_path / "data"),
        blob_store="s3", s3_endpoint=seaweedfs.endpoint, s3_bucket="palabre-api-tests",
        s3_access_key=ACCESS_KEY, s3_secret_key=SECRET_KEY, s3_prefix=f"{uuid.uuid4().hex}/",
    )  # fmt: skip
    yield ws
    ws.close()


@pytest.fixture(params=["local", "s3"])
def any_store_ws(request: pytest.FixtureRequest) -> Workspace:
    """A workspace on SQLite with its blobs in the local directory, then in S3."""
    name = "sqlite_files_ws" if request.param == "local" else "s3_ws"
    ws: Workspace = request.getfixturevalue(name)
    return ws


@pytest.fixture
def sqlite_files_ws(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace(f"sqlite:///{tmp_path / 'palabre.db'}", data_dir=str(tmp_path / "data"))
    yield ws
    ws.close()


@pytest.fixture
def people(files_ws: Workspace) -> dict[str, Any]:
    return team(files_ws)


def team(ws: Workspace) -> dict[str, Any]:
    """In one space: its owner, an admin, two members, a guest (files: read by default), a
    member set to read its files only, and a stranger."""
    owner = ws.person("owner")
    space = new_space(owner)["id"]
    clients: dict[str, Any] = {"owner": owner}
    for name, role in (("admin", "admin"), ("member", "member"), ("other", "member"),
                       ("guest", "guest"), ("reader", "member")):  # fmt: skip
        clients[name] = ws.person(name)
        join(owner, space, name, role)
    response = owner.patch(
        f"/api/spaces/{space}/members/{user_id(ws, 'reader')}", json={"access": {"files": "read"}}
    )
    assert response.status_code == 200, response.text
    clients["stranger"] = ws.person("stranger")
    return {"space": space, "ws": ws, **clients}
