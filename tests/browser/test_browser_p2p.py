"""Peer-to-peer for two in Chromium: two people's media goes from one browser to the other
without the SFU, the meeting goes on through the SFU when a third joins, and back to direct
when two remain."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from typing import Any

import pytest
from browser_helpers import assert_media_flowing, join_from_home, meet, my_id, new_page, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Decoded frames of the other's camera on the direct connection, and whether its tile shows
# that connection's track.
DIRECT_JS = """async ([peer, source]) => {
  const p = window.__palabre;
  const video = document.querySelector(
    `#tiles li.tile[data-participant="${peer}"][data-source="${source}"] video`);
  const shown = video && video.srcObject && video.srcObject.getVideoTracks()[0];
  const out = {active: p.p2pActive, open: !!p.p2p, frames: 0, tileDirect: false,
               tileLive: !!shown && shown.readyState === "live",
               painted: video ? video.getVideoPlaybackQuality().totalVideoFrames : 0};
  if (!p.p2p) return out;
  const ids = p.p2p.getReceivers().map((r) => r.track.id);
  out.tileDirect = !!shown && ids.includes(shown.id);
  (await p.p2p.getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" && s.trackIdentifier === (shown && shown.id))
      out.frames += s.framesDecoded || 0;
  });
  return out;
}"""


async def direct(page: Any, peer: str, source: str = "camera") -> dict[str, Any]:
    state: dict[str, Any] = await page.evaluate(DIRECT_JS, [peer, source])
    return state


@pytest.fixture
def p2p_server(server_factory: Callable[..., Any]) -> Any:
    return server_factory("--p2p")


async def test_two_meet_directly_and_a_third_brings_the_sfu(browser: Any, p2p_server: Any) -> None:
    base = p2p_server.http_url
    ada, bob = await meet(browser, base, "tete-a-tete", "Ada", "Bob")
    ids = {"ada": await my_id(ada), "bob": await my_id(bob)}

    # Each shows the other's camera from the direct connection, its frames decoding.
    for page, peer in ((ada, ids["bob"]), (bob, ids["ada"])):
        await wait_for(
            lambda page=page, peer=peer: direct(page, peer),
            lambda s: s["active"] and s["tileDirect"] and s["frames"] > 0,
            timeout=30,
            what="the other's video on the direct connection",
        )
    first = p2p_server.health()
    before = {
        name: await direct(page, ids[other])
        for name, page, other in (("ada", ada, "bob"), ("bob", bob, "ada"))
    }
    await asyncio.sleep(3)
    after = {
        name: await direct(page, ids[other])
        for name, page, other in (("ada", ada, "bob"), ("bob", bob, "ada"))
    }
    for name in ("ada", "bob"):
        assert after[name]["frames"] > before[name]["frames"], f"{name}'s video stalled"
        assert after[name]["painted"] > before[name]["painted"], f"{name}'s tile stalled"
    # Nothing went through the SFU: nothing forwarded, nothing more received.
    second = p2p_server.health()
    assert first["packets_forwarded"] == second["packets_forwarded"] == 0, second
    assert second["packets_received"] == first["packets_received"], (first, second)
    assert second["media_connections"] == 4  # the SFU connections stay up meanwhile
    # The direct connection uses host candidates (loopback here), no relay.
    pair = await ada.evaluate(
        """async () => {
          const stats = await window.__palabre.p2p.getStats();
          let pair = null;
          stats.forEach((s) => { if (s.type === "transport") pair = s.selectedCandidatePairId; });
          const chosen = pair && stats.get(pair);
          return chosen ? [stats.get(chosen.localCandidateId).candidateType,
                           stats.get(chosen.remoteCandidateId).candidateType] : null;
        }"""
    )
    assert pair is not None and pair[0] == "host", pair

    # Ada shares her screen: Bob shows it from the direct connection too, decoding.
    await ada.click("#toggle-screen")
    await ada.wait_for_selector('#tiles li.tile[data-local="true"][data-source="screen"]')
    shared = await wait_for(
        lambda: direct(bob, ids["ada"], "screen"),
        lambda s: s["tileDirect"] and s["frames"] > 0,
        timeout=30,
        what="Ada's screen on the direct connection",
    )
    await wait_for(
        lambda: direct(bob, ids["ada"], "screen"),
        lambda s: s["frames"] > shared["frames"],
        what="Ada's screen decoding on",
    )
    await ada.click("#toggle-screen")
    await bob.wait_for_selector(
        f'#tiles li.tile[data-participant="{ids["ada"]}"][data-source="screen"]', state="detached"
    )
    assert p2p_server.health()["packets_forwarded"] == 0

    # Chloé joins: Ada's tile of Bob never goes blank while both switch to the SFU.
    samples: list[tuple[float, dict[str, Any]]] = []
    stop = asyncio.Event()

    async def watch() -> None:
        while not stop.is_set():
            samples.append((time.monotonic(), await direct(ada, ids["bob"])))
            await asyncio.sleep(0.1)

    watcher = asyncio.create_task(watch())
    chloe, _ = await new_page(browser, "Chloé")
    await join_from_home(chloe, base, "tete-a-tete", "Chloé")
    ids["chloe"] = await my_id(chloe)
    for page, peer in ((ada, ids["bob"]), (bob, ids["ada"])):
        await wait_for(
            lambda page=page, peer=peer: direct(page, peer),
            lambda s: not s["active"] and not s["open"],
            timeout=30,
            what="the switch to the SFU",
        )
    await asyncio.sleep(1)
    stop.set()
    await watcher
    assert all(s["tileLive"] for _, s in samples), "Bob's tile lost its video"
    # Frames kept being painted (a count that starts again when the tile takes the SFU's
    # track): a loaded machine may pause a moment, never for long.
    longest = run = 0.0
    for (t0, s0), (t1, s1) in itertools.pairwise(samples):
        run = run + (t1 - t0) if s1["painted"] == s0["painted"] else 0.0
        longest = max(longest, run)
    assert longest < 5.0, f"Bob's tile froze for {longest:.1f} s during the switch"

    # All three see each other's video, through the SFU now.
    pages = {"ada": ada, "bob": bob, "chloe": chloe}
    for name, page in pages.items():
        await assert_media_flowing(page, sorted(ids[n] for n in pages if n != name))
    assert p2p_server.health()["packets_forwarded"] > 0

    # Chloé leaves: the two go back to direct, and the SFU forwards nothing once they have.
    # (A click event: a page that is not in front may get no animation frame for the
    # click's stability check; leaving by the button is tested in test_browser_meeting.py.)
    await chloe.dispatch_event("#leave", "click")
    for page, peer in ((ada, ids["bob"]), (bob, ids["ada"])):
        await wait_for(
            lambda page=page, peer=peer: direct(page, peer),
            lambda s: s["active"] and s["tileDirect"] and s["frames"] > 0,
            timeout=30,
            what="the return to the direct connection",
        )
    await asyncio.sleep(4)  # past the grace during which the SFU still carries it
    held = p2p_server.health()
    await asyncio.sleep(2)
    for page, peer in ((ada, ids["bob"]), (bob, ids["ada"])):
        assert (await direct(page, peer))["active"], "went back to the SFU"
    assert p2p_server.health()["packets_forwarded"] == held["packets_forwarded"]
    await assert_media_flowing(ada, [ids["bob"]])
    await assert_media_flowing(bob, [ids["ada"]])
