"""No loss: 1,000 messages posted by 10 concurrent clients to a real `palabre serve` while
the server is SIGKILLed and restarted mid-way. A client retries a post that was not
acknowledged with the same client_id; afterwards every message acknowledged is there, once."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest

CLIENTS = 10
EACH = 100
PASSWORD = "s3cret-pass"


def sign_in(url: str, name: str) -> dict[str, str]:
    """The session cookie and CSRF token of a sign-in over HTTP."""
    with httpx.Client(base_url=url, timeout=30) as browser:
        page = browser.get("/auth/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        response = browser.post(
            "/auth/login", data={"username": name, "password": PASSWORD, "csrf": token.group(1)}
        )
        assert response.status_code == 303, response.text
        csrf = browser.get("/api/me").json()["csrf"]
        return {"cookie": browser.cookies["palabre_session"], "csrf": csrf}


@pytest.mark.slow
def test_acknowledged_messages_survive_a_sigkill(
    server_factory: Callable[..., Any], database_url: str
) -> None:
    """On a SQLite file (the embedded default), then on the real PostgreSQL."""
    server = server_factory("--database-url", database_url)
    added = subprocess.run(
        [sys.executable, "-m", "palabre", "user", "add", "alice", "--password-stdin",
         "--database-url", database_url],
        input=PASSWORD + "\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    session = sign_in(server.http_url, "alice")
    headers = {"x-csrf-token": session["csrf"]}
    cookies = {"palabre_session": session["cookie"]}
    with httpx.Client(base_url=server.http_url, headers=headers, cookies=cookies) as alice:
        space = alice.post("/api/spaces", json={"name": "Durable"}).json()["id"]
        channel = alice.get(f"/api/spaces/{space}/channels").json()[0]["id"]

    current = {"url": server.http_url}
    acknowledged: dict[str, int] = {}  # client_id -> message id
    lock = threading.Lock()
    retries = Counter[str]()
    stop = threading.Event()

    def client(index: int) -> None:
        with httpx.Client(headers=headers, cookies=cookies, timeout=10) as http:
            for n in range(EACH):
                client_id = f"c{index}-{n}"
                while not stop.is_set():
                    try:
                        response = http.post(
                            f"{current['url']}/api/channels/{channel}/messages",
                            json={"body": f"message {n} of client {index}", "client_id": client_id},
                        )
                    except httpx.HTTPError:
                        response = None
                    if response is not None and response.status_code in (200, 201):
                        with lock:
                            acknowledged[client_id] = response.json()["id"]
                        break
                    assert response is None or response.status_code >= 500, response.text
                    with lock:
                        retries[client_id] += 1
                    time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < CLIENTS * EACH * 0.4 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.process.kill()  # SIGKILL, mid-stream
    server.process.wait(10)
    with lock:
        before_kill = dict(acknowledged)
    assert 0 < len(before_kill) < CLIENTS * EACH
    restarted = server_factory("--database-url", database_url)  # the same database
    current["url"] = restarted.http_url
    for thread in threads:
        thread.join(120)
    stop.set()
    assert len(acknowledged) == CLIENTS * EACH
    assert sum(retries.values()) > 0  # the kill did cut posts off

    with httpx.Client(base_url=restarted.http_url, cookies=cookies) as alice:
        seen: list[dict[str, Any]] = []
        page = alice.get(f"/api/channels/{channel}/messages", params={"limit": 200}).json()
        while True:
            seen += page["messages"]
            if not page["more"]:
                break
            page = alice.get(
                f"/api/channels/{channel}/messages",
                params={"limit": 200, "before": page["messages"][-1]["seq"]},
            ).json()
    by_client = Counter(m["client_id"] for m in seen)
    assert all(by_client[client_id] == 1 for client_id in before_kill)
    assert {m["client_id"]: m["id"] for m in seen} == acknowledged
    assert len(seen) == CLIENTS * EACH  # once each: no retry made a second message
    assert len({m["seq"] for m in seen}) == len(seen)
