"""Poll requests: moderators ask and close, everyone votes; each participant is told the poll
as they may see it (signaling/views.py, `poll`)."""

from __future__ import annotations

from ..meeting.polls import Poll, PollError
from ..meeting.room import Room
from . import views
from .hub import Hub, Member
from .protocol import client as m
from .protocol import server as ev
from .protocol.client import ProtocolError


def act(hub: Hub, member: Member, message: m.PollMessage) -> None:
    ref = message.id
    room = member.room
    polls = room.polls
    try:
        match message:
            case m.PollCreate():
                _moderator_only(member, ref)
                poll = polls.create(
                    member.id,
                    message.question,
                    list(message.options),
                    anonymous=message.anonymous,
                    live=message.live,
                )
                tell(hub, room, poll)
            case m.PollVote():
                if polls.vote(message.poll, member.id, message.option):
                    poll = polls.get(message.poll)
                    everyone = poll.results_shown(moderator=False)
                    tell(hub, room, poll, None if everyone else member.id)
            case m.PollClose():
                _moderator_only(member, ref)
                if polls.close(message.poll):
                    tell(hub, room, polls.get(message.poll))
    except PollError as exc:
        raise ProtocolError("invalid", f"poll: {exc}", ref) from None


def _moderator_only(member: Member, ref: int | None) -> None:
    if not member.participant.moderator:
        raise ProtocolError("forbidden", "only a moderator may do this", ref)


def tell(hub: Hub, room: Room, poll: Poll, only: str | None = None) -> None:
    """Each participant of the room gets the poll as they see it; with `only`, that one
    participant and the moderators (whose view changed while others' did not)."""
    for participant in list(room.participants.values()):
        if only is not None and participant.id != only and not participant.moderator:
            continue
        seat = hub.members.get(participant.id)
        if seat is not None:
            view = views.poll(poll, participant.id, participant.moderator)
            seat.peer.send(ev.PollShown(poll=view))
