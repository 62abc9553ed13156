"""The transfers tests' workspace: SQLite then PostgreSQL, its blobs in the test's
directory, its e-mail sent to the test SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from smtp_server import SmtpServer
from workspace import Workspace


@pytest.fixture
def ws(database_url: str, tmp_path: Path, smtp: SmtpServer) -> Iterator[Workspace]:
    made = Workspace(database_url, data_dir=str(tmp_path / "data"),
                     public_url="http://testserver", **smtp.settings)  # fmt: skip
    yield made
    made.close()
