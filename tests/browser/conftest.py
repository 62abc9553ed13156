"""Browser tests: Playwright's Python package driving Debian's chromium (never a download)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from firefox import firefox  # noqa: F401  (the Firefox page fixture)

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


@pytest.fixture
def server_factory(server_factory: Callable[..., Any]) -> Callable[..., Any]:
    """Servers with peer-to-peer off unless a test asks for it (`--p2p`): the browser tests
    are about the SFU, and their two-person meetings would otherwise go around it
    (test_browser_p2p.py tests peer-to-peer, the server's default)."""

    def factory(*args: str) -> Any:
        return server_factory(*args) if "--p2p" in args else server_factory("--no-p2p", *args)

    return factory


@pytest.fixture
def web_server(palabre_server: Any) -> Any:
    """The server from tests/conftest.py, once the client is built into its static files."""
    if not STATIC_INDEX.is_file():
        pytest.fail("the web client is not built: run `make client`")
    return palabre_server


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
async def profile(tmp_path: Path) -> AsyncIterator[Any]:
    """A browser context on a profile of its own on disk, not an incognito one as
    browser.new_context() makes: Chromium installs no app from an incognito window."""
    if not HAVE_CHROMIUM:
        pytest.skip(f"no Chromium at {CHROMIUM} (make deps-system installs it)")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
            locale="fr-FR",
        )  # fmt: skip
        try:
            yield context
        finally:
            await context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
