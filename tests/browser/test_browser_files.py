"""A space's files in a real browser at phone width (390x844), in French: a folder made and
opened (its path shown), two files uploaded over tus with their progress, one renamed, put in
the trash and restored; the bytes the server keeps are those sent. Checked with axe-core,
the page's CSP left on, nothing wider than the screen."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import wait_for
from workspace_helpers import (
    add_account,
    assert_axe_clean,
    assert_fits_phone,
    person,
    signed_in,
)

pytestmark = pytest.mark.browser

SPACE_JS = """async () => {
  const csrf = (await (await fetch('/api/me')).json()).csrf;
  const made = await fetch('/api/spaces', {method: 'POST', body: JSON.stringify({name: 'Projet'}),
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}});
  return (await made.json()).id;
}"""

DIGEST_JS = """async (id) => {
  const data = await (await fetch(`/api/files/${id}/content`)).arrayBuffer();
  const hash = await crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
}"""


async def names(page: Any) -> list[str]:
    return [n.strip() for n in await page.locator("#files-list .ws-file-label").all_inner_texts()]


async def test_files_at_phone_width(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    add_account(tmp_path / "data", "alice", "Alice Martin")
    server = server_factory()
    base = server.http_url
    ctx, page, console = await signed_in(browser, base, "alice", locale="fr-FR",
                                         viewport={"width": 390, "height": 844})  # fmt: skip
    space = await page.evaluate(SPACE_JS)
    await page.goto(f"{base}/spaces/{space}")
    await page.click("#space-files")
    await page.wait_for_url(f"**/spaces/{space}/files")
    await page.locator("#files-empty").wait_for()
    await page.fill("#new-folder-name", "Rapports")
    await page.click("#new-folder")
    await page.locator("#files-list >> text=Rapports").click()
    await page.wait_for_url("**/files?folder=*")
    await wait_for(lambda: page.inner_text(".ws-crumbs"), lambda t: "Rapports" in t, what="path")

    big = tmp_path / "données.bin"
    big.write_bytes(os.urandom(12 << 20))  # two tus chunks
    small = tmp_path / "note.txt"
    small.write_text("Bonjour\n")
    assert await page.inner_text("#upload-button") == "Envoyer des fichiers"
    await page.set_input_files("#file-upload", [str(big), str(small)])
    await page.locator(".ws-upload progress").first.wait_for()
    await wait_for(lambda: page.locator(".ws-upload [role=status]").all_inner_texts(),
                   lambda s: s.count("Envoyé") == 2, what="both uploaded", timeout=120)  # fmt: skip
    await wait_for(lambda: names(page), lambda n: n == ["données.bin", "note.txt"], what="listed")
    row = page.locator("#files-list li", has_text="données.bin")
    file_id = await row.get_attribute("data-file")
    digest = hashlib.sha256(big.read_bytes()).hexdigest()
    assert await page.evaluate(DIGEST_JS, file_id) == digest
    await assert_fits_phone(page, "the files page")
    await assert_axe_clean(page, "the files page")

    # Rename, then to the trash and back.
    note = page.locator("#files-list li", has_text="note.txt")
    await note.locator("button[aria-haspopup=menu]").click()
    await page.locator("[role=menuitem]", has_text="Renommer").click()
    await note.locator("input[id^=rename]").fill("lisez-moi.txt")
    await note.locator("button[type=submit]").click()
    await wait_for(lambda: names(page), lambda n: "lisez-moi.txt" in n, what="renamed")
    renamed = page.locator("#files-list li", has_text="lisez-moi.txt")
    await renamed.locator("button[aria-haspopup=menu]").click()
    await page.locator("[role=menuitem]", has_text="Mettre à la corbeille").click()
    await wait_for(lambda: names(page), lambda n: n == ["données.bin"], what="trashed")
    await page.click("#files-trash-link")
    await page.locator("#files-trash >> text=lisez-moi.txt").wait_for()
    await page.locator("#files-trash button", has_text="Restaurer").click()
    await page.locator("text=La corbeille est vide.").wait_for()
    await page.goto(f"{base}/spaces/{space}/files")
    await wait_for(lambda: names(page), lambda n: n == ["Rapports"], what="the top")
    assert console.errors == [], console.errors
    await ctx.close()


DROP_JS = """() => {
  const data = new DataTransfer();
  data.items.add(new File(['posé là'], 'déposé.txt', {type: 'text/plain'}));
  const zone = document.querySelector('section.ws-files');
  for (const type of ['dragenter', 'dragover', 'drop']) {
    zone.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
  }
}"""


def png_bytes(color: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (900, 600), color).save(out, "PNG")
    return out.getvalue()


async def test_folders_previews_and_selection(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    """A folder uploaded with what it holds (progress shown), an image's thumbnail in the
    grid and its preview in a dialog, two files selected (the second by shift-click) and
    put in the trash together; in French at phone width, keyboard and axe checked."""
    add_account(tmp_path / "data", "alice", "Alice Martin")
    server = server_factory()
    base = server.http_url
    ctx, page, console = await signed_in(browser, base, "alice", locale="fr-FR",
                                         viewport={"width": 390, "height": 844})  # fmt: skip
    space = await page.evaluate(SPACE_JS)
    await page.goto(f"{base}/spaces/{space}/files")
    await page.locator("#files-empty").wait_for()
    assert "pas analysés par un antivirus" in await page.inner_text("#files-no-scanner")

    # A folder with a sub-folder, from the folder picker (each file knows its path).
    album = tmp_path / "Album"
    (album / "Été").mkdir(parents=True)
    (album / "plage.png").write_bytes(png_bytes((20, 90, 200)))
    (album / "Été" / "soleil.png").write_bytes(png_bytes((230, 180, 20)))
    (album / "légende.txt").write_text("<b>pas du HTML</b> " + "x" * 2000)
    (album / "a.bin").write_bytes(os.urandom(9 << 20))  # two tus chunks: progress seen
    assert await page.inner_text("#upload-folder-button") == "Envoyer un dossier"
    await page.set_input_files("#folder-upload", str(album))
    await page.locator(".ws-upload progress").first.wait_for()
    await wait_for(lambda: page.locator(".ws-upload [role=status]").all_inner_texts(),
                   lambda s: s.count("Envoyé") == 4, what="all uploaded", timeout=120)  # fmt: skip
    await wait_for(lambda: names(page), lambda n: n == ["Album"], what="the folder")
    await page.locator("#files-list >> text=Album").click()
    await page.wait_for_url("**/files?folder=*")
    await wait_for(lambda: names(page),
                   lambda n: n == ["Été", "a.bin", "légende.txt", "plage.png"],
                   what="its items")  # fmt: skip

    # The grid: the image's thumbnail, drawn by the server.
    await page.click("#files-grid")
    assert await page.get_attribute("#files-grid", "aria-pressed") == "true"
    beach = page.locator("#files-list li", has_text="plage.png")
    thumb = beach.locator("img.ws-thumb")
    await wait_for(lambda: thumb.evaluate("i => i.complete && i.naturalWidth"),
                   lambda w: w == 256, what="the thumbnail")  # fmt: skip
    await assert_fits_phone(page, "the files grid")
    await assert_axe_clean(page, "the files grid")
    # Its preview, opened from the keyboard; Escape closes it.
    await beach.locator("button.ws-file-open").focus()
    await page.keyboard.press("Enter")
    dialog = page.locator("dialog[open]")
    await dialog.locator("#preview-image").wait_for()
    await wait_for(lambda: dialog.locator("#preview-image").evaluate("i => i.naturalWidth"),
                   lambda w: w == 900, what="the large preview")  # fmt: skip
    assert "Non analysé (aucun antivirus configuré)" in await dialog.inner_text()
    await assert_axe_clean(page, "the preview dialog")
    await page.keyboard.press("Escape")
    await dialog.wait_for(state="detached")
    # A text shows as text, never as markup.
    await (
        page.locator("#files-list li", has_text="légende.txt")
        .locator("button.ws-file-open")
        .click()
    )
    text = page.locator("#preview-text")
    await text.wait_for()
    assert (await text.inner_text()).startswith("<b>pas du HTML</b>")
    await page.click("#preview-close")

    # Sorted by size, then two files selected with a shift-click, and put in the trash.
    await page.select_option("#files-sort", "-size")
    await wait_for(lambda: names(page), lambda n: n[:2] == ["Été", "a.bin"], what="by size")
    await page.click("#files-list-view")
    order = await names(page)
    first, second = order[2:]  # the text and the image, in their sizes' order
    await page.locator("#files-list li", has_text=first).locator("input[type=checkbox]").click()
    await (
        page.locator("#files-list li", has_text=second)
        .locator("input[type=checkbox]")
        .click(modifiers=["Shift"])
    )
    assert await page.inner_text("#files-selected") == "2 éléments sélectionnés"
    zip_href = await page.get_attribute("#selection-zip", "href")
    assert zip_href and zip_href.count(",") == 1
    await page.click("#selection-trash")
    await wait_for(lambda: names(page), lambda n: n == ["Été", "a.bin"], what="trashed")
    trashed = await page.evaluate(
        "async (s) => (await (await fetch(`/api/spaces/${s}/files/trash`)).json())"
        ".map((i) => i.name).sort()", space)  # fmt: skip
    assert trashed == sorted([first, second])
    # A file dropped on the page goes into the folder shown.
    await page.evaluate(DROP_JS)
    await wait_for(lambda: names(page), lambda n: "déposé.txt" in n, what="the dropped file")
    assert console.errors == [], console.errors
    await ctx.close()


SHARE_JS = """async ([space, password, mode, name]) => {
  const csrf = (await (await fetch('/api/me')).json()).csrf;
  const headers = {'Content-Type': 'application/json', 'X-CSRF-Token': csrf};
  const box = await (await fetch(`/api/spaces/${space}/files/folders`, {method: 'POST',
    headers, body: JSON.stringify({name})})).json();
  await fetch(`/api/spaces/${space}/files/upload?name=compte-rendu.txt&parent=${box.id}`,
    {method: 'POST', headers: {'X-CSRF-Token': csrf}, body: 'Réunion du lundi'});
  if (!mode) return [box.id, null];
  const link = await (await fetch(`/api/files/${box.id}/shares`, {method: 'POST', headers,
    body: JSON.stringify(password ? {mode, password} : {mode})})).json();
  return [box.id, link.path];
}"""


FILE_SHARE_JS = """async ([space, b64, password]) => {
  const csrf = (await (await fetch('/api/me')).json()).csrf;
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const file = await (await fetch(`/api/spaces/${space}/files/upload?name=plan.bin`,
    {method: 'POST', headers: {'X-CSRF-Token': csrf}, body: bytes})).json();
  const link = await (await fetch(`/api/files/${file.id}/shares`, {method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
    body: JSON.stringify({mode: 'read', password})})).json();
  return link.path;
}"""


async def unlock(visitor: Any, url: str, wrong: str, right: str) -> None:
    """Open a share link: the wrong password is refused with its message, then the right one."""
    await visitor.goto(url)
    await visitor.fill("#share-password", wrong)
    await visitor.click("#share-open")
    await visitor.locator("text=Mot de passe incorrect.").wait_for()
    await visitor.fill("#share-password", right)
    await visitor.click("#share-open")


async def test_a_share_link_opened_without_an_account(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    add_account(tmp_path / "data", "alice", "Alice Martin")
    server = server_factory()
    base = server.http_url
    ctx, page, _ = await signed_in(browser, base, "alice")
    space = await page.evaluate(SPACE_JS)
    public, _ = await page.evaluate(SHARE_JS, [space, None, None, "Public"])
    box, drop_path = await page.evaluate(SHARE_JS, [space, None, "upload", "Dépôt"])
    # Alice makes the read link on the files page: a password, the default expiry.
    await page.goto(f"{base}/spaces/{space}/files")
    row = page.locator("#files-list li", has_text="Public")
    await row.locator("button[aria-haspopup=menu]").click()
    await page.locator("[role=menuitem]", has_text="Share a link").click()
    await page.fill(f"#share-password-{public}", "sésame")
    await page.click(f"#share-make-{public}")
    link = page.locator(f"#share-url-{public}")
    await link.wait_for()
    read_url = await link.input_value()
    assert read_url.startswith(base + "/s/pls_")
    read_path = read_url.removeprefix(base)

    # A second browser, no account, phone width: the password, then the folder's file.
    v_ctx, visitor, console = await person(browser, "visitor", locale="fr-FR",
                                           viewport={"width": 390, "height": 844})  # fmt: skip
    await unlock(visitor, base + read_path, "mauvais", "sésame")
    await visitor.locator("#shared-list >> text=compte-rendu.txt").wait_for()
    async with visitor.expect_download() as info:
        await visitor.locator("#shared-list button", has_text="Télécharger").click()
    saved = await (await info.value).path()
    assert await asyncio.to_thread(Path(saved).read_text) == "Réunion du lundi"
    await assert_fits_phone(visitor, "a share link's page")
    await assert_axe_clean(visitor, "a share link's page")

    # A drop box: the visitor sends a file; Alice finds it in the folder.
    dropped = tmp_path / "pièce.txt"
    dropped.write_text("pour vous")
    await visitor.goto(base + drop_path)
    await visitor.set_input_files("#drop-files", str(dropped))
    await visitor.locator("#drop-sent >> text=pièce.txt").wait_for()
    names_in_box = await page.evaluate(
        "async ([s, b]) => (await (await fetch(`/api/spaces/${s}/files?folder=${b}`)).json())"
        ".items.map((i) => i.name)",
        [space, box],
    )
    assert sorted(names_in_box) == ["compte-rendu.txt", "pièce.txt"]
    # A file (not a folder) behind a password: refused with the wrong one, the same bytes
    # with the right one.
    data = os.urandom(300_000)
    file_path = await page.evaluate(FILE_SHARE_JS, [space, base64.b64encode(data).decode(),
                                                    "clé-secrète"])  # fmt: skip
    await unlock(visitor, base + file_path, "pas-la-bonne", "clé-secrète")
    async with visitor.expect_download() as info:
        await visitor.click("#shared-download")
    saved = await (await info.value).path()
    assert await asyncio.to_thread(Path(saved).read_bytes) == data
    # Alice sees the read link's use (opening its panel again), and revokes it: the visitor's
    # page says so.
    await row.locator(".ws-shares button", has_text="Close").click()
    await row.locator("button[aria-haspopup=menu]").click()
    await page.locator("[role=menuitem]", has_text="Share a link").click()
    await wait_for(lambda: row.locator(".ws-shares").inner_text(),
                   lambda t: "1 downloads" in t, what="the download counted")  # fmt: skip
    await row.locator(".ws-shares button", has_text="Revoke").click()
    await row.locator("text=Revoked").wait_for()
    await visitor.goto(base + read_path)
    await visitor.locator("text=Ce lien ne fonctionne pas").wait_for()
    # The only errors: the refusals before the right password (the link asks for it).
    refusals = ("status of 403", "status of 410")
    assert [e for e in console.errors if not any(r in e for r in refusals)] == [], console.errors
    await v_ctx.close()
    await ctx.close()
