"""Breakout room requests: moderators plan, open, visit, broadcast and close; participants
go into their room and back when allowed. The moves themselves are the hub's (`Hub.move`):
a breakout room is a Room of the hub like the main room (meeting/breakouts.py)."""

from __future__ import annotations

import time

from ..meeting.breakouts import BreakoutError, Breakouts
from ..meeting.chat import InvalidMessage, clean_text
from ..meeting.room import Room
from .hub import Hub, Member
from .protocol import client as m
from .protocol import server as ev
from .protocol.client import ProtocolError

# What a participant who is not a moderator may ask.
EVERYONE = (m.BreakoutJoin, m.BreakoutReturn)


def act(hub: Hub, member: Member, message: m.BreakoutRequest) -> None:
    ref = message.id
    if not member.participant.moderator and not isinstance(message, EVERYONE):
        raise ProtocolError("forbidden", "only a moderator may do this", ref)
    main = hub.main_of(member.room)
    try:
        _act(hub, member, main, message)
    except BreakoutError as exc:
        raise ProtocolError("invalid", f"breakout: {exc}", ref) from None


def _plan(main: Room) -> Breakouts:
    if main.breakouts is None:
        raise BreakoutError("no breakout rooms are planned")
    return main.breakouts


def _act(hub: Hub, member: Member, main: Room, message: m.BreakoutRequest) -> None:
    ref = message.id
    match message:
        case m.BreakoutCreate():
            if main.e2ee:
                raise BreakoutError("not in a meeting encrypted end to end")
            if main.breakouts_open:
                raise BreakoutError("the breakout rooms are open: close them first")
            previous = main.breakouts
            main.breakouts = Breakouts.plan(list(message.names))
            if previous is not None:  # the assignments that still fit stay
                for pid, index in previous.assignment.items():
                    if index < len(main.breakouts):
                        main.breakouts.assign(pid, index)
            hub.tell_breakouts(main)
        case m.BreakoutAssign():
            plan = _plan(main)
            everyone = {pid for room in hub.meeting_rooms(main) for pid in room.participants}
            if message.participant not in everyone:
                raise ProtocolError(
                    "not_found", "participant: no participant with this id here", ref
                )
            if plan.assign(message.participant, message.room):
                if plan.opened:
                    _place(hub, main, message.participant)
                hub.tell_breakouts(main)
        case m.BreakoutShuffle():
            plan = _plan(main)
            participants = [
                p.id
                for room in hub.meeting_rooms(main)
                for p in room.participants.values()
                if not p.moderator
            ]
            plan.shuffle(participants)
            if plan.opened:
                for pid in participants:
                    _place(hub, main, pid)
            hub.tell_breakouts(main)
        case m.BreakoutOpen():
            plan = _plan(main)
            plan.open(time.time(), message.duration, message.allow_return)
            for index in range(len(plan)):
                hub.rooms.breakout(main, index)
            for pid in list(main.participants):
                assigned = plan.room_of(pid)
                if assigned is not None:
                    hub.move(main, pid, hub.rooms.breakout(main, assigned), resubscribe=False)
            for room in hub.meeting_rooms(main):
                hub.update_subscriptions(room)
            hub.tell_breakouts(main)
        case m.BreakoutJoin():
            plan = _plan(main)
            if not plan.opened:
                raise BreakoutError("the breakout rooms are not open")
            plan.check_index(message.room)
            if not member.participant.moderator and plan.room_of(member.id) != message.room:
                raise ProtocolError("forbidden", "room: you are assigned to another room", ref)
            hub.move(member.room, member.id, hub.rooms.breakout(main, message.room))
            hub.tell_breakouts(main)
        case m.BreakoutReturn():
            if member.room is main:
                return
            plan = _plan(main)
            if not member.participant.moderator and not plan.allow_return:
                raise ProtocolError(
                    "forbidden", "the moderator keeps everyone in the breakout rooms", ref
                )
            hub.move(member.room, member.id, main)
            hub.tell_breakouts(main)
        case m.BreakoutBroadcast():
            try:
                text = clean_text(message.text)
            except InvalidMessage as exc:
                raise ProtocolError("invalid", f"text: {exc}", ref) from None
            said = ev.BreakoutMessage(text=text, from_=member.id, from_name=member.participant.name)
            for room in hub.meeting_rooms(main):
                hub.broadcast(room, said)
        case m.BreakoutClose():
            if main.breakouts is None:
                return
            hub.close_breakouts(main)


def _place(hub: Hub, main: Room, participant_id: str) -> None:
    """Open rooms: moves an (re)assigned participant where its assignment says, wherever
    it is in the meeting now (unassigned: back to the main room)."""
    assert main.breakouts is not None
    index = main.breakouts.room_of(participant_id)
    target = main if index is None else hub.rooms.breakout(main, index)
    for room in hub.meeting_rooms(main):
        if participant_id in room.participants:
            hub.move(room, participant_id, target)
            return
