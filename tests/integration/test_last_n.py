"""Last-N: each participant receives the camera video of the N most recent speakers only."""

from __future__ import annotations

import asyncio

import pytest

from palabre.bot import Bot, load_clip
from palabre.bot.harness import received_from, until

pytestmark = pytest.mark.slow


async def test_video_follows_the_last_speaker(server_factory):
    server = server_factory("--last-n", "1")
    clip = load_clip()
    speaker = Bot(server.ws_url, "lastn", "Speaker", clip=clip, speaking=True)
    other = Bot(server.ws_url, "lastn", "Other", clip=clip, speaking=False)
    watcher = Bot(server.ws_url, "lastn", "Watcher", clip=clip, speaking=False)
    bots = (speaker, other, watcher)
    try:
        for bot in bots:
            await bot.join()
            await bot.publish()
        await watcher.wait_for(
            lambda m: m["type"] == "dominant_speaker" and m["participant"] == speaker.id, timeout=5
        )
        await until(lambda: received_from(watcher, speaker, "video") > 20)
        forwarded = await watcher.wait_for(
            lambda m: m["type"] == "forwarded_video" and m["participants"] == [speaker.id]
        )
        assert forwarded
        await asyncio.sleep(0.5)
        silent_video = received_from(watcher, other, "video")
        audio = received_from(watcher, other, "audio")
        await asyncio.sleep(1.0)
        assert received_from(watcher, other, "video") == silent_video  # not among the last 1
        assert received_from(watcher, other, "audio") > audio + 30  # audio always flows
        # The other takes the floor: its video comes, the former speaker's stops.
        speaker.speak(False)
        other.speak(True)
        await watcher.wait_for(
            lambda m: m["type"] == "forwarded_video" and m["participants"] == [other.id], timeout=8
        )
        await until(lambda: received_from(watcher, other, "video") > silent_video + 20, 3)
        await asyncio.sleep(0.3)
        stopped = received_from(watcher, speaker, "video")
        await asyncio.sleep(1.0)
        assert received_from(watcher, speaker, "video") == stopped
    finally:
        for bot in bots:
            await bot.leave()
