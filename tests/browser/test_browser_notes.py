"""Shared notes, connection-quality indicators and the microphone shortcuts in the browser."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    assert_media_flowing,
    join_from_home,
    join_from_prejoin,
    meet,
    my_id,
    new_page,
    run_axe,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">'
NOTICE_EN = "destroyed at the end of the session"


async def notes_value(page: Any) -> str:
    value: str = await page.input_value("#notes-text")
    return value


async def loaded_scripts(page: Any) -> list[str]:
    names: list[str] = await page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name)"
    )
    return [n for n in names if n.endswith(".js")]


async def open_notes(page: Any) -> None:
    await page.click("#toggle-notes")
    await page.wait_for_selector("#notes-panel:not([hidden]) #notes-text:not([readonly])")


async def download_text(page: Any, selector: str) -> tuple[str, str]:
    async with page.expect_download() as info:
        await page.click(selector)
    download = await info.value
    path = await download.path()
    text = await asyncio.to_thread(Path(path).read_text, encoding="utf-8")
    return download.suggested_filename, text


async def test_notes_coediting_export_and_destroyed_at_the_end(
    browser: Any, web_server: Any
) -> None:
    base = web_server.http_url
    room = "notes-test"
    ada, ada_console = await new_page(browser, "Ada")
    bob, _ = await new_page(browser, "Bob")
    await join_from_home(ada, base, room, "Ada")
    await join_from_home(bob, base, room, HOSTILE_NAME)

    # The editor's code is not part of the meeting page until the notes are opened.
    assert not [s for s in await loaded_scripts(ada) if "notes-editor" in s]
    await open_notes(ada)
    await wait_for(
        lambda: loaded_scripts(ada),
        lambda names: any("notes-editor" in n for n in names),
        what="the editor's chunk",
    )
    assert NOTICE_EN in (await ada.text_content("#notes-notice") or "")
    assert await ada.get_attribute("#toggle-notes", "aria-expanded") == "true"

    # Ada writes; Bob opens the notes later and gets what is there.
    mic_before = await ada.get_attribute("#toggle-mic", "aria-pressed")
    await ada.click("#notes-text")
    await ada.keyboard.type("Ordre du jour: mic, vote\n")
    # Typing in the notes is not a shortcut (m, v, c, r, t, f).
    assert await ada.get_attribute("#toggle-mic", "aria-pressed") == mic_before
    # Bob's closed notes show that something changed.
    await wait_for(
        lambda: bob.get_attribute("#toggle-notes", "data-changed"),
        lambda v: v == "true",
        what="changed dot",
    )
    await open_notes(bob)
    assert await bob.get_attribute("#toggle-notes", "data-changed") == "false"
    await wait_for(
        lambda: notes_value(bob), lambda v: v == "Ordre du jour: mic, vote\n", what="sync"
    )

    # Both type at once, at the two ends of the text: both end with the same document.
    await bob.click("#notes-text")
    await bob.keyboard.press("Control+Home")
    await ada.click("#notes-text")
    await ada.keyboard.press("Control+End")
    await asyncio.gather(
        ada.keyboard.type("- budget <script>window.__pwned=4</script>\n", delay=15),
        bob.keyboard.type("# Conseil\n", delay=15),
    )
    expected = "# Conseil\nOrdre du jour: mic, vote\n- budget <script>window.__pwned=4</script>\n"
    for page in (ada, bob):
        await wait_for(
            lambda page=page: notes_value(page), lambda v: v == expected, what="convergence"
        )

    # Authors' colours: one per author, in the text and in the list; names stay text.
    ada_id, bob_id = await my_id(ada), await my_id(bob)
    for page in (ada, bob):
        await wait_for(
            lambda page=page: page.eval_on_selector_all(
                "#notes-authors li", "els => els.map(e => e.dataset.author).sort()"
            ),
            lambda a: a == sorted([ada_id, bob_id]),
            what="authors",
        )
        colours = await page.eval_on_selector_all(
            "#notes-authors .swatch", "els => els.map(e => e.className)"
        )
        assert len(set(colours)) == 2, colours
        tinted = await page.eval_on_selector_all(
            ".notes-backdrop span", "els => [...new Set(els.map(e => e.className))]"
        )
        assert sorted(tinted) == sorted(c.replace("swatch ", "") for c in colours)
        assert await page.locator("#notes-panel img, #notes-panel script").count() == 0
        assert await page.evaluate("window.__pwned") is None
    names = await ada.eval_on_selector_all(
        "#notes-authors .who", "els => els.map(e => e.textContent)"
    )
    assert HOSTILE_NAME in names

    # Exports: Markdown and text as written, HTML with the markup escaped.
    name, md = await download_text(ada, "#notes-panel [data-export=md]")
    assert name == f"notes-{room}-" + name.split(f"notes-{room}-")[1] and name.endswith(".md")
    assert md == expected
    name, txt = await download_text(ada, "#notes-panel [data-export=txt]")
    assert name.endswith(".txt") and txt == expected
    name, html = await download_text(ada, "#notes-panel [data-export=html]")
    assert name.endswith(".html")
    assert "<h1>Conseil</h1>" in html
    assert "<li>budget &lt;script&gt;window.__pwned=4&lt;/script&gt;</li>" in html
    assert "<script>" not in html

    # A late joiner gets the current document.
    # (axe is injected as an inline script, which the page's CSP rightly forbids.)
    chloe, _ = await new_page(browser, "Chloé", locale="fr-FR", bypass_csp=True)
    await join_from_home(chloe, base, room, "Chloé")
    await open_notes(chloe)
    notice = await chloe.text_content("#notes-notice") or ""
    assert "Le document utilisé pendant la réunion est détruit à la fin de la session" in notice
    await wait_for(lambda: notes_value(chloe), lambda v: v == expected, what="late joiner")
    # The authors and their colours come with the document the server keeps.
    assert sorted(
        await chloe.eval_on_selector_all(
            "#notes-authors li", "els => els.map(e => e.dataset.author)"
        )
    ) == sorted([ada_id, bob_id])
    await wait_for(
        lambda: chloe.eval_on_selector_all(
            ".notes-backdrop span", "els => new Set(els.map(e => e.className)).size"
        ),
        lambda n: n == 2,
        what="tinted text",
    )
    assert await run_axe(chloe, "#notes-panel") == []

    # Escape closes the notes and gives the focus back to their button.
    await chloe.focus("#notes-text")
    await chloe.keyboard.press("Escape")
    await chloe.wait_for_selector("#notes-panel", state="hidden")
    assert await chloe.evaluate("document.activeElement.id") == "toggle-notes"

    # Everyone leaves: the meeting ends, and with it the document.
    for page in (ada, bob, chloe):
        await page.click("#leave")
        await page.wait_for_selector("#rejoin")
    await ada.click("#rejoin")
    await join_from_prejoin(ada, "Ada")
    await open_notes(ada)
    await asyncio.sleep(1)
    assert await notes_value(ada) == ""
    assert await ada.locator("#notes-authors li").count() == 0
    assert ada_console.csp_violations() == []


async def test_microphone_shortcuts_shown_to_others(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "mic-keys"
    ada, bob = await meet(browser, base, room, "Ada", "Bob")
    bob_id = await my_id(bob)
    tile = f'#tiles li.tile[data-participant="{bob_id}"][data-source="camera"]'

    async def bob_muted_for_ada() -> str | None:
        muted: str | None = await ada.get_attribute(tile, "data-audio-muted")
        return muted

    await wait_for(bob_muted_for_ada, lambda v: v == "false", what="Bob unmuted")
    # M mutes, M again unmutes; Ada sees each change.
    await bob.click("#tiles")
    await bob.keyboard.press("m")
    await wait_for(bob_muted_for_ada, lambda v: v == "true", what="M mutes")
    assert await bob.get_attribute("#toggle-mic", "aria-pressed") == "false"
    await bob.keyboard.press("m")
    await wait_for(bob_muted_for_ada, lambda v: v == "false", what="M unmutes")
    await bob.keyboard.press("m")
    await wait_for(bob_muted_for_ada, lambda v: v == "true", what="muted again")

    # Push to talk: while space is held, Bob is heard; released, muted again.
    await bob.click("#tiles")
    await bob.keyboard.down(" ")
    await wait_for(bob_muted_for_ada, lambda v: v == "false", what="space talks")
    await bob.keyboard.up(" ")
    await wait_for(bob_muted_for_ada, lambda v: v == "true", what="released")

    # V turns the camera off for the others, D shares the screen, F goes full screen.
    await bob.keyboard.press("v")
    await wait_for(
        lambda: ada.get_attribute(tile, "data-video-muted"), lambda v: v == "true", what="V"
    )
    await bob.keyboard.press("d")
    await ada.wait_for_selector(f'#tiles li.tile[data-participant="{bob_id}"].screen')
    await bob.keyboard.press("f")
    await wait_for(
        lambda: bob.evaluate("!!document.fullscreenElement"), lambda v: v, what="F: full screen"
    )
    await bob.keyboard.press("f")
    await wait_for(
        lambda: bob.evaluate("!!document.fullscreenElement"), lambda v: not v, what="F: back"
    )

    # ? lists the shortcuts, M among them.
    await bob.keyboard.press("Shift+?")
    await bob.wait_for_selector("#shortcuts-dialog[open]")
    assert "M" in (await bob.text_content("#shortcuts-dialog") or "")
    await bob.keyboard.press("Escape")


async def test_connection_quality_popover(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "netq-test"
    ada, bob = await meet(browser, base, room, "Ada", "Bob")
    bob_id = await my_id(bob)
    await assert_media_flowing(ada, [bob_id])

    button = f'#tiles li.tile[data-participant="{bob_id}"] .netq'
    await wait_for(
        lambda: ada.get_attribute(button, "data-level"),
        lambda v: v in ("good", "fair", "poor"),
        what="a measured level",
    )
    label = await ada.get_attribute(button, "aria-label") or ""
    assert label.startswith("Connection quality:"), label

    async def stat(page: Any, name: str) -> str:
        text: str = await page.text_content(f"#netq-pop dd[data-stat={name}]") or ""
        return text

    # The popover opens from the keyboard and tells bitrate, loss, RTT, resolution, codec.
    await ada.focus(button)
    await ada.keyboard.press("Enter")
    await ada.wait_for_selector("#netq-pop:not([hidden])")
    assert await ada.get_attribute(button, "aria-expanded") == "true"
    await wait_for(lambda: stat(ada, "codec"), lambda v: "VP8" in v and "opus" in v, what="codec")
    await wait_for(
        lambda: stat(ada, "bitrate"), lambda v: re.match(r"\d+ kbit/s", v), what="bitrate"
    )
    assert re.match(r"\d+\u00d7\d+", await stat(ada, "resolution"))
    assert re.match(r"\d+ ms", await stat(ada, "rtt"))
    assert re.match(r"\d+\.\d%$", await stat(ada, "loss"))  # English: 0.0% (French: 0,0 %)
    await ada.keyboard.press("Escape")
    await ada.wait_for_selector("#netq-pop", state="hidden")
    assert await ada.evaluate("document.activeElement.classList.contains('netq')")

    # Our own tile: what we send.
    own = '#tiles li.tile[data-local="true"][data-source="camera"] .netq'
    await ada.click(own)
    await wait_for(lambda: stat(ada, "bitrate"), lambda v: "sent" in v, what="sent bitrate")
    assert "VP8" in await stat(ada, "codec")

    # In French, labels and popover follow.
    await ada.select_option("#lang-select", "fr")
    label = await ada.get_attribute(button, "aria-label") or ""
    assert label.startswith("Qualité de connexion"), label
    await wait_for(lambda: stat(ada, "bitrate"), lambda v: "envoyé" in v, what="French popover")


async def test_private_message_never_reaches_a_third(browser: Any, web_server: Any) -> None:
    """What Eve's browser receives over the WebSocket, not only what it shows."""
    base = web_server.http_url
    room = "private-test"
    pages = {}
    frames: dict[str, list[str]] = {}
    for name in ("Ada", "Bob", "Eve"):
        page, _ = await new_page(browser, name)
        got: list[str] = []
        frames[name] = got

        def on_ws(ws: Any, got: list[str] = got) -> None:
            ws.on("framereceived", lambda payload: got.append(str(payload)))

        page.on("websocket", on_ws)
        await join_from_home(page, base, room, name)
        pages[name] = page
    ada, bob, eve = pages["Ada"], pages["Bob"], pages["Eve"]
    bob_id = await my_id(bob)

    secret = "Le code du coffre est 4321"
    await ada.click("#toggle-chat")
    await ada.select_option("#chat-panel select[name=to]", bob_id)
    await ada.fill("#chat-input", secret)
    await ada.click("#chat-send")
    # Then a public message: once Eve has it, the private one would have come before.
    await ada.select_option("#chat-panel select[name=to]", "")
    await ada.fill("#chat-input", "Pour tout le monde")
    await ada.click("#chat-send")
    for name in ("Bob", "Eve"):
        await wait_for(
            lambda name=name: asyncio.sleep(0, frames[name]),
            lambda got: any("Pour tout le monde" in f for f in got),
            what=f"public message to {name}",
        )
    assert sum(secret in f for f in frames["Bob"]) == 1
    assert not [f for f in frames["Eve"] if secret in f]
    await eve.click("#toggle-chat")
    assert secret not in (await eve.text_content("#chat-panel") or "")
    await bob.click("#toggle-chat")
    await bob.wait_for_selector("#chat-log li.private")
    assert secret in (await bob.text_content("#chat-log li.private") or "")


async def test_notes_written_while_disconnected_arrive_after_the_rejoin(
    browser: Any, web_server: Any
) -> None:
    base = web_server.http_url
    room = "notes-offline"
    ada, bob = await meet(browser, base, room, "Ada", "Bob")
    for page in (ada, bob):
        await open_notes(page)
    await ada.click("#notes-text")
    await ada.keyboard.type("avant ")
    await wait_for(lambda: notes_value(bob), lambda v: v == "avant ", what="online edit")

    # Ada's WebSocket drops; she keeps typing; the client rejoins by itself.
    await ada.evaluate("window.__palabre.session.ws.close()")
    await ada.keyboard.type("pendant la coupure")
    await bob.click("#notes-text")
    await bob.keyboard.press("Control+End")
    await bob.keyboard.type(" / Bob")
    await ada.wait_for_selector(".meeting[data-status=connected]", timeout=30_000)
    for page in (ada, bob):
        await wait_for(
            lambda page=page: notes_value(page),
            lambda v: v in ("avant pendant la coupure / Bob", "avant  / Bobpendant la coupure"),
            what="edits from both sides of the drop",
        )
    assert await notes_value(ada) == await notes_value(bob)
