"""No loss: two clients send a burst of edits to a real `palabre serve`, which is SIGKILLed
mid-burst and restarted on the same database; every edit the server acknowledged (its SAVED
state vector covered it) is in the document afterwards."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from palabre.bot.yjs import YClient, clock_of

PASSWORD = "s3cret-pass"


def add_user(database_url: str, name: str) -> None:
    added = subprocess.run(
        [sys.executable, "-m", "palabre", "user", "add", name, "--password-stdin",
         "--database-url", database_url],
        input=PASSWORD + "\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr


def sign_in(url: str, name: str) -> httpx.Client:
    import re

    client = httpx.Client(base_url=url, timeout=30)
    page = client.get("/auth/login").text
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match
    response = client.post(
        "/auth/login", data={"username": name, "password": PASSWORD, "csrf": match.group(1)}
    )
    assert response.status_code == 303, response.text
    client.headers["x-csrf-token"] = client.get("/api/me").json()["csrf"]
    return client


class Typist:
    """A client that adds numbered paragraphs as fast as it can, and knows which of them the
    server acknowledged."""

    def __init__(self, client: YClient, name: str) -> None:
        self.client = client
        self.name = name
        self.marks: list[tuple[int, str]] = []  # (my clock after it, the paragraph)

    async def type(self, count: int) -> None:
        mine = self.client.doc.client_id
        for n in range(count):
            if self.client.closed.is_set():
                return
            text = f"{self.name} {n}"
            self.client.add_paragraph(text)
            self.marks.append((clock_of(self.client.doc.get_state(), mine), text))
            await asyncio.sleep(0.002)

    def acknowledged(self) -> list[str]:
        if not self.client.saved_states:
            return []
        done = clock_of(self.client.saved_states[-1], self.client.doc.client_id)
        return [text for clock, text in self.marks if clock <= done]


@pytest.mark.slow
def test_acknowledged_edits_survive_a_sigkill(
    server_factory: Callable[..., Any], database_url: str
) -> None:
    server = server_factory("--database-url", database_url)
    for name in ("alice", "bob"):
        add_user(database_url, name)
    alice, bob = sign_in(server.http_url, "alice"), sign_in(server.http_url, "bob")
    space = alice.post("/api/spaces", json={"name": "Durable"}).json()["id"]
    added = alice.post(f"/api/spaces/{space}/members", json={"user": "bob", "role": "member"})
    assert added.status_code == 201, added.text
    doc_id = alice.post(f"/api/spaces/{space}/documents", json={"title": "Burst"}).json()["id"]
    ws = server.http_url.replace("http://", "ws://")
    cookies = {
        who: "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        for who, client in (("alice", alice), ("bob", bob))
    }

    async def burst() -> list[str]:
        url = f"{ws}/api/yjs/{doc_id}"
        async with YClient(url, cookies["alice"]) as a, YClient(url, cookies["bob"]) as b:
            await asyncio.wait_for(a.synced.wait(), 20)
            await asyncio.wait_for(b.synced.wait(), 20)
            typists = [Typist(a, "alice"), Typist(b, "bob")]
            work = [asyncio.create_task(t.type(2000)) for t in typists]

            async def enough() -> None:
                while sum(len(t.acknowledged()) for t in typists) < 200:
                    await asyncio.sleep(0.005)

            await asyncio.wait_for(enough(), 60)
            server.process.kill()  # SIGKILL, mid-burst
            await asyncio.gather(*work)
            await asyncio.wait_for(a.closed.wait(), 20)
            await asyncio.wait_for(b.closed.wait(), 20)
            acked = [text for t in typists for text in t.acknowledged()]
            sent = sum(len(t.marks) for t in typists)
            assert len(acked) < sent  # the kill did cut the burst
            return acked

    acknowledged = asyncio.run(burst())
    server.process.wait(10)
    restarted = server_factory("--database-url", database_url)
    again = sign_in(restarted.http_url, "alice")

    async def read() -> list[str]:
        url = f"{restarted.http_url.replace('http://', 'ws://')}/api/yjs/{doc_id}"
        cookie = "; ".join(f"{k}={v}" for k, v in again.cookies.items())
        async with YClient(url, cookie, saved=False) as reader:
            await asyncio.wait_for(reader.synced.wait(), 20)
            return reader.paragraphs()

    found = set(asyncio.run(read()))
    assert len(acknowledged) >= 200
    missing = [text for text in acknowledged if text not in found]
    assert not missing, missing[:10]
