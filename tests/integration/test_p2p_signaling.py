"""Peer-to-peer signaling through a real server: the pair of a two-person meeting is named to
both, their offers, answers and candidates reach each other and no one else, and a stranger's
are refused."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from palabre.bot import Bot

pytestmark = pytest.mark.slow

HOST = "candidate:1 1 udp 2122260223 127.0.0.1 53211 typ host"


async def _join(server: Any, room: str, name: str) -> tuple[Bot, dict[str, Any]]:
    bot = Bot(server.ws_url, room, name)
    reply = await bot.request({"type": "join", "room": room, "name": name, "p2p": True})
    assert reply["type"] == "joined"
    bot.id = reply["you"]["id"]
    return bot, reply


async def test_signals_reach_the_pair_only(palabre_server: Any) -> None:
    ada, _ = await _join(palabre_server, "tête-à-tête", "Ada")
    bob, joined = await _join(palabre_server, "tête-à-tête", "Bob")
    eve, _ = await _join(palabre_server, "elsewhere", "Eve")
    try:
        assert joined["p2p"] == {"peer": ada.id, "session": 1, "offerer": False}
        told = await ada.wait_for(lambda m: m["type"] == "p2p")
        assert told["p2p"] == {"peer": bob.id, "session": 1, "offerer": True}

        await ada.send({"type": "p2p_signal", "to": bob.id, "session": 1, "offer": "v=0..."})
        got = await bob.wait_for(lambda m: m["type"] == "p2p_signal")
        assert got == {"type": "p2p_signal", "from": ada.id, "session": 1, "offer": "v=0..."}
        candidate = {"candidate": HOST, "sdpMid": "0", "sdpMLineIndex": 0}
        await bob.send({"type": "p2p_signal", "to": ada.id, "session": 1, "candidate": candidate})
        got = await ada.wait_for(lambda m: m["type"] == "p2p_signal" and "candidate" in m)
        assert got == {"type": "p2p_signal", "from": bob.id, "session": 1, "candidate": candidate}

        # A stranger (another room) can neither reach the pair nor be reached by it.
        refused = await eve.request(
            {"type": "p2p_signal", "to": ada.id, "session": 1, "offer": "v=0 eve"}
        )
        assert refused["type"] == "error" and refused["code"] == "not_found"
        refused = await ada.request(
            {"type": "p2p_signal", "to": eve.id, "session": 1, "offer": "v=0 ada"}
        )
        assert refused["code"] == "not_found"
        # A third person ends it: no more relaying, even between the two.
        chloe, _ = await _join(palabre_server, "tête-à-tête", "Chloé")
        for bot in (ada, bob):
            ended = await bot.wait_for(lambda m: m["type"] == "p2p" and "p2p" not in m)
            assert ended == {"type": "p2p"}
        refused = await chloe.request(
            {"type": "p2p_signal", "to": ada.id, "session": 1, "offer": "v=0 chloe"}
        )
        assert refused["code"] == "invalid"
        refused = await bob.request(
            {"type": "p2p_signal", "to": ada.id, "session": 1, "answer": "v=0 late"}
        )
        assert refused["code"] == "invalid"
        await asyncio.sleep(0.3)
        relayed = [m for m in ada.messages if m["type"] == "p2p_signal"]
        assert len(relayed) == 1
        assert not [m for m in eve.messages + chloe.messages if m["type"] == "p2p_signal"]
        await chloe.leave()
        again = await ada.wait_for(
            lambda m: m["type"] == "p2p" and m.get("p2p", {}).get("session") == 2
        )
        assert again["p2p"] == {"peer": bob.id, "session": 2, "offerer": True}
    finally:
        for bot in (ada, bob, eve):
            await bot.leave()
