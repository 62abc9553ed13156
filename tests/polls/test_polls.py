"""Meeting polls (Pégase): organisation accounts make them; invitees answer by link with a
name only and learn no one's e-mail nor anything of the organiser's calendar; the organiser
sees the table, the best slots, the CSV; closing on a slot makes the event, a meeting room
with the lobby on and the iMIP invitations."""

from __future__ import annotations

import re

import icalendar

from palabre.accounts.users import User
from palabre.meeting.room import Room
from smtp_server import SmtpServer
from space_kit import new_space
from workspace import Workspace

from .kit import SLOTS, new_poll, token_of

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
DECEMBER = {"start": "2026-12-01T00:00:00+00:00", "end": "2027-01-01T00:00:00+00:00"}


def test_only_organisation_accounts_make_polls(workspace: Workspace) -> None:
    gus = workspace.person("gus", guest=True)
    body = {"title": "x", "slots": SLOTS}
    assert gus.post("/api/polls", json=body).status_code == 403
    assert workspace.anonymous().post("/api/polls", json=body).status_code == 401
    alice = workspace.person("alice")
    for bad in (
        {"slots": []},
        {"title": " "},
        {"timezone": "Nowhere/Else"},
        {"slots": [{"start": "2026-12-07T10:00:00+01:00", "end": "2026-12-07T09:00:00+01:00"}]},
        {"slots": [{"start": "2026-12-07T10:00:00", "end": "2026-12-07T11:00:00"}]},
    ):
        assert alice.post("/api/polls", json={**body, **bad}).status_code == 400, bad


def test_invitees_answer_by_link_and_see_no_email(workspace: Workspace) -> None:
    alice = workspace.person("alice", "Alice Martin")
    poll = new_poll(alice)
    ann_link, bob_link = (i["link"] for i in poll["invites"])
    slots = [s["id"] for s in poll["slots"]]
    anon = workspace.anonymous()
    # Ann answers through the JSON API, Bob through the page's form (no script).
    ann = anon.put(f"/api/poll-invites/{token_of(ann_link)}/answer", json={
        "name": "Ann", "choices": {str(slots[0]): "yes", str(slots[1]): "maybe"},
        "comment": "Plutôt le matin"})  # fmt: skip
    assert ann.status_code == 200, ann.text
    page = anon.get(f"/poll/{token_of(bob_link)}")
    assert page.status_code == 200 and "Comité de pilotage" in page.text
    assert '<time datetime="2026-12-07T09:00:00+00:00"' in page.text  # for /poll/local.js
    assert anon.get("/poll/local.js").headers["content-type"].startswith("text/javascript")
    sent = anon.post(f"/poll/{token_of(bob_link)}", data={
        "name": "Bob", f"slot-{slots[0]}": "yes", f"slot-{slots[1]}": "yes",
        f"slot-{slots[2]}": "no", "comment": "=cmd()"})  # fmt: skip
    assert sent.status_code == 200 and 'role="status"' in sent.text
    # What invitees see: names and answers, never an address, never the organiser's calendar.
    view = anon.get(f"/api/poll-invites/{token_of(bob_link)}")
    assert view.json()["mine"]["name"] == "Bob"
    assert [o["name"] for o in view.json()["others"]] == ["Ann"]
    assert view.json()["organizer"] == "Alice Martin"
    for text in (view.text, anon.get(f"/poll/{token_of(ann_link)}").text, ann.text, sent.text):
        assert EMAIL.findall(text) == [], EMAIL.findall(text)
    told = alice.get("/api/notifications").json()["notifications"]
    assert sorted(n["text"] for n in told if n["kind"] == "poll") == [
        "Ann: Comité de pilotage",
        "Bob: Comité de pilotage",
    ]
    # The organiser: the table, the best slot, the CSV (formulas defused).
    table = alice.get(f"/api/polls/{poll['id']}").json()
    assert [(s["yes"], s["maybe"], s["no"]) for s in table["slots"]] == [
        (2, 0, 0),
        (1, 1, 0),
        (0, 0, 2),
    ]
    assert table["best_slots"] == [slots[0]]
    assert [i["answered"] for i in table["invites"]] == [True, True]
    csv = alice.get(f"/api/polls/{poll['id']}/answers.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0] == (
        "name,2026-12-07 10:00-11:00,2026-12-08 14:00-15:00,2026-12-09 09:00-10:00,comment"
    )
    assert lines[1:] == ["Ann,yes,maybe,no,Plutôt le matin", "Bob,yes,yes,no,'=cmd()", "yes,2,1,0,"]
    # Another organiser's poll is no one else's.
    bob = workspace.person("bob")
    assert bob.get(f"/api/polls/{poll['id']}").status_code == 404
    assert bob.post(f"/api/polls/{poll['id']}/close", json={"slot": slots[0]}).status_code == 404


def test_the_organisation_link_takes_one_answer_per_account(workspace: Workspace) -> None:
    alice = workspace.person("alice", "Alice Martin")
    poll = new_poll(alice, agents_link=True, invites=[{"label": "Ann"}])
    assert new_poll(alice)["agents_link"] is None  # only when asked
    link = token_of(poll["agents_link"])
    assert link not in {token_of(i["link"]) for i in poll["invites"]}
    slots = [str(s["id"]) for s in poll["slots"]]
    # Not signed in: the API says so, the page sends to the sign-in and back.
    anon = workspace.anonymous()
    assert anon.get(f"/api/poll-invites/{link}").status_code == 401
    refused = anon.put(f"/api/poll-invites/{link}/answer", json={"name": "X", "choices": {}})
    assert refused.status_code == 401
    page = anon.get(f"/poll/{link}", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == f"/auth/login?next=/poll/{link}"
    # Signed in, each account answers as itself, once: a second answer replaces the first.
    bob, carol = workspace.person("bob", "Bob Durand"), workspace.person("carol", "Carol Roy")
    assert bob.get(f"/api/poll-invites/{link}").json()["as_account"] == "Bob Durand"
    first = bob.put(f"/api/poll-invites/{link}/answer",
                    json={"name": "", "choices": {slots[0]: "yes"}})  # fmt: skip
    assert first.status_code == 200, first.text
    assert first.json()["mine"]["name"] == "Bob Durand"
    again = bob.put(f"/api/poll-invites/{link}/answer",
                    json={"name": "", "choices": {slots[1]: "yes"}})  # fmt: skip
    assert again.json()["mine"]["choices"][slots[1]] == "yes" and again.json()["others"] == []
    form = bob.get(f"/poll/{link}")
    assert form.status_code == 200 and 'value="Bob Durand"' in form.text
    sent = carol.post(f"/poll/{link}", data={"name": "Carol", f"slot-{slots[1]}": "maybe"})
    assert sent.status_code == 200 and 'role="status"' in sent.text
    # The invitee link still takes its own answer beside them.
    ann = token_of(poll["invites"][0]["link"])
    anon.put(f"/api/poll-invites/{ann}/answer", json={"name": "Ann", "choices": {slots[1]: "yes"}})
    table = alice.get(f"/api/polls/{poll['id']}").json()
    assert sorted(a["name"] for a in table["answers"]) == ["Ann", "Bob Durand", "Carol"]
    assert [(s["yes"], s["maybe"]) for s in table["slots"]][:2] == [(0, 0), (2, 1)]
    for text in (first.text, form.text, sent.text):
        assert EMAIL.findall(text) == [], EMAIL.findall(text)
    # Closing invites the accounts that answered, by their own address.
    closed = alice.post(f"/api/polls/{poll['id']}/close", json={"slot": int(slots[1])})
    assert closed.status_code == 200, closed.text
    told = bob.get("/api/notifications").json()["notifications"]
    assert any(n["kind"] == "poll" and n["text"].startswith("✓") for n in told)


def test_hidden_results_and_deadlines(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    poll = new_poll(alice, hidden_results=True)
    ann_link, bob_link = (i["link"] for i in poll["invites"])
    anon = workspace.anonymous()
    slot = str(poll["slots"][0]["id"])
    anon.put(f"/api/poll-invites/{token_of(ann_link)}/answer",
             json={"name": "Ann Secret", "choices": {slot: "yes"}})  # fmt: skip
    seen = anon.get(f"/api/poll-invites/{token_of(bob_link)}")
    assert seen.json()["others"] == [] and seen.json()["slots"][0]["yes"] is None
    assert "Ann Secret" not in anon.get(f"/poll/{token_of(bob_link)}").text
    late = new_poll(alice, deadline="2020-01-01T00:00:00+00:00")
    link = token_of(late["invites"][0]["link"])
    refused = anon.put(f"/api/poll-invites/{link}/answer", json={"name": "A", "choices": {}})
    assert refused.status_code == 410
    assert anon.get(f"/api/poll-invites/{link}").json()["open"] is False
    assert anon.get("/api/poll-invites/not-a-token").status_code == 404
    assert anon.get("/poll/not-a-token").status_code == 404


def test_closing_makes_the_event_the_room_and_the_invitations(
    mail_workspace: Workspace, smtp: SmtpServer
) -> None:
    ws = mail_workspace
    alice = ws.person("alice", "Alice Martin")
    poll = new_poll(alice)
    ann_link, bob_link = (i["link"] for i in poll["invites"])
    smtp.wait_for("ann@example.org")  # the link went to the address the organiser gave
    anon = ws.anonymous()
    slots = [s["id"] for s in poll["slots"]]
    for link, name in ((ann_link, "Ann"), (bob_link, "Bob")):
        anon.put(f"/api/poll-invites/{token_of(link)}/answer",
                 json={"name": name, "choices": {str(slots[1]): "yes"}})  # fmt: skip
    # Carol answers her link signed in: her account's address gets the invitation.
    carol = ws.person("carol")
    with ws.db.session() as session:
        session.query(User).filter_by(name="carol").one().email = "carol@example.org"
    carol_link = alice.post(f"/api/polls/{poll['id']}/invites", json={"label": "Carol"})
    carol.put(f"/api/poll-invites/{token_of(carol_link.json()['link'])}/answer",
              json={"name": "Carol", "choices": {str(slots[1]): "maybe"}})  # fmt: skip
    closed = alice.post(f"/api/polls/{poll['id']}/close", json={"slot": slots[1]})
    assert closed.status_code == 200, closed.text
    done = closed.json()
    assert done["chosen_slot"] == slots[1] and done["room"].startswith("rdv-")
    assert Room(done["room"]).lobby_enabled, "the meeting's lobby is on"
    # The event, in the organiser's calendar, at the chosen slot, with the room's link.
    events = alice.get(f"/api/calendars/{done['calendar']}/events", params=DECEMBER).json()
    [event] = events
    assert (event["summary"], event["start"]) == ("Comité de pilotage", "2026-12-08T14:00:00+01:00")
    assert event["location"] == f"http://testserver/{done['room']}"
    assert [a["email"] for a in event["attendees"]] == ["ann@example.org", "carol@example.org"]
    assert "carol@example.org" not in anon.get(f"/api/poll-invites/{token_of(bob_link)}").text
    # Ann (who answered with an address) gets the iMIP invitation; Bob gave none.
    invitations = []
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not invitations:
        with smtp.lock:
            invitations = [
                m
                for r, m in smtp.messages
                if "ann@example.org" in r
                and any(p.get_content_type() == "text/calendar" for p in m.walk())
            ]
        time.sleep(0.05)
    [message] = invitations
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert str(calendar["method"]) == "REQUEST"
    [vevent] = list(calendar.walk("VEVENT"))
    assert [str(a) for a in vevent["attendee"]] == [
        "mailto:ann@example.org",
        "mailto:carol@example.org",
    ]
    # Invitees see it closed with the meeting's link; nobody answers any more.
    view = anon.get(f"/api/poll-invites/{token_of(bob_link)}").json()
    assert not view["open"] and view["room_link"] == f"http://testserver/{done['room']}"
    late = anon.put(f"/api/poll-invites/{token_of(bob_link)}/answer",
                    json={"name": "Bob", "choices": {}})  # fmt: skip
    assert late.status_code == 410
    again = alice.post(f"/api/polls/{poll['id']}/close", json={"slot": slots[0]})
    assert again.status_code == 409


def test_a_spaces_poll_lands_in_the_spaces_calendar(workspace: Workspace) -> None:
    olga = workspace.person("olga")
    space = new_space(olga, "Projet")["id"]
    poll = new_poll(olga, space=space, invites=[])
    closed = olga.post(f"/api/polls/{poll['id']}/close", json={"slot": poll["slots"][0]["id"]})
    assert closed.status_code == 200, closed.text
    calendars = olga.get("/api/calendars").json()
    assert closed.json()["calendar"] == next(c["id"] for c in calendars if c["space"] == space)
    sam = workspace.person("sam")
    assert (
        sam.post("/api/polls", json={"title": "x", "slots": SLOTS, "space": space}).status_code
        == 404
    )


def test_free_slots_from_the_organisers_calendar(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    mine = alice.get("/api/calendars").json()[0]["id"]
    alice.post(f"/api/calendars/{mine}/events", json={
        "summary": "Busy", "start": "2026-12-07T10:00", "end": "2026-12-07T11:00",
        "timezone": "Europe/Paris"})  # fmt: skip
    found = alice.get("/api/polls/free-slots", params={
        "start": "2026-12-07T09:00:00+01:00", "end": "2026-12-07T13:00:00+01:00",
        "minutes": 60, "timezone": "Europe/Paris"})  # fmt: skip
    assert found.status_code == 200, found.text
    assert [s["start"] for s in found.json()] == [
        "2026-12-07T09:00:00+01:00",
        "2026-12-07T11:00:00+01:00",
        "2026-12-07T12:00:00+01:00",
    ]
    weekend = alice.get("/api/polls/free-slots", params={
        "start": "2026-12-05T00:00:00+01:00", "end": "2026-12-07T00:00:00+01:00",
        "timezone": "Europe/Paris"})  # fmt: skip
    assert weekend.json() == []
    gus = workspace.person("gus", guest=True)
    assert (
        gus.get(
            "/api/polls/free-slots",
            params={"start": "2026-12-07T09:00:00+01:00", "end": "2026-12-07T13:00:00+01:00"},
        ).status_code
        == 403
    )
