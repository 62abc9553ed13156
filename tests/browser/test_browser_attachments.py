"""Space files attached in a real browser: Alice attaches a file picked in a folder of the
space's files (the picker's breadcrumbs) and uploads an image from her computer in the
composer (it lands in the space's Attachments folder); Bob, another member at phone width,
sees both with the image's thumbnail and downloads the same bytes. Then Bob inserts the image
and a link to the file into a document from the same picker: the image shows inline from
this server. Checked with axe-core, the page's CSP left on, nothing wider than the screen."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import wait_for
from PIL import Image
from workspace_helpers import (
    add_account,
    assert_axe_clean,
    assert_fits_phone,
    message_item,
    person,
    sign_in,
    signed_in,
)

pytestmark = pytest.mark.browser

SETUP_JS = """async () => {
  const csrf = (await (await fetch('/api/me')).json()).csrf;
  const headers = {'Content-Type': 'application/json', 'X-CSRF-Token': csrf};
  const post = async (path, body) => (await fetch(path, {method: 'POST', headers,
    body: JSON.stringify(body)})).json();
  const space = (await post('/api/spaces', {name: 'Projet'})).id;
  await post(`/api/spaces/${space}/members`, {user: 'bob'});
  const box = await post(`/api/spaces/${space}/files/folders`, {name: 'Rapports'});
  await fetch(`/api/spaces/${space}/files/upload?name=compte-rendu.txt&parent=${box.id}`,
    {method: 'POST', headers: {'X-CSRF-Token': csrf}, body: 'Réunion du lundi'});
  const channels = await (await fetch(`/api/spaces/${space}/channels`)).json();
  const doc = await post(`/api/spaces/${space}/documents`, {title: 'Notes'});
  return [space, channels.find((c) => c.name === 'general').id, doc.id];
}"""

LOADED_JS = "(img) => img.complete && img.naturalWidth > 0"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 40), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


async def test_attach_in_a_message_and_insert_in_a_document(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    add_account(tmp_path / "data", "alice", "Alice Martin")
    add_account(tmp_path / "data", "bob", "Bob Durand")
    server = server_factory()
    base = server.http_url
    ctx, alice, a_console = await signed_in(browser, base, "alice")
    space, channel, doc = await alice.evaluate(SETUP_JS)
    photo = tmp_path / "photo.png"
    photo.write_bytes(png())

    await alice.goto(f"{base}/spaces/{space}/channels/{channel}")
    # The picker by keyboard: the filter has the focus, the arrows choose, Enter takes. (Once
    # the history is shown: the page settled, the composer is not made again.)
    await alice.locator(".ws-history ol.ws-messages").wait_for(state="attached")
    await alice.click("#composer-attach")
    picker = alice.locator("#composer-picker")
    await picker.locator("button[data-folder='Rapports']").wait_for()
    await alice.keyboard.press("ArrowDown")
    await alice.keyboard.press("Enter")
    await wait_for(lambda: picker.locator("nav").inner_text(), lambda t: "Rapports" in t,
                   what="the folder's breadcrumb")  # fmt: skip
    await picker.locator("button[data-file='compte-rendu.txt']").wait_for()
    focused = "() => document.activeElement.textContent"
    await wait_for(lambda: alice.evaluate(focused), lambda t: "↑" in (t or ""),
                   what="the focus on the folder's first item")  # fmt: skip
    await alice.keyboard.press("ArrowDown")
    await alice.keyboard.press("Enter")
    await alice.locator("[data-chosen='compte-rendu.txt']").wait_for()
    await alice.set_input_files("#composer-upload-input", str(photo))
    await alice.locator("[data-chosen='photo.png']").wait_for(timeout=30_000)
    await alice.fill("#composer", "Voici les fichiers")
    await alice.press("#composer", "Enter")
    sent = await message_item(alice, "Voici les fichiers")
    await sent.locator("[data-attachment='photo.png']").wait_for()

    b_ctx, bob, b_console = await person(browser, "bob", locale="fr-FR",
                                         viewport={"width": 390, "height": 844})  # fmt: skip
    await sign_in(bob, base, "bob")
    await bob.goto(f"{base}/spaces/{space}/channels/{channel}")
    item = await message_item(bob, "Voici les fichiers")
    thumb = item.locator("[data-attachment='photo.png'] img")
    await wait_for(lambda: thumb.evaluate(LOADED_JS), bool, what="the thumbnail shown")
    assert (await thumb.get_attribute("src") or "").startswith("/api/files/")
    report = item.locator("[data-attachment='compte-rendu.txt']")
    async with bob.expect_download() as info:
        await report.locator("a[download]").click()
    saved = await (await info.value).path()
    assert await asyncio.to_thread(Path(saved).read_bytes) == "Réunion du lundi".encode()
    await assert_fits_phone(bob, "a message with attachments")
    await assert_axe_clean(bob, "a message with attachments")

    # The document: the image from the Attachments folder (Alice's English name, one folder
    # whatever the language of who uploads next) inline, a link to the report.
    await bob.goto(f"{base}/spaces/{space}/documents/{doc}")
    await bob.locator(".ws-editor-body").wait_for()
    await bob.click(".ws-editor-body")
    await bob.click("#tb-space-file")
    picker = bob.locator("#doc-file-picker")
    await picker.locator("button[data-folder='Attachments']").click()
    await picker.locator("button[data-file='photo.png']").wait_for()
    await assert_fits_phone(bob, "the file picker")
    await assert_axe_clean(bob, "the file picker")
    await picker.locator("button[data-file='photo.png']").click()
    image = bob.locator(".ws-editor-body img[data-file]")
    await wait_for(lambda: image.evaluate(LOADED_JS), bool, what="the image shown inline")
    assert (await image.get_attribute("src") or "").startswith("/api/files/")
    await bob.click("#tb-space-file")
    await picker.locator("button[data-folder='Rapports']").click()
    await picker.locator("button[data-file='compte-rendu.txt']").click()
    link = bob.locator(".ws-editor-body a[data-space-file]")
    await link.wait_for()
    assert "compte-rendu.txt" in await link.inner_text()
    assert (await link.get_attribute("href") or "").startswith("/api/files/")
    await assert_fits_phone(bob, "a document with a file of the space")
    # Alice, on the same document, sees the image Bob put in.
    await alice.goto(f"{base}/spaces/{space}/documents/{doc}")
    shown = alice.locator(".ws-editor-body img[data-file]")
    await wait_for(lambda: shown.evaluate(LOADED_JS), bool, what="the image, for Alice", timeout=20)
    await alice.locator(".ws-editor-body a[data-space-file]").wait_for()
    assert a_console.errors == [], a_console.errors
    assert b_console.errors == [], b_console.errors
    await b_ctx.close()
    await ctx.close()
