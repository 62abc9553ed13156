"""iMIP: an event's attendees get a METHOD:REQUEST e-mail with its .ics, updates and
cancellations follow, and the signed RSVP link sets the attendee's PARTSTAT."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

import icalendar

from smtp_server import SmtpServer
from workspace import Workspace

from .kit import new_event, own_calendar

ANN, BOB = "ann@example.org", "bob@example.org"


def calendar_part(message: EmailMessage) -> tuple[str, Any]:
    """The text/calendar part's method parameter and its parsed content."""
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return str(part.get_param("method")), icalendar.Calendar.from_ical(part.get_content())
    raise AssertionError("no text/calendar part")


def mails(smtp: SmtpServer, to: str) -> list[EmailMessage]:
    with smtp.lock:
        return [m for rcpt, m in smtp.messages if to in rcpt]


def wait_count(smtp: SmtpServer, to: str, n: int) -> list[EmailMessage]:
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = mails(smtp, to)
        if len(found) >= n:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{len(mails(smtp, to))} mails to {to}, wanted {n}")


def attendees_of(calendar: Any) -> dict[str, str]:
    [event] = [c for c in calendar.walk("VEVENT")]
    listed = event.get("attendee")
    listed = listed if isinstance(listed, list) else [listed]
    return {str(a).removeprefix("mailto:"): str(a.params["PARTSTAT"]) for a in listed}


def test_an_invitation_is_imip_and_its_link_records_the_answer(
    mail_workspace: Workspace, smtp: SmtpServer
) -> None:
    ws = mail_workspace
    alice = ws.person("alice", "Alice Martin")
    mine = own_calendar(alice)
    made = new_event(alice, mine, summary="Comité", attendees=[
        {"email": ANN, "name": "Ann"}, {"email": BOB}])  # fmt: skip
    uid = made["event"]["uid"]
    message = smtp.wait_for(ANN)
    assert "Comité" in str(message["Subject"])
    method, calendar = calendar_part(message)
    assert method == "REQUEST"
    assert str(calendar["method"]) == "REQUEST"
    [event] = list(calendar.walk("VEVENT"))
    assert str(event["uid"]) == uid and str(event["summary"]) == "Comité"
    assert attendees_of(calendar) == {ANN: "NEEDS-ACTION", BOB: "NEEDS-ACTION"}
    assert "Alice Martin" in str(event["organizer"].params["CN"])
    assert list(calendar.walk("VTIMEZONE")), "the time zone travels with the invitation"
    assert any(p.get_filename() == "invite.ics" for p in message.walk())
    smtp.wait_for(BOB)
    # Ann's link: opening it changes nothing (mail scanners open links); the form answers.
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"http://testserver(/calendar/rsvp/\S+)\?answer=accepted", text)
    assert link, text
    anon = ws.anonymous()
    page = anon.get(link.group(0).removeprefix("http://testserver"))
    assert page.status_code == 200 and "Comité" in page.text and BOB not in page.text
    detail = alice.get(f"/api/calendars/{mine}/events/{uid}").json()
    assert {a["email"]: a["partstat"] for a in detail["event"]["attendees"]}[ANN] == "NEEDS-ACTION"
    answered = anon.post(link.group(1), data={"answer": "ACCEPTED"})
    assert answered.status_code == 200 and "ACCEPTED" not in answered.text
    detail = alice.get(f"/api/calendars/{mine}/events/{uid}").json()
    states = {a["email"]: a["partstat"] for a in detail["event"]["attendees"]}
    assert states == {ANN: "ACCEPTED", BOB: "NEEDS-ACTION"}
    # The JSON door of the same link, and a forged one.
    token = link.group(1).rsplit("/", 1)[1]
    assert (
        anon.post(f"/api/rsvp/{token}", json={"partstat": "DECLINED"}).json()["partstat"]
        == "DECLINED"
    )
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert anon.get(f"/api/rsvp/{forged}").status_code == 404
    assert anon.post(f"/calendar/rsvp/{forged}", data={"answer": "ACCEPTED"}).status_code == 404


def test_updates_and_cancellations_are_sent(mail_workspace: Workspace, smtp: SmtpServer) -> None:
    ws = mail_workspace
    alice = ws.person("alice")
    mine = own_calendar(alice)
    made = new_event(alice, mine, summary="Point", attendees=[{"email": ANN}, {"email": BOB}])
    uid = made["event"]["uid"]
    wait_count(smtp, ANN, 1)
    wait_count(smtp, BOB, 1)
    # Bob is no longer invited: he gets a CANCEL; Ann the REQUEST of the new time.
    moved = alice.put(f"/api/calendars/{mine}/events/{uid}", json={
        "summary": "Point", "start": "2026-12-08T14:00", "end": "2026-12-08T15:00",
        "timezone": "Europe/Paris", "attendees": [{"email": ANN}]})  # fmt: skip
    assert moved.status_code == 200, moved.text
    method, calendar = calendar_part(wait_count(smtp, ANN, 2)[1])
    [event] = list(calendar.walk("VEVENT"))
    assert method == "REQUEST" and int(event["sequence"]) == 1
    assert event["dtstart"].dt.isoformat() == "2026-12-08T14:00:00+01:00"
    method, calendar = calendar_part(wait_count(smtp, BOB, 2)[1])
    assert method == "CANCEL" and str(calendar["method"]) == "CANCEL"
    # Deleting it tells Ann.
    assert alice.delete(f"/api/calendars/{mine}/events/{uid}").status_code == 204
    method, calendar = calendar_part(wait_count(smtp, ANN, 3)[2])
    [event] = list(calendar.walk("VEVENT"))
    assert method == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 2
