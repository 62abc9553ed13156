"""Breakout rooms from the browser: two rooms, each with its own media and chat, a
moderator's visit, a participant back by herself, and everyone back when they close."""

from __future__ import annotations

from typing import Any

import pytest
from browser_helpers import (
    assert_media_flowing,
    join_from_home,
    my_id,
    new_page,
    remote_tiles,
    run_axe,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_two_breakout_rooms_and_the_return_to_the_main_room(
    browser: Any, web_server: Any
) -> None:
    base = web_server.http_url
    room = "breakout-test"
    pages = []
    for name in ("Mod", "Ada", "Bob"):
        page, _ = await new_page(browser, name, bypass_csp=name == "Mod")  # Mod: axe-core
        await join_from_home(page, base, room, name)
        pages.append(page)
    mod, ada, bob = pages
    mod_id, ada_id, bob_id = [await my_id(p) for p in pages]
    await wait_for(lambda: remote_tiles(mod), lambda t: t == sorted([ada_id, bob_id]), what="all")
    assert await ada.locator("#more-breakouts").count() == 0  # the moderators' panel

    # The moderator plans two rooms and puts Ada in the first, Bob in the second.
    await mod.click("#toggle-more")
    await mod.click("#more-breakouts")
    await mod.wait_for_selector("#breakouts-panel:not([hidden])")
    await mod.fill("#breakout-count", "2")
    await mod.click("#breakout-create")
    await mod.select_option(f"#breakout-for-{ada_id}", "0")
    await wait_for(
        lambda: mod.input_value(f"#breakout-for-{ada_id}"), lambda v: v == "0", what="Ada"
    )
    await mod.select_option(f"#breakout-for-{bob_id}", "1")
    await wait_for(
        lambda: mod.input_value(f"#breakout-for-{bob_id}"), lambda v: v == "1", what="Bob"
    )
    assert not await run_axe(mod, "#breakouts-panel")
    await mod.fill("#breakout-minutes", "10")
    await mod.click("#breakout-open")

    # Each is in their room: alone, with a banner, a timer and the way back.
    await ada.wait_for_selector("#breakout-banner:not([hidden])")
    assert "Room 1" in (await ada.text_content("#breakout-where") or "")
    assert "left" in (await ada.text_content("#breakout-time") or "")
    assert "Room 1" in (await ada.text_content("h1") or "")
    await bob.wait_for_selector("#breakout-banner:not([hidden])")
    assert "Room 2" in (await bob.text_content("#breakout-where") or "")
    for page in (mod, ada, bob):
        await wait_for(lambda page=page: remote_tiles(page), lambda t: t == [], what="alone")

    # A breakout room's chat stays in it.
    await ada.click("#toggle-chat")
    await ada.fill("#chat-input", "Only room 1 reads this")
    await ada.press("#chat-input", "Enter")
    await ada.wait_for_selector("#chat-log li")

    # The moderator visits Room 1: Ada and she see and hear each other, Bob does not.
    await mod.click("#breakout-visit-0")
    await wait_for(lambda: remote_tiles(ada), lambda t: t == [mod_id], what="Mod in Room 1")
    await wait_for(lambda: remote_tiles(mod), lambda t: t == [ada_id], what="Ada at Mod's")
    await assert_media_flowing(ada, [mod_id])
    assert "Only room 1 reads this" in (await mod.text_content("#chat-log") or "")
    assert await remote_tiles(bob) == []

    # A message to all rooms reaches Bob too.
    await mod.fill("#breakout-broadcast-text", "Two minutes left")
    await mod.click("#breakout-broadcast")
    await wait_for(
        lambda: bob.text_content("#toast"), lambda t: "Two minutes left" in (t or ""), what="msg"
    )

    # Ada goes back to the main room by herself (alone there: the others are in rooms).
    await ada.click("#breakout-move")
    await wait_for(
        lambda: ada.text_content("#breakout-where"),
        lambda t: "are open" in (t or ""),
        what="Ada in the main room",
    )
    assert "Room 1" in (await ada.text_content("#breakout-move") or "")  # her way back in
    await wait_for(lambda: remote_tiles(mod), lambda t: t == [], what="Ada left Room 1")

    # The moderator closes the rooms: everyone is back in the main room, media flowing.
    await mod.click("#breakout-close")
    for page in (mod, ada, bob):
        await page.wait_for_selector("#breakout-banner", state="hidden")
    await wait_for(lambda: remote_tiles(ada), lambda t: t == sorted([mod_id, bob_id]), what="A")
    await wait_for(lambda: remote_tiles(bob), lambda t: t == sorted([mod_id, ada_id]), what="B")
    await assert_media_flowing(ada, [bob_id, mod_id])
    assert await ada.evaluate("window.__palabre.joins") >= 1
    assert (await ada.text_content("h1") or "").strip() == room
    assert "Only room 1 reads this" not in (await ada.text_content("#chat-log") or "")
