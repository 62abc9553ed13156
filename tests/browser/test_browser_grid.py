"""Many participants: the tile grid with 25+ tiles, many videos decoding, last-N avatars."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    STATIC_INDEX,
    assert_media_flowing,
    join_from_home,
    new_page,
    remote_tiles,
    wait_for,
)

from palabre.bot import Bot, load_clip

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TILE_BOXES_JS = """() => [...document.querySelectorAll('#tiles li.tile')].map(t => {
  const r = t.getBoundingClientRect();
  return [r.width, r.height];
})"""


@pytest.fixture
def built() -> None:
    if not STATIC_INDEX.is_file():
        pytest.fail("the web client is not built: run `make client`")


async def _bots(url: str, room: str, n: int, **kw: Any) -> list[Bot]:
    bots = [Bot(url, room, f"Bot {i + 1:02d}", **kw) for i in range(n)]
    for bot in bots:
        await bot.join()
    return bots


async def _close(bots: list[Bot]) -> None:
    await asyncio.gather(*(b.close() for b in bots), return_exceptions=True)


async def test_thirty_participants_grid(
    browser: Any, web_server: Any, built: None, artifacts: Path
) -> None:
    room = "big-room"
    bots = await _bots(web_server.ws_url, room, 30)  # no media: avatars
    try:
        page, _ = await new_page(browser, "Ada", viewport={"width": 1280, "height": 720})
        await join_from_home(page, web_server.http_url, room, "Ada")
        await wait_for(lambda: remote_tiles(page), lambda t: len(t) == 30, what="30 tiles")
        assert await page.text_content("#participant-count") == "31 participants"
        boxes = await page.evaluate(TILE_BOXES_JS)
        assert len(boxes) == 31
        # Legible tiles, all the same size, 16:9; the stage scrolls for the rest.
        assert all(abs(w - boxes[0][0]) < 1 and w >= 159 for w, _ in boxes), boxes[:3]
        assert all(abs(w / h - 16 / 9) < 0.05 for w, h in boxes)
        await page.screenshot(path=str(artifacts / "meeting-31-participants.png"))
        # A few leave (a closed connection alone keeps its seat for the resume grace): the
        # grid follows.
        await asyncio.gather(*(b.leave() for b in bots[:6]))
        await wait_for(lambda: remote_tiles(page), lambda t: len(t) == 24, what="24 tiles")
        boxes = await page.evaluate(TILE_BOXES_JS)
        stage = await page.eval_on_selector("#main", "m => [m.clientWidth, m.clientHeight]")
        rows = {round(b[1]) for b in boxes}
        assert len(rows) == 1
        # 25 tiles fit in a 1280x720 window without scrolling.
        assert await page.eval_on_selector("#main", "m => m.scrollHeight <= m.clientHeight + 1")
        assert boxes[0][0] * 5 <= stage[0]
    finally:
        await _close(bots)


async def test_many_videos_and_last_n(
    browser: Any, server_factory: Callable[..., Any], built: None
) -> None:
    server = server_factory("--last-n", "3")
    room = "lastn-room"
    clip = load_clip()
    bots = await _bots(server.ws_url, room, 6, clip=clip, audio=False, speaking=False)
    try:
        for bot in bots:
            await bot.publish()
            await bot.send({"type": "receive", "video": "off"})
        page, _ = await new_page(browser, "Ada")
        await join_from_home(page, server.http_url, room, "Ada")
        await wait_for(lambda: remote_tiles(page), lambda t: len(t) == 6, what="6 tiles")

        async def forwarded() -> list[str]:
            found: list[str] = await page.eval_on_selector_all(
                '#tiles li.tile[data-local="false"][data-source="camera"]:not(.no-video)',
                "els => els.map(e => e.dataset.participant)",
            )
            return sorted(found)

        # Only the last-N cameras show video; the others show their avatars.
        shown = await wait_for(forwarded, lambda f: len(f) == 3, what="3 videos shown")
        await assert_media_flowing(page, shown, audio=False)
        avatars = await page.locator('#tiles li.tile[data-forwarded="false"] .avatar').count()
        assert avatars == 3
    finally:
        await _close(bots)
