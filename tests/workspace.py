"""A workspace app for API tests: one database (SQLite or the real PostgreSQL), and people
signed in on their own TestClient (own cookies, X-CSRF-Token preset)."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from palabre.accounts.identity import Auth
from palabre.accounts.users import User, add_user
from palabre.bus import MemoryBus
from palabre.config import Settings
from palabre.db import Database
from palabre.media.sfu import Sfu
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.hub import Hub
from palabre.web.app import create_app
from palabre.web.backend import LocalBackend

PASSWORD = "s3cret-pass"


class Workspace:
    """`options` are Settings (e.g. smtp.settings to send e-mail to the test SMTP server)."""

    def __init__(self, url: str, **options: Any) -> None:
        self.settings = Settings(**options)
        self.db = Database(url)
        self.bus = MemoryBus()
        hub = Hub(
            Sfu(["127.0.0.1"]),
            MeetingCodes(b"k" * 32),
            secure_domain=self.settings.secure_domain,
        )
        self.app = create_app(
            LocalBackend(hub, self.settings),
            self.settings,
            auth=Auth(self.settings, self.db),
            secret=b"s" * 32,
            bus=self.bus,
        )

    def anonymous(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")

    def person(self, name: str, display_name: str | None = None, guest: bool = False) -> TestClient:
        """A new account, signed in on a client of its own."""
        add_user(self.db, name, PASSWORD, display_name or name.title())
        if guest:
            with self.db.session() as session:
                user = session.query(User).filter_by(name=name).one()
                user.guest = True
        return self.sign_in(name)

    def sign_in(self, name: str) -> TestClient:
        client = self.anonymous()
        page = client.get("/auth/login").text
        match = re.search(r'name="csrf" value="([^"]+)"', page)
        assert match, page
        response = client.post(
            "/auth/login",
            data={"username": name, "password": PASSWORD, "csrf": match.group(1)},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        client.headers["x-csrf-token"] = client.get("/api/me").json()["csrf"]
        return client

    def close(self) -> None:
        self.db.close()
