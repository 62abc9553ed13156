"""A space's meeting through the served app: members enter directly by their names, a
stranger cannot open it, and /api/spaces/{id}/meeting tells who is in."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from workspace import Workspace


def join(client: TestClient, room: str, name: str = "Typed Name") -> dict[str, Any]:
    with client.websocket_connect("/ws", headers={"origin": "http://testserver"}) as ws:
        ws.send_json({"type": "join", "id": 1, "room": room, "name": name})
        reply = ws.receive_json()
        while reply.get("type") not in ("joined", "lobby_waiting", "error"):
            reply = ws.receive_json()
        return dict(reply)


def test_members_enter_the_space_meeting_and_strangers_cannot_open_it(
    sqlite_workspace: Workspace,
) -> None:
    alice = sqlite_workspace.person("alice", "Alice Liddell")
    mallory = sqlite_workspace.person("mallory")
    space = alice.post("/api/spaces", json={"name": "Équipe"}).json()
    refused = join(mallory, space["room"])
    assert refused["type"] == "error" and refused["code"] == "space_meeting_closed"
    joined = join(alice, space["room"])
    assert joined["type"] == "joined"
    assert joined["you"]["name"] == "Alice Liddell" and joined["you"]["role"] == "moderator"


def test_the_meeting_endpoint_is_for_members(sqlite_workspace: Workspace) -> None:
    alice = sqlite_workspace.person("alice")
    mallory = sqlite_workspace.person("mallory")
    space = alice.post("/api/spaces", json={"name": "Équipe"}).json()
    view = alice.get(f"/api/spaces/{space['id']}/meeting").json()
    assert view == {"room": space["room"], "live": False, "participants": []}
    assert mallory.get(f"/api/spaces/{space['id']}/meeting").status_code == 404


def test_a_guest_account_is_no_host(sqlite_workspace: Workspace) -> None:
    guest = sqlite_workspace.person("gwen", guest=True)
    me = guest.get("/api/me").json()
    assert me["signedIn"] and me["guest"] and not me["host"]
    secure = Workspace(sqlite_workspace.db.url, secure_domain=True)
    try:
        refused = join(secure.sign_in("gwen"), "some-room")
        assert refused["type"] == "error" and refused["code"] == "host_required"
    finally:
        secure.close()
