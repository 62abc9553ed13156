"""Radicale's `storage` plugin over the calendars package's rows: no file of its own. The
root lists the caller's principal, the principal lists the calendars the caller sees (their
own, their spaces'), a calendar holds the objects of `calendar_objects`; a PUT goes through
calendars.store.put_object (the same checks and change log as the API), and sync tokens
are the calendar's revision."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from radicale import item as radicale_item
from radicale.storage import BaseCollection, BaseStorage, ComponentNotFoundError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..bus import Event, space_topic
from ..calendars import store
from ..calendars.models import Calendar, CalendarChange, CalendarObject
from ..calendars.policy import calendar_access, personal_calendar, space_calendar
from ..db import utcnow
from ..errors import Refusal
from ..spaces.models import Space
from ..spaces.policy import membership
from ..tasks.todos import from_todo
from .context import Binding, Caller
from .paths import Place, calendar_name, parse

TOKEN_PREFIX = "http://palabre.invalid/ns/sync/"


class Collection(BaseCollection):
    """The root, a principal or a calendar. Radicale reads a collection's properties after
    the storage lock is gone: a calendar's are taken when it is found."""

    def __init__(
        self, binding: Binding, path: str, calendar: Calendar | None = None, name: str = "",
        last_modified: datetime | None = None,
    ) -> None:  # fmt: skip
        self._binding = binding
        self._path = path
        self._calendar_id = calendar.id if calendar is not None else None
        self._color = calendar.color if calendar is not None else ""
        self._revision = calendar.revision if calendar is not None else 0
        self._name = name
        self._modified = last_modified or utcnow()

    @property
    def path(self) -> str:
        return self._path

    def _calendar(self, session: Session) -> Calendar:
        found = session.get(Calendar, self._calendar_id)
        if found is None:
            raise ValueError("this calendar is gone")
        return found

    def get_meta(self, key: str | None = None) -> Any:
        meta: dict[str, str] = {}
        if self._calendar_id is not None:
            meta = {
                "tag": "VCALENDAR",
                "D:displayname": self._name,
                "C:supported-calendar-component-set": "VEVENT,VTODO",
                "ICAL:calendar-color": self._color,
            }
        return meta if key is None else meta.get(key)

    def set_meta(self, props: Any) -> None:
        color = props.get("ICAL:calendar-color")
        if self._calendar_id is not None and isinstance(color, str) and len(color) <= 16:
            with self._binding.any_session() as session:
                self._calendar(session).color = color

    @property
    def etag(self) -> str:
        return f'"{self._calendar_id or 0}-{self._revision}"'

    @property
    def last_modified(self) -> str:
        return format_datetime(self._modified, usegmt=True)

    def _item(self, found: CalendarObject) -> Any:
        return radicale_item.Item(
            collection=self, href=found.href, text=found.ics, etag=f'"{found.etag}"',
            last_modified=format_datetime(found.updated_at, usegmt=True), uid=found.uid,
            component_name=found.component,
        )  # fmt: skip

    def _objects(self) -> list[CalendarObject]:
        if self._calendar_id is None:
            return []
        with self._binding.any_session() as session:
            return list(
                session.scalars(
                    select(CalendarObject)
                    .where(CalendarObject.calendar_id == self._calendar_id)
                    .order_by(CalendarObject.id)
                )
            )

    def get_multi(self, hrefs: Iterable[str]) -> Iterator[tuple[str, Any]]:
        with self._binding.any_session() as session:
            calendar = self._calendar(session)
            found = [(href, store.object_by_href(session, calendar, href)) for href in hrefs]
        for href, row in found:
            yield href, self._item(row) if row is not None else None

    def get_all(self) -> Iterator[Any]:
        for found in self._objects():
            yield self._item(found)

    def has_uid(self, uid: str) -> bool:
        if self._calendar_id is None:
            return False
        with self._binding.any_session() as session:
            return store.object_by_uid(session, self._calendar(session), uid) is not None

    def sync(self, old_token: str = "") -> tuple[str, Iterable[str]]:
        with self._binding.any_session() as session:
            calendar = self._calendar(session)
            return self._sync(session, calendar, old_token)

    def _sync(self, session: Session, calendar: Calendar, old_token: str) -> tuple[str, list[str]]:
        token = f"{TOKEN_PREFIX}{calendar.id}-{calendar.revision}"
        if not old_token:
            return token, [found.href for found in self._objects()]
        mine, _, revision = old_token.removeprefix(TOKEN_PREFIX).partition("-")
        if (
            not old_token.startswith(TOKEN_PREFIX)
            or mine != str(calendar.id)
            or not revision.isdigit()
            or int(revision) > calendar.revision
        ):
            raise ValueError("this sync token is not this calendar's")
        changed = session.scalars(
            select(CalendarChange.href)
            .where(CalendarChange.calendar_id == calendar.id,
                   CalendarChange.revision > int(revision))
            .distinct()
        )  # fmt: skip
        return token, list(changed)

    def _check_writable(self) -> Caller:
        caller = self._binding.caller
        if caller is None or not caller.writable or self._calendar_id is None:
            raise ValueError("this calendar is read-only")
        try:
            calendar_access(self._binding.session, caller.user_id, self._calendar_id, "write")
        except Refusal as refusal:
            raise ValueError(str(refusal)) from None
        return caller

    def upload(self, href: str, item: Any) -> tuple[Any, Any]:
        caller = self._check_writable()
        session = self._binding.session
        calendar = self._calendar(session)
        before = store.object_by_href(session, calendar, href)
        old = self._item(before) if before is not None else None
        try:
            found = store.put_object(session, calendar, item.serialize(), href, caller.user_id)
        except Refusal as refusal:
            raise ValueError(str(refusal)) from None
        card = from_todo(session, calendar, found)  # a card's task: the card follows
        self._binding.tell(store.changed(calendar, found.uid))
        if card is not None and calendar.space_id is not None:
            event: Event = {"type": "board.changed", "space": calendar.space_id,
                            "board": card.board_id, "card": card.id}  # fmt: skip
            self._binding.tell([(space_topic(calendar.space_id), event)])
        return self._item(found), old

    def delete(self, href: str | None = None) -> None:
        if href is None:
            raise ValueError("calendars are not deleted over CalDAV")
        self._check_writable()
        calendar = self._calendar(self._binding.session)
        found = store.object_by_href(self._binding.session, calendar, href)
        if found is None:
            raise ComponentNotFoundError(href)
        store.remove_object(self._binding.session, calendar, found)
        self._binding.tell(store.changed(calendar, found.uid))


class Storage(BaseStorage):
    binding: Binding | None = None  # set by server.py once Radicale made the plugin

    def __init__(self, configuration: Any) -> None:
        super().__init__(configuration)

    def _binding_(self) -> Binding:
        assert self.binding is not None
        return self.binding

    def _calendar_of(self, caller: Caller, place: Place) -> Collection | None:
        session = self._binding_().session
        try:
            if place.space_id is None:
                calendar = personal_calendar(session, caller.user_id)
                name = "Palabre"
            else:
                membership(session, caller.user_id, place.space_id)
                calendar = space_calendar(session, place.space_id)
                space = session.get(Space, place.space_id)
                name = space.name if space is not None else ""
            access = calendar_access(session, caller.user_id, calendar.id, "read")
        except Refusal:
            return None
        path = f"{caller.user_name}/{calendar_name(place.space_id)}"
        latest = session.scalar(
            select(func.max(CalendarObject.updated_at)).where(
                CalendarObject.calendar_id == calendar.id
            )
        )
        return Collection(self._binding_(), path, access.calendar, name, latest)

    def _calendars(self, caller: Caller) -> Iterator[Collection]:
        session = self._binding_().session
        for view in store.list_calendars(session, caller.user_id):
            found = self._calendar_of(caller, Place(caller.user_name, view.space, True))
            if found is not None:
                yield found

    def discover(
        self, path: str, depth: str = "0", child_context_manager: Any = None,
        user_groups: Any = frozenset(),
    ) -> Iterator[Any]:  # fmt: skip
        binding = self._binding_()
        caller = binding.caller
        place = parse(path)
        if caller is None or place is None:
            return
        if place.user is None:
            yield Collection(binding, "")
            if depth != "0":
                yield Collection(binding, caller.user_name)
            return
        if place.user != caller.user_name:
            return
        if not place.calendar:
            yield Collection(binding, caller.user_name)
            if depth != "0":
                yield from self._calendars(caller)
            return
        collection = self._calendar_of(caller, place)
        if collection is None:
            return
        if place.href is not None:
            for _, found in collection.get_multi([place.href]):
                if found is not None:
                    yield found
            return
        yield collection
        if depth != "0":
            yield from collection.get_all()

    def move(self, item: Any, to_collection: Any, to_href: str) -> None:
        to_collection.upload(to_href, item)
        item.collection.delete(item.href)

    def create_collection(self, href: str, items: Any = None, props: Any = None) -> Any:
        raise ValueError("calendars are made by Palabre, not over CalDAV")

    @contextlib.contextmanager
    def acquire_lock(self, mode: str, user: str = "", *args: Any, **kwargs: Any) -> Iterator[None]:
        binding = self._binding_()
        if binding.local.session is not None:  # already inside this request's lock
            yield
            return
        lock = binding.write_lock if mode == "w" else contextlib.nullcontext()
        binding.local.pending = []
        try:
            with lock, binding.db.session() as session:
                binding.local.session = session
                try:
                    yield
                finally:
                    binding.local.session = None
            binding.publish(binding.local.pending)  # committed: the open pages hear of it
        finally:
            binding.local.pending = None

    def verify(self) -> bool:
        return True
