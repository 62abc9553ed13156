"""`palabre serve --media-workers 2`: rooms on two worker processes behind one `/ws`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time

import pytest
from websockets.asyncio.client import connect

from palabre.bot import Bot, load_clip
from palabre.bot.harness import received_from, start_bots, until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip():
    return load_clip()


def _pairs(bots: list[Bot]):
    return [(r, s, k) for r in bots for s in bots if s is not r for k in ("audio", "video")]


async def _measure_flow(bots: list[Bot], seconds: float = 3.0) -> None:
    """As tests/integration/test_media_flow.py: every bot gets at least 95% of what each
    other bot of its room sends, of both kinds, through SRTP without a failure."""
    await until(lambda: all(received_from(r, s, k) > 0 for r, s, k in _pairs(bots)))
    sent_before = {(b.id, k): o.sent for b in bots for k, o in b.outgoing.items()}
    received_before = {(r.id, s.id, k): received_from(r, s, k) for r, s, k in _pairs(bots)}
    await asyncio.sleep(seconds)
    sent_after = {(b.id, k): o.sent for b in bots for k, o in b.outgoing.items()}
    await asyncio.sleep(0.5)  # in-flight packets land; the later ones are not counted as sent
    for receiver, sender, kind in _pairs(bots):
        sent = sent_after[(sender.id, kind)] - sent_before[(sender.id, kind)]
        got = (
            received_from(receiver, sender, kind) - received_before[(receiver.id, sender.id, kind)]
        )
        assert sent > 100, (kind, sent)
        assert got >= 0.95 * sent, f"{receiver.name} got {got} of {sent} {kind} from {sender.name}"
    for bot in bots:
        assert bot.subscribe_transport.srtp_errors == 0
        assert bot.errors == []


async def test_rooms_on_two_workers(server_factory, clip):
    server = server_factory("--media-workers", "2")
    health = server.health()
    assert health["status"] == "ok" and len(health["workers"]) == 2
    workers = health["workers"]
    # Worker i takes media_port + i.
    assert [w["udp_port"] for w in workers] == [server.media_port, server.media_port + 1]
    pids = [w["pid"] for w in workers]
    alpha = await start_bots(server.ws_url, "alpha", 3, clip, prefix="alpha")
    beta = await start_bots(server.ws_url, "beta", 2, clip, prefix="beta")
    bots = [*alpha, *beta]
    try:
        # The rooms landed on different workers: each room's media goes to its worker's port.
        ports = {room: {b.publish_transport.server[1] for b in bs} for room, bs in
                 (("alpha", alpha), ("beta", beta))}  # fmt: skip
        assert ports == {"alpha": {server.media_port}, "beta": {server.media_port + 1}}
        health = server.health()
        assert [(w["rooms"], w["participants"]) for w in health["workers"]] == [(1, 3), (1, 2)]
        assert (health["rooms"], health["participants"]) == (2, 5)
        # Each room sees its own participants only.
        assert {p["name"] for p in alpha[0].participants.values()} == {"alpha1", "alpha2"}
        await asyncio.gather(_measure_flow(alpha), _measure_flow(beta))
        # The RTP packets each worker's SFU forwarded, summed by the main process.
        health = server.health()
        forwarded = [w["packets_forwarded"] for w in health["workers"]]
        assert min(forwarded) > 0 and health["packets_forwarded"] == sum(forwarded)

        # A bad message through the relay gets the normal error, and the session goes on.
        bot = beta[0]
        future = bot.expect(lambda m: m["type"] == "error")
        await bot.send_raw("{not json")
        assert (await asyncio.wait_for(future, 5))["code"] == "bad_message"
        unknown = await bot.request({"type": "teleport"})
        assert unknown["code"] == "unknown_type"
        again = await bot.request({"type": "join", "room": "alpha", "name": "x"})
        assert again["code"] == "already_joined"
        assert (await bot.request({"type": "ping"}))["type"] == "pong"

        # SIGTERM: every worker says goodbye to its participants, through the relay.
        server.process.send_signal(signal.SIGTERM)
        for bot in bots:
            bye = await bot.wait_for(lambda m: m["type"] == "bye", timeout=15)
            assert bye["reason"] == "shutdown"
        assert await asyncio.to_thread(server.process.wait, 10) == 0
        for pid in pids:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    finally:
        for bot in bots:
            await bot.close()


async def test_before_joining_the_main_process_answers(server_factory):
    server = server_factory("--media-workers", "2")
    async with connect(server.ws_url) as ws:
        await ws.send(json.dumps({"type": "ping", "id": 1}))
        assert json.loads(await ws.recv()) == {"type": "pong", "ref": 1}
        await ws.send("{not json")
        assert json.loads(await ws.recv())["code"] == "bad_message"
        await ws.send(json.dumps({"type": "mute", "kind": "audio", "muted": True, "id": 2}))
        reply = json.loads(await ws.recv())
        assert (reply["code"], reply["ref"]) == ("not_joined", 2)
        await ws.send(json.dumps({"type": "join", "room": "a/b", "name": "Ada", "id": 3}))
        reply = json.loads(await ws.recv())
        assert reply["code"] == "invalid" and reply["message"].startswith("room:")
        await ws.send(json.dumps({"type": "join", "room": "ok", "name": "   ", "id": 4}))
        reply = json.loads(await ws.recv())
        assert reply["code"] == "invalid" and reply["message"].startswith("name:")
        await ws.send(json.dumps({"type": "join", "room": " Salle ", "name": "Zoé", "id": 5}))
        joined = json.loads(await ws.recv())
        assert joined["type"] == "joined" and joined["ref"] == 5 and joined["room"] == "salle"
        # The code a worker gives is the one the main process serves.
        with urllib_open(server.http_url + f"/api/codes/{joined['code']}") as response:
            assert json.loads(response.read()) == {"room": "salle"}
        with urllib_open(server.http_url + "/api/rooms/salle") as response:
            assert json.loads(response.read())["participants"] == 1
    await _until_health(server, lambda h: h["participants"] == 0)


def urllib_open(url: str):
    import urllib.request

    return urllib.request.urlopen(url, timeout=5)


async def _until_health(server, condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition(server.health()):
        if time.monotonic() > deadline:
            raise AssertionError(server.health())
        await asyncio.sleep(0.1)
