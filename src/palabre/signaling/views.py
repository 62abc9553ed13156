"""The meeting state as the protocol shows it: meeting objects to server.py's records.

The meeting package knows nothing of the wire (its casing, what is public); what a client
sees of a participant, a room's settings or a chat message is chosen here.
"""

from __future__ import annotations

from typing import cast

from ..meeting.chat import ChatMessage
from ..meeting.room import Knocker, Participant, Room, TrackInfo
from ..meeting.speakers import SpeakerStats
from .media import OfferedTrack as MediaOffer
from .media import RefusedTrack as MediaRefusal
from .protocol.base import Kind, Source
from .protocol.server import (
    ChatView,
    KnockerView,
    OfferedTrack,
    ParticipantView,
    RefusalReason,
    RefusedTrack,
    Role,
    SettingsView,
    StartMutedView,
    TalkTime,
    TrackView,
)


def participant(p: Participant) -> ParticipantView:
    return ParticipantView(
        id=p.id,
        name=p.name,
        role=cast(Role, p.role),  # MODERATOR or PARTICIPANT
        e2ee=p.e2ee,
        audio_muted=p.audio_muted,
        video_muted=p.video_muted,
        reconnecting=p.reconnecting,
    )


def knocker(k: Knocker) -> KnockerView:
    return KnockerView(id=k.id, name=k.name)


def settings(room: Room) -> SettingsView:
    return SettingsView(
        locked=room.locked,
        lobby=room.lobby_enabled,
        password_set=room.password_hash is not None,
        start_muted=StartMutedView(audio=room.start_audio_muted, video=room.start_video_muted),
        e2ee=room.e2ee,
        chat_saved=room.save_chat_by is not None,
        notes_saved=room.save_notes_by is not None,
        board_open=room.board is not None,
        board_saved=room.save_board_by is not None,
    )


def chat(message: ChatMessage) -> ChatView:
    return ChatView(
        id=message.id,
        from_=message.sender,
        from_name=message.sender_name,
        text=message.text,
        time=message.time,
        to=message.to,
    )


def talk_times(speakers: SpeakerStats, names: dict[str, str]) -> list[TalkTime]:
    """Most talkative first."""
    return [
        TalkTime(participant=pid, name=names.get(pid, ""), talk_time=round(seconds, 1))
        for pid, seconds in sorted(speakers.talk_time.items(), key=lambda item: -item[1])
    ]


# Kinds and sources are strings in the meeting and media state; the media plane only ever
# makes the values the protocol names (media/publisher.py, SOURCES).


def track(t: TrackInfo) -> TrackView:
    return TrackView(id=t.id, kind=cast(Kind, t.kind), source=cast(Source, t.source))


def offered(o: MediaOffer) -> OfferedTrack:
    return OfferedTrack(
        mid=o.mid,
        track=o.track.id,
        participant=o.track.participant_id,
        kind=cast(Kind, o.track.kind),
        source=cast(Source, o.track.source),
    )


def refused(r: MediaRefusal) -> RefusedTrack:
    return RefusedTrack(
        mid=r.mid,
        kind=cast(Kind, r.kind),
        source=cast(Source, r.source),
        reason=cast(RefusalReason, r.reason),
    )
