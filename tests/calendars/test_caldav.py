"""CalDAV at /caldav/ with an independent client (the `caldav` library): discovery through
/.well-known/caldav, app passwords, events and to-dos made, queried, changed and deleted,
sync tokens, a recurrence with an exception read back, and the same rows as the API."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import caldav
import httpx
import pytest

from space_kit import new_space, published

from .dav_kit import Dav
from .kit import add_member, space_calendar

RECURRING = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//caldav//EN
BEGIN:VEVENT
UID:weekly-1
DTSTAMP:20261201T000000Z
DTSTART;TZID=Europe/Paris:20261207T090000
DTEND;TZID=Europe/Paris:20261207T100000
SUMMARY:Weekly
RRULE:FREQ=WEEKLY;COUNT=4
EXDATE;TZID=Europe/Paris:20261214T090000
END:VEVENT
BEGIN:VEVENT
UID:weekly-1
DTSTAMP:20261201T000000Z
RECURRENCE-ID;TZID=Europe/Paris:20261221T090000
DTSTART;TZID=Europe/Paris:20261221T150000
DTEND;TZID=Europe/Paris:20261221T160000
SUMMARY:Weekly (moved)
END:VEVENT
END:VCALENDAR
"""


def principal(dav: Dav, password: str | None = None) -> caldav.Principal:
    client = caldav.DAVClient(url=dav.url, username=dav.email, password=password or dav.token)
    return client.principal()


def own(dav: Dav, password: str | None = None) -> caldav.Calendar:
    [calendar] = [
        c for c in principal(dav, password).calendars() if c.url.path.endswith("/personal/")
    ]
    return calendar


def test_discovery_and_app_passwords(dav: Dav) -> None:
    found = httpx.request("PROPFIND", f"{dav.served.url}/.well-known/caldav")
    assert found.status_code == 301 and found.headers["location"].endswith("/caldav/")
    assert [c.url.path for c in principal(dav).calendars()] == ["/caldav/alice/personal/"]
    for user, password in ((dav.email, "plb_wrong"), ("bob@example.org", dav.token)):
        response = httpx.request("PROPFIND", dav.url + "alice/", auth=(user, password),
                                 headers={"depth": "1"})  # fmt: skip
        assert response.status_code == 401, (user, response.status_code)
    # Another's principal shows nothing.
    other = httpx.request("PROPFIND", dav.url + "bob/", auth=(dav.email, dav.token))
    assert other.status_code in (403, 404)


def test_events_and_todos_both_ways(dav: Dav) -> None:
    calendar = own(dav)
    event = calendar.save_event(dtstart=datetime(2026, 12, 9, 10, tzinfo=UTC),
                                dtend=datetime(2026, 12, 9, 11, tzinfo=UTC), summary="Over DAV",
                                uid="dav-1")  # fmt: skip
    todo = calendar.save_todo(summary="Write the report", uid="todo-1")
    found = calendar.search(start=datetime(2026, 12, 1, tzinfo=UTC),
                            end=datetime(2027, 1, 1, tzinfo=UTC), event=True)  # fmt: skip
    assert [e.icalendar_component["summary"] for e in found] == ["Over DAV"]
    assert [t.icalendar_component["summary"] for t in calendar.todos()] == ["Write the report"]
    # The API sees the same event.
    alice = dav.ws.sign_in("alice")
    mine = alice.get("/api/calendars").json()[0]["id"]
    listed = alice.get(f"/api/calendars/{mine}/events",
                       params={"start": "2026-12-01T00:00:00+00:00",
                               "end": "2027-01-01T00:00:00+00:00"}).json()  # fmt: skip
    assert [e["summary"] for e in listed] == ["Over DAV"]
    # Changed over DAV, then deleted.
    event.icalendar_component["summary"] = "Over DAV (changed)"
    event.save()
    assert calendar.event_by_uid("dav-1").icalendar_component["summary"] == "Over DAV (changed)"
    todo.complete()
    assert str(calendar.todo_by_uid("todo-1").icalendar_component["status"]) == "COMPLETED"
    event.delete()
    with pytest.raises(caldav.lib.error.NotFoundError):
        calendar.event_by_uid("dav-1")
    # An event made in the API is there over DAV.
    made = alice.post(
        f"/api/calendars/{mine}/events",
        json={"summary": "From the API", "start": "2026-12-10T10:00", "end": "2026-12-10T11:00"},
    )
    uid = made.json()["event"]["uid"]
    assert calendar.event_by_uid(uid).icalendar_component["summary"] == "From the API"


def test_sync_tokens_tell_what_changed(dav: Dav) -> None:
    calendar = own(dav)
    calendar.save_event(
        dtstart=datetime(2026, 12, 9, 10, tzinfo=UTC),
        dtend=datetime(2026, 12, 9, 11, tzinfo=UTC),
        summary="One",
        uid="s-1",
    )
    first = calendar.objects_by_sync_token()
    assert len(list(first)) == 1
    token = first.sync_token
    calendar.save_event(
        dtstart=datetime(2026, 12, 10, 10, tzinfo=UTC),
        dtend=datetime(2026, 12, 10, 11, tzinfo=UTC),
        summary="Two",
        uid="s-2",
    )
    calendar.event_by_uid("s-1").delete()
    changes = calendar.objects_by_sync_token(sync_token=token, load_objects=True)
    hrefs = sorted(o.url.path.rsplit("/", 1)[1] for o in changes)
    assert hrefs == ["s-1.ics", "s-2.ics"] or hrefs == ["s-2.ics"], hrefs
    assert changes.sync_token != token
    # Nothing changed since: nothing comes.
    assert list(calendar.objects_by_sync_token(sync_token=changes.sync_token)) == []


def test_a_recurrence_with_an_exception_reads_back(dav: Dav) -> None:
    calendar = own(dav)
    calendar.save_event(RECURRING)
    found = calendar.search(
        start=datetime(2026, 12, 1, tzinfo=UTC),
        end=datetime(2027, 1, 1, tzinfo=UTC),
        event=True,
        expand=True,
    )
    starts = sorted(e.icalendar_component["dtstart"].dt.astimezone(UTC) for e in found)
    assert starts == [
        datetime(2026, 12, 7, 8, tzinfo=UTC),
        datetime(2026, 12, 21, 14, tzinfo=UTC),
        datetime(2026, 12, 28, 8, tzinfo=UTC),
    ]
    # Palabre's API expands it the same way.
    alice = dav.ws.sign_in("alice")
    mine = alice.get("/api/calendars").json()[0]["id"]
    listed = alice.get(f"/api/calendars/{mine}/events",
                       params={"start": "2026-12-01T00:00:00+00:00",
                               "end": "2027-01-01T00:00:00+00:00"}).json()  # fmt: skip
    assert [(e["start"], e["summary"]) for e in listed] == [
        ("2026-12-07T09:00:00+01:00", "Weekly"),
        ("2026-12-21T15:00:00+01:00", "Weekly (moved)"),
        ("2026-12-28T09:00:00+01:00", "Weekly"),
    ]


def test_a_read_token_reads_only(dav: Dav) -> None:
    calendar = own(dav, dav.read_token)
    with pytest.raises(caldav.lib.error.DAVError):
        calendar.save_event(
            dtstart=datetime(2026, 12, 9, 10, tzinfo=UTC),
            dtend=datetime(2026, 12, 9, 11, tzinfo=UTC),
            summary="No",
        )
    assert calendar.events() == []


def test_a_spaces_calendar_follows_the_space(dav: Dav) -> None:
    ws = dav.ws
    olga = ws.person("olga")
    ws.person("gus", guest=True)
    space = new_space(olga, "Projet")["id"]
    add_member(ws, space, "alice", "guest")
    calendar_id = space_calendar(olga, space)
    olga.post(
        f"/api/calendars/{calendar_id}/events",
        json={"summary": "Revue", "start": "2026-12-09T10:00", "end": "2026-12-09T11:00"},
    )
    paths = sorted(c.url.path for c in principal(dav).calendars())
    assert paths == ["/caldav/alice/personal/", f"/caldav/alice/space-{space}/"]
    [shared] = [c for c in principal(dav).calendars() if "space-" in c.url.path]
    assert [e.icalendar_component["summary"] for e in shared.events()] == ["Revue"]
    # A guest of the space reads it and writes nothing into it.
    with pytest.raises(caldav.lib.error.DAVError):
        shared.save_event(
            dtstart=datetime(2026, 12, 9, 10, tzinfo=UTC),
            dtend=datetime(2026, 12, 9, 11, tzinfo=UTC),
            summary="No",
        )
    # A space one is not in is not there.
    elsewhere = new_space(olga, "Ailleurs")["id"]
    response = httpx.request("PROPFIND", f"{dav.url}alice/space-{elsewhere}/",
                             auth=(dav.email, dav.token))  # fmt: skip
    assert response.status_code in (403, 404) and "Ailleurs" not in response.text


def test_a_change_over_caldav_reaches_open_pages(dav: Dav) -> None:
    seen = published(dav.ws)
    calendar = own(dav)
    calendar.save_event(
        dtstart=datetime(2026, 12, 9, 10, tzinfo=UTC),
        dtend=datetime(2026, 12, 9, 11, tzinfo=UTC),
        summary="Live",
        uid="live-1",
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not seen:
        time.sleep(0.05)
    assert [(e["type"], e["uid"]) for _, e in seen] == [("calendar.changed", "live-1")]
