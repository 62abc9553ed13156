"""Export and import in the browser: Alice writes a document, downloads it from the Export
menu as DOCX (and sees the other formats offered), imports the file back from the documents
page, and the new page opens in the editor with her heading, list and text."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import wait_for
from test_browser_documents import SETUP_JS, editor_html
from workspace_helpers import (
    add_account,
    assert_axe_clean,
    assert_fits_phone,
    signed_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("pandoc") is None, reason="needs pandoc"),
]


async def test_export_then_import_in_the_page(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path
) -> None:
    add_account(tmp_path / "data", "alice", "Alice Martin")
    add_account(tmp_path / "data", "bob", "Bob Durand")
    server = server_factory()
    base = server.http_url
    ctx, alice, console = await signed_in(browser, base, "alice", accept_downloads=True)
    space = await alice.evaluate(SETUP_JS)
    await alice.goto(f"{base}/spaces/{space}/documents")
    await alice.fill("#new-doc-title", "Compte rendu")
    await alice.click("#new-doc")
    await alice.locator(".ws-editor-body").wait_for()
    await alice.click(".ws-editor-body")
    await alice.click("#tb-heading")
    await alice.keyboard.type("Décisions")
    await alice.keyboard.press("Enter")
    await alice.click("#tb-tasks")
    await alice.keyboard.type("Voter le budget")
    await wait_for(lambda: alice.inner_text("#doc-status"), lambda s: s == "Saved", what="saved")

    await alice.click("#export-menu summary")
    for fmt in ("pdf", "odt", "docx", "md", "html"):
        await alice.locator(f"#export-{fmt}").wait_for()
    await assert_axe_clean(alice, "the export menu")
    async with alice.expect_download() as got:
        await alice.click("#export-docx")
    download = await got.value
    assert download.suggested_filename == "Compte rendu.docx"
    saved = tmp_path / "Compte rendu.docx"
    await download.save_as(saved)

    await alice.goto(f"{base}/spaces/{space}/documents")
    await alice.locator("#import-doc").wait_for()
    await alice.set_input_files("#import-file", str(saved))
    await alice.wait_for_url("**/documents/*")
    await alice.locator(".ws-editor-body").wait_for()
    await wait_for(lambda: editor_html(alice),
                   lambda h: "<h2>Décisions</h2>" in h and "Voter le budget" in h
                   and 'data-type="taskList"' in h, what="the imported page")  # fmt: skip
    assert await alice.inner_text("#doc-title") == "Compte rendu"
    await alice.set_viewport_size({"width": 390, "height": 844})
    await alice.click("#export-menu summary")
    await alice.locator("#export-pdf").wait_for()
    await assert_fits_phone(alice, "the export menu at phone width")
    assert console.csp_violations() == []
    await ctx.close()
