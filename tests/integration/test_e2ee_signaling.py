"""End-to-end encryption as the server sees it: a room setting it enforces at join, and key
exchange and chat it relays without being able to read them."""

from __future__ import annotations

import asyncio

import pytest

from palabre.bot import Bot

pytestmark = pytest.mark.slow


async def _join(server, name: str, e2ee: bool) -> tuple[Bot, dict]:
    bot = Bot(server.ws_url, "secret-talks", name)
    reply = await bot.request({"type": "join", "room": "secret-talks", "name": name, "e2ee": e2ee})
    if reply["type"] == "joined":
        bot.id = reply["you"]["id"]
    return bot, reply


async def test_encrypted_meeting(palabre_server):
    mod, joined = await _join(palabre_server, "Mod", e2ee=True)
    assert joined["you"]["e2ee"] is True and joined["settings"]["e2ee"] is False
    legacy, _ = await _join(palabre_server, "Legacy", e2ee=False)
    refused = await mod.request({"type": "e2ee", "enabled": True})
    assert refused["code"] == "invalid" and "Legacy" in refused["message"]
    forbidden = await legacy.request({"type": "e2ee", "enabled": True})
    assert forbidden["code"] == "forbidden"
    await legacy.leave()
    await mod.send({"type": "e2ee", "enabled": True})
    update = await mod.wait_for(lambda m: m["type"] == "room_updated" and m["settings"]["e2ee"])
    assert update["by"] == mod.id
    # A browser that cannot encrypt is told so plainly and stays out.
    _, reply = await _join(palabre_server, "Old browser", e2ee=False)
    assert reply["code"] == "e2ee_required"
    alice, _ = await _join(palabre_server, "Alice", e2ee=True)
    bob, _ = await _join(palabre_server, "Bob", e2ee=True)
    try:
        # Key exchange reaches its addressee only.
        await alice.send({"type": "e2ee_message", "to": bob.id, "payload": "wrapped-key-for-bob"})
        got = await bob.wait_for(lambda m: m["type"] == "e2ee_message")
        assert got == {"type": "e2ee_message", "from": alice.id, "payload": "wrapped-key-for-bob"}
        await asyncio.sleep(0.3)
        assert not any(m["type"] == "e2ee_message" for m in mod.messages)
        # Encrypted chat goes to the others and is kept nowhere.
        await alice.send({"type": "e2ee_chat", "payload": "ciphertext"})
        for bot in (bob, mod):
            chat = await bot.wait_for(lambda m: m["type"] == "e2ee_chat")
            assert chat["payload"] == "ciphertext" and chat["from"] == alice.id
        late, joined = await _join(palabre_server, "Late", e2ee=True)
        assert joined["chat"] == [] and joined["settings"]["e2ee"] is True
        await late.leave()
    finally:
        for bot in (mod, alice, bob):
            await bot.leave()
