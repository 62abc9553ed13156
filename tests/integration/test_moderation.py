"""Roles, lobby, password, lock and moderator actions, checked at the signaling and media level."""

from __future__ import annotations

import asyncio

import pytest

from palabre.bot import Bot, load_clip
from palabre.bot.harness import received_from, until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip():
    return load_clip()


async def _bot(server, room: str, name: str, clip=None, publish: bool = False) -> Bot:
    bot = Bot(server.ws_url, room, name, clip=clip)
    await bot.join()
    if publish:
        await bot.publish()
    return bot


async def _request_error(bot: Bot, message: dict) -> dict:
    reply = await bot.request(message)
    assert reply["type"] == "error", reply
    return reply


async def test_first_participant_moderates_and_others_cannot(palabre_server):
    mod = await _bot(palabre_server, "roles", "Mod")
    guest = await _bot(palabre_server, "roles", "Guest")
    try:
        joined_mod = next(m for m in mod.messages if m["type"] == "joined")
        joined_guest = next(m for m in guest.messages if m["type"] == "joined")
        assert joined_mod["you"]["role"] == "moderator"
        assert joined_guest["you"]["role"] == "participant"
        for action in (
            {"type": "lock", "locked": True},
            {"type": "lobby", "enabled": True},
            {"type": "set_password", "password": "x"},
            {"type": "mute_participant", "participant": mod.id, "kind": "audio"},
            {"type": "mute_all", "kind": "audio"},
            {"type": "remove", "participant": mod.id},
            {"type": "grant_moderator", "participant": guest.id},
            {"type": "end_meeting"},
        ):
            error = await _request_error(guest, action)
            assert error["code"] == "forbidden", action
        assert not any(m["type"] in ("room_updated", "muted", "bye") for m in mod.messages)
        assert palabre_server.health()["participants"] == 2
        # A moderator can make others moderators.
        await mod.send({"type": "grant_moderator", "participant": guest.id})
        update = await guest.wait_for(lambda m: m["type"] == "participant_updated")
        assert update["participant"]["role"] == "moderator"
        await guest.send({"type": "lock", "locked": True})
        update = await mod.wait_for(lambda m: m["type"] == "room_updated")
        assert update["settings"]["locked"] is True and update["by"] == guest.id
    finally:
        await mod.leave()
        await guest.leave()


async def test_moderator_leaving_hands_over(palabre_server):
    mod = await _bot(palabre_server, "handover", "Mod")
    second = await _bot(palabre_server, "handover", "Second")
    third = await _bot(palabre_server, "handover", "Third")
    await mod.leave()
    update = await third.wait_for(
        lambda m: m["type"] == "participant_updated" and m["participant"]["id"] == second.id
    )
    assert update["participant"]["role"] == "moderator"
    await second.leave()
    await third.leave()


async def test_lobby_waiting_participant_receives_nothing_until_admitted(palabre_server, clip):
    mod = await _bot(palabre_server, "lobby", "Mod", clip, publish=True)
    try:
        await mod.send({"type": "lobby", "enabled": True})
        await mod.wait_for(lambda m: m["type"] == "room_updated" and m["settings"]["lobby"])
        knocker = Bot(palabre_server.ws_url, "lobby", "Knocker", clip=clip)
        waiting = await knocker.request({"type": "join", "room": "lobby", "name": "Knocker"})
        assert waiting["type"] == "lobby_waiting"
        knock = await mod.wait_for(lambda m: m["type"] == "lobby_knock")
        assert knock["knocker"] == {"id": waiting["id"], "name": "Knocker"}
        # While waiting: no room events, no media connection, nothing but refusals.
        await mod.send({"type": "mute", "kind": "video", "muted": False})
        refused = await knocker.request({"type": "publish", "sdp": "v=0"})
        assert refused["code"] == "waiting"
        await asyncio.sleep(1.0)
        seen = {m["type"] for m in knocker.messages}
        assert seen <= {"lobby_waiting", "error"}, seen
        assert palabre_server.health()["media_connections"] == 2  # the moderator's only
        # Admitted: the knocker is a participant now and media flows.
        await mod.send({"type": "admit", "participant": waiting["id"]})
        joined = await knocker.wait_for(lambda m: m["type"] == "joined")
        assert joined["you"]["id"] == waiting["id"] and joined["you"]["role"] == "participant"
        knocker.id = joined["you"]["id"]
        await knocker.publish()
        await until(lambda: received_from(knocker, mod, "video") > 0)
        left = await mod.wait_for(lambda m: m["type"] == "lobby_left")
        assert left == {"type": "lobby_left", "id": waiting["id"], "admitted": True}
        await knocker.leave()

        # Denied: told so, disconnected, never in the room.
        denied = Bot(palabre_server.ws_url, "lobby", "Denied")
        waiting = await denied.request({"type": "join", "room": "lobby", "name": "Denied"})
        await mod.wait_for(
            lambda m: m["type"] == "lobby_knock" and m["knocker"]["id"] == waiting["id"]
        )
        await mod.send({"type": "deny", "participant": waiting["id"]})
        bye = await denied.wait_for(lambda m: m["type"] == "bye")
        assert bye["reason"] == "denied"
        assert not any(
            m["participant"]["id"] == waiting["id"]
            for m in mod.messages
            if m["type"] == "participant_joined"
        )
        await denied.close()
    finally:
        await mod.leave()


async def test_password_and_lock(palabre_server):
    mod = await _bot(palabre_server, "secret", "Mod")
    try:
        await mod.send({"type": "set_password", "password": "sésame"})
        update = await mod.wait_for(lambda m: m["type"] == "room_updated")
        assert update["settings"]["passwordSet"] is True
        guest = Bot(palabre_server.ws_url, "secret", "Guest")
        reply = await guest.request({"type": "join", "room": "secret", "name": "Guest"})
        assert reply["code"] == "password_required"
        reply = await guest.request(
            {"type": "join", "room": "secret", "name": "Guest", "password": "nope"}
        )
        assert reply["code"] == "wrong_password"
        reply = await guest.request(
            {"type": "join", "room": "secret", "name": "Guest", "password": "sésame"}
        )
        assert reply["type"] == "joined"
        await guest.leave()
        # Guessing is rate limited for the room, whoever guesses.
        codes = []
        for attempt in range(7):
            bot = Bot(palabre_server.ws_url, "secret", f"guess{attempt}")
            reply = await bot.request(
                {"type": "join", "room": "secret", "name": "G", "password": f"g{attempt}"}
            )
            codes.append(reply["code"])
            await bot.close()
        assert codes[:4] == ["wrong_password"] * 4 and codes[-1] == "rate_limited"
        # Clearing the password opens the room; locking closes it.
        await mod.send({"type": "set_password", "password": None})
        await mod.wait_for(
            lambda m: m["type"] == "room_updated" and not m["settings"]["passwordSet"]
        )
        await mod.send({"type": "lock", "locked": True})
        await mod.wait_for(lambda m: m["type"] == "room_updated" and m["settings"]["locked"])
        late = Bot(palabre_server.ws_url, "secret", "Late")
        reply = await late.request({"type": "join", "room": "secret", "name": "Late"})
        assert reply["code"] == "room_locked"
        await late.close()
        assert palabre_server.health()["participants"] == 1
    finally:
        await mod.leave()


async def test_moderator_mute_stops_media_at_the_sfu(palabre_server, clip):
    mod = await _bot(palabre_server, "mute", "Mod", clip, publish=True)
    talker = await _bot(palabre_server, "mute", "Talker", clip, publish=True)
    listener = await _bot(palabre_server, "mute", "Listener")
    try:
        await until(lambda: received_from(listener, talker, "audio") > 20)
        await mod.send({"type": "mute_participant", "participant": talker.id, "kind": "audio"})
        told = await talker.wait_for(lambda m: m["type"] == "muted")
        assert told == {"type": "muted", "kind": "audio", "by": mod.id}
        update = await listener.wait_for(lambda m: m["type"] == "participant_updated")
        assert update["participant"]["audioMuted"] is True
        await asyncio.sleep(0.3)
        frozen = received_from(listener, talker, "audio")
        video_before = received_from(listener, talker, "video")
        await asyncio.sleep(1.0)
        # The talker's bot keeps sending audio, and none of it is forwarded; video still is.
        assert received_from(listener, talker, "audio") == frozen
        assert received_from(listener, talker, "video") > video_before
        track = listener.tracks_from(talker.id, "audio")[0]
        last_before_mute = max(track.sequences, key=lambda s: (s - min(track.sequences)) & 0xFFFF)
        # Asked to unmute, the talker does; the stream resumes where it stopped.
        await mod.send({"type": "ask_unmute", "participant": talker.id, "kind": "audio"})
        asked = await talker.wait_for(lambda m: m["type"] == "unmute_requested")
        assert asked["kind"] == "audio"
        await talker.send({"type": "mute", "kind": "audio", "muted": False})
        await until(lambda: received_from(listener, talker, "audio") > frozen + 10)
        assert (last_before_mute + 1) & 0xFFFF in track.sequences
        # Mute all: everyone but the moderator.
        await mod.send({"type": "mute_all", "kind": "video"})
        await talker.wait_for(lambda m: m["type"] == "muted" and m["kind"] == "video")
        await asyncio.sleep(0.3)
        frozen_video = received_from(listener, talker, "video")
        await asyncio.sleep(0.7)
        assert received_from(listener, talker, "video") == frozen_video
        assert received_from(listener, mod, "video") > 0
    finally:
        for bot in (mod, talker, listener):
            await bot.leave()


async def test_everyone_starts_muted(palabre_server, clip):
    mod = await _bot(palabre_server, "quiet", "Mod")
    try:
        await mod.send({"type": "start_muted", "audio": True, "video": False})
        await mod.wait_for(lambda m: m["type"] == "room_updated")
        newcomer = await _bot(palabre_server, "quiet", "New", clip, publish=True)
        joined = next(m for m in newcomer.messages if m["type"] == "joined")
        assert joined["you"]["audioMuted"] is True and joined["you"]["videoMuted"] is False
        assert joined["settings"]["startMuted"] == {"audio": True, "video": False}
        await until(lambda: received_from(mod, newcomer, "video") > 10)
        assert received_from(mod, newcomer, "audio") == 0
        await newcomer.leave()
    finally:
        await mod.leave()


async def test_remove_and_end_meeting(palabre_server, clip):
    mod = await _bot(palabre_server, "end", "Mod")
    unruly = await _bot(palabre_server, "end", "Unruly", clip, publish=True)
    other = await _bot(palabre_server, "end", "Other")
    await mod.send({"type": "remove", "participant": unruly.id})
    bye = await unruly.wait_for(lambda m: m["type"] == "bye")
    assert bye["reason"] == "removed"
    left = await other.wait_for(lambda m: m["type"] == "participant_left")
    assert left["id"] == unruly.id
    await mod.send({"type": "end_meeting"})
    for bot in (mod, other):
        bye = await bot.wait_for(lambda m: m["type"] == "bye")
        assert bye["reason"] == "ended"
    await asyncio.sleep(0.3)
    health = palabre_server.health()
    assert health.pop("packets_received") >= 0 and health.pop("packets_forwarded") >= 0
    assert health == {
        "status": "ok",
        "rooms": 0,
        "participants": 0,
        "media_connections": 0,
    }
    for bot in (mod, unruly, other):
        await bot.close()
