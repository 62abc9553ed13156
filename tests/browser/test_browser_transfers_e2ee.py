"""An end-to-end encrypted transfer in a real browser, in French: Alice ticks "encrypt", her
browser encrypts the file (two tus chunks, many records) and its name; her page shows Bob's
complete link with the key in its fragment and the file's status "not scanned: end-to-end
encrypted"; what the server stored is not the file. Bob, at phone width (390x844) in a
second browser, opens the complete link, downloads (streamed through the service worker),
and the decrypted bytes are the file's;
the e-mailed link (no fragment) asks him for the key."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from workspace_helpers import (
    alice_sends,
    assert_axe_clean,
    assert_fits_phone,
    person,
    send_encrypted,
)

pytestmark = pytest.mark.browser

PHONE: dict[str, Any] = {"locale": "fr-FR", "viewport": {"width": 390, "height": 844}}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Any) -> str:
    return digest(Path(path).read_bytes())


async def test_an_encrypted_transfer_decrypts_for_its_recipient(
    browser: Any, server_factory: Callable[..., Any], smtp: Any, tmp_path: Path
) -> None:
    ctx, alice, console = await alice_sends(browser, server_factory, smtp, tmp_path,
                                            {"locale": "fr-FR"})  # fmt: skip
    data = tmp_path / "data"
    plain = os.urandom((9 << 20) + 123)  # past one 8 MiB tus chunk, a record cut between
    sent = tmp_path / "bilan secret.bin"
    sent.write_bytes(plain)
    full = await send_encrypted(alice, sent, "bob@example.org")
    assert re.search(r"/t/plt_[\w-]+#[\w-]{22}$", full), full
    item = alice.locator(".ws-transfer", has_text="bilan secret.bin")  # its name, opened here
    await item.wait_for()
    assert "non analysé : chiffré de bout en bout" in await item.inner_text()
    await assert_axe_clean(alice, "the sender's page with the complete links")
    stored = [p.read_bytes() for p in (data / "blobs").rglob("*") if p.is_file()]
    assert len(stored) == 1 and digest(stored[0]) != digest(plain)
    assert plain[:4096] not in stored[0]

    body = smtp.wait_for("bob@example.org").get_body(("plain",)).get_content()
    mailed = re.search(r"https?://\S+/t/plt_[\w-]+", body)
    assert mailed and full.startswith(mailed.group(0) + "#"), (body, full)
    bob_ctx, bob, bob_console = await person(browser, "bob", accept_downloads=True, **PHONE)
    await bob.goto(full)
    button = bob.locator("[data-file='bilan secret.bin']")
    await button.wait_for()
    # Once the service worker controls the page, the decrypted file streams through it to
    # the downloads (pwa/download.ts), not through a Blob held whole.
    await bob.wait_for_function("() => navigator.serviceWorker.controller !== null")
    async with bob.expect_download(timeout=60_000) as info:
        await button.click()
    download = await info.value
    assert "/_download/" in download.url, download.url
    assert download.suggested_filename == "bilan secret.bin"
    assert file_digest(await download.path()) == digest(plain)
    await assert_fits_phone(bob, "the encrypted transfer's page")
    await assert_axe_clean(bob, "the encrypted transfer's page")

    await bob.goto("about:blank")
    await bob.goto(mailed.group(0))  # the e-mail's link: no key
    prompt = bob.locator("#received-key")
    await prompt.wait_for()
    assert "ne contient pas la clé" in await prompt.inner_text()
    await bob.fill("#received-key-input", full)  # the complete link pasted opens it
    await bob.click("#received-key button")
    await button.wait_for()
    await assert_fits_phone(bob, "the key prompt")
    await bob_ctx.close()
    await ctx.close()
    assert console.errors == [] and bob_console.errors == [], (console.errors, bob_console.errors)
