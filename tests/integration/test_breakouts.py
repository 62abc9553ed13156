"""Polls and breakout rooms with real bots over a real server: who may ask, who sees the
results; media that follows people into their breakout room and back."""

from __future__ import annotations

import asyncio

import pytest

from palabre.bot import Bot, load_clip
from palabre.bot.harness import received_from, until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip():
    return load_clip()


async def _bot(server, room: str, name: str, clip=None) -> Bot:
    bot = Bot(server.ws_url, room, name, clip=clip)
    await bot.join()
    if clip is not None:
        await bot.publish()
    return bot


async def test_a_poll_answered_by_two_participants(palabre_server):
    mod = await _bot(palabre_server, "poll-room", "Mod")
    ada = await _bot(palabre_server, "poll-room", "Ada")
    bob = await _bot(palabre_server, "poll-room", "Bob")
    try:
        refused = await ada.request(
            {"type": "poll_create", "question": "Q?", "options": ["a", "b"]}
        )
        assert refused["type"] == "error" and refused["code"] == "forbidden"
        ask = {"type": "poll_create", "question": "Déjeuner ?", "options": ["Oui", "Non"]}
        await mod.send(ask)
        asked = await ada.wait_for(lambda m: m["type"] == "poll")
        poll = asked["poll"]["id"]
        await ada.send({"type": "poll_vote", "poll": poll, "option": 0})
        await bob.send({"type": "poll_vote", "poll": poll, "option": 1})
        seen = await mod.wait_for(
            lambda m: m["type"] == "poll" and m["poll"]["votes"] == 2, timeout=5
        )
        assert seen["poll"]["results"]["counts"] == [1, 1]
        await mod.send({"type": "poll_close", "poll": poll})
        closed = await bob.wait_for(lambda m: m["type"] == "poll" and m["poll"]["closed"])
        assert closed["poll"]["results"]["voters"] == [[ada.id], [bob.id]]
        assert closed["poll"]["yourVote"] == 1
        late = await ada.request({"type": "poll_vote", "poll": poll, "option": 1})
        assert late["type"] == "error" and late["code"] == "invalid"
    finally:
        for bot in (mod, ada, bob):
            await bot.leave()


async def test_media_follows_people_into_their_breakout_room_and_back(palabre_server, clip):
    mod = await _bot(palabre_server, "split", "Mod")
    ada = await _bot(palabre_server, "split", "Ada", clip)
    bob = await _bot(palabre_server, "split", "Bob", clip)
    cy = await _bot(palabre_server, "split", "Cy")
    try:
        await until(lambda: received_from(cy, ada, "audio") > 10)
        await until(lambda: received_from(cy, bob, "audio") > 10)
        refused = await ada.request({"type": "breakout_create", "names": ["A", "B"]})
        assert refused["code"] == "forbidden"
        await mod.send({"type": "breakout_create", "names": ["A", "B"]})
        for bot, room in ((ada, 0), (cy, 0), (bob, 1)):
            await mod.send({"type": "breakout_assign", "participant": bot.id, "room": room})
        await mod.send({"type": "breakout_open", "duration": 600})
        moved = await cy.wait_for(lambda m: m["type"] == "joined" and "breakout" in m)
        assert moved["room"] == "split~1" and moved["breakout"]["name"] == "A"
        await bob.wait_for(lambda m: m["type"] == "joined" and "breakout" in m)
        await asyncio.sleep(0.5)  # what was on its way before the move
        from_bob = received_from(cy, bob, "audio")
        from_ada = received_from(cy, ada, "audio")
        await until(lambda: received_from(cy, ada, "audio") > from_ada + 20)
        assert received_from(cy, bob, "audio") == from_bob  # Bob is in the other room
        assert palabre_server.health()["participants"] == 4

        await mod.send({"type": "breakout_close"})
        await until(lambda: sum(m["type"] == "joined" for m in cy.messages) == 3)
        back = [m for m in cy.messages if m["type"] == "joined"][-1]
        assert back["room"] == "split"
        assert "breakout" not in back
        await until(lambda: received_from(cy, bob, "audio") > from_bob + 20)
        plan = await cy.wait_for(lambda m: m["type"] == "breakouts" and m["breakouts"] is None)
        assert plan == {"type": "breakouts", "breakouts": None}
    finally:
        for bot in (mod, ada, bob, cy):
            await bot.leave()
