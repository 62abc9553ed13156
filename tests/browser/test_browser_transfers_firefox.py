"""An end-to-end encrypted transfer received in Firefox: Alice (Chromium) sends it, Firefox
opens the complete link, and the file it decrypts is streamed through the service worker to
its downloads folder (pwa/download.ts), not gathered into a Blob that Firefox would hold in
memory; the saved bytes are the file's."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from firefox import FirefoxPage
from workspace_helpers import alice_sends, send_encrypted

pytestmark = pytest.mark.browser

# Counts the Blob URLs the page makes: saving through a Blob would make one.
COUNT_BLOBS_JS = """() => {
  window.blobUrls = 0;
  const make = URL.createObjectURL;
  URL.createObjectURL = (object) => (window.blobUrls++, make.call(URL, object));
}"""

CONTROLLED_JS = """async () => {
  for (let i = 0; i < 150 && !navigator.serviceWorker.controller; i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return navigator.serviceWorker.controller !== null;
}"""


def finished(folder: Path, name: str, size: int) -> bytes | None:
    """The file if Firefox has finished writing it (it writes name.part first)."""
    target = folder / name
    done = target.exists() and not (folder / (name + ".part")).exists()
    return target.read_bytes() if done and target.stat().st_size == size else None


async def saved(folder: Path, name: str, size: int) -> bytes:
    for _ in range(600):
        got = await asyncio.to_thread(finished, folder, name, size)
        if got is not None:
            return got
        await asyncio.sleep(0.1)
    left = await asyncio.to_thread(lambda: sorted(p.name for p in folder.iterdir()))
    raise AssertionError(f"not saved: {left}")


async def test_firefox_streams_a_decrypted_transfer_to_its_downloads(
    browser: Any,
    server_factory: Callable[..., Any],
    smtp: Any,
    tmp_path: Path,
    firefox: FirefoxPage,
) -> None:
    assert firefox.downloads is not None
    ctx, alice, console = await alice_sends(browser, server_factory, smtp, tmp_path, {})
    plain = os.urandom((3 << 20) + 77)
    sent = tmp_path / "rapport chiffré.bin"
    sent.write_bytes(plain)
    link = await send_encrypted(alice, sent, "bob@example.org")

    await firefox.goto(link)
    button = f"[data-file='{sent.name}']"
    await firefox.wait_for_selector(button)
    assert await firefox.evaluate(CONTROLLED_JS), "no service worker controls the page"
    await firefox.evaluate(COUNT_BLOBS_JS)
    await firefox.click(button)
    got = await saved(firefox.downloads, sent.name, len(plain))
    assert hashlib.sha256(got).digest() == hashlib.sha256(plain).digest()
    await firefox.wait_for_selector(f"{button} ~ p[role=status]")
    assert await firefox.evaluate("() => window.blobUrls") == 0
    errors = [line for line in await firefox.console() if line.startswith(("error", "pageerror"))]
    assert errors == [], errors
    await ctx.close()
    assert console.errors == [], console.errors
