"""Every calendars endpoint tried by everyone: not signed in, a stranger (an organisation
account outside the space), a guest of the space, a member who may only read its calendar,
a member and its owner. A stranger gets 404 and learns nothing (not an event's title); a
member who may not gets 403; a person's own calendar is no one else's, whoever they are;
free/busy is for organisation accounts; an RSVP link answers whoever holds it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.testclient import TestClient

from palabre.calendars.models import CalendarObject
from palabre.calendars.rsvp import rsvp_token
from palabre.web.api import calendars as calendars_api
from space_kit import new_space, user_id
from workspace import Workspace

from .kit import add_member, new_event, own_calendar, space_calendar

SECRET_TITLE = "Zanzibar Secret"
CALLERS = ("anonymous", "stranger", "guest", "reader", "member", "owner")
RANGE = "?start=2026-12-01T00:00:00%2B00:00&end=2027-01-01T00:00:00%2B00:00"
EVENT = {"summary": "Other", "start": "2026-12-09T10:00", "end": "2026-12-09T11:00"}


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # with {space_calendar}, {own_calendar}, {uid}, {own_uid}, {owner}, {token}
    want: dict[str, int]  # by caller
    body: dict[str, Any] | None = None
    raw: str | None = None  # a body sent as is (an .ics file)


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:imported-1
DTSTAMP:20261201T000000Z
DTSTART:20261209T100000Z
DTEND:20261209T110000Z
SUMMARY:Imported
END:VEVENT
END:VCALENDAR
"""


def status(anonymous: int, stranger: int, guest: int, reader: int, member: int,
           owner: int) -> dict[str, int]:  # fmt: skip
    return dict(zip(CALLERS, (anonymous, stranger, guest, reader, member, owner), strict=True))


S = "/api/calendars/{space_calendar}/events"
P = "/api/calendars/{own_calendar}/events"
CASES = [
    Case("GET", "/api/calendars", status(401, 200, 200, 200, 200, 200)),
    Case("GET", S + RANGE, status(401, 404, 200, 200, 200, 200)),
    Case("POST", S, status(401, 404, 403, 403, 201, 201), EVENT),
    Case("GET", S + "/{uid}", status(401, 404, 200, 200, 200, 200)),
    Case("PUT", S + "/{uid}", status(401, 404, 403, 403, 200, 200), EVENT),
    Case("DELETE", S + "/{uid}", status(401, 404, 403, 403, 204, 204)),
    Case("GET", P + RANGE, status(401, 404, 404, 404, 404, 200)),
    Case("POST", P, status(401, 404, 404, 404, 404, 201), EVENT),
    Case("GET", P + "/{own_uid}", status(401, 404, 404, 404, 404, 200)),
    Case("PUT", P + "/{own_uid}", status(401, 404, 404, 404, 404, 200), EVENT),
    Case("DELETE", P + "/{own_uid}", status(401, 404, 404, 404, 404, 204)),
    Case("GET", S[:-7] + "/subscription", status(401, 404, 200, 200, 200, 200)),
    Case("GET", P[:-7] + "/subscription", status(401, 404, 404, 404, 404, 200)),
    Case("POST", S[:-7] + "/subscription", status(401, 404, 200, 200, 200, 200)),
    Case("POST", P[:-7] + "/subscription", status(401, 404, 404, 404, 404, 200)),
    Case("POST", S[:-7] + "/import", status(401, 404, 403, 403, 200, 200), raw=ICS),
    Case("POST", P[:-7] + "/import", status(401, 404, 404, 404, 404, 200), raw=ICS),
    Case("GET", "/api/freebusy/{owner}" + RANGE, status(401, 200, 404, 200, 200, 200)),
    Case("GET", "/api/rsvp/{token}", status(200, 200, 200, 200, 200, 200)),
    Case("POST", "/api/rsvp/{token}", status(200, 200, 200, 200, 200, 200),
         {"partstat": "ACCEPTED"}),
]  # fmt: skip


class People:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.owner = ws.person("olga")
        self.clients: dict[str, TestClient] = {
            "stranger": ws.person("sam"),
            "guest": ws.person("gus", guest=True),
            "reader": ws.person("rita"),
            "member": ws.person("mia"),
            "owner": self.owner,
        }
        space = new_space(self.owner, "Projet")["id"]
        add_member(ws, space, "gus", "guest")
        add_member(ws, space, "mia", "member")
        add_member(ws, space, "rita", "member")
        limited = self.owner.patch(f"/api/spaces/{space}/members/{user_id(ws, 'rita')}",
                                   json={"access": {"calendar": "read"}})  # fmt: skip
        assert limited.status_code == 200, limited.text
        self.space_calendar = space_calendar(self.owner, space)
        self.own_calendar = own_calendar(self.owner)

    def values(self) -> dict[str, Any]:
        """Fresh events for each try (a destructive one spoils no other)."""
        invited = [{"email": "ann@example.org"}]
        made = new_event(self.owner, self.space_calendar, summary=SECRET_TITLE,
                         attendees=invited)  # fmt: skip
        own = new_event(self.owner, self.own_calendar, summary=SECRET_TITLE)
        with self.ws.db.session() as session:
            found = session.query(CalendarObject).filter_by(uid=made["event"]["uid"]).one()
            token = rsvp_token(b"s" * 32, found.id, "ann@example.org")
        return {"space_calendar": self.space_calendar, "own_calendar": self.own_calendar,
                "uid": made["event"]["uid"], "own_uid": own["event"]["uid"], "owner": "olga",
                "token": token}  # fmt: skip


def test_every_calendars_endpoint_by_everyone(workspace: Workspace) -> None:
    people = People(workspace)
    wrong: list[str] = []
    for case in CASES:
        for caller in CALLERS:
            path = case.path.format(**people.values())
            client = workspace.anonymous() if caller == "anonymous" else people.clients[caller]
            kw: dict[str, Any] = {} if case.body is None else {"json": case.body}
            if case.raw is not None:
                kw = {"content": case.raw, "headers": {"content-type": "text/calendar"}}
            response = client.request(case.method, path, **kw)
            if response.status_code != case.want[caller]:
                wrong.append(f"{case.method} {case.path} as {caller}: {response.status_code} "
                             f"(wanted {case.want[caller]}) {response.text[:120]}")  # fmt: skip
            if response.status_code in (401, 403, 404) and SECRET_TITLE in response.text:
                wrong.append(f"{case.method} {case.path} as {caller}: says {response.text}")
            if "ann@example.org" in response.text and caller in ("guest", "reader", "stranger"):
                wrong.append(f"{case.method} {case.path} as {caller}: shows an e-mail")
    assert wrong == []


def _table_path(path: str) -> str:
    path = path.split("?")[0]
    for mine, theirs in (("{space_calendar}", "{calendar_id:int}"),
                         ("{own_calendar}", "{calendar_id:int}"), ("{own_uid}", "{uid}"),
                         ("{owner}", "{name}")):  # fmt: skip
        path = path.replace(mine, theirs)
    return path


def test_the_matrix_tries_every_calendars_endpoint() -> None:
    tried = {(c.method, _table_path(c.path)) for c in CASES}
    assert {(e.method, e.path) for e in calendars_api.ENDPOINTS} == tried
