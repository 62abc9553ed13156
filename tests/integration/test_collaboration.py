"""Chat, hands, reactions, shared notes, speaker statistics and receive settings on a real
server."""

from __future__ import annotations

import asyncio
import base64

import pycrdt
import pytest

from palabre.bot import Bot, load_clip
from palabre.bot.harness import received_from, until

pytestmark = pytest.mark.slow


async def _joined(server, room: str, name: str, **kwargs) -> Bot:
    bot = Bot(server.ws_url, room, name, **kwargs)
    await bot.join()
    return bot


def _of_type(bot: Bot, kind: str) -> list[dict]:
    return [m for m in bot.messages if m["type"] == kind]


async def test_chat_public_private_and_history(palabre_server):
    ada = await _joined(palabre_server, "chat", "Ada")
    bob = await _joined(palabre_server, "chat", "Bob")
    eve = await _joined(palabre_server, "chat", "Eve")
    try:
        hostile = '<img src=x onerror="alert(1)"> **bold** https://example.org'
        await ada.send({"type": "chat", "text": hostile})
        for bot in (ada, bob, eve):
            got = await bot.wait_for(lambda m: m["type"] == "chat")
            assert got["message"]["text"] == hostile  # relayed as text; clients never render markup
            assert got["message"]["from"] == ada.id and got["message"]["fromName"] == "Ada"
        await ada.send({"type": "chat", "text": "only for Bob", "to": bob.id})
        private = await bob.wait_for(
            lambda m: m["type"] == "chat" and m["message"].get("to") == bob.id
        )
        assert private["message"]["text"] == "only for Bob"
        await ada.wait_for(lambda m: m["type"] == "chat" and m["message"].get("to") == bob.id)
        await asyncio.sleep(0.5)
        assert all("only for Bob" not in m["message"]["text"] for m in _of_type(eve, "chat"))
        bad = await ada.request({"type": "chat", "text": "x", "to": "nobody"})
        assert bad["code"] == "not_found"
        empty = await ada.request({"type": "chat", "text": "   \u0007  "})
        assert empty["code"] == "invalid" and empty["message"].startswith("text:")
        # A late joiner gets the public history, not the private message.
        late = await _joined(palabre_server, "chat", "Late")
        joined = _of_type(late, "joined")[0]
        assert [m["text"] for m in joined["chat"]] == [hostile]
        await late.leave()
    finally:
        for bot in (ada, bob, eve):
            await bot.leave()
    # Nothing is kept once the meeting ends.
    again = await _joined(palabre_server, "chat", "Again")
    assert _of_type(again, "joined")[0]["chat"] == []
    await again.leave()


async def test_hands_in_order_and_reactions(palabre_server):
    mod = await _joined(palabre_server, "hands", "Mod")
    a = await _joined(palabre_server, "hands", "A")
    b = await _joined(palabre_server, "hands", "B")
    try:
        await b.send({"type": "hand", "raised": True})
        await mod.wait_for(lambda m: m["type"] == "hands" and m["order"] == [b.id])
        await a.send({"type": "hand", "raised": True})
        update = await mod.wait_for(lambda m: m["type"] == "hands" and len(m["order"]) == 2)
        assert update["order"] == [b.id, a.id]
        forbidden = await a.request({"type": "lower_hand", "participant": b.id})
        assert forbidden["code"] == "forbidden"
        await mod.send({"type": "lower_hand", "participant": b.id})
        await a.wait_for(lambda m: m["type"] == "hands" and m["order"] == [a.id])
        late = await _joined(palabre_server, "hands", "Late")
        assert _of_type(late, "joined")[0]["hands"] == [a.id]
        await late.leave()
        await a.send({"type": "reaction", "emoji": "👏"})
        reaction = await b.wait_for(lambda m: m["type"] == "reaction")
        assert reaction == {"type": "reaction", "participant": a.id, "emoji": "👏"}
        refused = await a.request({"type": "reaction", "emoji": "💩"})
        assert refused["code"] == "invalid"
    finally:
        for bot in (mod, a, b):
            await bot.leave()


def _text_update(doc: pycrdt.Doc, text: str) -> str:
    before = doc.get_state()
    doc.get("notes", type=pycrdt.Text).insert(len(str(doc.get("notes", type=pycrdt.Text))), text)
    return base64.b64encode(doc.get_update(before)).decode()


async def test_shared_notes_converge_and_vanish_with_the_meeting(palabre_server):
    ada = await _joined(palabre_server, "notes", "Ada")
    bob = await _joined(palabre_server, "notes", "Bob")
    try:
        doc_a, doc_b = pycrdt.Doc(), pycrdt.Doc()
        await ada.send({"type": "notes_update", "update": _text_update(doc_a, "Ordre du jour. ")})
        relayed = await bob.wait_for(lambda m: m["type"] == "notes_update")
        assert relayed["from"] == ada.id
        doc_b.apply_update(base64.b64decode(relayed["update"]))
        await bob.send({"type": "notes_update", "update": _text_update(doc_b, "Point 1.")})
        relayed = await ada.wait_for(lambda m: m["type"] == "notes_update")
        doc_a.apply_update(base64.b64decode(relayed["update"]))
        assert str(doc_a.get("notes", type=pycrdt.Text)) == "Ordre du jour. Point 1."
        # A late joiner gets the merged document in one update.
        late = await _joined(palabre_server, "notes", "Late")
        state = await late.request({"type": "notes_sync"})
        doc_late = pycrdt.Doc()
        doc_late.apply_update(base64.b64decode(state["update"]))
        assert str(doc_late.get("notes", type=pycrdt.Text)) == "Ordre du jour. Point 1."
        garbage = await late.request(
            {"type": "notes_update", "update": base64.b64encode(b"\xff" * 40).decode()}
        )
        assert garbage["code"] == "invalid"
        await late.leave()
    finally:
        await ada.leave()
        await bob.leave()
    # The meeting ended with its last participant: the document is gone.
    again = await _joined(palabre_server, "notes", "Again")
    state = await again.request({"type": "notes_sync"})
    doc = pycrdt.Doc()
    doc.apply_update(base64.b64decode(state["update"]))
    assert str(doc.get("notes", type=pycrdt.Text)) == ""
    await again.leave()


async def test_speaker_stats_and_dominant_speaker(palabre_server):
    clip = load_clip()
    talker = await _joined(palabre_server, "speak", "Talker", clip=clip, speaking=True)
    quiet = await _joined(palabre_server, "speak", "Quiet", clip=clip, speaking=False)
    await talker.publish()
    await quiet.publish()
    try:
        dominant = await quiet.wait_for(lambda m: m["type"] == "dominant_speaker", timeout=5)
        assert dominant["participant"] == talker.id
        await asyncio.sleep(2)
        stats = {
            s["name"]: s["talkTime"]
            for s in (await quiet.request({"type": "speaker_stats"}))["stats"]
        }
        assert stats["Talker"] >= 1.5 and stats.get("Quiet", 0) == 0
        # The other one takes the floor.
        talker.speak(False)
        quiet.speak(True)
        switched = await talker.wait_for(
            lambda m: m["type"] == "dominant_speaker" and m["participant"] == quiet.id, timeout=5
        )
        assert switched
    finally:
        await talker.leave()
        await quiet.leave()


async def test_dtx_silence_costs_little_and_speech_takes_the_floor(palabre_server):
    """Opus DTX end to end: a silent participant's DTX frames (one in 20) reach the others
    as they are, and when it speaks again it becomes the dominant speaker."""
    clip = load_clip()
    talker = await _joined(palabre_server, "dtx", "Talker", clip=clip, video=False, dtx=True)
    quiet = await _joined(palabre_server, "dtx", "Quiet", clip=clip, video=False,
                          speaking=False, dtx=True)  # fmt: skip
    watcher = await _joined(palabre_server, "dtx", "Watcher")
    await talker.publish()
    await quiet.publish()
    try:
        await until(lambda: received_from(watcher, talker, "audio") > 50, timeout=10)
        await until(lambda: received_from(watcher, quiet, "audio") > 0, timeout=10)
        talked, silent = (
            received_from(watcher, talker, "audio"),
            received_from(watcher, quiet, "audio"),
        )
        sent = quiet.outgoing["audio"].sent
        await asyncio.sleep(2)
        talked = received_from(watcher, talker, "audio") - talked
        silent = received_from(watcher, quiet, "audio") - silent
        # In 2 s a speaker sends about 100 packets, a DTX silence about 5.
        assert quiet.outgoing["audio"].sent - sent <= 8
        assert silent <= 8 and talked >= 4 * max(silent, 1), (talked, silent)
        quiet.speak(True)
        talker.speak(False)
        switched = await watcher.wait_for(
            lambda m: m["type"] == "dominant_speaker" and m["participant"] == quiet.id, timeout=8
        )
        assert switched
        before = received_from(watcher, quiet, "audio")
        await until(lambda: received_from(watcher, quiet, "audio") > before + 40, timeout=10)
    finally:
        for bot in (talker, quiet, watcher):
            await bot.leave()


async def test_receive_video_off_is_audio_only(palabre_server):
    clip = load_clip()
    sender = await _joined(palabre_server, "receive", "Sender", clip=clip)
    await sender.publish()
    viewer = await _joined(palabre_server, "receive", "Viewer")
    try:
        await until(lambda: received_from(viewer, sender, "video") > 20)
        await viewer.send({"type": "receive", "video": "off"})
        await asyncio.sleep(0.3)
        video, audio = (
            received_from(viewer, sender, "video"),
            received_from(viewer, sender, "audio"),
        )
        await asyncio.sleep(1.0)
        assert received_from(viewer, sender, "video") == video
        assert received_from(viewer, sender, "audio") > audio + 30
        await viewer.send({"type": "receive", "video": "standard"})
        await until(lambda: received_from(viewer, sender, "video") > video + 20, 3)
        track = viewer.tracks_from(sender.id, "video")[0]
        assert track.keyframes >= 2  # video resumed on a fresh keyframe
    finally:
        await sender.leave()
        await viewer.leave()
