"""The conference hub: turns participants' requests into meeting state and media changes,
and tells everyone concerned.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from ..media import sdp
from ..media.sfu import MediaParticipant, Sfu
from ..meeting.codes import MeetingCodes
from ..meeting.room import Participant, Room, Rooms, TrackInfo

log = logging.getLogger(__name__)


class Peer(Protocol):
    """A participant's signaling connection, as the hub sees it."""

    def send(self, message: dict[str, Any]) -> None: ...

    def close(self, reason: str) -> None: ...


class Member:
    """A participant in a room, with its connection and its media."""

    __slots__ = ("media", "participant", "peer", "room")

    def __init__(self, room: Room, participant: Participant, peer: Peer, media: MediaParticipant):
        self.room = room
        self.participant = participant
        self.peer = peer
        self.media = media

    @property
    def id(self) -> str:
        return self.participant.id


class Hub:
    def __init__(self, sfu: Sfu, codes: MeetingCodes) -> None:
        self.sfu = sfu
        self.codes = codes
        self.rooms = Rooms()
        self.members: dict[str, Member] = {}

    def join(self, peer: Peer, room_name: str, display_name: str) -> Member:
        """Raises ValueError (InvalidName, RoomFull) with a message for the user."""
        room = self.rooms.get_or_create(room_name)
        if not room.code:
            room.code = self.codes.code_for(room.name)
        participant = room.join(display_name)
        media = self.sfu.add_participant(
            participant.id, lambda: self._media_timeout(participant.id)
        )
        member = Member(room, participant, peer, media)
        self.members[participant.id] = member
        peer.send(
            {
                "type": "joined",
                "room": room.name,
                "code": room.code,
                "you": participant.public(),
                "participants": [p.public() for p in room.others(participant.id)],
            }
        )
        for other in room.others(participant.id):
            if other.tracks:
                peer.send(self._tracks_message(other))
        self._broadcast(
            room,
            {"type": "participant_joined", "participant": participant.public()},
            participant.id,
        )
        self._update_subscriptions(room)
        log.info("participant joined a room (%d present)", len(room.participants))
        return member

    def leave(self, member: Member, reason: str = "left") -> None:
        if self.members.pop(member.id, None) is None:
            return
        room = member.room
        room.leave(member.id)
        self.sfu.remove_participant(member.id)
        member.peer.send({"type": "bye", "reason": reason})
        member.peer.close(reason)
        self._broadcast(room, {"type": "participant_left", "id": member.id})
        self._update_subscriptions(room)
        self.rooms.discard_if_empty(room)

    def publish(self, member: Member, offer: str, sources: dict[str, str]) -> str:
        """Answer a publish offer; SdpError leaves everything as it was."""
        answer, change = member.media.publisher.negotiate(offer, sources)
        tracks = tuple(TrackInfo(t.id, t.kind, t.source) for t in member.media.tracks)
        if member.room.set_tracks(member.id, tracks):
            self._broadcast(member.room, self._tracks_message(member.participant))
        if change.added or change.removed:
            self._update_subscriptions(member.room)
        return answer

    def subscribe_answer(self, member: Member, answer: str) -> None:
        member.media.subscriber.apply_answer(answer)
        self._renegotiate(member)

    def mute(self, member: Member, kind: str, muted: bool) -> None:
        if member.room.set_muted(member.id, kind, muted):
            message = {"type": "participant_updated", "participant": member.participant.public()}
            self._broadcast(member.room, message)

    def shutdown(self) -> None:
        for member in list(self.members.values()):
            self.leave(member, "shutdown")

    # --- internals ---

    def _media_timeout(self, participant_id: str) -> None:
        member = self.members.get(participant_id)
        if member is not None:
            self.leave(member, "media_timeout")

    def _broadcast(self, room: Room, message: dict[str, Any], exclude: str | None = None) -> None:
        for participant_id in room.participants:
            if participant_id != exclude:
                member = self.members.get(participant_id)
                if member is not None:
                    member.peer.send(message)

    @staticmethod
    def _tracks_message(participant: Participant) -> dict[str, Any]:
        return {
            "type": "tracks",
            "participant": participant.id,
            "tracks": [
                {"id": t.id, "kind": t.kind, "source": t.source} for t in participant.tracks
            ],
        }

    def _update_subscriptions(self, room: Room) -> None:
        """Everyone receives every other participant's tracks."""
        members = [self.members[pid] for pid in room.participants if pid in self.members]
        for member in members:
            wanted = [t for other in members if other is not member for t in other.media.tracks]
            member.media.subscriber.set_tracks(wanted)
            self._renegotiate(member)

    def _renegotiate(self, member: Member) -> None:
        subscriber = member.media.subscriber
        if not subscriber.dirty or subscriber.offer_pending or not subscriber.slots:
            return
        offer, offered = subscriber.create_offer()
        member.peer.send(
            {
                "type": "subscribe_offer",
                "sdp": offer,
                "tracks": [
                    {
                        "mid": o.mid,
                        "track": o.track.id,
                        "participant": o.track.participant_id,
                        "kind": o.track.kind,
                        "source": o.track.source,
                    }
                    for o in offered
                ],
            }
        )


__all__ = ["Hub", "Member", "Peer", "sdp"]
