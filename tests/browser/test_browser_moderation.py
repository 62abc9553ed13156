"""Moderation from the browser: lobby, password, mutes, removal, ending the meeting."""

from __future__ import annotations

from typing import Any

import pytest
from browser_helpers import (
    join_from_home,
    join_from_prejoin,
    meet,
    my_id,
    new_page,
    remote_tiles,
    tile_attr,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def tile_action(page: Any, pid: str, action: str) -> None:
    tile = f'#tiles li.tile[data-participant="{pid}"]'
    await page.click(f"{tile} .tile-menu-button")
    await page.click(f'{tile} .tile-menu button[data-action="{action}"]')


async def test_moderator_controls_the_room(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "moderation-test"

    # The first one in is the moderator; she turns the lobby on.
    ada, ada_log = await new_page(browser, "Ada")
    await join_from_home(ada, base, room, "Ada")
    await ada.wait_for_selector(".meeting[data-role=moderator]")
    await ada.click("#toggle-moderation")
    await ada.wait_for_selector("#mod-panel:not([hidden])")
    await ada.check("#mod-panel input[name=lobby]")

    # Bob knocks and waits; Ada admits him.
    bob, _ = await new_page(browser, "Bob")
    await bob.goto(f"{base}/{room}")
    await bob.fill("#display-name", "Bob")
    await bob.click("#join-meeting")
    await bob.wait_for_selector(".meeting[data-status=lobby]")
    assert "Waiting for a moderator" in (await bob.text_content("#banner") or "")
    # The lobby shows only the wait and a way to leave: no meeting toolbar, chat or people.
    assert await bob.is_visible("#leave")
    for hidden in ("#toggle-mic", "#toggle-chat", "#toggle-people", "#tiles", "#chat-input"):
        assert not await bob.is_visible(hidden), hidden
    await ada.wait_for_selector("#lobby-list li")
    assert "Bob" in (await ada.text_content("#lobby-list") or "")
    await ada.click("#lobby-list button[data-admit]")
    await bob.wait_for_selector(".meeting[data-status=connected]", timeout=20_000)
    bob_id, ada_id = await my_id(bob), await my_id(ada)
    await wait_for(lambda: remote_tiles(ada), lambda t: t == [bob_id], what="Bob at Ada's")
    await wait_for(lambda: remote_tiles(bob), lambda t: t == [ada_id], what="Ada at Bob's")
    assert await bob.locator("#toggle-moderation").count() == 0

    # Chloé knocks; Ada turns her away.
    chloe, _ = await new_page(browser, "Chloé")
    await chloe.goto(f"{base}/{room}")
    await chloe.fill("#display-name", "Chloé")
    await chloe.click("#join-meeting")
    await chloe.wait_for_selector(".meeting[data-status=lobby]")
    await ada.wait_for_selector("#lobby-list li")
    await ada.click("#lobby-list button[data-deny]")
    await chloe.wait_for_selector("#exit-title[data-exit=denied]")
    assert "did not let you in" in (await chloe.text_content("main") or "")
    assert "were not let in" in (await chloe.text_content("#exit-title") or "")
    assert await chloe.is_visible("#go-home") and not await chloe.is_visible("#rejoin")

    # Ada mutes Bob; he sees his microphone off, and asked to unmute, turns it back on.
    await tile_action(ada, bob_id, "mute_participant")
    await wait_for(
        lambda: bob.get_attribute("#toggle-mic", "aria-pressed"), lambda v: v == "false", what="m"
    )
    await wait_for(
        lambda: tile_attr(ada, bob_id, "audioMuted"), lambda v: v == "true", what="Bob muted"
    )
    await tile_action(ada, bob_id, "ask_unmute")
    await bob.click("#unmute-request #accept-unmute")
    await wait_for(
        lambda: tile_attr(ada, bob_id, "audioMuted"), lambda v: v == "false", what="Bob unmuted"
    )

    # A password, no lobby: Dan needs the password.
    await ada.uncheck("#mod-panel input[name=lobby]")
    await ada.fill("#mod-password", "s3same")
    await ada.click("#set-password")
    await wait_for(
        lambda: ada.text_content("#password-state"),
        lambda t: "password protects" in (t or ""),
        what="password set",
    )
    dan, _ = await new_page(browser, "Dan")
    await dan.goto(f"{base}/{room}")
    await dan.fill("#display-name", "Dan")
    await dan.click("#join-meeting")
    await dan.wait_for_selector("#password-dialog[open]")
    await dan.fill("#room-password", "wrong")
    await dan.click("#password-join")
    await dan.wait_for_selector("#password-dialog[open] #password-error:not(:empty)")
    await dan.fill("#room-password", "s3same")
    await dan.click("#password-join")
    await dan.wait_for_selector(".meeting[data-status=connected]", timeout=20_000)
    dan_id = await my_id(dan)

    # Ada removes Dan.
    await wait_for(lambda: remote_tiles(ada), lambda t: dan_id in t, what="Dan at Ada's")
    # Removing asks first (an accessible modal dialog); Escape cancels, then confirm.
    await tile_action(ada, dan_id, "remove")
    dialog = "#confirm-dialog[open][role=dialog][aria-modal=true]"
    await ada.wait_for_selector(dialog)
    assert "Dan" in (await ada.text_content("#confirm-title") or "")
    assert await ada.evaluate("document.activeElement.id") == "confirm-cancel"
    await ada.keyboard.press("Tab")
    assert await ada.evaluate("document.activeElement.id") == "confirm-ok"
    await ada.keyboard.press("Tab")  # the focus stays inside the dialog
    assert await ada.evaluate("document.activeElement.id") == "confirm-cancel"
    await ada.keyboard.press("Escape")
    await ada.wait_for_selector("#confirm-dialog", state="detached")
    await dan.wait_for_timeout(500)
    assert await dan.locator("#exit-title").count() == 0  # still in the meeting
    await tile_action(ada, dan_id, "remove")
    await ada.click(f"{dialog} #confirm-ok")
    await dan.wait_for_selector("#exit-title[data-exit=removed]")
    assert "removed you" in (await dan.text_content("main") or "")
    assert await dan.is_visible("#go-home") and not await dan.is_visible("#rejoin")
    await wait_for(lambda: remote_tiles(ada), lambda t: dan_id not in t, what="Dan gone")

    # Mute everyone, then end the meeting for all.
    await ada.click("#mute-all")
    await ada.click(f"{dialog} #confirm-ok")
    await wait_for(
        lambda: bob.get_attribute("#toggle-mic", "aria-pressed"), lambda v: v == "false", what="M"
    )
    await ada.click("#end-meeting")
    await ada.wait_for_selector(dialog)
    await ada.click(f"{dialog} #confirm-cancel")  # cancelled: nobody leaves
    await ada.wait_for_selector("#confirm-dialog", state="detached")
    assert await bob.locator("#exit-title").count() == 0
    await ada.click("#end-meeting")
    await ada.click(f"{dialog} #confirm-ok")
    await bob.wait_for_selector("#exit-title[data-exit=ended]")
    assert "ended" in (await bob.text_content("main") or "")
    assert await bob.is_visible("#exit-new-meeting") and await bob.is_visible("#go-home")
    assert not await bob.is_visible("#rejoin")
    assert ada_log.csp_violations() == []


async def test_moderator_role_passes_on(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "succession-test"
    ada, bob = await meet(browser, base, room, "Ada", "Bob")
    assert await bob.locator("#toggle-moderation").count() == 0
    await ada.click("#leave")
    await bob.wait_for_selector("#toggle-moderation", timeout=10_000)
    assert await bob.get_attribute(".meeting", "data-role") == "moderator"
    # A reload keeps you in: you are a new participant, the only one, so moderator again.
    await bob.reload()
    await join_from_prejoin_or_meeting(bob)
    await bob.wait_for_selector("#toggle-moderation", timeout=10_000)


async def join_from_prejoin_or_meeting(page: Any) -> None:
    if await page.locator("#display-name").count():
        await join_from_prejoin(page, "Again")
    await page.wait_for_selector(".meeting[data-status=connected]", timeout=20_000)
