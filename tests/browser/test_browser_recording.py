"""Recording from the browser: the moderator records; the other participant (in French) is
told with the consent notice and sees the indicator while it lasts; once stopped, the
moderator's panel offers the composed file, which downloads, and the other has no link."""

from __future__ import annotations

from typing import Any

import pytest
from browser_helpers import join_room, new_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FETCH_JS = """async (url) => { const r = await fetch(url);
  return [r.status, r.headers.get('content-type'), (await r.arrayBuffer()).byteLength]; }"""


async def test_recording_is_announced_and_offered_to_the_moderator(
    browser: Any, web_server: Any
) -> None:
    base, room = web_server.http_url, "recording-test"
    ada, ada_log = await new_page(browser, "Ada")
    bob, bob_log = await new_page(
        browser, "Bob", locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    await join_room(ada, base, room, "Ada")
    await join_room(bob, base, room, "Bob")
    assert not await bob.is_visible("#recording-indicator")

    await ada.click("#toggle-moderation")
    await ada.check("#mod-panel input[name=recording]")
    await bob.wait_for_selector("#recording-notice", timeout=10_000)
    notice = await bob.text_content("#recording-notice") or ""
    assert "Cette réunion est enregistrée" in notice and "quittez la réunion" in notice
    assert "Enregistrement" in (await bob.text_content("#recording-indicator") or "")
    assert await bob.is_visible("#recording-indicator")
    assert await ada.is_visible("#recording-indicator")
    box = await bob.locator("#recording-notice").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390  # phone width
    await bob.click("#recording-ok")
    await bob.wait_for_selector("#recording-notice", state="detached")

    await ada.wait_for_timeout(3000)  # three seconds of meeting on record
    await ada.uncheck("#mod-panel input[name=recording]")
    await bob.wait_for_selector("#recording-indicator", state="hidden", timeout=10_000)
    link = ada.locator("#recording-list a[href*='/api/recordings/']")
    await link.wait_for(timeout=120_000)
    assert "Download recording 1" in (await link.text_content() or "")
    href = await link.get_attribute("href")
    status, kind, size = await ada.evaluate(FETCH_JS, href)
    assert (status, kind) == (200, "video/webm") and size > 1000
    assert await bob.locator("#recording-list").count() == 0  # no moderator's panel, no link
    assert ada_log.csp_violations() == [] and bob_log.csp_violations() == []
