"""Moderator actions: each checks the actor's role, changes the room, and tells who must know.

A participant who is not a moderator gets a `forbidden` error and nothing changes.
"""

from __future__ import annotations

from ..meeting.admission import hash_password
from ..meeting.names import SPACE_ROOM_PREFIX
from ..meeting.notes import SharedNotes
from ..meeting.room import MODERATOR, Room
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
    # The lobby and the end of the meeting are the main room's, also for a moderator in a
    # breakout room; the other actions are about the room the moderator is in.
    main = hub.main_of(room)

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
            if waiter is None or waiter.room is not main:
                raise ProtocolError(
                    "not_found", "participant: nobody with this id waits in the lobby", ref
                )
            if isinstance(message, m.Admit):
                hub.admit(waiter)
            else:
                hub.turn_away(waiter, "denied")
        case m.SetLobby():
            main.lobby_enabled = message.enabled
            _settings_changed(hub, actor, main)
            if not message.enabled:  # nobody waits for a lobby that is gone
                for waiter in [w for w in hub.waiting.values() if w.room is main]:
                    hub.admit(waiter)
        case m.SetLock():
            main.locked = message.locked
            _settings_changed(hub, actor, main)
        case m.SetPassword():
            main.password_hash = hash_password(message.password) if message.password else None
            _settings_changed(hub, actor, main)
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
            if message.enabled and room.recording:
                raise ProtocolError(
                    "invalid", "enabled: stop the recording first: the server cannot record "
                    "end-to-end encrypted media", ref,
                )  # fmt: skip
            if message.enabled:
                unable = [p.name for p in room.participants.values() if not p.e2ee]
                if unable:
                    names = ", ".join(unable[:5])
                    raise ProtocolError(
                        "invalid", f"enabled: these browsers cannot encrypt: {names}", ref
                    )
            room.e2ee = message.enabled
            _settings_changed(hub, actor)
            hub.update_p2p(room)
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
        case m.SetRecording():
            if message.enabled == room.recording:
                return
            if not message.enabled:
                hub.stop_recording(room)
            elif room.e2ee:
                raise ProtocolError(
                    "invalid", "enabled: an end-to-end encrypted meeting cannot be recorded: "
                    "the server sees only encrypted media, which it cannot decode", ref,
                )  # fmt: skip
            elif hub.recordings is None:
                raise ProtocolError("unavailable", "enabled: this server does not record "
                                    "meetings", ref)  # fmt: skip
            else:
                try:
                    hub.start_recording(room, actor.participant)
                except OSError as exc:
                    raise ProtocolError(
                        "unavailable", f"enabled: the recording cannot be stored: {exc}", ref
                    ) from None
            _settings_changed(hub, actor)  # everyone is told, and shown, that it records
        case m.EndMeeting():
            for waiter in [w for w in hub.waiting.values() if w.room is main]:
                hub.turn_away(waiter, "ended")
            everyone = [p for each in hub.meeting_rooms(main) for p in each.participants]
            for member in [hub.members[p] for p in everyone if p in hub.members]:
                hub.leave(member, "ended")


def _settings_changed(hub: Hub, actor: Member, room: Room | None = None) -> None:
    """Everyone in the room (by default the actor's) hears of its new settings; and the
    actor too, if it is in one of the meeting's other rooms."""
    room = room or actor.room
    news = ev.RoomUpdated(settings=views.settings(room), by=actor.id)
    hub.broadcast(room, news)
    if actor.room is not room:
        actor.peer.send(news)


def _mute(hub: Hub, actor: Member, member: Member, kind: Kind) -> None:
    already = member.participant.audio_muted if kind == "audio" else member.participant.video_muted
    hub.mute(member, kind, True)
    if not already:
        member.peer.send(ev.Muted(kind=kind, by=actor.id))
