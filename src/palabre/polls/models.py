"""The tables of meeting polls: the poll, its candidate slots, its invitee links and the
answers (yes / if need be / no per slot, and a comment). An answer comes either by an
invitee's link (one per link) or by the poll's organisation link, signed in (one per
account)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Moment, utcnow


class Poll(Base):
    __tablename__ = "polls"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The space whose calendar receives the event (None: the organiser's own calendar).
    space_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), index=True, default=None
    )
    title: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")  # the organiser's
    deadline: Mapped[datetime | None] = mapped_column(Moment, default=None)
    hidden_results: Mapped[bool] = mapped_column(default=False)  # voters see only their own
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    chosen_slot_id: Mapped[int | None] = mapped_column(Integer, default=None)
    event_uid: Mapped[str | None] = mapped_column(String(255), default=None)
    room: Mapped[str | None] = mapped_column(String(64), default=None)
    # The organisation link's secret (None: invitee links only): whoever opens it signed in
    # answers as themselves, once.
    agents_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)


class PollSlot(Base):
    __tablename__ = "poll_slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[str] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(Moment)
    ends_at: Mapped[datetime] = mapped_column(Moment)


class PollInvite(Base):
    """A link to answer the poll without an account: one answer per link."""

    __tablename__ = "poll_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[str] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # the link's secret
    label: Mapped[str] = mapped_column(String(128), default="")  # the organiser's note
    email: Mapped[str | None] = mapped_column(String(320), default=None)  # organiser's only
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class PollAnswer(Base):
    __tablename__ = "poll_answers"
    __table_args__ = (
        # One answer per account by the organisation link (invitee links have their own).
        Index("ix_poll_answers_person", "poll_id", "user_id", unique=True,
              sqlite_where=text("invite_id IS NULL"),
              postgresql_where=text("invite_id IS NULL")),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[str] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    invite_id: Mapped[int | None] = mapped_column(
        ForeignKey("poll_invites.id", ondelete="CASCADE"), unique=True, default=None
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    name: Mapped[str] = mapped_column(String(64))
    choices: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # slot id -> answer
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
