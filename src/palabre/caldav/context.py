"""The caller and the database session of the CalDAV request this thread serves: Radicale
runs each request in one thread, from its login (auth.py) through its rights (rights.py) to
its storage calls (storage.py), which run inside a lock that opens and ends the session."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..bus import Bus, Event
from ..db import Database


@dataclass
class Caller:
    user_id: int
    user_name: str
    writable: bool


class Context(threading.local):
    caller: Caller | None = None
    session: Session | None = None
    pending: list[tuple[str, Event]] | None = None  # bus events, published once committed


class Binding:
    """The database the plugins of one Radicale application work on, and each thread's
    request context."""

    def __init__(self, db: Database, bus: Bus | None = None) -> None:
        self.db = db
        self.bus = bus
        self.loop: asyncio.AbstractEventLoop | None = None  # the app's, seen at each request
        self.local = Context()
        self.write_lock = threading.Lock()  # one writing request at a time

    def tell(self, events: list[tuple[str, Event]]) -> None:
        """Bus events of this request's change, for after its commit."""
        if self.local.pending is not None:
            self.local.pending.extend(events)

    def publish(self, events: list[tuple[str, Event]]) -> None:
        """Hand committed events to the bus on the app's event loop (from this thread)."""
        if self.bus is None or self.loop is None or not events:
            return
        for topic, event in events:
            asyncio.run_coroutine_threadsafe(self.bus.publish(topic, event), self.loop)

    @property
    def session(self) -> Session:
        session = self.local.session
        if session is None:
            raise RuntimeError("a storage call outside of acquire_lock")
        return session

    @contextlib.contextmanager
    def any_session(self) -> Iterator[Session]:
        """The request's session if its lock is held, else one of its own."""
        if self.local.session is not None:
            yield self.local.session
            return
        with self.db.session() as session:
            yield session

    @property
    def caller(self) -> Caller | None:
        return self.local.caller
