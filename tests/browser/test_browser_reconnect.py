"""The client comes back by itself after the network or the server goes away."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_helpers import (
    STATIC_INDEX,
    assert_media_flowing,
    join_from_home,
    meet,
    my_id,
    new_page,
    remote_tiles,
    wait_connected,
    wait_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def server(server_factory: Callable[..., Any]) -> Any:
    if not STATIC_INDEX.is_file():
        pytest.fail("the web client is not built: run `make client`")
    return server_factory()


def _serve_again(port: int, media_port: int, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    """`palabre serve` on the same ports as a server that died."""
    command = [sys.executable, "-m", "palabre", "serve", "--port", str(port)]
    command += ["--media-port", str(media_port), "--media-tcp-port", str(media_port)]
    command += ["--data-dir", str(data_dir)]
    proc = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("palabre serve did not start again")


async def test_rejoins_after_the_server_restarts(browser: Any, server: Any, tmp_path: Path) -> None:
    base = server.http_url
    room = "restart-test"
    ada, bob = await meet(browser, base, room, "Ada", "Bob")
    await assert_media_flowing(ada, [await my_id(bob)])

    # The server dies without a word: both show the banner.
    server.process.kill()
    server.process.wait(10)
    for page in (ada, bob):
        await page.wait_for_selector("#banner:not([hidden])", timeout=10_000)
        assert await page.get_attribute(".meeting", "data-status") == "reconnecting"

    # It comes back on the same ports: both rejoin by themselves, media flows again.
    port = urlsplit(base).port
    assert port is not None
    again = _serve_again(port, server.media_port, tmp_path / "again", tmp_path / "again.log")
    try:
        for page in (ada, bob):
            await wait_connected(page, timeout=30_000)
            assert await page.is_hidden("#banner")
        bob_id, ada_id = await my_id(bob), await my_id(ada)
        await wait_for(lambda: remote_tiles(ada), lambda t: t == [bob_id], what="Bob again")
        await wait_for(lambda: remote_tiles(bob), lambda t: t == [ada_id], what="Ada again")
        await assert_media_flowing(ada, [bob_id])
        await assert_media_flowing(bob, [ada_id])
    finally:
        again.terminate()
        try:
            again.wait(10)
        except subprocess.TimeoutExpired:
            again.kill()


async def test_rejoins_after_media_stalls(browser: Any, server: Any) -> None:
    """The server freezes: ICE goes, the WebSocket stays open; the client notices and rejoins."""
    base = server.http_url
    room = "stall-test"
    ada, ada_log = await new_page(browser, "Ada")
    bob, _ = await new_page(browser, "Bob")
    await join_from_home(ada, base, room, "Ada")
    await join_from_home(bob, base, room, "Bob")
    await assert_media_flowing(ada, [await my_id(bob)])
    first = await my_id(ada)

    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        await ada.wait_for_selector("#banner:not([hidden])", timeout=20_000)
    finally:
        os.kill(server.process.pid, signal.SIGCONT)
    assert any("ICE" in line for line in ada_log.lines), ada_log.lines
    await wait_connected(ada, timeout=30_000)
    await wait_connected(bob, timeout=30_000)
    assert await my_id(ada) == first  # it resumed as itself (docs/protocol.md)
    bob_id = await my_id(bob)
    await wait_for(lambda: remote_tiles(ada), lambda t: t == [bob_id], what="Bob after stall")
    await assert_media_flowing(ada, [bob_id])
    await asyncio.sleep(0)
