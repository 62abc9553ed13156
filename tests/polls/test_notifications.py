"""The planning notifications (notify package) that go beyond the cards' (assigned, due
within a day: tests/tasks/test_boards.py) and a poll's answers (test_polls.py): an event's
invitation to an attendee with a Palabre account, made or added later, not to the one
inviting nor to an address without an account; a closed poll to those who answered with an
account, once, not to the organiser."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from calendars.kit import new_event, own_calendar
from palabre.accounts.users import User
from workspace import Workspace

from .kit import new_poll, token_of


def told(client: TestClient, kind: str) -> list[str]:
    found = client.get("/api/notifications")
    assert found.status_code == 200, found.text
    return [n["text"] for n in found.json()["notifications"] if n["kind"] == kind]


def set_email(ws: Workspace, name: str, email: str) -> None:
    with ws.db.session() as session:
        session.query(User).filter_by(name=name).one().email = email


def test_an_event_invitation_reaches_an_account(workspace: Workspace) -> None:
    alice, bob, carol = (workspace.person(n) for n in ("alice", "bob", "carol"))
    set_email(workspace, "alice", "alice@example.org")
    set_email(workspace, "bob", "Bob@Example.org")
    set_email(workspace, "carol", "carol@example.org")
    mine = own_calendar(alice)
    made = new_event(alice, mine, summary="Comité", attendees=[
        {"email": "bob@example.org"}, {"email": "alice@example.org"},
        {"email": "nobody@example.org"}])  # fmt: skip
    assert told(bob, "event") == ["Comité · 2026-12-07 10:00"]
    assert told(alice, "event") == [] and told(carol, "event") == []
    # Carol added later hears of it; Bob, already invited, not twice.
    uid = made["event"]["uid"]
    body: dict[str, Any] = {"summary": "Comité", "start": "2026-12-07T10:00",
                            "end": "2026-12-07T11:00", "timezone": "Europe/Paris",
                            "attendees": [{"email": "bob@example.org"},
                                          {"email": "carol@example.org"}]}  # fmt: skip
    changed = alice.put(f"/api/calendars/{mine}/events/{uid}", json=body)
    assert changed.status_code == 200, changed.text
    assert told(carol, "event") == ["Comité · 2026-12-07 10:00"]
    assert len(told(bob, "event")) == 1


def test_a_closed_poll_reaches_those_who_answered_with_an_account(workspace: Workspace) -> None:
    alice, carol, dan = (workspace.person(n) for n in ("alice", "carol", "dan"))
    set_email(workspace, "dan", "dan@example.org")
    poll = new_poll(alice, invites=[{"label": "Ann", "email": "ann@example.org"},
                                    {"label": "Dan", "email": "dan@example.org"},
                                    {"label": "Carol"}])  # fmt: skip
    slots = [s["id"] for s in poll["slots"]]
    links = {i["label"]: token_of(i["link"]) for i in poll["invites"]}
    anon = workspace.anonymous()
    for name, client in (("Ann", anon), ("Dan", anon), ("Carol", carol)):
        sent = client.put(f"/api/poll-invites/{links[name]}/answer",
                          json={"name": name, "choices": {str(slots[1]): "yes"}})  # fmt: skip
        assert sent.status_code == 200, sent.text
    assert told(carol, "poll") == [] and told(dan, "poll") == []
    closed = alice.post(f"/api/polls/{poll['id']}/close", json={"slot": slots[1]})
    assert closed.status_code == 200, closed.text
    want = ["✓ Comité de pilotage: 2026-12-08 14:00-15:00"]
    assert told(carol, "poll") == want  # answered signed in
    assert told(dan, "poll") == want  # answered by link, his address an account's
    assert told(dan, "event") == [] and told(carol, "event") == []  # one notice, not two
    assert not any(t.startswith("✓") for t in told(alice, "poll"))
