"""A moderator's network drops for 8 s, or for 30 s (past the consent timeout): she comes back
as the same participant, still moderator, and media flows again both ways.

Ada (Chromium) sits behind the router namespace, whose forwarding nftables drops everything
for the outage; Bob (Chromium) sits next to the server. The server runs with a 10 s consent
timeout, so that the 8 s drop stays within it and the 30 s one goes past it; the 60 s resume
grace covers both (docs/protocol.md, "Resuming after a drop").
"""

from __future__ import annotations

import asyncio
import subprocess
from typing import Any

import pytest
from browser_helpers import assert_media_flowing, join_from_home, my_id, new_page, wait_for

from netns import Lab, launch_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DROP = (
    "table inet palabre_outage {\n"
    " chain outage { type filter hook forward priority 0; policy drop; }\n"
    "}\n"
)


def outage(lab: Lab, router_ns: str, on: bool) -> None:
    if on:
        subprocess.run(
            ["ip", "netns", "exec", router_ns, "nft", "-f", "-"],
            input=DROP, text=True, check=True, capture_output=True, timeout=30,
        )  # fmt: skip
    else:
        lab.exec(router_ns, "nft", "delete", "table", "inet", "palabre_outage")


async def tile_state(page: Any, participant: str) -> str | None:
    state: str | None = await page.evaluate(
        """(p) => {
          const el = document.querySelector(
            `#tiles li.tile[data-local="false"][data-source="camera"][data-participant="${p}"]`);
          return el ? (el.dataset.reconnecting || "false") : null;
        }""",
        participant,
    )
    return state


@pytest.mark.parametrize("seconds", [8, 30])
async def test_moderator_returns_as_herself_after_a_drop(
    lab: Lab, playwright: Any, seconds: int
) -> None:
    server_ns, router_ns, client_ns, up, _down = lab.path()
    server = lab.serve(server_ns, up.a_addr, "--consent-timeout", "10")
    room = f"drop-{seconds}"
    ada_browser = await launch_in(playwright, lab, client_ns, server.http_url)
    bob_browser = await launch_in(playwright, lab, server_ns, server.http_url)
    try:
        ada, _ = await new_page(ada_browser, "Ada")
        bob, _ = await new_page(bob_browser, "Bob")
        await join_from_home(ada, server.http_url, room, "Ada")
        await join_from_home(bob, server.http_url, room, "Bob")
        ada_id, bob_id = await my_id(ada), await my_id(bob)
        assert await ada.evaluate("window.__palabre.you.role") == "moderator"
        await assert_media_flowing(bob, [ada_id])
        await assert_media_flowing(ada, [bob_id])

        outage(lab, router_ns, True)
        try:
            if seconds > 10:
                # Past the consent timeout the server knows she is gone: Bob's tile says
                # she is reconnecting, and her seat (and role) stays hers.
                await wait_for(
                    lambda: tile_state(bob, ada_id),
                    lambda s: s == "true",
                    timeout=seconds - 2,
                    what="Ada's tile reconnecting on Bob's page",
                )
                assert await bob.evaluate("window.__palabre.you.role") == "participant"
                await asyncio.sleep(max(0.0, seconds - 12))
            else:
                await asyncio.sleep(seconds)
        finally:
            outage(lab, router_ns, False)

        await wait_for(
            lambda: ada.evaluate("window.__palabre.you?.id ?? null"),
            lambda pid: pid == ada_id,
            timeout=60,
            what="Ada back with her id",
        )
        await ada.wait_for_selector(".meeting[data-status=connected]", timeout=60_000)
        assert await ada.evaluate("window.__palabre.you.role") == "moderator"
        assert await bob.evaluate("window.__palabre.you.role") == "participant"
        await wait_for(
            lambda: tile_state(bob, ada_id),
            lambda s: s == "false",
            timeout=30,
            what="Ada's tile back to normal on Bob's page",
        )
        await assert_media_flowing(bob, [ada_id])
        await assert_media_flowing(ada, [bob_id])
    finally:
        await ada_browser.close()
        await bob_browser.close()
