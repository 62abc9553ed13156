"""Video quality in Chromium: 720p capture, three simulcast layers, the layer received per
setting, and the quality sent lowered in the settings."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from browser_helpers import join_from_home, join_from_prejoin, my_id, new_page, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The loopback bandwidth estimate ramps up from a few hundred kbit/s and the machine is shared:
# a layer change is given this long to show.
RAMP = 60.0

# What the camera sends: per simulcast rid, the frame width while it is active.
SENT_JS = """async () => {
  const out = {};
  (await window.__palabre.pub.getStats()).forEach((s) => {
    if (s.type === "outbound-rtp" && s.kind === "video" && s.rid)
      out[s.rid] = { width: s.frameWidth || 0, frames: s.framesEncoded || 0 };
  });
  return out;
}"""

# What arrives from one participant's camera: the decoded width and frame count.
RECEIVED_JS = """async (pid) => {
  const p = window.__palabre;
  const ids = new Set(p.remote.filter((r) => r.participant === pid && r.kind === "video"
    && r.source === "camera").map((r) => r.trackId));
  let best = { width: 0, frames: 0 };
  (await p.sub.getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video" && ids.has(s.trackIdentifier)
        && (s.framesDecoded || 0) >= best.frames)
      best = { width: s.frameWidth || 0, frames: s.framesDecoded || 0 };
  });
  const tile = document.querySelector(`#tiles li.tile[data-participant="${pid}"]`);
  const video = tile && tile.querySelector("video");
  return { ...best, tile: tile ? tile.className : null,
    videoShown: !!video && getComputedStyle(video).visibility !== "hidden"
      && getComputedStyle(video).display !== "none",
    avatarShown: !!tile && getComputedStyle(tile.querySelector(".avatar")).display !== "none" };
}"""


async def _received(page: Any, pid: str) -> dict[str, Any]:
    value: dict[str, Any] = await page.evaluate(RECEIVED_JS, pid)
    return value


async def _set_quality(page: Any, value: str) -> None:
    await page.select_option("#video-quality", value)


async def test_received_resolution_follows_the_setting(browser: Any, web_server: Any) -> None:
    base = web_server.http_url
    room = "quality-layers"
    size = {"width": 1280, "height": 800}
    ada, _ = await new_page(browser, "Ada", viewport=size, send=None)  # the default: high
    bob, _ = await new_page(browser, "Bob", viewport=size, send=None)
    await join_from_home(ada, base, room, "Ada")
    await bob.goto(f"{base}/{room}")
    await join_from_prejoin(bob, "Bob")
    ada_id = await my_id(ada)

    # The camera is captured at 720p and sent as three layers, the top one 1280 wide.
    sent = await wait_for(
        lambda: ada.evaluate(SENT_JS),
        lambda s: len(s) == 3 and all(v["frames"] > 0 for v in s.values()),
        timeout=RAMP,
        what="three simulcast layers encoded",
    )
    assert sorted(v["width"] for v in sent.values())[-1] == 1280, sent
    track = await ada.evaluate("window.__palabre.session.local.cam.getSettings()")
    assert (track["width"], track["height"]) == (1280, 720), track

    # High: at least the 640-wide layer in a two-person meeting's tile.
    await _set_quality(bob, "high")
    high = await wait_for(
        lambda: _received(bob, ada_id), lambda r: r["width"] >= 640, RAMP, "High: >= 640 wide"
    )
    assert high["videoShown"] and not high["avatarShown"], high

    # Low: the lowest layer, narrower.
    await _set_quality(bob, "low")
    low = await wait_for(
        lambda: _received(bob, ada_id), lambda r: 0 < r["width"] <= 320, RAMP, "Low: <= 320 wide"
    )
    assert low["width"] < high["width"]

    # Standard: above Low, no more than High.
    await _set_quality(bob, "standard")
    await wait_for(
        lambda: _received(bob, ada_id),
        lambda r: low["width"] < r["width"] <= high["width"],
        RAMP,
        "Standard: between Low and High",
    )

    # Audio only: the avatar instead of a frozen frame, and no more frames decoded.
    await _set_quality(bob, "off")
    off = await wait_for(
        lambda: _received(bob, ada_id),
        lambda r: not r["videoShown"] and r["avatarShown"],
        what="avatar shown",
    )
    await asyncio.sleep(2.0)  # what was in flight when the setting changed
    before = (await _received(bob, ada_id))["frames"]
    await asyncio.sleep(3.0)
    after = await _received(bob, ada_id)
    assert after["frames"] == before, (off, after)
    assert not after["videoShown"] and after["avatarShown"], after

    # Back to video: frames again, the avatar gone.
    await _set_quality(bob, "standard")
    await wait_for(
        lambda: _received(bob, ada_id),
        lambda r: r["frames"] > after["frames"] and r["videoShown"] and not r["avatarShown"],
        RAMP,
        "video back",
    )

    # Ada sends less (the settings' camera quality): captured again at 180p, one layer, and
    # remembered for the next meeting.
    await ada.click("#open-settings")
    await ada.select_option("#settings-send", "low")
    await wait_for(
        lambda: ada.evaluate("window.__palabre.session.local.cam.getSettings().height"),
        lambda h: h == 180,
        what="the camera captured at 180p",
    )
    await wait_for(
        lambda: ada.evaluate(SENT_JS),
        lambda s: max((v["width"] for v in s.values() if v["frames"]), default=0) == 320,
        timeout=RAMP,
        what="nothing wider than 320 sent",
    )
    prefs = await ada.evaluate("JSON.parse(localStorage.getItem('palabre.devices'))")
    assert prefs["send"] == "low", prefs
