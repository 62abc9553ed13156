"""What a person does in the client, and what the tests read back from it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "client" / "node_modules" / "axe-core" / "axe.min.js"
STATIC_INDEX = ROOT / "src" / "palabre" / "web" / "static" / "index.html"

T = TypeVar("T")

# Per remote track shown (from the subscribe connection, or from the direct connection of a
# two-person meeting): who, what, and how much arrived.
REMOTE_STATS_JS = """async () => {
  const p = window.__palabre;
  if (!p || !p.sub) return [];
  const byTrack = {};
  for (const r of p.remote) byTrack[r.trackId] = r;
  const out = [];
  const reports = [await p.sub.getStats()];
  if (p.p2p) reports.push(await p.p2p.getStats());
  for (const report of reports) report.forEach((s) => {
    if (s.type !== "inbound-rtp") return;
    const r = byTrack[s.trackIdentifier];
    if (!r) return;
    out.push({
      participant: r.participant, source: r.source, kind: s.kind,
      packets: s.packetsReceived || 0, frames: s.framesDecoded || 0,
      energy: s.totalAudioEnergy || 0, samples: s.totalSamplesReceived || 0,
    });
  });
  return out;
}"""


async def wait_for(
    fn: Callable[[], Awaitable[T]],
    check: Callable[[T], bool],
    timeout: float = 20.0,
    what: str = "condition",
) -> T:
    """Polls fn until check(value) holds; fails with the last value seen."""
    deadline = time.monotonic() + timeout
    value = await fn()
    while not check(value):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last value: {value!r}")
        await asyncio.sleep(0.25)
        value = await fn()
    return value


class Console:
    """Collects a page's errors, CSP violations among them."""

    def __init__(self, page: Any, name: str) -> None:
        self.name = name
        self.errors: list[str] = []
        self.lines: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("console", self._on_console)

    def _on_console(self, msg: Any) -> None:
        self.lines.append(f"{msg.type}: {msg.text}")
        if msg.type == "error" or "Content Security Policy" in msg.text:
            self.errors.append(msg.text)

    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e]


# The camera quality sent, as the settings would have remembered it (only where nothing was).
SEND_JS = """(send) => { try {
  if (!localStorage.getItem('palabre.devices'))
    localStorage.setItem('palabre.devices', JSON.stringify({send}));
} catch (e) {} }"""


async def new_page(
    browser: Any, name: str, locale: str = "en-US", send: str | None = "standard", **kw: Any
) -> tuple[Any, Console]:
    """A page of its own context. Its camera sends `send` ("standard": 360p, two layers),
    not the default 720p in three layers, unless None: four pages encoding 720p saturate two
    cores (two meeting tests took 67 s side by side, 42 s at 360p)."""
    kw.setdefault("viewport", {"width": 960, "height": 600})
    ctx = await browser.new_context(locale=locale, **kw)
    if send is not None:
        await ctx.add_init_script(f"({SEND_JS})({json.dumps(send)})")
    page = await ctx.new_page()
    return page, Console(page, name)


STATE_JS = """() => {
  const p = window.__palabre;
  const s = p && p.session;
  return {
    status: document.querySelector('.meeting')?.dataset.status,
    banner: document.querySelector('#banner')?.textContent,
    ws: s && s.ws && s.ws.readyState, reconnects: s && s.reconnects,
    pub: p && p.pub && p.pub.connectionState, sub: p && p.sub && p.sub.connectionState,
  };
}"""


async def wait_connected(page: Any, timeout: float = 30_000) -> None:
    """The meeting is up: joined, and the publish connection connected."""
    try:
        await page.wait_for_selector(".meeting[data-status=connected]", timeout=timeout)
    except Exception as exc:
        state = await page.evaluate(STATE_JS)
        raise AssertionError(f"not connected: {state}") from exc


async def join_from_prejoin(page: Any, name: str) -> None:
    await page.wait_for_selector("#display-name")
    await page.fill("#display-name", name)
    await page.click("#join-meeting")
    await wait_connected(page)


async def join_room(page: Any, base: str, room: str, name: str) -> None:
    """Opens the meeting's link, then the prejoin page."""
    await page.goto(f"{base}/{room}")
    await join_from_prejoin(page, name)


async def join_from_home(page: Any, base: str, target: str, name: str) -> None:
    """Home page: type a meeting name, link or code, then the prejoin page."""
    await page.goto(base + "/")
    await page.fill("#join-target", target)
    await page.click("#join-button")
    await page.wait_for_selector("#display-name")
    await join_from_prejoin(page, name)


async def meet(browser: Any, base: str, room: str, *names: str) -> list[Any]:
    """A page per name, each joined to the room from the home page, in that order."""
    pages = [(await new_page(browser, name))[0] for name in names]
    for page, name in zip(pages, names, strict=True):
        await join_from_home(page, base, room, name)
    return pages


async def my_id(page: Any) -> str:
    pid: str = await page.evaluate("window.__palabre.you.id")
    return pid


async def remote_stats(page: Any) -> list[dict[str, Any]]:
    stats: list[dict[str, Any]] = await page.evaluate(REMOTE_STATS_JS)
    return stats


def by_key(stats: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Stats per (participant, source, kind), summed over SSRCs: a reused m-section keeps
    the stats of the stream it carried before."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for s in stats:
        key = (s["participant"], s["source"], s["kind"])
        acc = out.setdefault(key, {"packets": 0, "frames": 0, "energy": 0.0, "samples": 0})
        for field in ("packets", "frames", "energy", "samples"):
            acc[field] += s[field]
    return out


async def remote_tiles(page: Any, source: str = "camera") -> list[str]:
    ids: list[str] = await page.eval_on_selector_all(
        f'#tiles li.tile[data-local="false"][data-source="{source}"]',
        "els => els.map(e => e.dataset.participant)",
    )
    return sorted(ids)


async def tile_attr(page: Any, pid: str, attr: str, source: str = "camera") -> str | None:
    """A data attribute of a participant's tile (audioMuted, videoMuted, speaking...)."""
    sel = f'#tiles li.tile[data-participant="{pid}"][data-source="{source}"]'
    value: str | None = await page.eval_on_selector_all(
        sel, f"els => els.length ? els[0].dataset.{attr} : null"
    )
    return value


async def assert_media_flowing(
    page: Any, participants: list[str], source: str = "camera", audio: bool = True
) -> None:
    """Video frames from each participant keep being decoded; their audio keeps arriving."""
    first = await wait_for(
        lambda: remote_stats(page),
        lambda st: all(
            by_key(st).get((p, source, "video"), {}).get("frames", 0) > 0 for p in participants
        ),
        timeout=25,
        what=f"video frames decoded from {participants}",
    )
    before = by_key(first)
    await asyncio.sleep(2.0)
    after = by_key(await remote_stats(page))
    for p in participants:
        f0, f1 = before[(p, source, "video")]["frames"], after[(p, source, "video")]["frames"]
        assert f1 > f0, f"video of {p} stopped decoding ({f0} -> {f1})"
        if audio:
            a0 = before.get((p, "microphone", "audio"), {"packets": 0})
            a1 = after.get((p, "microphone", "audio"))
            assert a1 is not None, f"no audio track from {p}"
            assert a1["packets"] > a0["packets"], f"audio of {p} stopped arriving"
            assert a1["energy"] > 0, f"audio of {p} is silent"


async def run_axe(page: Any, within: str | None = None) -> list[dict[str, Any]]:
    """Serious or critical axe-core violations on the page as it is now (or inside the
    element `within` selects)."""
    await page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = await page.evaluate(
        "async (sel) => await axe.run(sel ? document.querySelector(sel) : document,"
        " {resultTypes: ['violations']})",
        within,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["html"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# ---- end-to-end encryption ----

E2EE_STATE_JS = "async () => window.__palabre.e2ee ? await window.__palabre.e2ee.state() : null"


async def e2ee_state(page: Any) -> dict[str, Any] | None:
    state: dict[str, Any] | None = await page.evaluate(E2EE_STATE_JS)
    return state


async def enable_e2ee(page: Any) -> None:
    """The moderator turns end-to-end encryption on from the moderation panel."""
    for _ in range(3):
        await page.click("#toggle-moderation")
        with contextlib.suppress(Exception):
            await page.wait_for_selector("#mod-panel:not([hidden])", timeout=5_000)
            break
    await page.check("#mod-panel input[name=e2ee]")
    await page.wait_for_selector("#e2ee-bar:not([hidden])")
    await page.click("#close-moderation")


async def wait_keys(page: Any, others: list[str]) -> dict[str, Any]:
    """This page holds a media key of each of the others."""
    state = await wait_for(
        lambda: e2ee_state(page),
        lambda s: bool(s) and all(s["keys"].get(p) for p in others),
        timeout=20,
        what=f"media keys of {others}",
    )
    assert state is not None
    return state
