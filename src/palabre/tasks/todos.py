"""Cards with a due date as VTODOs of their space's calendar, both ways: a card's change
writes its VTODO (UID card-<id>@palabre; gone when the due date is), and a VTODO of that
UID sent by a CalDAV client changes the card back (its title, due date, and whether it is
done: completing the task in Thunderbird completes the card)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import icalendar
from sqlalchemy.orm import Session

from ..calendars import store as calendars
from ..calendars.ical import load, wrap
from ..calendars.models import Calendar, CalendarObject
from ..calendars.policy import space_calendar
from ..db import utcnow
from .models import Board, Card

UID = re.compile(r"card-(\d+)@palabre")


def card_uid(card_id: int) -> str:
    return f"card-{card_id}@palabre"


def _todo(card: Card) -> str:
    todo = icalendar.Todo()
    todo.add("uid", card_uid(card.id))
    todo.add("dtstamp", utcnow())
    todo.add("summary", card.title)
    if card.description:
        todo.add("description", card.description)
    assert card.due_at is not None
    todo.add("due", card.due_at.astimezone(UTC))
    todo.add("status", "COMPLETED" if card.done_at else "NEEDS-ACTION")
    if card.done_at is not None:
        todo.add("completed", card.done_at.astimezone(UTC))
    return str(wrap(todo).to_ical().decode())


def write_todo(session: Session, board: Board, card: Card) -> None:
    """The card's VTODO as the card now is (none without a due date)."""
    calendar = space_calendar(session, board.space_id)
    found = calendars.object_by_uid(session, calendar, card_uid(card.id))
    if card.due_at is None:
        if found is not None:
            calendars.remove_object(session, calendar, found)
        return
    calendars.put_object(session, calendar, _todo(card), found.href if found else None, None)


def remove_todo(session: Session, board: Board, card_id: int) -> None:
    calendar = space_calendar(session, board.space_id)
    found = calendars.object_by_uid(session, calendar, card_uid(card_id))
    if found is not None:
        calendars.remove_object(session, calendar, found)


def _moment(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def from_todo(session: Session, calendar: Calendar, found: CalendarObject) -> Card | None:
    """The card a client's VTODO stands for, changed as the VTODO says; None if it stands
    for none of this space's cards."""
    match = UID.fullmatch(found.uid)
    if found.component != "VTODO" or match is None or calendar.space_id is None:
        return None
    card = session.get(Card, int(match.group(1)))
    board = session.get(Board, card.board_id) if card is not None else None
    if card is None or board is None or board.space_id != calendar.space_id:
        return None
    todo: Any = next(c for c in load(found.ics).subcomponents if c.name == "VTODO")
    summary = " ".join(str(todo.get("summary", "")).split())
    if summary:
        card.title = summary[:512]
    if "due" in todo:
        card.due_at = _moment(todo["due"].dt)
    completed = str(todo.get("status", "")).upper() == "COMPLETED"
    if completed and card.done_at is None:
        done = todo.get("completed")
        card.done_at = _moment(done.dt) if done is not None else utcnow()
    elif not completed:
        card.done_at = None
    card.updated_at = utcnow()
    return card
