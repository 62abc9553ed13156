"""Fixtures of the calendars tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smtp_server import SmtpServer
from workspace import Workspace


@pytest.fixture
def mail_workspace(database_url: str, smtp: SmtpServer) -> Iterator[Workspace]:
    """The workspace API sending its e-mail to the real test SMTP server."""
    ws = Workspace(database_url, **smtp.settings)
    yield ws
    ws.close()
