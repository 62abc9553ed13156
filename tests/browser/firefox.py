"""Firefox in the browser tests: Debian's firefox-esr driven over WebDriver BiDi by
puppeteer-core, through tests/browser/firefox_driver.mjs (line-delimited JSON on its stdin and
stdout). FirefoxPage offers the few Playwright page methods the helpers in browser_helpers.py
use (goto, evaluate, click, fill, wait_for_selector), so they work on either browser."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "firefox_driver.mjs"
PUPPETEER = HERE.parents[1] / "client" / "node_modules" / "puppeteer-core" / "package.json"
FIREFOX = os.environ.get("PALABRE_FIREFOX", "/usr/bin/firefox-esr")

XVFB = shutil.which("Xvfb")
XVFB_LOCK = Path("/tmp/palabre-xvfb-start.lock")
HAVE_FIREFOX = Path(FIREFOX).exists()
HAVE_DRIVER = shutil.which("node") is not None and PUPPETEER.exists()

_FUNCTION = re.compile(r"^\s*(async\s+)?(function\b|\([^)]*\)\s*=>|\w+\s*=>)")


class FirefoxError(AssertionError):
    pass


async def start_xvfb() -> tuple[asyncio.subprocess.Process, str]:
    """An X server of our own on a free display (Firefox's screen capture needs a screen).

    Xvfb's -displayfd lets two servers starting at once (two pytest workers) pick the same
    display, and the loser exits. So the display is chosen here, among numbers no lock file or
    socket claims, under a lock file that serialises the starts of every worker."""
    lock = os.open(XVFB_LOCK, os.O_CREAT | os.O_RDWR, 0o666)
    try:
        await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)
        errors: list[str] = []
        for number in await asyncio.to_thread(_free_displays):
            process, error = await _xvfb_on(number)
            if process is not None:
                return process, f":{number}"
            errors.append(f":{number}: {error}")
            if len(errors) == 3:
                break
        raise FirefoxError("Xvfb did not start: " + " | ".join(errors))
    finally:
        os.close(lock)  # which releases it


def _free_displays() -> list[int]:
    """Display numbers no X server claims, by lock file or socket (a killed one leaves both)."""
    return [
        n
        for n in range(90, 130)
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists()
    ]


async def _xvfb_on(number: int) -> tuple[asyncio.subprocess.Process | None, str]:
    """Xvfb on display :number once it listens there, or None and what it printed."""
    assert XVFB is not None
    socket = Path(f"/tmp/.X11-unix/X{number}")
    with tempfile.TemporaryFile() as log:
        process = await asyncio.create_subprocess_exec(
            XVFB,
            f":{number}",
            "-screen",
            "0",
            "1280x720x24",
            "-nolisten",
            "tcp",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )
        for _ in range(100):
            if process.returncode is not None:
                break
            if await asyncio.to_thread(socket.exists):
                return process, ""
            await asyncio.sleep(0.1)
        if process.returncode is None:
            process.kill()
        await process.wait()
        log.seek(0)
        printed = log.read().decode(errors="replace").strip()[-300:]
    return None, printed or f"rc {process.returncode}"


class FirefoxPage:
    def __init__(
        self, process: asyncio.subprocess.Process, version: str, downloads: Path | None = None
    ) -> None:
        self._process = process
        self.version = version
        self.downloads = downloads  # where Firefox saves downloads, without asking
        self.can_share_screen = False
        self._next = 1
        self._lock = asyncio.Lock()

    @classmethod
    async def launch(cls, display: str | None = None, downloads: Path | None = None) -> FirefoxPage:
        """Headful on display (an X server) if given, else headless; saving downloads in
        the folder downloads if given."""
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        if display is not None:
            env["DISPLAY"] = display
        if downloads is not None:
            env["FIREFOX_DOWNLOADS"] = str(downloads)
        process = await asyncio.create_subprocess_exec(
            "node",
            str(DRIVER),
            FIREFOX,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=None,  # the driver's errors go to the test's output
            limit=16 * 1024 * 1024,
            env=env,
        )
        page = cls(process, "", downloads)
        page.can_share_screen = display is not None
        hello = await page._reply(0, timeout=90)
        page.version = str(hello)
        return page

    async def _reply(self, ident: int, timeout: float) -> Any:
        assert self._process.stdout is not None
        while True:
            line = await asyncio.wait_for(self._process.stdout.readline(), timeout)
            if not line:
                raise FirefoxError(f"the Firefox driver exited ({self._process.returncode})")
            reply = json.loads(line)
            if reply.get("id") != ident:
                continue
            if not reply["ok"]:
                raise FirefoxError(f"Firefox: {reply['error']}")
            return reply["value"]

    async def command(self, cmd: str, timeout: float = 60, **args: Any) -> Any:
        async with self._lock:
            ident = self._next
            self._next += 1
            assert self._process.stdin is not None
            self._process.stdin.write(
                (json.dumps({"id": ident, "cmd": cmd, **args}) + "\n").encode()
            )
            await self._process.stdin.drain()
            return await self._reply(ident, timeout)

    # --- the Playwright-like surface browser_helpers.py uses ---

    async def goto(self, url: str) -> None:
        await self.command("goto", url=url)

    async def evaluate(self, expression: str) -> Any:
        """A function's source is called; any other expression is evaluated."""
        if not _FUNCTION.match(expression):
            expression = f"() => ({expression})"
        return await self.command("evaluate", expression=expression)

    async def eval_on_selector_all(self, selector: str, function: str) -> Any:
        """function called with the list of elements the selector matches."""
        call = f"() => ({function})(Array.from(document.querySelectorAll({json.dumps(selector)})))"
        return await self.command("evaluate", expression=call)

    async def click(self, selector: str) -> None:
        await self.command("click", selector=selector)

    async def fill(self, selector: str, value: str) -> None:
        await self.command("fill", selector=selector, value=value)

    async def wait_for_selector(self, selector: str, timeout: float = 30_000) -> None:
        await self.command("wait", timeout=timeout / 1000 + 10, selector=selector, ms=timeout)

    async def console(self) -> list[str]:
        lines: list[str] = await self.command("console")
        return lines

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.command("close", timeout=20)
        if self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
        await self._process.wait()


@pytest.fixture
async def firefox(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FirefoxPage]:
    """One Firefox page with fake camera and microphone, and a screen to share when Xvfb is
    installed (headful on an X server of its own; headless without); its downloads go to
    the folder page.downloads."""
    if not HAVE_FIREFOX:
        pytest.skip(f"SKIPPED LOUDLY: no Firefox at {FIREFOX} (make deps-system installs it)")
    if not HAVE_DRIVER:
        pytest.skip("SKIPPED LOUDLY: no node or no client/node_modules/puppeteer-core: make client")
    xvfb, display = await start_xvfb() if XVFB else (None, None)
    try:
        page = await FirefoxPage.launch(display, tmp_path_factory.mktemp("firefox-downloads"))
        try:
            yield page
        finally:
            await page.close()
    finally:
        if xvfb is not None:
            with contextlib.suppress(ProcessLookupError):
                xvfb.terminate()  # not kill: on SIGTERM it removes its lock and socket
            await xvfb.wait()
