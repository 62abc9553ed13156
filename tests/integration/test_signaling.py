"""The signaling WebSocket against a real server: errors, limits, roster, shutdown."""

from __future__ import annotations

import asyncio
import json
import signal

import pytest
from websockets.asyncio.client import connect

from media.firefox_offer import FIREFOX_OFFER
from palabre.bot import Bot

pytestmark = pytest.mark.slow


async def _joined(server, room="sig", name="Ada") -> Bot:
    bot = Bot(server.ws_url, room, name)
    await bot.join()
    return bot


async def _error(bot: Bot, raw: str) -> dict:
    future = bot.expect(lambda m: m["type"] == "error")
    await bot.send_raw(raw)
    return await asyncio.wait_for(future, 5)


async def test_bad_messages_get_errors_and_the_connection_goes_on(palabre_server):
    bot = await _joined(palabre_server)
    try:
        assert (await _error(bot, "{not json"))["code"] == "bad_message"
        assert (await _error(bot, "[1, 2]"))["code"] == "bad_message"
        unknown = await _error(bot, json.dumps({"type": "teleport", "id": 3}))
        assert unknown["code"] == "unknown_type" and unknown["ref"] == 3
        invalid = await _error(
            bot, json.dumps({"type": "mute", "kind": "smell", "muted": True, "id": 4})
        )
        assert invalid["code"] == "invalid" and invalid["message"].startswith("kind:")
        missing = await _error(bot, json.dumps({"type": "publish", "id": 5}))
        assert missing["code"] == "invalid" and "sdp" in missing["message"]
        bad_sdp = await bot.request({"type": "publish", "sdp": "v=0\r\nm=audio"})
        assert bad_sdp["code"] == "bad_sdp"
        again = await bot.request({"type": "join", "room": "x", "name": "y"})
        assert again["code"] == "already_joined"
        huge = await _error(bot, json.dumps({"type": "ping", "id": 6, "pad": "x" * 100_000}))
        assert huge["code"] == "too_large" and huge["ref"] == 6
        # Still connected, still in the room.
        assert (await bot.request({"type": "ping"}))["type"] == "pong"
        assert palabre_server.health()["participants"] == 1
    finally:
        await bot.leave()


async def test_join_validation_names_the_field(palabre_server):
    async with connect(palabre_server.ws_url) as ws:
        await ws.send(json.dumps({"type": "ping", "id": 1}))
        assert json.loads(await ws.recv()) == {"type": "pong", "ref": 1}
        await ws.send(json.dumps({"type": "mute", "kind": "audio", "muted": True, "id": 2}))
        assert json.loads(await ws.recv())["code"] == "not_joined"
        await ws.send(json.dumps({"type": "join", "room": "a/b", "name": "Ada", "id": 3}))
        reply = json.loads(await ws.recv())
        assert reply["code"] == "invalid" and reply["message"].startswith("room:")
        await ws.send(json.dumps({"type": "join", "room": "ok", "name": "   ", "id": 4}))
        reply = json.loads(await ws.recv())
        assert reply["code"] == "invalid" and reply["message"].startswith("name:")
        await ws.send(
            json.dumps({"type": "join", "room": "  Salle du Conseil ", "name": "Zoé", "id": 5})
        )
        reply = json.loads(await ws.recv())
        assert reply["type"] == "joined" and reply["room"] == "salle-du-conseil"
        assert reply["you"]["name"] == "Zoé" and len(reply["code"]) == 9


async def test_rate_limit(palabre_server):
    bot = await _joined(palabre_server)
    try:
        for index in range(100):
            await bot.send({"type": "ping", "id": 1000 + index})
        await asyncio.sleep(0.5)
        pongs = [m for m in bot.messages if m["type"] == "pong"]
        limited = [m for m in bot.errors if m["code"] == "rate_limited"]
        assert 35 <= len(pongs) < 100
        assert 1 <= len(limited) <= 5
        # Answered once per second of excess, naming the message refused; the rest dropped.
        assert all(1000 <= m["ref"] < 1100 for m in limited)
        await asyncio.sleep(1.0)  # the bucket refills
        assert (await bot.request({"type": "ping"}))["type"] == "pong"
    finally:
        await bot.leave()


async def test_roster_mute_and_leave_are_relayed(palabre_server):
    ada = await _joined(palabre_server, "roster", "Ada")
    bob = await _joined(palabre_server, "roster", "Bob")
    try:
        joined = await ada.wait_for(lambda m: m["type"] == "participant_joined")
        assert joined["participant"]["name"] == "Bob"
        assert [p["name"] for p in bob.participants.values()] == ["Ada"]
        await bob.send({"type": "mute", "kind": "audio", "muted": True})
        update = await ada.wait_for(lambda m: m["type"] == "participant_updated")
        assert update["participant"] == {
            "id": bob.id,
            "name": "Bob",
            "role": "participant",
            "e2ee": False,
            "audioMuted": True,
            "videoMuted": False,
        }
        # Bob renames himself: everyone (him included) gets the new name; a blank one is refused.
        await bob.send({"type": "rename", "name": "  Robert  "})
        for bot in (ada, bob):
            renamed = await bot.wait_for(
                lambda m: (
                    m["type"] == "participant_updated" and m["participant"]["name"] == "Robert"
                )
            )
            assert renamed["participant"]["id"] == bob.id
        refused = await bob.request({"type": "rename", "name": "   "})
        assert refused["code"] == "invalid" and refused["message"].startswith("name:")
        await bob.leave()
        left = await ada.wait_for(lambda m: m["type"] == "participant_left")
        assert left["id"] == bob.id
        assert bob.bye == "left" or bob.bye is None
    finally:
        await ada.leave()


async def test_shutdown_tells_participants(server_factory):
    server = server_factory()
    bots = [await _joined(server, "bye", f"p{i}") for i in range(2)]
    server.process.send_signal(signal.SIGTERM)
    for bot in bots:
        bye = await bot.wait_for(lambda m: m["type"] == "bye", timeout=5)
        assert bye["reason"] == "shutdown"
    assert await asyncio.to_thread(server.process.wait, 10) == 0
    for bot in bots:
        await bot.close()


async def test_refused_track_is_told_to_its_publisher(palabre_server):
    """Firefox's offer is accepted whole (its camera is bundle-only); a camera offered in a
    codec the SFU does not forward is refused, and the publisher is told so."""

    bot = await _joined(palabre_server, room="refused")
    try:
        reply = await bot.request({"type": "publish", "sdp": FIREFOX_OFFER})
        assert reply["type"] == "publish_answer"
        assert "m=video 9 " in reply["sdp"]
        tracks = await bot.wait_for(lambda m: m["type"] == "tracks", timeout=5)
        assert [t["source"] for t in tracks["tracks"]] == ["microphone", "camera"]

        h264_only = FIREFOX_OFFER.replace("a=rtpmap:120 VP8/90000", "a=rtpmap:120 H264/90000")
        reply = await bot.request({"type": "publish", "sdp": h264_only, "sources": {"1": "camera"}})
        assert reply["type"] == "publish_answer"
        refused = await bot.wait_for(lambda m: m["type"] == "tracks_refused", timeout=5)
        assert refused["tracks"] == [
            {"mid": "1", "kind": "video", "source": "camera", "reason": "codec"}
        ]
    finally:
        await bot.leave()
