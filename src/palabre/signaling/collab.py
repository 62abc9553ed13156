"""Chat, hands, reactions, shared notes, speaker statistics and receive settings."""

from __future__ import annotations

import base64

from ..meeting.chat import InvalidMessage
from ..meeting.names import InvalidName, clean_display_name
from ..meeting.notes import InvalidUpdate
from . import views
from .hub import Hub, Member
from .protocol import client as m
from .protocol import server as ev
from .protocol.client import ProtocolError

QUALITY_LAYERS = {"low": 0, "standard": 1, "high": 2}


def act(hub: Hub, member: Member, message: m.CollabMessage) -> None:
    ref = message.id
    room = member.room
    match message:
        case m.Chat():
            recipient = None
            if message.to is not None:
                recipient = hub.members.get(message.to)
                if recipient is None or recipient.room is not room or recipient is member:
                    raise ProtocolError(
                        "not_found", "to: no other participant with this id here", ref
                    )
            try:
                posted = room.chat.post(
                    member.id, member.participant.name, message.text, message.to
                )
            except InvalidMessage as exc:
                raise ProtocolError("invalid", f"text: {exc}", ref) from None
            event = ev.ChatPosted(message=views.chat(posted))
            if recipient is None:
                hub.broadcast(room, event)
            else:  # a private message reaches its recipient and its sender, no one else
                recipient.peer.send(event)
                member.peer.send(event)
        case m.Rename():
            try:
                name = clean_display_name(message.name)
            except InvalidName as exc:
                raise ProtocolError("invalid", f"name: {exc}", ref) from None
            if name != member.participant.name:
                member.participant.name = name
                hub.broadcast(room, hub.updated(member.participant))
        case m.Hand():
            changed = (
                room.hands.raise_hand(member.id) if message.raised else room.hands.lower(member.id)
            )
            if changed:
                hub.broadcast(room, ev.Hands(order=list(room.hands.order)))
        case m.LowerHand():
            if not member.participant.moderator and message.participant != member.id:
                raise ProtocolError("forbidden", "only a moderator may lower another's hand", ref)
            if room.hands.lower(message.participant):
                hub.broadcast(room, ev.Hands(order=list(room.hands.order)))
        case m.Reaction():
            hub.broadcast(room, ev.ReactionShown(participant=member.id, emoji=message.emoji))
        case m.NotesUpdate():
            try:
                update = base64.b64decode(message.update, validate=True)
                room.notes.apply(update)
            except (ValueError, InvalidUpdate) as exc:
                raise ProtocolError("invalid", f"update: {exc}", ref) from None
            _to_others(hub, member, ev.NotesUpdated(update=message.update, from_=member.id))
        case m.NotesSync():
            state = base64.b64encode(room.notes.state()).decode()
            member.peer.send(ev.NotesState(update=state, ref=ref))
        case m.BoardUpdate():
            if room.board is None:
                raise ProtocolError("invalid", "update: no whiteboard is open in this meeting", ref)
            try:
                room.board.apply(base64.b64decode(message.update, validate=True))
            except (ValueError, InvalidUpdate) as exc:
                raise ProtocolError("invalid", f"update: {exc}", ref) from None
            _to_others(hub, member, ev.BoardUpdated(update=message.update, from_=member.id))
        case m.BoardSync():
            if room.board is None:
                raise ProtocolError("invalid", "no whiteboard is open in this meeting", ref)
            state = base64.b64encode(room.board.state()).decode()
            member.peer.send(ev.BoardState(update=state, ref=ref))
        case m.SpeakerStatsRequest():
            stats = views.talk_times(room.speakers, room.names)
            member.peer.send(ev.SpeakerStats(stats=stats, ref=ref))
        case m.Receive():
            member.media.receive(None if message.video == "off" else QUALITY_LAYERS[message.video])
        case m.E2eeMessage():
            recipient = hub.members.get(message.to)
            if recipient is None or recipient.room is not room or recipient is member:
                raise ProtocolError("not_found", "to: no other participant with this id here", ref)
            recipient.peer.send(ev.E2eeMessageRelayed(from_=member.id, payload=message.payload))
        case m.E2eeChat():
            if not room.e2ee:
                raise ProtocolError(
                    "invalid", "payload: this meeting is not encrypted end to end", ref
                )
            _to_others(hub, member, ev.E2eeChatRelayed(from_=member.id, payload=message.payload))
        case m.Constraints():
            member.media.constrain(dict(message.tracks))


def _to_others(hub: Hub, member: Member, event: ev.ServerMessage) -> None:
    """To everyone in the member's room but itself."""
    for other in member.room.others(member.id):
        peer = hub.members.get(other.id)
        if peer is not None:
            peer.peer.send(event)
