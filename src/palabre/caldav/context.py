"""The caller and the database session of the CalDAV request this thread serves: Radicale
runs each request in one thread, from its login (auth.py) through its rights (rights.py) to
its storage calls (storage.py), which run inside a lock that opens and ends the session."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..db import Database


@dataclass
class Caller:
    user_id: int
    user_name: str
    writable: bool


class Context(threading.local):
    caller: Caller | None = None
    session: Session | None = None


class Binding:
    """The database the plugins of one Radicale application work on, and each thread's
    request context."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.local = Context()
        self.write_lock = threading.Lock()  # one writing request at a time

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
