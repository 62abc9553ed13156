"""A worker's internal endpoint takes connections with a grant from the main process only."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from palabre.cluster import grant
from palabre.cluster.worker import AssignedCodes, worker_app
from palabre.config import Settings
from palabre.media.sfu import Sfu
from palabre.meeting.admission import JoinRights
from palabre.signaling.hub import Hub

KEY = b"g" * 32


@pytest.fixture
def client() -> TestClient:
    codes = AssignedCodes(b"s" * 32)
    hub = Hub(Sfu(["127.0.0.1"]), codes, secure_domain=True)
    return TestClient(worker_app(hub, codes, Settings(), KEY))


def _join(client: TestClient, header: str | None, room: str = "conseil") -> dict:
    headers = {grant.HEADER: header} if header is not None else {}
    with client.websocket_connect("/ws", headers=headers) as ws:
        ws.send_json({"type": "join", "room": room, "name": "Ada", "id": 1})
        reply: dict = ws.receive_json()
        return reply


def test_no_grant_no_connection(client: TestClient) -> None:
    for header in (None, "", "forged.grant"):
        with pytest.raises(WebSocketDisconnect):
            _join(client, header)
    forged = grant.sign(b"x" * 32, "conseil", "123456789", JoinRights(host=True))
    with pytest.raises(WebSocketDisconnect):
        _join(client, forged)


def test_the_grant_gives_its_rights_and_code_in_its_room_only(client: TestClient) -> None:
    rights = JoinRights(host=False, invited_role="moderator", name="Élue")
    joined = _join(client, grant.sign(KEY, "conseil", "123456789", rights))
    assert joined["type"] == "joined" and joined["code"] == "123456789"
    assert joined["you"]["role"] == "moderator" and joined["you"]["name"] == "Élue"
    # In another room, the same grant proves nothing (secure domain: no host, refused).
    other = _join(client, grant.sign(KEY, "conseil", "123456789", rights), room="ailleurs")
    assert other["code"] == "host_required"
