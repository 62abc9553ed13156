"""Events through the API: time zones, all-day, recurrence with exceptions, a space's
calendar and its meeting link, who may read and change what, free/busy without details."""

from __future__ import annotations

from datetime import timedelta

import icalendar

from space_kit import new_space
from workspace import Workspace

from .kit import add_member, events, new_event, own_calendar, space_calendar

DECEMBER = ("2026-12-01T00:00:00+00:00", "2027-01-01T00:00:00+00:00")


def test_a_weekly_event_expands_with_its_exceptions_in_its_time_zone(
    workspace: Workspace,
) -> None:
    alice = workspace.person("alice")
    mine = own_calendar(alice)
    made = new_event(alice, mine, summary="Hebdo", rrule="FREQ=WEEKLY;COUNT=4",
                     exdates=["2026-12-14T10:00"])  # fmt: skip
    uid = made["event"]["uid"]
    assert made["rrule"] == "FREQ=WEEKLY;COUNT=4"
    found = events(alice, mine, *DECEMBER)
    assert [e["start"] for e in found] == [
        "2026-12-07T10:00:00+01:00", "2026-12-21T10:00:00+01:00", "2026-12-28T10:00:00+01:00"
    ]  # fmt: skip
    assert all(e["uid"] == uid and e["recurring"] and e["timezone"] == "Europe/Paris"
               for e in found)  # fmt: skip
    # One more occurrence taken out, by its start.
    gone = alice.delete(f"/api/calendars/{mine}/events/{uid}",
                        params={"occurrence": "2026-12-21T10:00"})  # fmt: skip
    assert gone.status_code == 204, gone.text
    assert [e["start"][:10] for e in events(alice, mine, *DECEMBER)] == ["2026-12-07", "2026-12-28"]
    # A range that holds none of it.
    assert events(alice, mine, "2027-02-01T00:00:00+00:00", "2027-03-01T00:00:00+00:00") == []


def test_all_day_events_and_replacing_an_event(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    mine = own_calendar(alice)
    made = new_event(alice, mine, summary="Séminaire", start="2026-12-10", end="2026-12-12",
                     all_day=True)  # fmt: skip
    uid = made["event"]["uid"]
    [found] = events(alice, mine, *DECEMBER)
    assert (found["start"], found["end"], found["all_day"]) == ("2026-12-10", "2026-12-12", True)
    replaced = alice.put(f"/api/calendars/{mine}/events/{uid}", json={
        "summary": "Séminaire (déplacé)", "start": "2026-12-15T09:00", "end": "2026-12-15T17:00",
        "timezone": "America/New_York"})  # fmt: skip
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["sequence"] == 1
    [found] = events(alice, mine, *DECEMBER)
    assert found["summary"] == "Séminaire (déplacé)"
    assert found["start"] == "2026-12-15T09:00:00-05:00"
    deleted = alice.delete(f"/api/calendars/{mine}/events/{uid}")
    assert deleted.status_code == 204
    assert events(alice, mine, *DECEMBER) == []
    assert alice.get(f"/api/calendars/{mine}/events/{uid}").status_code == 404


def test_bad_events_are_refused(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    mine = own_calendar(alice)
    url = f"/api/calendars/{mine}/events"
    base = {"summary": "x", "start": "2026-12-07T10:00", "end": "2026-12-07T11:00"}
    for bad in (
        {"end": "2026-12-07T09:00"},
        {"timezone": "Mars/Olympus"},
        {"start": "soon"},
        {"rrule": "FREQ=SOMETIMES"},
        {"summary": "  "},
        {"attendees": [{"email": "not an address"}]},
        {"meeting_link": True},
    ):
        response = alice.post(url, json={**base, **bad})
        assert response.status_code == 400, (bad, response.text)
    assert (
        alice.get(url, params={"start": "2026-12-01T00:00", "end": DECEMBER[1]}).status_code == 400
    )


def test_a_spaces_calendar_its_meeting_link_and_who_may_change_it(workspace: Workspace) -> None:
    olga, gus, sam = (
        workspace.person("olga"),
        workspace.person("gus", guest=True),
        workspace.person("sam"),
    )
    space = new_space(olga, "Projet")
    add_member(workspace, space["id"], "gus", "guest")
    calendar = space_calendar(olga, space["id"])
    made = new_event(olga, calendar, summary="Revue", meeting_link=True)
    link = f"http://testserver/{space['room']}"
    assert made["event"]["location"] == link and made["event"]["url"] == link
    # The guest reads it (no e-mail of anyone), changes nothing.
    [seen] = events(gus, calendar, *DECEMBER)
    assert seen["summary"] == "Revue" and not seen["writable"]
    refused = gus.post(
        f"/api/calendars/{calendar}/events",
        json={"summary": "x", "start": "2026-12-08T10:00", "end": "2026-12-08T11:00"},
    )
    assert refused.status_code == 403
    # A stranger does not even learn it exists; nor does anyone of another's own calendar.
    for path in (
        f"/api/calendars/{calendar}/events/{made['event']['uid']}",
        f"/api/calendars/{own_calendar(olga)}/events",
    ):
        answer = sam.get(path, params={"start": DECEMBER[0], "end": DECEMBER[1]})
        assert answer.status_code == 404 and "Revue" not in answer.text


def test_free_busy_tells_when_not_what_and_nothing_to_guests(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice"), workspace.person("bob")
    gus = workspace.person("gus", guest=True)
    new_event(alice, own_calendar(alice), summary="Secret dentist", start="2026-12-07T10:00",
              end="2026-12-07T11:00")  # fmt: skip
    new_event(alice, own_calendar(alice), summary="Other", start="2026-12-07T10:30",
              end="2026-12-07T12:00")  # fmt: skip
    params = {"start": DECEMBER[0], "end": DECEMBER[1]}
    busy = bob.get("/api/freebusy/alice", params=params)
    assert busy.status_code == 200, busy.text
    assert busy.json() == [{"start": "2026-12-07T09:00:00Z", "end": "2026-12-07T11:00:00Z"}]
    assert "dentist" not in busy.text
    for who, name in ((gus, "alice"), (bob, "gus"), (bob, "nobody")):
        answer = who.get(f"/api/freebusy/{name}", params=params)
        assert answer.status_code == 404, (name, answer.text)
        assert "dentist" not in answer.text


IMPORT = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:imported-weekly
DTSTAMP:20261201T000000Z
DTSTART;TZID=Europe/Paris:20261202T090000
DTEND;TZID=Europe/Paris:20261202T100000
RRULE:FREQ=WEEKLY;COUNT=2
SUMMARY:Imported weekly
END:VEVENT
BEGIN:VEVENT
UID:imported-once
DTSTAMP:20261201T000000Z
DTSTART:20261215T100000Z
DTEND:20261215T110000Z
SUMMARY:Imported once
END:VEVENT
END:VCALENDAR
"""


def test_import_subscription_and_reminders(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice"), workspace.person("bob")
    mine = own_calendar(alice)
    imported = alice.post(f"/api/calendars/{mine}/import", content=IMPORT,
                          headers={"content-type": "text/calendar"})  # fmt: skip
    assert imported.status_code == 200 and imported.json() == {"imported": 2}
    assert [e["summary"] for e in events(alice, mine, *DECEMBER)] == [
        "Imported weekly", "Imported weekly", "Imported once"]  # fmt: skip
    bad = alice.post(f"/api/calendars/{mine}/import", content="not a calendar")
    assert bad.status_code == 400
    new_event(alice, mine, summary="With a reminder", reminder_minutes=15)
    url = alice.get(f"/api/calendars/{mine}/subscription").json()["url"]
    path = url.removeprefix("http://testserver")
    feed = workspace.anonymous().get(path)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(feed.text)
    summaries = sorted(str(e["summary"]) for e in parsed.walk("VEVENT"))
    assert summaries == ["Imported once", "Imported weekly", "With a reminder"]
    [alarm] = list(parsed.walk("VALARM"))
    assert alarm["trigger"].dt == -timedelta(minutes=15)
    assert len(list(parsed.walk("VTIMEZONE"))) == 1
    # A forged address, or another's calendar: nothing.
    assert workspace.anonymous().get(path[:-3] + "abc").status_code == 404
    assert bob.get(f"/api/calendars/{mine}/subscription").status_code == 404
    assert bob.post(f"/api/calendars/{mine}/subscription").status_code == 404
    # Regenerated: the new address works, the old one is gone, and so on.
    new = alice.post(f"/api/calendars/{mine}/subscription")
    assert new.status_code == 200, new.text
    newer = new.json()["url"].removeprefix("http://testserver")
    assert newer != path
    assert alice.get(f"/api/calendars/{mine}/subscription").json()["url"] == new.json()["url"]
    assert workspace.anonymous().get(path).status_code == 404
    assert workspace.anonymous().get(newer).status_code == 200
    again = alice.post(f"/api/calendars/{mine}/subscription").json()["url"]
    assert workspace.anonymous().get(newer).status_code == 404
    latest = workspace.anonymous().get(again.removeprefix("http://testserver"))
    assert latest.status_code == 200 and "With a reminder" in latest.text
