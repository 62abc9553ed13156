"""Notifications waiting to be e-mailed: claimed by one run of the digest job, marked e-mailed
once the SMTP server accepted the digest, or released for the next run if it did not.

Several processes may run the job at once. A run claims rows with one UPDATE whose condition
says "not claimed, or claimed longer than the lease ago": the database lets one run take each
row (PostgreSQL re-checks the condition on a row another transaction just changed; SQLite
writes one transaction at a time), and the run then reads back what it took, by its claim.
A process that dies between claiming and marking leaves its claim to expire: the digest is
sent again then (at least once, never lost).

A person gets at most one digest per `delay`: who was e-mailed less than `delay` ago waits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from ..accounts.preferences import language_of
from ..accounts.users import User
from ..messaging.models import Channel
from ..spaces.models import Space
from .digest import Missed, link_for
from .models import Notification

LEASE = 15 * 60  # seconds a claim holds; a run that takes longer is presumed dead
PEOPLE_PER_RUN = 200
WITHHELD = "withheld"  # the claim of rows never to be e-mailed (their subject is out of reach)

# May the person still see what this notification is about? (The web layer asks the
# policies: a member removed from a space is not e-mailed its news.)
Visibility = Callable[[Session, Notification], bool]


@dataclass
class Due:
    """One person's digest to send."""

    user_id: int
    email: str
    name: str
    language: str
    ids: list[int] = field(default_factory=list)
    items: list[Missed] = field(default_factory=list)


def claim_due(
    session: Session,
    claim: str,
    now: datetime,
    delay: float,
    base: str,
    visible: Visibility,
    lease: float = LEASE,
) -> list[Due]:
    """Take the notifications due for e-mail (neither read nor e-mailed, older than `delay`)
    of people with an address, and return them by person, newest first."""
    cutoff = now - timedelta(seconds=delay)
    free = or_(
        Notification.digest_claim.is_(None),
        and_(
            Notification.digest_claim != WITHHELD,
            Notification.digest_claimed_at < now - timedelta(seconds=lease),
        ),
    )
    due = (
        Notification.read_at.is_(None),
        Notification.emailed_at.is_(None),
        Notification.created_at <= cutoff,
        free,
    )
    earlier = aliased(Notification)
    recently_mailed = exists().where(
        earlier.user_id == User.id, earlier.emailed_at > now - timedelta(seconds=delay)
    )
    people = (
        select(User.id)
        .where(User.email.is_not(None), User.email != "", ~recently_mailed)
        .where(exists().where(Notification.user_id == User.id, *due))
        .order_by(User.id)
        .limit(PEOPLE_PER_RUN)
    )
    chosen = list(session.scalars(people))
    if not chosen:
        return []
    session.execute(
        update(Notification)
        .where(Notification.user_id.in_(chosen), *due)
        .values(digest_claim=claim, digest_claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    rows = session.scalars(
        select(Notification)
        .where(Notification.digest_claim == claim)
        .order_by(Notification.user_id, Notification.id.desc())
    ).all()
    digests: dict[int, Due] = {}
    for row in rows:
        if not visible(session, row):
            row.digest_claim = WITHHELD
            continue
        person = digests.get(row.user_id)
        if person is None:
            user = session.get(User, row.user_id)
            if user is None or not user.email:
                continue
            person = digests[row.user_id] = Due(
                user.id, user.email, user.display_name, language_of(user)
            )
        person.ids.append(row.id)
        person.items.append(missed(session, row, base))
    session.flush()
    return list(digests.values())


def missed(session: Session, row: Notification, base: str) -> Missed:
    actor = session.get(User, row.actor_id) if row.actor_id is not None else None
    space = session.get(Space, row.space_id) if row.space_id is not None else None
    channel = session.get(Channel, row.channel_id) if row.channel_id is not None else None
    space_id = row.space_id
    if space_id is None and channel is not None:
        space_id = channel.space_id
    if space is None and space_id is not None:
        space = session.get(Space, space_id)
    return Missed(
        kind=row.kind,
        text=row.text,
        actor=actor.display_name if actor else None,
        space=space.name if space else None,
        channel=channel.name if channel and channel.space_id is not None else None,
        link=link_for(base, space_id, row.channel_id, row.message_id, row.kind),
    )


def mark_sent(session: Session, claim: str, ids: list[int], now: datetime) -> None:
    """The SMTP server accepted the digest of these."""
    session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.digest_claim == claim)
        .values(emailed_at=now)
        .execution_options(synchronize_session=False)
    )


def release(session: Session, claim: str, ids: list[int]) -> None:
    """Not sent: the next run takes them again."""
    session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.digest_claim == claim)
        .values(digest_claim=None, digest_claimed_at=None)
        .execution_options(synchronize_session=False)
    )
