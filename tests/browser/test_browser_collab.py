"""Chat, hands, reactions, shortcuts, views and video quality in the browser."""

from __future__ import annotations

import asyncio
import json
from typing import Any, TypeVar

import pytest
from browser_helpers import (
    assert_media_flowing,
    by_key,
    join_from_home,
    my_id,
    new_page,
    remote_stats,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

T = TypeVar("T")


async def _value(v: T) -> T:
    return v


HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">'
HOSTILE_TEXT = (
    "<script>window.__pwned=2</script> <b>bold</b> see https://example.org/a?b=1 "
    "and javascript:window.__pwned=3"
)


async def chat_texts(page: Any) -> list[str]:
    texts: list[str] = await page.eval_on_selector_all(
        "#chat-log li .text", "els => els.map(e => e.textContent)"
    )
    return texts


async def test_chat_public_private_and_history(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "chat-test"
    ada, _ = await new_page(browser, "Ada")
    bob, _ = await new_page(browser, "Bob")
    eve, _ = await new_page(browser, "Eve")
    await join_from_home(ada, base, room, "Ada")
    await join_from_home(bob, base, room, HOSTILE_NAME)
    await join_from_home(eve, base, room, "Eve")
    bob_id = await my_id(bob)

    # A public message reaches everyone; the closed chat counts it as unread.
    await ada.click("#toggle-chat")
    await ada.fill("#chat-input", "Bonjour à tous")
    await ada.press("#chat-input", "Enter")
    for page in (bob, eve):
        await wait_for(
            lambda page=page: page.get_attribute("#toggle-chat", "data-unread"),
            lambda v: v == "1",
            what="unread counter",
        )
    await bob.click("#toggle-chat")
    assert await bob.get_attribute("#toggle-chat", "data-unread") == "0"
    assert await chat_texts(bob) == ["Bonjour à tous"]

    # A private message reaches its recipient only.
    await ada.select_option("#chat-panel select[name=to]", bob_id)
    await ada.fill("#chat-input", "Rien que pour toi")
    await ada.click("#chat-send")
    await wait_for(lambda: chat_texts(bob), lambda t: "Rien que pour toi" in t, what="private")
    await wait_for(lambda: chat_texts(ada), lambda t: "Rien que pour toi" in t, what="own copy")
    assert await bob.locator("#chat-log li.private").count() == 1

    # Hostile strings stay text; only the http(s) link becomes a link.
    await bob.select_option("#chat-panel select[name=to]", "")
    await bob.fill("#chat-input", HOSTILE_TEXT)
    await bob.click("#chat-send")
    await eve.click("#toggle-chat")
    await wait_for(lambda: chat_texts(eve), lambda t: HOSTILE_TEXT in t, what="hostile text")
    assert await eve.locator("#chat-log script, #chat-log img, #chat-log b").count() == 0
    links = await eve.eval_on_selector_all("#chat-log a", "els => els.map(e => e.href)")
    assert links == ["https://example.org/a?b=1"]
    names = await eve.eval_on_selector_all(
        "#chat-log li .from", "els => els.map(e => e.textContent)"
    )
    assert HOSTILE_NAME in names
    assert await eve.locator("#tiles img").count() == 0
    assert await eve.evaluate("window.__pwned") is None
    await asyncio.sleep(1)
    assert "Rien que pour toi" not in await chat_texts(eve)

    # A late joiner sees the public history, not the private message.
    dan, _ = await new_page(browser, "Dan")
    await join_from_home(dan, base, room, "Dan")
    await dan.click("#toggle-chat")
    await wait_for(lambda: chat_texts(dan), lambda t: len(t) == 2, what="history")
    assert await chat_texts(dan) == ["Bonjour à tous", HOSTILE_TEXT]


async def test_hands_reactions_shortcuts_views(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "hands-test"
    ada, _ = await new_page(browser, "Ada")
    bob, _ = await new_page(browser, "Bob")
    chloe, _ = await new_page(browser, "Chloé", locale="fr-FR")  # and checks the French page
    for page, name in ((ada, "Ada"), (bob, "Bob"), (chloe, "Chloé")):
        await join_from_home(page, base, room, name)
    bob_id, chloe_id = await my_id(bob), await my_id(chloe)

    async def hand_order(page: Any) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = await page.eval_on_selector_all(
            "#tiles li.tile .hand",
            "els => els.map(e => [e.closest('li.tile')?.dataset.participant, e.dataset.order])"
            ".filter(x => x[0])",
        )
        return sorted(((pid, order) for pid, order in found), key=lambda x: x[1])

    # Bob raises his hand with R, then Chloé with the button: Ada sees the order.
    await bob.keyboard.press("r")
    await wait_for(
        lambda: bob.get_attribute("#toggle-hand", "aria-pressed"), lambda v: v == "true", what="R"
    )
    # The others see a notice (a toast, a live region) in their language, not only a badge.
    for page, words in ((ada, "Bob raised their hand"), (chloe, "Bob lève la main")):
        await page.wait_for_selector(f'#toast[role=status]:has-text("{words}")')
    assert await bob.locator('#toast:has-text("Bob")').count() == 0  # not to himself
    await chloe.click("#toggle-hand")
    await wait_for(
        lambda: hand_order(ada),
        lambda o: o == [(bob_id, "1"), (chloe_id, "2")],
        what="hands in order",
    )
    # Ada, the moderator, lowers Bob's hand from the participants panel.
    await ada.click("#toggle-people")
    await ada.click(f'#people-list button[data-lower="{bob_id}"]')
    await wait_for(lambda: hand_order(ada), lambda o: o == [(chloe_id, "1")], what="Bob lowered")
    await wait_for(
        lambda: bob.get_attribute("#toggle-hand", "aria-pressed"), lambda v: v == "false", what="-"
    )

    # A reaction shows on the sender's tile for the others.
    await bob.click("#toggle-reactions")
    await bob.click('#reaction-menu button[data-emoji="👏"]')
    await ada.wait_for_selector(f'#tiles li.tile[data-participant="{bob_id}"] .reaction')

    # Shortcuts: ? lists them, C opens the chat, T switches to the speaker view.
    await ada.click("#tiles")
    await ada.keyboard.press("Shift+?")
    await ada.wait_for_selector("#shortcuts-dialog[open]")
    await ada.keyboard.press("Escape")
    await ada.wait_for_selector("#shortcuts-dialog", state="detached")
    await ada.keyboard.press("c")
    await ada.wait_for_selector("#chat-panel:not([hidden])")
    await ada.click("#tiles")
    await ada.keyboard.press("t")
    await ada.wait_for_selector("#tiles.speaker-view li.tile.focus")
    assert await ada.get_attribute("#toggle-view", "aria-pressed") == "true"
    await ada.keyboard.press("t")
    await ada.wait_for_selector("#tiles:not(.speaker-view)")

    # The French page has no English left: the participants panel, the shortcuts.
    await chloe.click("#toggle-people")
    await chloe.wait_for_selector("#people-list li .who")
    assert "Chloé (vous)" in (await chloe.text_content("#people-list") or "")
    await chloe.click("#tiles")
    await chloe.keyboard.press("Shift+?")
    await chloe.wait_for_selector("#shortcuts-dialog[open]")
    assert "Espace" in (await chloe.text_content("#shortcuts-dialog") or "")
    shown = await chloe.evaluate("document.body.innerText")
    for english in ("(you)", "Space", "Leave", "raised", "Invite", "Shortcuts", "Share", "Mute"):
        assert english not in shown, english
    await chloe.keyboard.press("Escape")

    # Speaker statistics fill in the participants panel.
    await ada.click("#toggle-people")
    await ada.click("#speaker-stats")
    await ada.wait_for_selector("#people-list .talk")

    # Settings, in the meeting: devices, video quality and the name, keyboard usable.
    await ada.click("#open-settings")
    await ada.wait_for_selector("#settings-dialog[open]")
    assert await ada.locator("#settings-camera option").count() >= 1
    assert await ada.locator("#settings-microphone option").count() >= 1
    await ada.keyboard.press("Escape")
    await ada.wait_for_selector("#settings-dialog", state="detached")
    assert await ada.evaluate("document.activeElement.id") == "open-settings"
    await ada.keyboard.press("Enter")
    await ada.wait_for_selector("#settings-dialog[open]")
    await ada.select_option("#settings-quality", "low")
    assert await ada.input_value("#video-quality") == "low"
    await ada.fill("#settings-dialog input[name=name]", "Ada Lovelace")
    await ada.press("#settings-dialog input[name=name]", "Enter")
    ada_id = await my_id(ada)
    for page in (bob, chloe):  # the others see the new name
        await page.wait_for_selector(
            f'#tiles li.tile[data-participant="{ada_id}"]:has-text("Ada Lovelace")'
        )
    await wait_for(
        lambda: ada.text_content("#people-list"),
        lambda t: "Ada Lovelace (you)" in (t or ""),
        what="renamed in Ada's own list",
    )
    await ada.click("#settings-close")


async def test_video_quality_off_stops_video(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "quality-test"
    ada, _ = await new_page(browser, "Ada")
    bob, _ = await new_page(browser, "Bob")
    sent: list[dict[str, Any]] = []

    def on_ws(ws: Any) -> None:
        ws.on("framesent", lambda f: sent.append(json.loads(f)) if '"constraints"' in f else None)

    ada.on("websocket", on_ws)
    await join_from_home(ada, base, room, "Ada")
    await join_from_home(bob, base, room, "Bob")
    bob_id = await my_id(bob)
    await assert_media_flowing(ada, [bob_id])

    # Ada tells the SFU the height at which she shows Bob's camera (for simulcast layers).
    def bob_height() -> int:
        heights = [m["tracks"].get(f"{bob_id}-1") for m in sent if m["type"] == "constraints"]
        return int([x for x in heights if x is not None][-1]) if heights else 0

    await wait_for(lambda: _value(bob_height()), lambda v: v > 100, what="constraints sent")
    tiled = bob_height()
    await ada.click("#toggle-view")
    await wait_for(lambda: _value(bob_height()), lambda v: v != tiled, what="new constraints")
    await ada.click("#toggle-view")

    async def video_packets() -> int:
        stats = by_key(await remote_stats(ada))
        return int(stats.get((bob_id, "camera", "video"), {}).get("packets", 0))

    await ada.select_option("#video-quality", "off")
    await asyncio.sleep(1.5)
    before = await video_packets()
    await asyncio.sleep(2)
    assert await video_packets() - before < 5, "video still arrives in audio-only mode"
    await ada.select_option("#video-quality", "standard")
    await assert_media_flowing(ada, [bob_id])
