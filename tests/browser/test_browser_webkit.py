"""WebKit (Debian's WebKitGTK MiniBrowser, driven by WebKitWebDriver over plain W3C WebDriver
HTTP): a single meeting join. What works and what does not is written in docs/browsers.md."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import socket
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from firefox import XVFB, start_xvfb

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DRIVER = shutil.which("WebKitWebDriver")
MINIBROWSER = next(Path("/usr/lib").glob("*/webkit2gtk-4.*/MiniBrowser"), None)
SETTINGS = [
    "--automation",
    "--enable-media-stream=true",
    "--enable-webrtc=true",
    "--enable-mock-capture-devices=true",
    "--media-playback-requires-user-gesture=false",
]


STATE_JS = """const p = window.__palabre, s = p && p.session;
return JSON.stringify({
  rtc: typeof RTCPeerConnection,
  gum: !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia),
  banner: document.querySelector('#banner') && document.querySelector('#banner').textContent,
  status: document.querySelector('.meeting') && document.querySelector('.meeting').dataset.status,
  pub: p && p.pub && [p.pub.connectionState, p.pub.iceConnectionState, p.pub.signalingState],
  sub: p && p.sub && [p.sub.connectionState, p.sub.iceConnectionState],
  reconnects: s && s.reconnects, log: window.__wkLog || [],
});"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class WebDriver:
    """The few W3C WebDriver commands this test needs (no client library for five calls)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = ""

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["value"]

    def start(self) -> None:
        options = {"binary": str(MINIBROWSER), "args": SETTINGS}
        caps = {"capabilities": {"alwaysMatch": {"webkitgtk:browserOptions": options}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def run(self, script: str) -> Any:
        return self.call(
            "POST", f"/session/{self.session}/execute/sync", {"script": script, "args": []}
        )

    def goto(self, url: str) -> None:
        self.call("POST", f"/session/{self.session}/url", {"url": url})

    def until(self, script: str, timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        value = self.run(script)
        while not value:
            if time.monotonic() > deadline:
                state = self.run(STATE_JS)
                raise AssertionError(f"timed out waiting for {what}; page: {state!r}")
            time.sleep(0.5)
            value = self.run(script)
        return value


async def test_webkit_joins_a_meeting(web_server: Any) -> None:
    if DRIVER is None or MINIBROWSER is None or XVFB is None:
        pytest.skip("SKIPPED LOUDLY: no WebKitWebDriver/MiniBrowser/Xvfb (webkit2gtk-driver)")
    xvfb, display = await start_xvfb()
    port = _free_port()
    driver = await asyncio.create_subprocess_exec(
        DRIVER, f"--port={port}", "--host=127.0.0.1", env={"DISPLAY": display, "PATH": "/usr/bin"}
    )
    wd = WebDriver(f"http://127.0.0.1:{port}")
    try:
        for _ in range(40):
            with contextlib.suppress(OSError):
                await asyncio.to_thread(wd.call, "GET", "/status")
                break
            await asyncio.sleep(0.25)
        await asyncio.to_thread(wd.start)
        await asyncio.to_thread(wd.goto, f"{web_server.http_url}/webkit-room")
        await asyncio.to_thread(
            wd.until, "return !!document.querySelector('#display-name')", 30, "the prejoin page"
        )
        await asyncio.to_thread(
            wd.run,
            "const i = document.querySelector('#display-name'); i.value = 'Safari';"
            "i.dispatchEvent(new Event('input', {bubbles: true}));"
            "document.querySelector('#join-meeting').click(); return true;",
        )
        # The signaling join works: the meeting page lists its one participant.
        await asyncio.to_thread(
            wd.until, "return !!document.querySelector('.meeting')", 30, "the meeting page"
        )
        if await asyncio.to_thread(wd.run, "return typeof RTCPeerConnection") == "undefined":
            pytest.xfail("this WebKitGTK build has no WebRTC (RTCPeerConnection): docs/browsers.md")
        await asyncio.to_thread(
            wd.until,
            "return document.querySelector('.meeting[data-status=connected]') !== null",
            40,
            "the meeting connected",
        )
        health = web_server.health()
        assert health["participants"] == 1, health
    finally:
        with contextlib.suppress(Exception):
            await asyncio.to_thread(wd.call, "DELETE", f"/session/{wd.session}")
        for process in (driver, xvfb):
            with contextlib.suppress(ProcessLookupError):  # it may have ended on its own
                process.terminate()
            await process.wait()
