"""A space's meeting in the browser: the moderator says the shared notes and the whiteboard
will be kept; the other participant is told (a toast, and the panels' notices); at the end
the board is a board of the space, with what was drawn on it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import join_room, wait_for
from test_browser_documents import SETUP_JS
from test_browser_meeting_board import draw_rect
from workspace_helpers import add_account, person, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOCS_JS = """async (id) => (await (await fetch(`/api/spaces/${id}/documents`)).json())
  .map(d => [d.kind, d.title, d.id])"""


async def test_kept_notes_and_board_are_announced_and_kept(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    add_account(tmp_path / "data", "alice", "Alice Martin")
    add_account(tmp_path / "data", "bob", "Bob Durand")
    server = server_factory()
    base = server.http_url
    a_ctx, alice, a_console = await person(
        browser, "alice", viewport={"width": 1200, "height": 800}
    )
    b_ctx, bob, _ = await person(browser, "bob", locale="fr-FR",
                                 viewport={"width": 1200, "height": 800})  # fmt: skip
    await sign_in(alice, base, "alice")
    await sign_in(bob, base, "bob")
    space = await alice.evaluate(SETUP_JS)
    room = await alice.evaluate(
        "async (id) => (await (await fetch('/api/spaces/' + id)).json()).room", space
    )
    await join_room(alice, base, room, "Alice")
    await join_room(bob, base, room, "Bob")

    await alice.click("#toggle-moderation")
    await alice.check("input[name=saveNotes]")
    await wait_for(lambda: bob.text_content("#toast"), lambda t: "notes partagées" in (t or ""),
                   what="Bob is told the notes will be kept")  # fmt: skip
    await bob.click("#toggle-notes")
    await wait_for(lambda: bob.text_content("#notes-notice"),
                   lambda t: "Un modérateur enregistrera ces notes" in (t or ""))  # fmt: skip
    await alice.check("input[name=openBoard]")
    await alice.check("input[name=saveBoard]")
    await wait_for(lambda: bob.text_content("#toast"), lambda t: "tableau blanc" in (t or ""),
                   what="Bob is told the board will be kept")  # fmt: skip
    await alice.click("#close-moderation")
    await alice.click("#toggle-board")
    await alice.wait_for_selector("#board-panel svg.board-canvas")
    assert "will save this whiteboard" in (await alice.text_content("#board-notice") or "")
    await draw_rect(alice)
    await bob.click("#toggle-board")
    await wait_for(lambda: bob.locator("#board-panel [data-kind=rect]").count(), lambda n: n == 1)

    for page in (alice, bob):
        await page.click("#leave")
        await page.wait_for_selector("#rejoin")
    kept = await wait_for(lambda: alice.evaluate(DOCS_JS, space),
                          lambda docs: any(kind == "board" for kind, _, _ in docs),
                          what="the board kept in the space")  # fmt: skip
    (board,) = [d for d in kept if d[0] == "board"]
    assert board[1].startswith(("Tableau de réunion du", "Meeting board"))
    await alice.goto(f"{base}/spaces/{space}/documents/{board[2]}")
    await wait_for(lambda: alice.locator("svg.board-canvas [data-kind=rect]").count(),
                   lambda n: n == 1, what="the rectangle in the kept board")  # fmt: skip
    assert a_console.csp_violations() == []
    await a_ctx.close()
    await b_ctx.close()
