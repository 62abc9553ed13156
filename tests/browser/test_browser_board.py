"""A board in real browsers on a real server: Alice makes a board, she and Bob draw on it
and see each other's shapes live (a rectangle, a sticky note with text, a connector that
follows the rectangle when Alice moves it); Alice's undo takes back her move, not Bob's
note; the board exports to SVG. Only the board's code loads (not the text editor's).
Checked with axe-core, the page's CSP left on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import wait_for
from test_browser_documents import PNG, SETUP_JS
from workspace_helpers import add_account, assert_axe_clean, assert_fits_phone, person, sign_in

pytestmark = pytest.mark.browser


async def drag(page: Any, start: tuple[float, float], end: tuple[float, float]) -> None:
    box = await page.locator("svg.board-canvas").bounding_box()
    await page.mouse.move(box["x"] + start[0], box["y"] + start[1])
    await page.mouse.down()
    for step in range(1, 6):
        x = start[0] + (end[0] - start[0]) * step / 5
        y = start[1] + (end[1] - start[1]) * step / 5
        await page.mouse.move(box["x"] + x, box["y"] + y)
    await page.mouse.up()


async def count(page: Any, kind: str) -> int:
    return int(await page.locator(f"svg.board-canvas [data-kind={kind}]").count())


async def line_start(page: Any) -> tuple[float, float]:
    line = page.locator("[data-kind=connector] line")
    return (float(await line.get_attribute("x1") or "nan"),
            float(await line.get_attribute("y1") or "nan"))  # fmt: skip


async def test_two_people_draw_on_a_board(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    add_account(data, "alice", "Alice Martin")
    add_account(data, "bob", "Bob Durand")
    server = server_factory()
    base = server.http_url
    a_ctx, alice, a_console = await person(browser, "alice", accept_downloads=True)
    b_ctx, bob, b_console = await person(browser, "bob", locale="fr-FR")
    await sign_in(alice, base, "alice")
    await sign_in(bob, base, "bob")
    space = await alice.evaluate(SETUP_JS)

    loaded: list[str] = []
    alice.on("request", lambda r: loaded.append(r.url))
    await alice.goto(f"{base}/spaces/{space}/documents")
    await alice.fill("#new-doc-title", "Atelier")
    await alice.click("#new-board")
    await alice.wait_for_url("**/documents/*")
    await alice.locator("svg.board-canvas").wait_for()
    assert any("/assets/canvas-" in u for u in loaded), "the board's code loads on opening"
    assert not any("/assets/editor-" in u for u in loaded), "no text editor for a board"
    await bob.goto(alice.url)
    await bob.locator("svg.board-canvas").wait_for()

    # Alice draws a rectangle; Bob sees it.
    await alice.click("#board-rect")
    await drag(alice, (60, 60), (200, 150))
    await wait_for(lambda: count(bob, "rect"), lambda n: n == 1, what="Bob sees the rectangle")
    await wait_for(lambda: alice.inner_text("#doc-status"), lambda s: s == "Saved", what="saved")
    # Bob puts a sticky note with words on it; Alice sees them.
    await bob.click("#board-sticky")
    await drag(bob, (420, 60), (420, 60))
    await bob.locator(".board-text-edit").fill("Idée de Bob")
    await bob.keyboard.press("Control+Enter")
    await wait_for(lambda: alice.locator("svg.board-canvas").inner_html(),
                   lambda h: "Idée de Bob" in h, what="Alice sees Bob's note")  # fmt: skip
    # Alice joins them with a connector; it follows her rectangle when she moves it.
    await alice.click("#board-connector")
    await drag(alice, (130, 100), (480, 120))
    await wait_for(lambda: count(bob, "connector"), lambda n: n == 1, what="the connector")
    before = await line_start(bob)
    await alice.click("#board-select")
    await drag(alice, (100, 100), (100, 300))
    await wait_for(lambda: line_start(bob), lambda x: x != before, what="the connector follows")
    # Bob sees Alice's pointer, named.
    await wait_for(lambda: bob.locator(".board-pointer text").all_text_contents(),
                   lambda names: "Alice Martin" in names, what="Alice's pointer")  # fmt: skip
    # Alice's undo takes back her move only: Bob's note stays.
    await alice.click("#board-undo")
    await wait_for(lambda: line_start(bob), lambda x: x == before, what="the move undone")
    assert await count(alice, "sticky") == 1 and await count(alice, "rect") == 1
    # From the keyboard: a shape at once, moved with the arrows, deleted.
    await alice.focus("#board-ellipse")
    await alice.keyboard.press("Enter")
    await wait_for(lambda: count(bob, "ellipse"), lambda n: n == 1, what="a keyboard ellipse")
    ellipse = bob.locator("[data-kind=ellipse] ellipse")
    cx = float(await ellipse.get_attribute("cx") or "nan")
    await alice.keyboard.press("ArrowRight")
    await wait_for(lambda: ellipse.get_attribute("cx"), lambda v: float(v or 0) == cx + 10)
    await alice.keyboard.press("Delete")
    await wait_for(lambda: count(bob, "ellipse"), lambda n: n == 0, what="deleted")
    await assert_axe_clean(alice, "the board")

    async with alice.expect_download() as got:
        await alice.click("#board-export-svg")
    saved = tmp_path / "board.svg"
    await (await got.value).save_as(saved)
    svg = saved.read_text()
    assert svg.startswith("<svg") and "Idée de Bob" in svg and "<line" in svg
    async with alice.expect_download() as got:
        await alice.click("#board-export-png")
    png = tmp_path / "board.png"
    await (await got.value).save_as(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 1000

    # An image: uploaded as the board's, shown to both.
    await alice.set_input_files(
        "#board-image-file", files=[{"name": "logo.png", "mimeType": "image/png", "buffer": PNG}]
    )
    await wait_for(lambda: count(bob, "image"), lambda n: n == 1, what="Bob sees the image")
    href = await bob.locator("[data-kind=image] image").get_attribute("href")
    assert href and "/images/" in href
    assert await bob.evaluate("async (src) => (await fetch(src)).status", href) == 200

    # At phone width the board fits the screen and its controls are big enough to touch.
    await bob.set_viewport_size({"width": 390, "height": 844})
    await bob.locator("svg.board-canvas").wait_for()
    await assert_fits_phone(bob, "the board at phone width")
    for console in (a_console, b_console):
        assert console.csp_violations() == []
    await a_ctx.close()
    await b_ctx.close()
