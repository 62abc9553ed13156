"""Who may open and join rooms on a real server: secure domain, sign-in, invitation tokens."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import httpx
import pytest
from websockets.asyncio.client import connect

pytestmark = pytest.mark.slow

JWT_SECRET = "an-invitation-secret-of-at-least-32-characters"


def _palabre(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "palabre", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _sign_in(server, user: str, password: str) -> str:
    """The session cookie of a signed-in user."""
    with httpx.Client(base_url=server.http_url) as browser:
        page = browser.get("/auth/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        response = browser.post(
            "/auth/login", data={"username": user, "password": password, "csrf": csrf}
        )
        assert response.status_code == 303
        return f"palabre_session={browser.cookies['palabre_session']}"


async def _join(url: str, room: str, name: str, cookie: str | None = None) -> tuple[dict, object]:
    headers = {"Cookie": cookie} if cookie else None
    ws = await connect(url, additional_headers=headers)
    await ws.send(json.dumps({"type": "join", "room": room, "name": name, "id": 1}))
    return json.loads(await ws.recv()), ws


async def test_secure_domain_only_hosts_open_rooms(server_factory, tmp_path):
    data_dir = tmp_path / "data"
    _palabre("user", "add", "maire", "--display-name", "Madame la Maire", "--password-stdin",
             "--data-dir", str(data_dir), stdin="mot-de-passe-du-maire\n")  # fmt: skip
    server = server_factory("--secure-domain", "--data-dir", str(data_dir))
    reply, guest_ws = await _join(server.ws_url, "conseil", "Guest")
    assert reply["code"] == "host_required"
    assert server.health()["rooms"] == 0
    cookie = _sign_in(server, "maire", "mot-de-passe-du-maire")
    reply, host_ws = await _join(server.ws_url, "conseil", "Maire", cookie)
    assert reply["type"] == "joined" and reply["you"]["role"] == "moderator"
    # Now that a host opened it, guests may join (on the connection that was refused).
    await guest_ws.send(json.dumps({"type": "join", "room": "conseil", "name": "Guest", "id": 2}))
    reply = json.loads(await guest_ws.recv())
    assert reply["type"] == "joined" and reply["you"]["role"] == "participant"
    await guest_ws.close()
    await host_ws.close()


async def test_invitation_tokens(server_factory, tmp_path, monkeypatch):
    monkeypatch.setenv("PALABRE_JWT_SECRET", JWT_SECRET)
    server = server_factory("--secure-domain")
    token = _palabre(
        "token", "create", "--room", "Assemblée", "--name", "Élu invité", "--moderator"
    )
    # The token opens its room, as a moderator, under the name it carries.
    reply, ws = await _join(f"{server.ws_url}?token={token}", "assemblée", "whatever")
    assert reply["type"] == "joined"
    assert reply["you"]["role"] == "moderator" and reply["you"]["name"] == "Élu invité"
    # In another room the same token proves nothing: no host has opened that one.
    reply, other = await _join(f"{server.ws_url}?token={token}", "ailleurs", "whatever")
    assert reply["code"] == "host_required"
    await other.close()
    # A forged or tampered token is refused outright.
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    async with connect(f"{server.ws_url}?token={tampered}") as bad:
        reply = json.loads(await bad.recv())
        assert reply["type"] == "error" and reply["message"].startswith("token:")
    await ws.close()
