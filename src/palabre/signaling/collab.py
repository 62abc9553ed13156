"""Chat, hands, reactions, shared notes, speaker statistics and receive settings."""

from __future__ import annotations

import base64

from ..meeting.chat import InvalidMessage
from ..meeting.names import InvalidName, clean_display_name
from ..meeting.notes import InvalidUpdate
from . import messages as m
from .hub import Hub, Member
from .messages import ProtocolError

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
            event = {"type": "chat", "message": posted.public()}
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
                renamed = {
                    "type": "participant_updated",
                    "participant": member.participant.public(),
                }
                hub.broadcast(room, renamed)
        case m.Hand():
            changed = (
                room.hands.raise_hand(member.id) if message.raised else room.hands.lower(member.id)
            )
            if changed:
                hub.broadcast(room, {"type": "hands", "order": room.hands.order})
        case m.LowerHand():
            if not member.participant.moderator and message.participant != member.id:
                raise ProtocolError("forbidden", "only a moderator may lower another's hand", ref)
            if room.hands.lower(message.participant):
                hub.broadcast(room, {"type": "hands", "order": room.hands.order})
        case m.Reaction():
            hub.broadcast(
                room, {"type": "reaction", "participant": member.id, "emoji": message.emoji}
            )
        case m.NotesUpdate():
            try:
                update = base64.b64decode(message.update, validate=True)
                room.notes.apply(update)
            except (ValueError, InvalidUpdate) as exc:
                raise ProtocolError("invalid", f"update: {exc}", ref) from None
            event = {"type": "notes_update", "update": message.update, "from": member.id}
            for other in room.others(member.id):
                peer = hub.members.get(other.id)
                if peer is not None:
                    peer.peer.send(event)
        case m.NotesSync():
            state = base64.b64encode(room.notes.state()).decode()
            member.peer.send(_with_ref({"type": "notes_state", "update": state}, ref))
        case m.SpeakerStatsRequest():
            stats = room.speakers.public(room.names)
            member.peer.send(_with_ref({"type": "speaker_stats", "stats": stats}, ref))
        case m.Receive():
            member.media.receive(None if message.video == "off" else QUALITY_LAYERS[message.video])
        case m.E2eeMessage():
            recipient = hub.members.get(message.to)
            if recipient is None or recipient.room is not room or recipient is member:
                raise ProtocolError("not_found", "to: no other participant with this id here", ref)
            recipient.peer.send(
                {"type": "e2ee_message", "from": member.id, "payload": message.payload}
            )
        case m.E2eeChat():
            if not room.e2ee:
                raise ProtocolError(
                    "invalid", "payload: this meeting is not encrypted end to end", ref
                )
            event = {"type": "e2ee_chat", "from": member.id, "payload": message.payload}
            for other in room.others(member.id):
                peer = hub.members.get(other.id)
                if peer is not None:
                    peer.peer.send(event)
        case m.Constraints():
            member.media.constrain(dict(message.tracks))


def _with_ref(message: dict[str, object], ref: int | None) -> dict[str, object]:
    if ref is not None:
        message["ref"] = ref
    return message
