"""The files tests' stores: every blob-store test runs on the local directory and on a real
S3 server (SeaweedFS, started once per session on private loopback ports)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from palabre.files.blobs import BlobStore, LocalStore
from palabre.files.s3 import S3Store
from seaweedfs_server import ACCESS_KEY, SECRET_KEY, SeaweedFS


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
