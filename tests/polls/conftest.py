"""Fixtures of the polls tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smtp_server import SmtpServer
from workspace import Workspace


@pytest.fixture
def mail_workspace(database_url: str, smtp: SmtpServer) -> Iterator[Workspace]:
    ws = Workspace(database_url, **smtp.settings)
    yield ws
    ws.close()
