"""A moderator's network drops for 8 s, or for 30 s (past the consent timeout): she comes back
as the same participant, still moderator, and media flows again both ways. Or only UDP is
lost, the WebSocket (TCP) staying up: her page restarts ICE and does not join again.

Ada (Chromium) sits behind the router namespace, whose forwarding nftables drops everything
for the outage; Bob (Chromium) sits next to the server. The server runs with a 10 s consent
timeout, so that the 8 s drop stays within it and the 30 s one goes past it; the 60 s resume
grace covers both (docs/protocol.md, "Resuming after a drop"). After the 8 s drop the page may
come back within the same session (consent checks resuming, or an ICE restart once its
WebSocket answers again) or resume on a new WebSocket: either way she must come back as
herself, the two paths not tripping over each other.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from browser_helpers import (
    Console,
    assert_media_flowing,
    join_from_home,
    my_id,
    new_page,
    wait_for,
)

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


async def media_back(page: Any, participants: list[str], timeout: float = 40) -> None:
    """Both connections connected again, then frames and audio rising (a new path may take a
    keyframe or two before the decoder goes on)."""
    await wait_for(
        lambda: page.evaluate(
            "[window.__palabre.pub?.connectionState, window.__palabre.sub?.connectionState]"
        ),
        lambda states: states == ["connected", "connected"],
        timeout=timeout,
        what="both peer connections connected",
    )
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            await assert_media_flowing(page, participants)
            return
        except AssertionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(1)


def page_story(console: Console) -> str:
    """What the page said of its connection (for a failure's report)."""
    return "\n".join(line for line in console.lines if "palabre:" in line)


@dataclass
class Meeting:
    """Ada behind the router, Bob beside the server, both in one room, media both ways."""

    server: Any
    router_ns: str
    client_ns: str
    ada: Any
    bob: Any
    ada_console: Console
    ada_id: str
    bob_id: str


@asynccontextmanager
async def ada_and_bob(
    lab: Lab, playwright: Any, room: str, *server_args: str
) -> AsyncIterator[Meeting]:
    server_ns, router_ns, client_ns, up, _down = lab.path()
    server = lab.serve(server_ns, up.a_addr, *server_args)
    ada_browser = await launch_in(playwright, lab, client_ns, server.http_url)
    bob_browser = await launch_in(playwright, lab, server_ns, server.http_url)
    ada_console: Console | None = None
    try:
        ada, ada_console = await new_page(ada_browser, "Ada")
        bob, _ = await new_page(bob_browser, "Bob")
        await join_from_home(ada, server.http_url, room, "Ada")
        await join_from_home(bob, server.http_url, room, "Bob")
        ada_id, bob_id = await my_id(ada), await my_id(bob)
        await assert_media_flowing(bob, [ada_id])
        await assert_media_flowing(ada, [bob_id])
        yield Meeting(server, router_ns, client_ns, ada, bob, ada_console, ada_id, bob_id)
    finally:
        if ada_console is not None:
            print(page_story(ada_console))
        await ada_browser.close()
        await bob_browser.close()


@pytest.mark.parametrize("seconds", [8, 30])
async def test_moderator_returns_as_herself_after_a_drop(
    lab: Lab, playwright: Any, seconds: int
) -> None:
    async with ada_and_bob(lab, playwright, f"drop-{seconds}", "--consent-timeout", "10") as m:
        ada, bob, ada_id, bob_id = m.ada, m.bob, m.ada_id, m.bob_id
        assert await ada.evaluate("window.__palabre.you.role") == "moderator"

        outage(lab, m.router_ns, True)
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
            outage(lab, m.router_ns, False)

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
        # Back with her id: by a resume or, when the network returned in time, by the same
        # session (an ICE restart or consent checks resuming); the video may take a keyframe or
        # two from then on.
        await media_back(bob, [ada_id])
        await media_back(ada, [bob_id])
        print(
            f"Ada after the {seconds} s drop:",
            await ada.evaluate(
                "({iceRestarts: window.__palabre.iceRestarts, joins: window.__palabre.joins})"
            ),
        )


async def test_udp_lost_mid_meeting_restarts_ice_without_a_new_join(
    lab: Lab, playwright: Any
) -> None:
    """Only the media path breaks: UDP is dropped in and out of Ada's namespace while her
    WebSocket, on TCP, lives. Her page sees its connections fail, finds the WebSocket alive
    (a ping answered) and restarts ICE instead of joining again; UDP comes back, and media
    flows both ways again with the same participant, one `joined` and no resume."""
    async with ada_and_bob(lab, playwright, "ice-restart") as m:
        ada, bob, ada_id, bob_id = m.ada, m.bob, m.ada_id, m.bob_id
        assert await ada.evaluate("window.__palabre.joins") == 1
        assert await ada.evaluate("window.__palabre.iceRestarts") == 0

        lab.block_udp(m.client_ns)
        try:
            await wait_for(
                lambda: ada.evaluate("window.__palabre.iceRestarts"),
                lambda n: n >= 1,
                timeout=40,
                what="Ada's page restarting ICE",
            )
            await asyncio.sleep(2)  # the restart under way while UDP is still blocked
        finally:
            lab.unblock_udp(m.client_ns)

        await media_back(ada, [bob_id])
        await media_back(bob, [ada_id])
        assert await ada.evaluate("window.__palabre.iceRestarts") >= 1
        assert await ada.evaluate("window.__palabre.joins") == 1, page_story(m.ada_console)
        assert await ada.evaluate("window.__palabre.session.reconnects") == 0
        assert await my_id(ada) == ada_id
        assert await ada.evaluate("window.__palabre.you.role") == "moderator"
        assert await ada.evaluate("document.querySelector('.meeting').dataset.status") == (
            "connected"
        )
        assert "participant resumed" not in m.server.log()
        print("Ada's ICE restarts:", await ada.evaluate("window.__palabre.iceRestarts"))


def media_blocked(lab: Lab, ns: str, on: bool) -> None:
    """Drop the media in and out of `ns`, UDP and ICE-TCP (port 10000), and nothing else: the
    WebSocket, on the web port, lives."""
    if on:
        rules = "meta l4proto udp drop; tcp dport 10000 drop; tcp sport 10000 drop;"
        ruleset = (
            "table inet palabre_media {\n"
            f" chain in {{ type filter hook input priority 0; {rules} }}\n"
            f" chain out {{ type filter hook output priority 0; {rules} }}\n"
            "}\n"
        )
        subprocess.run(
            ["ip", "netns", "exec", ns, "nft", "-f", "-"],
            input=ruleset, text=True, check=True, capture_output=True, timeout=30,
        )  # fmt: skip
    else:
        lab.exec(ns, "nft", "delete", "table", "inet", "palabre_media")


async def test_an_ice_restart_that_cannot_connect_gives_way_to_a_resume(
    lab: Lab, playwright: Any
) -> None:
    """The two paths one after the other: the media path is lost (UDP and ICE-TCP) while the
    WebSocket answers, so the page restarts ICE; the restart cannot connect either, so once its
    grace is over the page gives it up and resumes on a new WebSocket. The resumed session
    negotiates afresh, undisturbed by anything of the abandoned restart, and when the media
    path comes back Ada is herself again: same id, still moderator, media both ways."""
    async with ada_and_bob(lab, playwright, "restart-gives-way") as m:
        ada, bob, ada_id, bob_id = m.ada, m.bob, m.ada_id, m.bob_id

        media_blocked(lab, m.client_ns, True)
        try:
            await wait_for(
                lambda: ada.evaluate("window.__palabre.iceRestarts"),
                lambda n: n >= 1,
                timeout=40,
                what="Ada's page restarting ICE",
            )
            await wait_for(
                lambda: ada.evaluate("window.__palabre.joins"),
                lambda n: n >= 2,
                timeout=40,
                what="Ada's page giving the restart up and resuming",
            )
        finally:
            media_blocked(lab, m.client_ns, False)

        await ada.wait_for_selector(".meeting[data-status=connected]", timeout=60_000)
        assert await my_id(ada) == ada_id
        assert await ada.evaluate("window.__palabre.you.role") == "moderator"
        await wait_for(
            lambda: tile_state(bob, ada_id),
            lambda s: s == "false",
            timeout=30,
            what="Ada's tile back to normal on Bob's page",
        )
        await media_back(bob, [ada_id])
        await media_back(ada, [bob_id])
        assert "participant resumed" in m.server.log()
        story = page_story(m.ada_console)
        assert "the ICE restart did not connect" in story, story
