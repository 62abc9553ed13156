"""The meeting state as the protocol shows it: meeting objects to server.py's records.

The meeting package knows nothing of the wire (its casing, what is public); what a client
sees of a participant, a room's settings or a chat message is chosen here.
"""

from __future__ import annotations

from typing import cast

from ..meeting.breakouts import SEPARATOR, Breakouts, child_name
from ..meeting.chat import ChatMessage
from ..meeting.polls import Poll
from ..meeting.room import Knocker, Participant, Room, TrackInfo
from ..meeting.speakers import SpeakerStats
from .media import OfferedTrack as MediaOffer
from .media import RefusedTrack as MediaRefusal
from .protocol.base import Kind, Source
from .protocol.server import (
    BreakoutPerson,
    BreakoutRoomView,
    BreakoutSeat,
    BreakoutsView,
    ChatView,
    KnockerView,
    OfferedTrack,
    P2pView,
    ParticipantView,
    PollResults,
    PollView,
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


def p2p(room: Room, participant_id: str) -> P2pView | None:
    """The pair this participant meets peer to peer in, if any."""
    peer = room.p2p.peer_of(participant_id)
    if peer is None:
        return None
    offerer = room.p2p.offerer(participant_id)
    return P2pView(peer=peer, session=room.p2p.session, offerer=offerer)


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
        recording=room.recording,
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


def poll(p: Poll, participant_id: str, moderator: bool) -> PollView:
    """The poll as this participant sees it (see PollView)."""
    results = None
    if p.results_shown(moderator):
        results = PollResults(counts=p.counts(), voters=None if p.anonymous else p.voters())
    return PollView(
        id=p.id,
        question=p.question,
        options=list(p.options),
        by=p.by,
        anonymous=p.anonymous,
        live=p.live,
        closed=p.closed,
        votes=len(p.votes),
        results=results,
        your_vote=p.votes.get(participant_id),
    )


def breakout_seat(main: Room, room: Room) -> BreakoutSeat:
    """Which of the main room's breakout rooms this is (its name ends with its number)."""
    index = int(room.name.rsplit(SEPARATOR, 1)[1]) - 1
    names = main.breakouts.names if main.breakouts is not None else []
    return BreakoutSeat(
        main=main.name, index=index, name=names[index] if index < len(names) else ""
    )


def breakouts(
    main: str,
    plan: Breakouts,
    present: dict[str, list[str]],
    names: dict[str, str],
    you: str,
) -> BreakoutsView:
    """`present`: who is in each breakout room, by room name; `names`: of everyone in the
    meeting (an assigned participant who left is not shown)."""
    rooms = [
        BreakoutRoomView(
            name=name,
            assigned=[
                BreakoutPerson(id=pid, name=names[pid])
                for pid in plan.assigned(index)
                if pid in names
            ],
            present=present.get(child_name(main, index), []),
        )
        for index, name in enumerate(plan.names)
    ]
    return BreakoutsView(
        main=main,
        rooms=rooms,
        opened=plan.opened,
        allow_return=plan.allow_return,
        ends_at=plan.ends_at,
        your_room=plan.room_of(you),
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
