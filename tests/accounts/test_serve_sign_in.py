"""A real `palabre serve`: accounts made with the CLI sign in over HTTP."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx


def test_cli_user_signs_in_to_the_server(server_factory: Callable[..., Any]) -> None:
    server = server_factory()
    added = subprocess.run(
        [sys.executable, "-m", "palabre", "user", "add", "alice", "--password-stdin",
         "--data-dir", str(server.data_dir)],
        input="s3cret-pass\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert (server.data_dir / "palabre.db").exists()
    with httpx.Client(base_url=server.http_url) as browser:
        page = browser.get("/auth/login")
        assert "strict-transport-security" not in page.headers
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        response = browser.post(
            "/auth/login", data={"username": "alice", "password": "s3cret-pass", "csrf": token}
        )
        assert response.status_code == 303 and response.headers["location"] == "/"
        me = browser.get("/api/me").json()
        assert me["signedIn"] and me["name"] == "alice" and me["host"]
        # nginx on loopback says the browser used HTTPS: HSTS and a Secure cookie.
        proxied = browser.get("/auth/login", headers={"x-forwarded-proto": "https"})
        assert proxied.headers["strict-transport-security"] == "max-age=31536000"
    # The session is signed with the data directory's secret: it survives a restart.
    cookie = browser.cookies["palabre_session"]
    server.stop()
    again = server_factory("--data-dir", str(server.data_dir))
    with httpx.Client(base_url=again.http_url, cookies={"palabre_session": cookie}) as browser:
        assert browser.get("/api/me").json()["signedIn"]


def test_served_accounts_on_postgresql(server_factory: Callable[..., Any], postgres: Any) -> None:
    """The same sign-in with the accounts on a real PostgreSQL server (production's shape)."""
    url = postgres.new_database()
    added = subprocess.run(
        [sys.executable, "-m", "palabre", "user", "add", "bob", "--password-stdin",
         "--database-url", url],
        input="an0ther-pass\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    server = server_factory("--database-url", url)
    assert not (server.data_dir / "palabre.db").exists()
    with httpx.Client(base_url=server.http_url) as browser:
        page = browser.get("/auth/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        wrong = browser.post(
            "/auth/login", data={"username": "bob", "password": "nope-nope", "csrf": token}
        )
        assert wrong.status_code == 401
        response = browser.post(
            "/auth/login", data={"username": "bob", "password": "an0ther-pass", "csrf": token}
        )
        assert response.status_code == 303
        assert browser.get("/api/me").json()["name"] == "bob"
