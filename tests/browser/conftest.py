"""Browser tests: Playwright's Python package driving Debian's chromium (never a download)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PALABRE_CHROMIUM", "/usr/bin/chromium")
HAVE_CHROMIUM = Path(CHROMIUM).exists()
STATIC_INDEX = ROOT / "src" / "palabre" / "web" / "static" / "index.html"
ARTIFACTS = ROOT / "test-artifacts"

CHROMIUM_FLAGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--no-sandbox",
    "--disable-gpu",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # getDisplayMedia picks the (fake) screen without a picker.
    "--auto-select-desktop-capture-source=Entire screen",
]


@dataclass
class _Server:
    http_url: str
    ws_url: str
    media_port: int


def _free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def web_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """The server's `palabre_server` fixture; `palabre serve` started here if it is absent."""
    if not STATIC_INDEX.is_file():
        pytest.fail("the web client is not built: run `make web`")
    try:
        yield request.getfixturevalue("palabre_server")
        return
    except pytest.FixtureLookupError:
        pass
    port, media = _free_port(socket.SOCK_STREAM), _free_port(socket.SOCK_DGRAM)
    cmd = [sys.executable, "-m", "palabre", "serve", "--port", str(port)]
    cmd += ["--media-port", str(media), "--media-tcp-port", str(media)]
    cmd += ["--data-dir", str(tmp_path / "data")]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("palabre serve did not start")
        yield _Server(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws", media)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not HAVE_CHROMIUM:
        pytest.skip(f"no Chromium at {CHROMIUM} (make deps-system installs it)")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield b
        finally:
            await b.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
