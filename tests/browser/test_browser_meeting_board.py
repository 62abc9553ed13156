"""A meeting's whiteboard in the browser: a moderator opens it for everyone (the others are
told, and its button appears), two participants draw and see each other's shapes, the
canvas's code loads only when the board opens, and the board vanishes with the meeting."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from browser_helpers import join_from_home, join_from_prejoin, new_page, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def scripts(page: Any) -> list[str]:
    names: list[str] = await page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"
    )
    return names


async def rects(page: Any) -> int:
    return int(await page.locator("#board-panel svg.board-canvas [data-kind=rect]").count())


async def draw_rect(page: Any) -> None:
    await page.click("#board-rect")
    box = await page.locator("#board-panel svg.board-canvas").bounding_box()
    await page.mouse.move(box["x"] + 40, box["y"] + 40)
    await page.mouse.down()
    await page.mouse.move(box["x"] + 120, box["y"] + 90, steps=4)
    await page.mouse.up()


async def test_a_meeting_board_is_shared_and_vanishes_at_the_end(
    browser: Any, web_server: Any
) -> None:
    base = web_server.http_url
    room = "board-test"
    ada, ada_console = await new_page(browser, "Ada", viewport={"width": 1200, "height": 800})
    bob, _ = await new_page(browser, "Bob", locale="fr-FR",
                            viewport={"width": 1200, "height": 800})  # fmt: skip
    await join_from_home(ada, base, room, "Ada")  # the first in: a moderator
    await join_from_home(bob, base, room, "Bob")
    assert await bob.is_hidden("#toggle-board")

    await ada.click("#toggle-moderation")
    await ada.check("input[name=openBoard]")
    await bob.wait_for_selector("#toggle-board", state="visible")
    await wait_for(lambda: bob.text_content("#toast"), lambda t: "tableau blanc" in (t or ""),
                   what="Bob is told")  # fmt: skip
    assert not [s for s in await scripts(bob) if "/assets/canvas-" in s]

    await ada.click("#close-moderation")
    await ada.click("#toggle-board")
    await ada.wait_for_selector("#board-panel svg.board-canvas")
    assert "destroyed at the end of the meeting" in (await ada.text_content("#board-notice") or "")
    await ada.select_option("#board-colour", "#b3261e")  # Ada draws in red
    await draw_rect(ada)
    await bob.click("#toggle-board")
    await bob.wait_for_selector("#board-panel svg.board-canvas")
    assert [s for s in await scripts(bob) if "/assets/canvas-" in s], "loaded on opening"
    await wait_for(lambda: rects(bob), lambda n: n == 1, what="Bob sees Ada's rectangle")
    await draw_rect(bob)
    await wait_for(lambda: rects(ada), lambda n: n == 2, what="Ada sees Bob's")
    # Bob's undo takes back his own rectangle only.
    await bob.click("#board-undo")
    await wait_for(lambda: rects(ada), lambda n: n == 1, what="Bob's undo")
    left = ada.locator("#board-panel [data-kind=rect] rect")
    assert await left.get_attribute("stroke") == "#b3261e", "Ada's rectangle stays"

    # Everyone leaves: the meeting ends, and with it the board.
    for page in (ada, bob):
        await page.click("#leave")
        await page.wait_for_selector("#rejoin")
    await ada.click("#rejoin")
    await join_from_prejoin(ada, "Ada")
    await asyncio.sleep(1)
    assert await ada.is_hidden("#toggle-board")
    await ada.click("#toggle-moderation")
    await ada.check("input[name=openBoard]")
    await ada.click("#close-moderation")
    await ada.click("#toggle-board")
    await ada.wait_for_selector("#board-panel svg.board-canvas")
    await asyncio.sleep(1)
    assert await rects(ada) == 0
    assert ada_console.csp_violations() == []
