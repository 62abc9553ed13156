"""The tables of task boards: a board of a space, its lists, their cards (with assignees,
due date, labels, a checklist), the cards' comments, activity and attached files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Moment, utcnow


class Board(Base):
    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(256))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class TaskList(Base):
    __tablename__ = "task_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(256))
    position: Mapped[float] = mapped_column(Float, default=1.0)


class Card(Base):
    __tablename__ = "cards"
    __table_args__ = (Index("ix_cards_list_id_position", "list_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("task_lists.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(512))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    position: Mapped[float] = mapped_column(Float, default=1.0)
    due_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    done_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    # When its assignees were told it is due soon (the reminders job), once per due date.
    reminded_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    labels: Mapped[list[Any]] = mapped_column(JSON, default=list)  # names
    checklist: Mapped[list[Any]] = mapped_column(JSON, default=list)  # {"text", "done"}
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class CardAssignee(Base):
    __tablename__ = "card_assignees"

    card_id: Mapped[int] = mapped_column(
        ForeignKey("cards.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CardComment(Base):
    __tablename__ = "card_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class CardActivity(Base):
    __tablename__ = "card_activity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    verb: Mapped[str] = mapped_column(String(32))  # created, moved, edited, done, reopened...
    detail: Mapped[str] = mapped_column(String(256), default="")
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class CardAttachment(Base):
    """A file of the card's space attached to it (the file stays in the space's files)."""

    __tablename__ = "card_attachments"

    card_id: Mapped[int] = mapped_column(
        ForeignKey("cards.id", ondelete="CASCADE"), primary_key=True
    )
    file_id: Mapped[str] = mapped_column(
        ForeignKey("file_nodes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    added_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
