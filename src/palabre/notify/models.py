"""The table of notifications: what a person should hear of, read or not, e-mailed or not."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Moment, utcnow

# task: a card assigned or due soon; poll: a poll answered or closed; event: invited to an event
KINDS = ("mention", "reply", "invitation", "direct", "task", "poll", "event")


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_id", "user_id", "id"),
        # The digest job's question: what is not e-mailed yet, and since when.
        Index("ix_notifications_emailed_at_created_at", "emailed_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # KINDS
    space_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), default=None
    )
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), default=None
    )
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), default=None
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    text: Mapped[str] = mapped_column(String(500), default="")  # a short excerpt
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    emailed_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    # A digest job that took it to e-mail (notify/pending.py): which run, since when. A claim
    # older than the lease is taken again (its process died mid-send).
    digest_claim: Mapped[str | None] = mapped_column(String(32), default=None)
    digest_claimed_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
