"""Worker processes: one that dies is started again; all die with the main process; what a
client proves to the main process (invitation token) reaches the worker of its room."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from websockets.asyncio.client import connect

from palabre.bot.harness import until

pytestmark = pytest.mark.slow

JWT_SECRET = "an-invitation-secret-of-at-least-32-characters"


WORKER_START = 30.0  # seconds: a worker starts in seconds, more on a loaded machine


def _health(server) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(server.http_url + "/healthz", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie is gone too (its parent, the killed main process, is not there to reap it).
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] == "Z"


async def _join(url: str, room: str, name: str, ref: int = 1):
    ws = await connect(url)
    await ws.send(json.dumps({"type": "join", "room": room, "name": name, "id": ref}))
    return json.loads(await ws.recv()), ws


async def test_a_dead_worker_is_started_again(server_factory):
    server = server_factory("--media-workers", "2")
    reply, ws = await _join(server.ws_url, "first", "Ada")
    assert reply["type"] == "joined"
    status, health = _health(server)
    dead = health["workers"][0]["pid"]
    assert health["workers"][0]["participants"] == 1
    os.kill(dead, signal.SIGKILL)
    # Its participants lose their connection; the room goes with it.
    with pytest.raises(Exception):  # noqa: B017 - closed, whatever the close code
        await asyncio.wait_for(ws.recv(), 15)
    status, health = _health(server)
    if status == 503:  # not started again yet: new rooms go to the other worker
        assert health["status"] == "degraded" and health["workers"][0]["status"] == "down"
        reply, other = await _join(server.ws_url, "second", "Bob")
        assert reply["type"] == "joined", reply
        status, health = _health(server)
        if health["workers"][0]["status"] == "down":  # (else it came back meanwhile)
            assert health["workers"][1]["participants"] == 1
        await other.close()
    await until(lambda: _health(server)[0] == 200, WORKER_START, step=0.1)
    status, health = _health(server)
    assert health["workers"][0]["pid"] != dead
    assert health["workers"][0]["udp_port"] == server.media_port  # the same ports again
    reply, ws = await _join(server.ws_url, "first", "Ada")
    assert reply["type"] == "joined" and reply["participants"] == []
    await ws.close()


async def test_workers_die_with_the_main_process(server_factory):
    server = server_factory("--media-workers", "2")
    pids = [w["pid"] for w in _health(server)[1]["workers"]]
    server.process.kill()
    server.process.wait(5)
    await until(lambda: all(_gone(pid) for pid in pids), 20, step=0.1)


def _token(room: str, name: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "palabre", "token", "create", "--room", room, "--name", name,
         "--moderator"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "PALABRE_JWT_SECRET":
        JWT_SECRET},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


async def test_rights_reach_the_worker(server_factory, monkeypatch):
    monkeypatch.setenv("PALABRE_JWT_SECRET", JWT_SECRET)
    server = server_factory("--media-workers", "2", "--secure-domain")
    token = _token("conseil", "Élue invitée")
    # A guest may not open the room: the worker refuses, and the connection may try again.
    reply, guest = await _join(server.ws_url, "conseil", "Guest")
    assert reply["code"] == "host_required"
    reply, host = await _join(f"{server.ws_url}?token={token}", "conseil", "whatever")
    assert reply["type"] == "joined"
    assert reply["you"]["role"] == "moderator" and reply["you"]["name"] == "Élue invitée"
    await guest.send(json.dumps({"type": "join", "room": "conseil", "name": "Guest", "id": 2}))
    reply = json.loads(await guest.recv())
    assert reply["type"] == "joined" and reply["you"]["role"] == "participant"
    assert [(w["rooms"], w["participants"]) for w in _health(server)[1]["workers"]] == [
        (1, 2),
        (0, 0),
    ]
    # The token proves nothing in another room.
    reply, other = await _join(f"{server.ws_url}?token={token}", "ailleurs", "whatever")
    assert reply["code"] == "host_required"
    for ws in (guest, host, other):
        await ws.close()


async def test_a_hung_worker_is_reported_and_its_joins_refused(server_factory):
    server = server_factory("--media-workers", "2")
    reply, first = await _join(server.ws_url, "here", "Ada")
    assert reply["type"] == "joined"
    hung = _health(server)[1]["workers"][0]["pid"]
    os.kill(hung, signal.SIGSTOP)
    try:
        # (Polled: on a loaded machine a live worker may be slow to answer once.)
        def reported() -> bool:
            status, health = _health(server)
            states = [w["status"] for w in health["workers"]]
            return status == 503 and health["status"] == "degraded" and states == ["down", "ok"]

        await until(reported, WORKER_START, step=0.1)
        # The room stays on its worker: a join gets `unavailable` and may be tried again.
        reply, second = await _join(server.ws_url, "here", "Bob")
        assert reply["type"] == "error" and reply["code"] == "unavailable" and reply["ref"] == 1
    finally:
        os.kill(hung, signal.SIGCONT)
    # Replies that came too late are not taken for answers to later requests.
    await until(lambda: _health(server)[0] == 200, WORKER_START, step=0.1)
    assert _health(server)[1]["workers"][0]["participants"] == 1
    await second.send(json.dumps({"type": "join", "room": "here", "name": "Bob", "id": 2}))
    reply = json.loads(await second.recv())
    assert reply["type"] == "joined" and [p["name"] for p in reply["participants"]] == ["Ada"]
    await first.close()
    await second.close()
