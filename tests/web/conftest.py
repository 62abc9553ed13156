"""An app from create_app with a real (not started) SFU and an in-memory accounts database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from palabre.accounts.db import Database
from palabre.accounts.identity import Auth
from palabre.config import Settings
from palabre.media.sfu import Sfu
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.hub import Hub
from palabre.web.app import create_app


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
        app = create_app(hub, settings, auth=Auth(settings, db), secret=secret)
        return TestClient(app, base_url=base_url)

    yield factory
    for db in databases:
        db.close()
