"""The phone layout (390x844 and 360x640): compact header, one-row toolbar with a "More"
menu, panels as full-screen sheets, Escape closing them; screen shares on the stage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    AXE,
    assert_media_flowing,
    join_from_home,
    join_from_prejoin,
    my_id,
    new_page,
    remote_tiles,
    run_axe,
    wait_for,
)

pytestmark = pytest.mark.browser

PHONES = [(390, 844), (360, 640)]

# Where the header ends, and where each visible toolbar button is.
BAR_JS = """() => {
  const header = document.querySelector('.meeting-bar').getBoundingClientRect();
  const h1 = document.querySelector('.meeting-bar h1');
  const buttons = [...document.querySelectorAll('#toolbar button')]
    .filter((b) => b.getClientRects().length > 0)
    .map((b) => { const r = b.getBoundingClientRect();
      return {id: b.id, top: Math.round(r.top), left: r.left, right: r.right, bottom: r.bottom}; });
  return {
    header: header.height, vw: innerWidth, vh: innerHeight, buttons,
    h1Lines: Math.round(h1.getBoundingClientRect().height /
      parseFloat(getComputedStyle(h1).lineHeight || '24')),
    h1Ellipsis: getComputedStyle(h1).textOverflow,
    scrollW: document.documentElement.scrollWidth,
  };
}"""

TILE_WIDTHS_JS = """() => Object.fromEntries([...document.querySelectorAll('#tiles li.tile')].map(
  (t) => [t.dataset.participant + ':' + t.dataset.source + ':' + t.dataset.local,
          t.getBoundingClientRect().width]))"""


def check_bar(bar: dict[str, Any], size: tuple[int, int]) -> None:
    assert bar["header"] <= 80, f"header {bar['header']} px high at {size}"
    assert bar["h1Lines"] == 1 and bar["h1Ellipsis"] == "ellipsis", bar
    buttons = bar["buttons"]
    ids = {b["id"] for b in buttons}
    # The essentials, and the rest behind "More".
    assert {"toggle-mic", "toggle-camera", "toggle-chat", "toggle-hand", "leave"} <= ids, ids
    assert "toggle-more" in ids
    assert not ids & {"toggle-people", "show-shortcuts", "toggle-fullscreen", "copy-invite"}, ids
    assert len({b["top"] for b in buttons}) == 1, f"toolbar on more than one row: {buttons}"
    for b in buttons:
        assert b["left"] >= 0 and b["right"] <= bar["vw"], f"{b['id']} overflows at {size}"
        assert b["bottom"] <= bar["vh"], f"{b['id']} below the viewport at {size}"
    assert bar["scrollW"] <= bar["vw"], f"the page scrolls sideways at {size}"


async def sheet_covers_screen(page: Any, panel: str) -> bool:
    box: dict[str, float] = await page.evaluate(
        f"(() => {{ const r = document.querySelector('{panel}').getBoundingClientRect();"
        " return {w: r.width, h: r.height, vw: innerWidth, vh: innerHeight}; })()"
    )
    return box["w"] >= box["vw"] - 1 and box["h"] >= box["vh"] - 1


@pytest.mark.parametrize("size", PHONES, ids=[f"{w}x{h}" for w, h in PHONES])
async def test_phone_layout(browser: Any, web_server: Any, artifacts: Path, size: Any) -> None:
    base = web_server.http_url
    w, hgt = size
    tag = f"{w}x{hgt}"
    room = f"phone-{w}-a-rather-long-meeting-name-that-would-wrap"
    # axe is injected as an inline script, which the page's CSP rightly forbids.
    page, log = await new_page(
        browser, "phone", viewport={"width": w, "height": hgt}, has_touch=True, bypass_csp=True
    )
    other, _ = await new_page(browser, "other")

    await page.goto(base + "/")
    await page.wait_for_selector("#new-meeting")
    await page.screenshot(path=str(artifacts / f"phone-{tag}-home.png"))
    await page.goto(base + "/" + room)
    await page.wait_for_selector("#camera-select option", state="attached")
    await page.screenshot(path=str(artifacts / f"phone-{tag}-prejoin.png"))
    await join_from_prejoin(page, "Ada Lovelace")  # first in: a moderator
    await join_from_home(other, base, room, "Bob")
    await wait_for(lambda: remote_tiles(page), lambda t: len(t) == 1, what="remote tile")
    await page.wait_for_selector("#toggle-moderation", state="attached")
    # On the stage (the active speaker, large), once its video plays.
    await page.wait_for_selector('#tiles li.tile.focus[data-local="false"]')
    await page.wait_for_function(
        "document.querySelector('#tiles li.tile[data-local=\"false\"] video')?.readyState >= 2",
        timeout=25_000,
    )
    await page.screenshot(path=str(artifacts / f"phone-{tag}-meeting.png"))

    check_bar(await page.evaluate(BAR_JS), size)
    # In French too (longer words).
    await page.select_option("#lang-select", "fr")
    check_bar(await page.evaluate(BAR_JS), size)
    assert await page.get_attribute("#toggle-more", "title") == "Plus d\u2019actions"
    await page.select_option("#lang-select", "en")

    if AXE.is_file():
        assert await run_axe(page) == []

    # The More menu, by keyboard: opens on its first item, arrows move, Escape closes it.
    await page.focus("#toggle-more")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#more-menu:not([hidden])")
    assert await page.get_attribute("#toggle-more", "aria-expanded") == "true"
    first = await page.evaluate("document.activeElement.id")
    assert first == "more-screen", first
    await page.keyboard.press("ArrowDown")
    assert await page.evaluate("document.activeElement.id") != first
    await page.keyboard.press("ArrowUp")
    assert await page.evaluate("document.activeElement.id") == first
    await page.screenshot(path=str(artifacts / f"phone-{tag}-more-menu.png"))
    if AXE.is_file():
        assert await run_axe(page) == []
    await page.keyboard.press("Escape")
    await page.wait_for_selector("#more-menu", state="hidden")
    assert await page.evaluate("document.activeElement.id") == "toggle-more"

    # Each panel is a full-screen sheet with a visible close button; Escape closes it and
    # the focus comes back to the button that opened it.
    panels = [
        ("toggle-chat", None, "#chat-panel", "#chat-panel-close"),
        ("toggle-more", "#more-people", "#people-panel", "#people-panel-close"),
        ("toggle-more", "#more-notes", "#notes-panel", "#notes-close"),
        ("toggle-more", "#more-moderation", "#mod-panel", "#close-moderation"),
    ]
    for opener, item, panel, close in panels:
        await page.click(f"#{opener}")
        if item:
            await page.click(item)
        await page.wait_for_selector(f"{panel}:not([hidden])")
        assert await sheet_covers_screen(page, panel), panel
        assert await page.is_visible(close)
        name = panel.strip("#")
        await page.screenshot(path=str(artifacts / f"phone-{tag}-{name}.png"))
        if panel == "#chat-panel" and AXE.is_file():
            assert await run_axe(page) == []
        await page.keyboard.press("Escape")
        await page.wait_for_selector(panel, state="hidden")
        focused = await page.evaluate("document.activeElement.id")
        assert focused == opener, f"{panel}: focus on {focused!r}, not {opener}"

    # The reactions, from the menu: Escape closes them, the focus back on "More".
    await page.click("#toggle-more")
    await page.click("#more-reactions")
    await page.wait_for_selector("#reaction-menu:not([hidden])")
    await page.keyboard.press("Escape")
    await page.wait_for_selector("#reaction-menu", state="hidden")
    assert await page.evaluate("document.activeElement.id") == "toggle-more"

    # The close button works too.
    await page.click("#toggle-chat")
    await page.click("#chat-panel-close")
    await page.wait_for_selector("#chat-panel", state="hidden")
    assert log.csp_violations() == []


async def test_screen_share_on_stage(browser: Any, web_server: Any, artifacts: Path) -> None:
    base = web_server.http_url
    room = "stage-room"
    ada, _ = await new_page(browser, "Ada")  # 960x600
    bob, _ = await new_page(browser, "Bob", viewport={"width": 390, "height": 844})
    await join_from_home(ada, base, room, "Ada")
    await join_from_home(bob, base, room, "Bob")
    bob_id, ada_id = await my_id(bob), await my_id(ada)
    await assert_media_flowing(ada, [bob_id])

    # Bob shares his screen from the phone's More menu: it goes on Ada's stage, large.
    await bob.click("#toggle-more")
    await bob.click("#more-screen")
    await wait_for(lambda: remote_tiles(ada, "screen"), lambda t: t == [bob_id], what="screen")
    screen = f"#tiles li.tile.focus[data-participant='{bob_id}'][data-source='screen']"
    await ada.wait_for_selector(screen)
    await assert_media_flowing(ada, [bob_id], source="screen", audio=False)

    async def ratio(page: Any, key: str) -> float:
        widths: dict[str, float] = await page.evaluate(TILE_WIDTHS_JS)
        big = widths[key]
        others = [v for k, v in widths.items() if k != key]
        return big / max(others)

    r = await ratio(ada, f"{bob_id}:screen:false")
    assert r >= 2, f"the screen share is only {r:.2f} times wider than the other tiles"
    assert await ada.get_attribute("#toggle-view", "aria-pressed") == "true"
    await ada.screenshot(path=str(artifacts / "stage-screen-desktop.png"))

    # Ada goes back to the grid: the tiles are of one size again.
    await ada.click("#toggle-view")
    await ada.wait_for_selector("#tiles:not(.speaker-view)")
    assert await ada.get_attribute("#toggle-view", "aria-pressed") == "false"
    assert await ratio(ada, f"{bob_id}:screen:false") < 1.2

    # Ada shares too: on Bob's phone her screen is on the stage.
    await ada.click("#toggle-screen")
    await wait_for(lambda: remote_tiles(bob, "screen"), lambda t: t == [ada_id], what="screen")
    await bob.wait_for_selector(
        f"#tiles li.tile.focus[data-participant='{ada_id}'][data-source='screen']"
    )
    r = await ratio(bob, f"{ada_id}:screen:false")
    assert r >= 2, f"on the phone, the screen share is only {r:.2f} times wider"
    await bob.screenshot(path=str(artifacts / "stage-screen-phone.png"))

    # On a wide screen the More menu holds only what has no toolbar button (polls): the
    # buttons it mirrors at phone width are in the toolbar, not in the menu.
    await ada.click("#toggle-more")
    assert await ada.is_visible("#more-polls")
    assert not await ada.is_visible("#more-screen")
    await ada.keyboard.press("Escape")
    await ada.wait_for_selector("#more-menu", state="hidden")

    # On a wide screen a panel sits beside the stage: the toolbar stays uncovered, and
    # Escape closes the panel with the focus back on its button.
    await ada.click("#toggle-chat")
    await ada.wait_for_selector("#chat-panel:not([hidden])")
    panel = await ada.eval_on_selector("#chat-panel", "e => e.getBoundingClientRect().bottom")
    bar = await ada.eval_on_selector("#toolbar", "e => e.getBoundingClientRect().top")
    assert panel <= bar, f"the chat panel ({panel}) covers the toolbar ({bar})"
    await ada.keyboard.press("Escape")
    await ada.wait_for_selector("#chat-panel", state="hidden")
    assert await ada.evaluate("document.activeElement.id") == "toggle-chat"
