"""A large transfer in a real browser at phone width (390x844), in French: Alice sends a file
to Bob from her transfers page; Bob's link is read from the test SMTP server and opened in a
second browser without an account, the file downloaded (the bytes sent); Alice's page then
shows Bob's receipt and she gets the first-download e-mail. Then a voucher Alice makes lets
someone without an account send her a file."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import wait_for
from workspace_helpers import alice_sends, assert_axe_clean, assert_fits_phone, person

pytestmark = pytest.mark.browser


def digest(path: Any) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


PHONE: dict[str, Any] = {"locale": "fr-FR", "viewport": {"width": 390, "height": 844}}


async def test_send_a_transfer_and_see_the_receipt(
    browser: Any, server_factory: Callable[..., Any], smtp: Any, tmp_path: Path
) -> None:
    ctx, alice, console = await alice_sends(browser, server_factory, smtp, tmp_path, PHONE)
    sent = tmp_path / "rapport.bin"
    sent.write_bytes(os.urandom(3 << 20))
    await alice.set_input_files("#transfer-files", [str(sent)])
    await alice.fill("#transfer-to", "bob@example.org")
    await alice.fill("#transfer-message", "Le rapport, comme promis.")
    await alice.select_option("#transfer-days", "1")
    await alice.click("#transfer-send")
    item = alice.locator(".ws-transfer", has_text="rapport.bin")
    await item.wait_for()
    assert "pas encore ouvert" in await item.inner_text()
    await assert_fits_phone(alice, "the transfers page")
    await assert_axe_clean(alice, "the transfers page")

    body = smtp.wait_for("bob@example.org").get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/t/plt_[\w-]+", body)
    assert link, body
    bob_ctx, bob, bob_console = await person(browser, "bob", accept_downloads=True, **PHONE)
    await bob.goto(link.group(0))
    await bob.locator("h1", has_text="Alice Martin").wait_for()
    assert "Le rapport, comme promis." in await bob.inner_text("main, body")
    async with bob.expect_download() as info:
        await bob.click("[data-file='rapport.bin']")
    got = await (await info.value).path()
    assert digest(got) == digest(sent)
    await assert_fits_phone(bob, "the recipient's page")
    await assert_axe_clean(bob, "the recipient's page")

    assert "bob@example.org" in smtp.wait_for("alice@example.org")["subject"]
    await alice.reload()
    line = alice.locator(".ws-receipt", has_text="bob@example.org")
    await wait_for(line.inner_text, lambda t: "ouvert le" in t and "téléchargé le" in t,
                   what="Bob's receipt")  # fmt: skip

    # A voucher: Olga, without an account, sends Alice a file with it.
    await alice.click("#voucher-make")
    voucher = await alice.locator("#voucher-link").input_value()
    assert "/v/plv_" in voucher
    await bob.goto(voucher)
    await bob.fill("#voucher-name", "Olga")
    await bob.set_input_files("#voucher-files", [str(sent)])
    await bob.click("#voucher-send")
    await bob.locator("h1", has_text="Merci").wait_for()
    await assert_fits_phone(bob, "the voucher page")
    await assert_axe_clean(bob, "the voucher page")

    async def to_alice() -> list[str]:
        with smtp.lock:
            return [m["subject"] for r, m in smtp.messages if "alice@example.org" in r]

    await wait_for(to_alice, lambda s: any("Olga" in x for x in s), what="Olga's e-mail to Alice")
    await bob_ctx.close()
    await ctx.close()
    assert console.errors == [] and bob_console.errors == [], (console.errors, bob_console.errors)
