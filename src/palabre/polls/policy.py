"""Who may do what with a meeting poll. Only organisation accounts (signed in, not guests)
make polls; a poll is its organiser's alone to see in full, change, close or delete (anyone
else is told it does not exist); a poll for a space needs the right to write the space's
calendar, where its event will go. An invitee is whoever holds an invitation link: they see
the poll's title, slots and (unless hidden) the names and answers of the others, never an
e-mail address nor anything of the organiser's calendar."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.users import User
from ..errors import Forbidden, NotFound
from ..spaces.policy import authorize
from .models import Poll, PollInvite


def may_create(session: Session, user_id: int, space_id: int | None) -> User:
    user = session.get(User, user_id)
    if user is None or user.guest:
        raise Forbidden("only the organisation's accounts make meeting polls")
    if space_id is not None:
        authorize(session, user_id, space_id, "calendar.write")
    return user


def organised(session: Session, user_id: int, poll_id: str) -> Poll:
    """The organiser's own poll; NotFound for anyone else."""
    poll = session.get(Poll, poll_id) if len(poll_id) <= 32 else None
    if poll is None or poll.owner_id != user_id:
        raise NotFound("no such poll")
    return poll


def invited(session: Session, token: str) -> tuple[Poll, PollInvite]:
    """The poll and the invitation of a link; NotFound for a wrong one."""
    if len(token) > 64:
        raise NotFound("no such poll")
    invite = session.scalar(select(PollInvite).where(PollInvite.token == token))
    poll = session.get(Poll, invite.poll_id) if invite is not None else None
    if invite is None or poll is None:
        raise NotFound("no such poll")
    return poll, invite
