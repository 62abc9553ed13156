"""No IP address in the logs unless log_ip is on."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest

from palabre.logs import RedactAddresses, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("client 192.168.1.20:5000 connected", "client <ip>:5000 connected"),
        ("('10.0.0.7', 51234) - WebSocket", "('<ip>', 51234) - WebSocket"),
        ("from [2001:db8::7]:443", "from [<ip>]:443"),
        ("peer fe80::1%eth0 gone", "peer <ip> gone"),
        ("::ffff:10.0.0.1 mapped", "<ip> mapped"),
        ("2001:0db8:0000:0000:0000:ff00:0042:8329", "<ip>"),
        # Not addresses: kept as they are.
        ("at 12:30:45", "at 12:30:45"),
        ("version 1.2.3", "version 1.2.3"),
        ("fingerprint AB:CD:EF:01:23", "fingerprint AB:CD:EF:01:23"),
        ("999.1.1.1", "999.1.1.1"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_filter_keeps_the_servers_own_addresses() -> None:
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "media on %s, peer %s",
        ("203.0.113.7", "198.51.100.9"),
        None,
    )
    assert RedactAddresses(keep=["203.0.113.7"]).filter(record)
    assert record.getMessage() == "media on 203.0.113.7, peer <ip>"


async def _websocket_from(url: str, local_address: str) -> None:
    import websockets

    async with websockets.connect(url, local_addr=(local_address, 0)) as ws:
        await ws.send('{"type": "nonsense"}')
        await asyncio.wait_for(ws.recv(), 5)


@pytest.mark.parametrize("log_ip", [False, True])
def test_server_logs_no_client_address(server_factory: Callable[..., Any], log_ip: bool) -> None:
    # The server listens on 127.0.0.1; the client comes from 127.0.0.2, an address only the
    # client has, and uvicorn logs each WebSocket with its peer at the debug level.
    args = ["--log-level", "debug"] + (["--log-ip"] if log_ip else [])
    server = server_factory(*args)
    asyncio.run(_websocket_from(server.ws_url, "127.0.0.2"))
    time.sleep(0.3)
    log = server.log()
    assert "WebSocket" in log or "websocket" in log, log
    assert ("127.0.0.2" in log) is log_ip, log
    if not log_ip:
        assert "<ip>" in log
