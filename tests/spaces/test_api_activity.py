"""A space's activity feed (newest first, paginated, with the actors' names) and its report
for admins (members by role; messages, meetings and minutes per week; JSON and CSV)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from palabre.db import utcnow
from palabre.messaging.models import Channel, Message
from palabre.spaces.models import Member, Space
from palabre.spaces.report import record_meeting, week_starts
from space_kit import join, new_space, user_id
from workspace import Workspace


def test_the_feed_says_who_did_what_newest_first(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice", "Alice Martin"), workspace.person("bob", "Bob")
    gwen = workspace.person("gwen", guest=True)
    sid = new_space(alice, "Alpha")["id"]
    join(alice, sid, "bob", "admin")
    with workspace.db.session() as session:
        session.add(Member(space_id=sid, user_id=user_id(workspace, "gwen"), role="guest"))
    bob.patch(f"/api/spaces/{sid}", json={"name": "Beta", "description": "the second"})
    alice.post(f"/api/spaces/{sid}/archive")
    url = f"/api/spaces/{sid}/activity"
    feed = bob.get(url).json()
    lines = [(i["verb"], i["subject"], i["actor"]["display_name"]) for i in feed["items"]]
    assert lines == [
        ("space.archived", "", "Alice Martin"),
        ("space.described", "", "Bob"),
        ("space.renamed", "Beta", "Bob"),
        ("member.added", "Bob", "Alice Martin"),
        ("space.created", "Alpha", "Alice Martin"),
    ]
    assert feed["before"] is None
    first = bob.get(url, params={"limit": 2}).json()
    assert [i["verb"] for i in first["items"]] == ["space.archived", "space.described"]
    second = bob.get(url, params={"limit": 2, "before": first["before"]}).json()
    assert [i["verb"] for i in second["items"]] == ["space.renamed", "member.added"]
    third = bob.get(url, params={"limit": 2, "before": second["before"]}).json()
    assert [i["verb"] for i in third["items"]] == ["space.created"] and third["before"] is None
    assert gwen.get(url).status_code == 403  # guests see no feed
    for params in ({"limit": 0}, {"limit": 1000}, {"before": "x"}, {"before": -1}):
        assert bob.get(url, params=params).status_code == 400, params


def add_messages(ws: Workspace, space_id: int | None, times: list[object]) -> None:
    with ws.db.session() as session:
        channel = Channel(
            space_id=space_id,
            kind="channel" if space_id else "direct",
            name=f"c{len(times)}-{id(times)}" if space_id else "",
        )
        session.add(channel)
        session.flush()
        for seq, at in enumerate(times, 1):
            session.add(
                Message(channel_id=channel.id, seq=seq, changed_seq=seq, body="m", created_at=at)
            )


def test_the_report_counts_per_week(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice"), workspace.person("bob")
    workspace.person("carol")
    space = new_space(alice, "Alpha")
    sid, room = space["id"], space["room"]
    other = new_space(alice, "Other")
    join(alice, sid, "bob", "admin")
    join(alice, sid, "carol", "guest")
    weeks = week_starts(utcnow(), 4)  # the Mondays, this week's last
    day = timedelta(days=1)
    add_messages(workspace, sid, [weeks[0] + day, weeks[0] + 2 * day, weeks[2], weeks[3]])
    add_messages(workspace, sid, [weeks[0] - day])  # before the report's first week
    add_messages(workspace, other["id"], [weeks[3]])  # another space's
    add_messages(workspace, None, [weeks[3]])  # a direct conversation
    with workspace.db.session() as session:
        start = weeks[1] + day
        assert record_meeting(session, room, start, start + timedelta(minutes=30), 75)
        assert record_meeting(session, room, start, start + timedelta(minutes=15), 15.5)
        assert record_meeting(session, other["room"], start, start + timedelta(hours=1), 60)
        assert not record_meeting(session, "not-a-space", start, start, 0)
        with pytest.raises(ValueError):
            record_meeting(session, room, start, start - day, 1)
        with pytest.raises(ValueError):
            record_meeting(session, room, start, start, -1)

    made = bob.get(f"/api/spaces/{sid}/report", params={"weeks": 4})
    assert made.status_code == 200, made.text
    report = made.json()
    assert report["members"] == {"owner": 1, "admin": 1, "member": 0, "guest": 1}
    rows = [
        (w["week_start"], w["messages"], w["meetings"], w["meeting_minutes"], w["person_minutes"])
        for w in report["weeks"]
    ]
    assert rows == [
        (weeks[0].date().isoformat(), 2, 0, 0.0, 0.0),
        (weeks[1].date().isoformat(), 0, 2, 45.0, 90.5),
        (weeks[2].date().isoformat(), 1, 0, 0.0, 0.0),
        (weeks[3].date().isoformat(), 1, 0, 0.0, 0.0),
    ]
    assert report["weeks"][-1]["members"] == 3

    exported = bob.get(f"/api/spaces/{sid}/report.csv", params={"weeks": 4})
    assert exported.status_code == 200
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.headers["content-disposition"].startswith("attachment; filename=")
    table = list(csv.reader(io.StringIO(exported.text)))
    assert table[0] == [
        "week_start", "members", "messages", "meetings", "meeting_minutes", "person_minutes"
    ]  # fmt: skip
    assert table[2] == [weeks[1].date().isoformat(), "0", "0", "2", "45.0", "90.5"]  # joined now
    assert table[4][:3] == [weeks[3].date().isoformat(), "3", "1"]
    assert len(table) == 5 and exported.text.endswith("\r\n")
    assert len(bob.get(f"/api/spaces/{sid}/report").json()["weeks"]) == 12  # the default
    described = bob.get("/api/openapi.json").json()["paths"]["/api/spaces/{space_id}/report.csv"]
    assert "text/csv" in described["get"]["responses"]["200"]["content"]


def test_the_report_is_for_admins(workspace: Workspace) -> None:
    alice, bob = workspace.person("alice"), workspace.person("bob")
    sid = new_space(alice)["id"]
    join(alice, sid, "bob")
    for path in ("report", "report.csv"):
        assert bob.get(f"/api/spaces/{sid}/{path}").status_code == 403
        for weeks in ("0", "105", "many"):
            response = alice.get(f"/api/spaces/{sid}/{path}", params={"weeks": weeks})
            assert response.status_code == 400, (path, weeks)
    with workspace.db.session() as session:  # a space being deleted still reports
        space = session.get(Space, sid)
        assert space is not None
        space.delete_at = utcnow() + timedelta(days=1)
    assert alice.get(f"/api/spaces/{sid}/report.csv").status_code == 200
