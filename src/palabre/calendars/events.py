"""Events made, replaced and deleted through the API, with the iMIP messages their attendees
get (invitations, updates, cancellations, sent once committed), and an attendee's answer by
their signed link. An attendee whose address is a Palabre account's also gets a
notification (notify, kind `event`) when invited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..accounts.users import User
from ..errors import NotFound
from ..notify.store import add_notification
from . import ical, itip
from .ical import Attendee, EventFields
from .models import Calendar, CalendarObject
from .policy import calendar_access
from .store import Events, changed, detail, object_by_uid, put_object, remove_object
from .views import EventDetail, iso


@dataclass(frozen=True)
class Mailing:
    """An iMIP message to send: REQUEST (invitation, update) or CANCEL, to `to`."""

    object_id: int
    method: str
    ics: str
    to: list[Attendee]
    summary: str
    organizer: str  # a name
    start: datetime | date
    location: str


def organizer_of(session: Session, user_id: int, fallback_email: str) -> Attendee:
    user = session.get(User, user_id)
    assert user is not None
    return Attendee(user.email or fallback_email, user.display_name, "ACCEPTED")


def _mailing(found: CalendarObject, method: str, to: list[Attendee], text: str) -> Mailing:
    described = ical.describe(text)
    master = described.master
    return Mailing(
        object_id=found.id, method=method, ics=itip.imip(text, method), to=to,
        summary=master.summary, organizer=master.organizer.name if master.organizer else "",
        start=master.start, location=master.location,
    )  # fmt: skip


def _guests(attendees: list[Attendee], organizer: Attendee | None) -> list[Attendee]:
    """Those to write to: everyone invited but the organiser."""
    own = organizer.email.casefold() if organizer else ""
    return [a for a in attendees if a.email.casefold() != own]


def accounts_of(session: Session, attendees: list[Attendee]) -> list[int]:
    """The accounts whose e-mail address is one of the attendees' (case aside)."""
    emails = sorted({a.email.casefold() for a in attendees if a.email})
    if not emails:
        return []
    query = select(User.id).where(func.lower(User.email).in_(emails)).order_by(User.id)
    return list(session.scalars(query))


def notify_invited(
    session: Session, user_id: int, guests: list[Attendee], fields: EventFields
) -> Events:
    """A notification to each invited attendee who has an account, but the one inviting."""
    # Its time as the organiser gave it, in the event's zone (a day alone if all day).
    start = (f"{fields.start:%Y-%m-%d %H:%M}" if isinstance(fields.start, datetime)
             else fields.start.isoformat())  # fmt: skip
    told: Events = []
    for uid in accounts_of(session, guests):
        if uid != user_id:
            _, event = add_notification(session, uid, "event", text=f"{fields.summary} · {start}",
                                        actor_id=user_id)  # fmt: skip
            told.append(event)
    return told


def create_event(
    session: Session, user_id: int, calendar_id: int, fields: EventFields, notify: bool = True
) -> tuple[EventDetail, list[Mailing], Events]:
    """A new event; invitations to its attendees (`notify`: also in-app, to those with an
    account)."""
    access = calendar_access(session, user_id, calendar_id, "write")
    uid = f"{uuid.uuid4().hex}@palabre"
    text = ical.event_ics(uid, fields)
    found = put_object(session, access.calendar, text, None, user_id)
    guests = _guests(fields.attendees, fields.organizer)
    mailings = [_mailing(found, "REQUEST", guests, text)] if guests else []
    told = notify_invited(session, user_id, guests, fields) if notify else []
    return detail(calendar_id, text, True), mailings, [*changed(access.calendar, uid), *told]


def _writable_event(
    session: Session, user_id: int, calendar_id: int, uid: str
) -> tuple[Calendar, CalendarObject]:
    access = calendar_access(session, user_id, calendar_id, "write")
    found = object_by_uid(session, access.calendar, uid)
    if found is None or found.component != "VEVENT":
        raise NotFound("no such event")
    return access.calendar, found


def replace_event(
    session: Session, user_id: int, calendar_id: int, uid: str, fields: EventFields
) -> tuple[EventDetail, list[Mailing], Events]:
    """The event made anew from `fields`: its update to those still invited, its
    cancellation to those no longer."""
    calendar, found = _writable_event(session, user_id, calendar_id, uid)
    before = ical.describe(found.ics).master
    if before.organizer is not None:
        fields.organizer = before.organizer  # the organiser stays who invited
    text = ical.replaced(found.ics, fields)
    put_object(session, calendar, text, found.href, user_id)
    still = {a.email.casefold() for a in fields.attendees}
    kept = _guests(fields.attendees, fields.organizer)
    gone = [a for a in _guests(before.attendees, before.organizer)
            if a.email.casefold() not in still]  # fmt: skip
    mailings = []
    if kept:
        mailings.append(_mailing(found, "REQUEST", kept, text))
    if gone:
        mailings.append(_mailing(found, "CANCEL", gone, text))
    was = {a.email.casefold() for a in before.attendees}
    told = notify_invited(session, user_id, [a for a in kept if a.email.casefold() not in was],
                          fields)  # fmt: skip
    return detail(calendar_id, text, True), mailings, [*changed(calendar, uid), *told]


def delete_event(
    session: Session, user_id: int, calendar_id: int, uid: str, occurrence: str | None
) -> tuple[list[Mailing], Events]:
    """The event deleted (its cancellation to its attendees), or one occurrence of it
    excluded (`occurrence`: its start, ISO 8601; the update sent)."""
    calendar, found = _writable_event(session, user_id, calendar_id, uid)
    described = ical.describe(found.ics)
    guests = _guests(described.master.attendees, described.master.organizer)
    if occurrence is not None:
        moment = ical.parse_moment(
            occurrence, described.master.timezone or "UTC", described.master.all_day
        )
        text = itip.bumped(itip.overridden(found.ics, moment))
        put_object(session, calendar, text, found.href, user_id)
        mailings = [_mailing(found, "REQUEST", guests, text)] if guests else []
        return mailings, changed(calendar, uid)
    text = itip.bumped(found.ics)
    mailings = [_mailing(found, "CANCEL", guests, text)] if guests else []
    remove_object(session, calendar, found)
    return mailings, changed(calendar, uid)


@dataclass(frozen=True)
class Answer:
    summary: str
    start: str
    partstat: str


def rsvp_state(session: Session, object_id: int, email: str) -> Answer:
    """What the invitee's link shows: the event's title and time, their answer."""
    found = session.get(CalendarObject, object_id)
    if found is None:
        raise NotFound("no such invitation")
    described = ical.describe(found.ics)
    mine = [a for a in described.master.attendees if a.email.casefold() == email]
    if not mine:
        raise NotFound("no such invitation")
    master = described.master
    return Answer(master.summary, iso(master.start), mine[0].partstat)


def answer_rsvp(
    session: Session, object_id: int, email: str, partstat: str
) -> tuple[Answer, Events]:
    """The invitee's answer, set in the event (every instance)."""
    found = session.get(CalendarObject, object_id)
    if found is None:
        raise NotFound("no such invitation")
    text = itip.set_partstat(found.ics, email, partstat.upper())
    if text is None:
        raise NotFound("no such invitation")
    calendar = session.get(Calendar, found.calendar_id)
    assert calendar is not None
    put_object(session, calendar, text, found.href, None)
    return rsvp_state(session, object_id, email), changed(calendar, found.uid)
