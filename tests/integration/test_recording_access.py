"""Who may record and download, through a real server: a moderator starts and stops, a
participant is refused and never sees the link; everyone is told while it records."""

from __future__ import annotations

import httpx
import pytest

from palabre.bot import Bot

pytestmark = pytest.mark.slow


async def test_only_moderators_record_and_download(palabre_server):
    moderator = Bot(palabre_server.ws_url, "consentement", "Mod")
    guest = Bot(palabre_server.ws_url, "consentement", "Guest")
    await moderator.join()
    await guest.join()
    try:
        refused = await guest.request({"type": "recording", "enabled": True})
        assert refused["type"] == "error" and refused["code"] == "forbidden"
        await moderator.send({"type": "recording", "enabled": True})
        for bot in (moderator, guest):  # the consent notice reaches everyone
            update = await bot.wait_for(lambda m: m["type"] == "room_updated")
            assert update["settings"]["recording"] is True and update["by"] == moderator.id
        refused = await guest.request({"type": "recording", "enabled": False})
        assert refused["code"] == "forbidden"
        encrypt = await moderator.request({"type": "e2ee", "enabled": True})
        assert encrypt["code"] == "invalid" and "recording" in encrypt["message"]
        await moderator.send({"type": "recording", "enabled": False})
        status = await moderator.wait_for(
            lambda m: m["type"] == "recording_status" and m["state"] != "composing", 120
        )
        assert status["state"] == "ready", status
        off = await guest.wait_for(
            lambda m: m["type"] == "room_updated" and not m["settings"].get("recording")
        )
        assert off["by"] == moderator.id
        assert not [m for m in guest.messages if m["type"] == "recording_status"]
        async with httpx.AsyncClient(base_url=palabre_server.http_url, timeout=30) as http:
            assert (await http.get(status["url"])).status_code == 200
            key = status["url"].split("/")[-2]
            guessed = status["url"].replace(key, key[:-1] + ("A" if key[-1] != "A" else "B"))
            assert (await http.get(guessed)).status_code == 404
    finally:
        await moderator.leave()
        await guest.leave()
