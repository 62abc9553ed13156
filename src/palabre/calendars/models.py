"""The tables of calendars: a calendar (a person's or a space's), its objects (events and
to-dos, each kept as the iCalendar text a client sent or Palabre made, with the columns a
range query needs), the log of changes that CalDAV's sync tokens count on, and the keys of
subscription addresses that were regenerated (CalendarFeed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Moment, utcnow


class Calendar(Base):
    """A person's own calendar (owner_id set) or a space's (space_id set), made when first
    asked for. `revision` grows at each change of one of its objects."""

    __tablename__ = "calendars"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, default=None
    )
    space_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), unique=True, default=None
    )
    color: Mapped[str] = mapped_column(String(16), default="#1f5fbf")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class CalendarObject(Base):
    """One event or to-do (with its recurrence exceptions): one iCalendar object, one UID."""

    __tablename__ = "calendar_objects"
    __table_args__ = (
        UniqueConstraint("calendar_id", "uid"),
        UniqueConstraint("calendar_id", "href"),
        Index("ix_calendar_objects_calendar_id_starts_at", "calendar_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(255))
    href: Mapped[str] = mapped_column(String(255))  # its name in the CalDAV collection
    component: Mapped[str] = mapped_column(String(8))  # VEVENT or VTODO
    ics: Mapped[str] = mapped_column(Text)  # the VCALENDAR
    etag: Mapped[str] = mapped_column(String(64))  # SHA-256 of ics
    summary: Mapped[str] = mapped_column(String(512), default="")
    # The first start and the last end (None: recurs without end), for range queries.
    starts_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    ends_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    revision: Mapped[int] = mapped_column(Integer, default=0)  # the calendar's, when changed
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class CalendarChange(Base):
    """An object of the calendar made, changed or deleted at `revision` (sync tokens)."""

    __tablename__ = "calendar_changes"
    __table_args__ = (Index("ix_calendar_changes_calendar_id_revision", "calendar_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id", ondelete="CASCADE"))
    href: Mapped[str] = mapped_column(String(255))
    revision: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(default=False)


class CalendarFeed(Base):
    """The key of a person's subscription address of a calendar, once they regenerated it:
    only an address carrying this key is then good (the earlier ones 404)."""

    __tablename__ = "calendar_feeds"

    calendar_id: Mapped[int] = mapped_column(
        ForeignKey("calendars.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
