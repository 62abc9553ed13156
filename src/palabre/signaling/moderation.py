"""Moderator actions: each checks the actor's role, changes the room, and tells who must know.

A participant who is not a moderator gets a `forbidden` error and nothing changes.
"""

from __future__ import annotations

from ..meeting.admission import hash_password
from ..meeting.names import SPACE_ROOM_PREFIX
from ..meeting.notes import SharedNotes
from ..meeting.room import MODERATOR
from . import views
from .hub import Hub, Member
from .protocol import client as m
from .protocol import server as ev
from .protocol.base import Kind
from .protocol.client import ProtocolError


def act(hub: Hub, actor: Member, message: m.ModeratorMessage) -> None:
    ref = message.id
    if not actor.participant.moderator:
        raise ProtocolError("forbidden", "only a moderator may do this", ref)
    room = actor.room

    def target(participant_id: str) -> Member:
        member = hub.members.get(participant_id)
        if member is None or member.room is not room:
            raise ProtocolError(
                "not_found", f"participant: no participant {participant_id!r} here", ref
            )
        return member

    match message:
        case m.Admit() | m.Deny():
            waiter = hub.waiting.get(message.participant)
            if waiter is None or waiter.room is not room:
                raise ProtocolError(
                    "not_found", "participant: nobody with this id waits in the lobby", ref
                )
            if isinstance(message, m.Admit):
                hub.admit(waiter)
            else:
                hub.turn_away(waiter, "denied")
        case m.SetLobby():
            room.lobby_enabled = message.enabled
            _settings_changed(hub, actor)
            if not message.enabled:  # nobody waits for a lobby that is gone
                for waiter in [w for w in hub.waiting.values() if w.room is room]:
                    hub.admit(waiter)
        case m.SetLock():
            room.locked = message.locked
            _settings_changed(hub, actor)
        case m.SetPassword():
            room.password_hash = hash_password(message.password) if message.password else None
            _settings_changed(hub, actor)
        case m.StartMuted():
            room.start_audio_muted, room.start_video_muted = message.audio, message.video
            _settings_changed(hub, actor)
        case m.GrantModerator():
            hub.set_role(target(message.participant).participant, MODERATOR)
        case m.MuteParticipant():
            _mute(hub, actor, target(message.participant), message.kind)
        case m.MuteAll():
            for member in [hub.members[p] for p in room.participants if p in hub.members]:
                if member is not actor:
                    _mute(hub, actor, member, message.kind)
        case m.AskUnmute():
            who = target(message.participant)
            who.peer.send(ev.UnmuteRequested(kind=message.kind, by=actor.id))
        case m.Remove():
            who = target(message.participant)
            if who is actor:
                raise ProtocolError("invalid", "participant: use leave to leave", ref)
            hub.leave(who, "removed")
        case m.SetE2ee():
            if message.enabled:
                unable = [p.name for p in room.participants.values() if not p.e2ee]
                if unable:
                    names = ", ".join(unable[:5])
                    raise ProtocolError(
                        "invalid", f"enabled: these browsers cannot encrypt: {names}", ref
                    )
            room.e2ee = message.enabled
            _settings_changed(hub, actor)
        case m.SaveChat():
            account = actor.participant.account
            if message.save and (account is None or not room.name.startswith(SPACE_ROOM_PREFIX)):
                raise ProtocolError(
                    "invalid", "save: only a signed-in member saves a space meeting's chat", ref
                )
            if message.save and room.e2ee:
                raise ProtocolError(
                    "invalid", "save: an end-to-end encrypted chat cannot be saved", ref
                )
            room.save_chat_by = account if message.save else None
            _settings_changed(hub, actor)
        case m.SaveNotes():
            account = actor.participant.account
            if message.save and (account is None or not room.name.startswith(SPACE_ROOM_PREFIX)):
                raise ProtocolError(
                    "invalid", "save: only a signed-in member saves a space meeting's notes", ref
                )
            room.save_notes_by = account if message.save else None
            _settings_changed(hub, actor)  # everyone hears that the notes will be kept
        case m.OpenBoard():
            if room.board is None:
                room.board = SharedNotes()
                _settings_changed(hub, actor)  # everyone's page shows the board's button
        case m.SaveBoard():
            account = actor.participant.account
            if message.save and (account is None or not room.name.startswith(SPACE_ROOM_PREFIX)):
                raise ProtocolError(
                    "invalid", "save: only a signed-in member saves a space meeting's board", ref
                )
            if message.save and room.board is None:
                raise ProtocolError("invalid", "save: no whiteboard is open in this meeting", ref)
            room.save_board_by = account if message.save else None
            _settings_changed(hub, actor)
        case m.EndMeeting():
            for waiter in [w for w in hub.waiting.values() if w.room is room]:
                hub.turn_away(waiter, "ended")
            for member in [hub.members[p] for p in list(room.participants) if p in hub.members]:
                hub.leave(member, "ended")


def _settings_changed(hub: Hub, actor: Member) -> None:
    hub.broadcast(actor.room, ev.RoomUpdated(settings=views.settings(actor.room), by=actor.id))


def _mute(hub: Hub, actor: Member, member: Member, kind: Kind) -> None:
    already = member.participant.audio_muted if kind == "audio" else member.participant.video_muted
    hub.mute(member, kind, True)
    if not already:
        member.peer.send(ev.Muted(kind=kind, by=actor.id))
