"""Who may do what with a meeting poll. Only organisation accounts (signed in, not guests)
make polls; a poll is its organiser's alone to see in full, change, close or delete (anyone
else is told it does not exist); a poll for a space needs the right to write the space's
calendar, where its event will go. An invitee is whoever holds an invitation link, or the
poll's organisation link and is signed in (any account, then answering as themselves): they
see the poll's title, slots and (unless hidden) the names and answers of the others, never an
e-mail address nor anything of the organiser's calendar."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.users import User
from ..errors import Forbidden, NotFound, Unauthenticated
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


def invited(
    session: Session, token: str, user_id: int | None = None
) -> tuple[Poll, PollInvite | None]:
    """The poll and the invitation of a link, None for the poll's organisation link (which
    asks `user_id`, the account signed in: Unauthenticated without); NotFound for a wrong
    link."""
    if len(token) > 64:
        raise NotFound("no such poll")
    invite = session.scalar(select(PollInvite).where(PollInvite.token == token))
    if invite is not None:
        poll = session.get(Poll, invite.poll_id)
        if poll is None:
            raise NotFound("no such poll")
        return poll, invite
    found = session.scalar(select(Poll).where(Poll.agents_token == token))
    if found is None:
        raise NotFound("no such poll")
    if user_id is None or session.get(User, user_id) is None:
        raise Unauthenticated("sign in to answer this poll")
    return found, None
