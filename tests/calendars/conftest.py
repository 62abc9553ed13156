"""Fixtures of the calendars tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from palabre.accounts.users import User
from served import Served
from smtp_server import SmtpServer
from workspace import Workspace

from .dav_kit import Dav, app_password


@pytest.fixture
def mail_workspace(database_url: str, smtp: SmtpServer) -> Iterator[Workspace]:
    """The workspace API sending its e-mail to the real test SMTP server."""
    ws = Workspace(database_url, **smtp.settings)
    yield ws
    ws.close()


@pytest.fixture
def dav(sqlite_workspace: Workspace) -> Iterator[Dav]:
    """A served workspace (SQLite) where alice (alice@example.org) has app passwords."""
    ws = sqlite_workspace
    ws.person("alice", "Alice Martin")
    with ws.db.session() as session:
        session.query(User).filter_by(name="alice").one().email = "alice@example.org"
    token, read_token = app_password(ws, "alice"), app_password(ws, "alice", "read")
    with Served(ws.app) as served:
        yield Dav(ws, served, "alice@example.org", token, read_token)
