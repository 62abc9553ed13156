"""The protocol version negotiated in `join`, against a real server (docs/protocol.md)."""

from __future__ import annotations

import json

import pytest
from websockets.asyncio.client import connect

pytestmark = pytest.mark.slow


async def negotiate(ws_url: str) -> None:
    """A join in versions the server does not speak is refused, the connection stays open,
    and a join that names a common version gets it."""
    async with connect(ws_url) as ws:
        join = {"type": "join", "room": "versions", "name": "Ada"}
        await ws.send(json.dumps({**join, "id": 1, "versions": [98, 99]}))
        refused = json.loads(await ws.recv())
        assert (refused["type"], refused["code"], refused["ref"]) == (
            "error",
            "unsupported_version",
            1,
        )
        assert "1" in refused["message"] and "99" in refused["message"]
        await ws.send(json.dumps({**join, "id": 2, "versions": [1, 99]}))
        joined = json.loads(await ws.recv())
        assert (joined["type"], joined["ref"], joined["version"]) == ("joined", 2, 1)


async def test_a_single_process_negotiates_the_version(palabre_server):
    await negotiate(palabre_server.ws_url)


async def test_a_join_without_versions_speaks_version_1(palabre_server):
    async with connect(palabre_server.ws_url) as ws:
        await ws.send(json.dumps({"type": "join", "room": "v1", "name": "Ada", "id": 1}))
        joined = json.loads(await ws.recv())
        assert (joined["type"], joined["version"]) == ("joined", 1)


async def test_the_cluster_front_negotiates_before_any_worker(server_factory):
    await negotiate(server_factory("--media-workers", "2").ws_url)
