"""Documents in real browsers on a real server: Alice and Bob co-edit one document with a
table and an image (each sees the other's edits and named caret), the page says "Saved"; Bob
comments on a selection and Alice resolves it, live; Alice keeps a named version, edits on,
and restores the version, which both pages then show. The editor's code is loaded only when
the document opens. Checked with axe-core, the page's CSP left on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import wait_for
from workspace_helpers import add_account, assert_axe_clean, person, sign_in

pytestmark = pytest.mark.browser

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

SETUP_JS = """async () => {
  const csrf = (await (await fetch('/api/me')).json()).csrf;
  const post = async (path, body) => (await fetch(path, {method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
    body: JSON.stringify(body)})).json();
  const space = await post('/api/spaces', {name: 'Rédaction'});
  await post(`/api/spaces/${space.id}/members`, {user: 'bob', role: 'member'});
  return space.id;
}"""


async def editor_html(page: Any) -> str:
    return str(await page.locator(".ws-editor-body").inner_html())


async def editor_text(page: Any) -> str:
    return str(await page.locator(".ws-editor-body").inner_text())


async def test_two_people_co_edit_comment_and_restore(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    add_account(data, "alice", "Alice Martin")
    add_account(data, "bob", "Bob Durand")
    server = server_factory("--document-quiet", "1")
    base = server.http_url
    a_ctx, alice, a_console = await person(browser, "alice")
    b_ctx, bob, b_console = await person(browser, "bob", locale="fr-FR")
    await sign_in(alice, base, "alice")
    await sign_in(bob, base, "bob")
    space = await alice.evaluate(SETUP_JS)

    # Alice makes the document from the space's Documents page.
    loaded: list[str] = []
    alice.on("request", lambda r: loaded.append(r.url))
    await alice.goto(f"{base}/spaces/{space}/documents")
    await alice.locator("#new-doc-title").wait_for()
    assert not any("/assets/editor-" in u for u in loaded), "no editor code for the list"
    await alice.fill("#new-doc-title", "Compte rendu")
    await alice.click("#new-doc")
    await alice.wait_for_url("**/documents/*")
    await alice.locator(".ws-editor-body").wait_for()
    assert any("/assets/editor-" in u for u in loaded), "the editor's code loads on opening"
    url = alice.url
    await bob.goto(url)
    await bob.locator(".ws-editor-body").wait_for()

    # Alice writes; Bob sees it, and her named caret.
    await alice.click(".ws-editor-body")
    await alice.keyboard.type("Ordre du jour")
    await wait_for(lambda: editor_text(bob), lambda t: "Ordre du jour" in t, what="Bob sees")
    await wait_for(lambda: alice.inner_text("#doc-status"), lambda s: s == "Saved", what="saved")
    await bob.click(".ws-editor-body")
    await bob.keyboard.press("End")
    await bob.keyboard.press("Enter")
    await bob.keyboard.type("Point de Bob")
    await wait_for(lambda: editor_text(alice), lambda t: "Point de Bob" in t, what="Alice sees")
    await wait_for(
        lambda: alice.locator(".collaboration-carets__label").all_inner_texts(),
        lambda names: "Bob Durand" in names, what="Bob's caret on Alice's page",
    )  # fmt: skip
    await wait_for(lambda: bob.inner_text("#doc-status"), lambda s: s == "Enregistré")

    # A table and an image.
    await alice.keyboard.press("Control+End")
    await alice.click("#tb-table")
    for header in ("Cellule A", "Cellule B", "Cellule C"):
        await alice.keyboard.type(header)
        await alice.keyboard.press("Tab")
    await alice.set_input_files(
        "#image-file", files=[{"name": "point.png", "mimeType": "image/png", "buffer": PNG}]
    )
    await wait_for(lambda: editor_html(bob), lambda h: "<table" in h and "Cellule A" in h,
                   what="Bob sees the table")  # fmt: skip
    await wait_for(lambda: editor_html(bob), lambda h: "/images/" in h, what="Bob sees the image")
    src = await bob.locator(".ws-editor-body img").first.get_attribute("src")
    image = await bob.evaluate("async (src) => (await fetch(src)).status", src)
    assert image == 200

    # Bob comments on "Ordre"; Alice sees it live and resolves it; Bob sees it resolved.
    await bob.click("#comments-toggle")
    await bob.locator(".ws-editor-body p").first.dblclick()
    await bob.fill("#comment-body", "Préciser la date")
    await bob.click("#comment-send")
    await alice.click("#comments-toggle")
    await wait_for(lambda: alice.locator("#comments-panel").inner_text(),
                   lambda t: "Préciser la date" in t, what="Alice sees the comment")  # fmt: skip
    await wait_for(lambda: alice.locator(".ws-editor-body .ws-commented").count(),
                   lambda n: n >= 1, what="the commented text is marked")  # fmt: skip
    await alice.locator(".ws-thread button", has_text="Resolve").click()
    await wait_for(lambda: bob.locator("#comments-panel").inner_text(),
                   lambda t: "Préciser la date" not in t, what="resolved threads hide")  # fmt: skip
    await assert_axe_clean(alice, "the document with its comments")

    # A named version, more edits, then the version restored on both pages.
    await alice.click("#versions-toggle")
    await alice.fill("#version-name", "Avant relecture")
    await alice.click("#version-keep")
    await alice.locator("#versions-panel li", has_text="Avant relecture").wait_for()
    await alice.click(".ws-editor-body p >> nth=0")
    await alice.keyboard.press("End")
    await alice.keyboard.type(" MODIFIÉ")
    await wait_for(lambda: editor_text(bob), lambda t: "MODIFIÉ" in t)
    await wait_for(lambda: alice.inner_text("#doc-status"), lambda s: s == "Saved")
    entry = alice.locator("#versions-panel li", has_text="Avant relecture")
    await entry.locator("button", has_text="Compare").click()
    await wait_for(lambda: alice.locator("#version-view").inner_text(), lambda t: "MODIFIÉ" in t)
    await entry.locator(".version-restore").click()
    for page in (alice, bob):
        await wait_for(lambda p=page: editor_text(p), lambda t: "MODIFIÉ" not in t and
                       "Ordre du jour" in t, what="restored")  # fmt: skip
    assert "<table" in await editor_html(bob)
    await assert_axe_clean(alice, "the versions panel")
    for console in (a_console, b_console):
        assert console.csp_violations() == []
    await a_ctx.close()
    await b_ctx.close()
