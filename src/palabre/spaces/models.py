"""The tables of spaces: the space, its members, its invitations, its activity, its meetings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Moment, utcnow


class Space(Base):
    __tablename__ = "spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")
    room: Mapped[str] = mapped_column(String(64), unique=True)  # its permanent meeting room
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    # Deletion is asked, then done when this time has come (the grace period); until then
    # an owner may take it back.
    delete_at: Mapped[datetime | None] = mapped_column(Moment, default=None)


class Member(Base):
    __tablename__ = "space_members"

    space_id: Mapped[int] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))  # rules.ROLES
    access: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # module -> level
    notify: Mapped[str] = mapped_column(String(16), default="all")  # all, mentions, none
    joined_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class Invitation(Base):
    """An e-mail invitation: the link carries a secret whose SHA-256 is kept here."""

    __tablename__ = "space_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16))  # member or guest
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(Moment)
    accepted_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    accepted_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    revoked_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    # When the link was e-mailed to `email` (None: shown to the inviter instead, no SMTP set).
    # Only an e-mailed link proves its holder reads that mailbox.
    sent_at: Mapped[datetime | None] = mapped_column(Moment, default=None)


class Activity(Base):
    """One line of a space's activity feed: who did what, when."""

    __tablename__ = "space_activity"
    __table_args__ = (Index("ix_space_activity_space_id_id", "space_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    verb: Mapped[str] = mapped_column(String(32))  # e.g. space.created, member.added
    subject: Mapped[str] = mapped_column(String(256), default="")  # what it was done to
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class SpaceMeeting(Base):
    """One meeting held in a space's room, for its report: when, and how many person-minutes
    (the sum of each participant's minutes in it)."""

    __tablename__ = "space_meetings"
    __table_args__ = (Index("ix_space_meetings_space_id_started_at", "space_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(Moment)
    ended_at: Mapped[datetime] = mapped_column(Moment)
    person_minutes: Mapped[float] = mapped_column(Float, default=0.0)
