"""A space's meeting through the served app: members enter directly by their names, a
stranger cannot open it, and /api/spaces/{id}/meeting tells who is in."""

from __future__ import annotations

import time
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


def test_a_kept_meeting_is_in_the_report_and_its_chat_in_general(workspace: Workspace) -> None:
    from palabre.signaling.observer import ChatLine, MeetingEnded
    from palabre.web.api.meeting import keep_meeting

    alice = workspace.person("alice", "Alice Liddell")
    space = alice.post("/api/spaces", json={"name": "Équipe"}).json()
    start = time.time() - 3600
    summary = MeetingEnded(
        room=space["room"],
        opened_at=start,
        ended_at=start + 1800,
        person_seconds=3600.0,
        save_chat_by="alice",
        chat=(ChatLine("Alice Liddell", "On livre lundi @alice", start + 60),),
    )
    with workspace.db.session() as session:
        events = keep_meeting(session, summary)
    assert [event["type"] for _, event in events] == ["message.posted"]
    (general,) = [c for c in alice.get(f"/api/spaces/{space['id']}/channels").json()
                  if c["name"] == "general"]  # fmt: skip
    page = alice.get(f"/api/channels/{general['id']}/messages").json()
    (kept,) = page["messages"]
    assert "On livre lundi" in kept["html"] and "Discussion de la réunion" in kept["html"]
    assert alice.get("/api/notifications").json()["unread"] == 0  # the @ in it notified nobody
    weeks = alice.get(f"/api/spaces/{space['id']}/report").json()["weeks"]
    assert sum(w["meetings"] for w in weeks) == 1 and sum(w["person_minutes"] for w in weeks) == 60


def test_without_asking_the_chat_is_not_kept(sqlite_workspace: Workspace) -> None:
    from palabre.signaling.observer import ChatLine, MeetingEnded
    from palabre.web.api.meeting import keep_meeting

    alice = sqlite_workspace.person("alice")
    space = alice.post("/api/spaces", json={"name": "Équipe"}).json()
    summary = MeetingEnded(space["room"], 0.0, 60.0, 60.0, None, (ChatLine("A", "secret", 1.0),))
    with sqlite_workspace.db.session() as session:
        assert keep_meeting(session, summary) == []
    assert alice.get("/api/search", params={"q": "secret"}).json() == []
