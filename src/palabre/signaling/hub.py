"""The conference hub: turns participants' requests into meeting state and media changes,
and tells everyone concerned.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any, Protocol

from ..media import sdp
from ..media.sfu import MediaParticipant, Sfu
from ..meeting.admission import JoinRights, Outcome, decide
from ..meeting.codes import MeetingCodes
from ..meeting.room import MODERATOR, PARTICIPANT, Knocker, Participant, Room, Rooms, TrackInfo

log = logging.getLogger(__name__)


class Peer(Protocol):
    """A participant's signaling connection, as the hub sees it."""

    def send(self, message: dict[str, Any]) -> None: ...

    def close(self, reason: str) -> None: ...

    def admitted(self, member: Member) -> None:
        """A moderator let this connection in from the lobby."""


class JoinRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


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


class Waiter:
    """Someone in a room's lobby: has no media and receives no room events."""

    __slots__ = ("e2ee", "knocker", "peer", "room")

    def __init__(self, room: Room, knocker: Knocker, peer: Peer, e2ee: bool = False) -> None:
        self.room = room
        self.knocker = knocker
        self.peer = peer
        self.e2ee = e2ee

    @property
    def id(self) -> str:
        return self.knocker.id


class Hub:
    def __init__(
        self, sfu: Sfu, codes: MeetingCodes, *, secure_domain: bool = False, last_n: int = 20
    ) -> None:
        self.sfu = sfu
        self.last_n = last_n
        self.codes = codes
        self.secure_domain = secure_domain
        self.rooms = Rooms()
        self.members: dict[str, Member] = {}
        self.waiting: dict[str, Waiter] = {}

    def join(
        self, peer: Peer, room_name: str, display_name: str, rights: JoinRights
    ) -> Member | Waiter:
        """Admit, seat in the lobby, or raise JoinRefused; RoomFull and InvalidName as well."""
        room = self.rooms.get(room_name) or Room(room_name)
        decision = decide(room, rights, secure_domain=self.secure_domain)
        if decision.outcome is Outcome.REFUSE:
            raise JoinRefused(decision.code, decision.message)
        room = self.rooms.get_or_create(room_name)
        if not room.code:
            room.code = self.codes.code_for(room.name)
        if decision.outcome is Outcome.WAIT:
            waiter = Waiter(room, room.knock(display_name), peer, rights.e2ee)
            self.waiting[waiter.id] = waiter
            peer.send({"type": "lobby_waiting", "room": room.name, "id": waiter.id})
            self._to_moderators(room, {"type": "lobby_knock", "knocker": waiter.knocker.public()})
            return waiter
        return self._seat(room, peer, display_name, decision.role, e2ee=rights.e2ee)

    def _seat(
        self,
        room: Room,
        peer: Peer,
        display_name: str,
        role: str,
        participant_id: str | None = None,
        *,
        e2ee: bool = False,
    ) -> Member:
        participant = room.join(display_name, role, participant_id)
        participant.e2ee = e2ee
        media = self.sfu.add_participant(
            participant.id, lambda: self._media_timeout(participant.id)
        )
        member = Member(room, participant, peer, media)
        self.members[participant.id] = member
        joined: dict[str, Any] = {
            "type": "joined",
            "room": room.name,
            "code": room.code,
            "you": participant.public(),
            "participants": [p.public() for p in room.others(participant.id)],
            "settings": room.settings(),
            "chat": [message.public() for message in room.chat.history],
            "hands": room.hands.order,
        }
        if participant.moderator:
            joined["lobby"] = [k.public() for k in room.lobby.values()]
        peer.send(joined)
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

    # --- lobby ---

    def admit(self, waiter: Waiter) -> Member | None:
        if self.waiting.pop(waiter.id, None) is None:
            return None
        room = waiter.room
        room.lobby.pop(waiter.id, None)
        self._to_moderators(room, {"type": "lobby_left", "id": waiter.id, "admitted": True})
        member = self._seat(
            room, waiter.peer, waiter.knocker.name, PARTICIPANT, waiter.id, e2ee=waiter.e2ee
        )
        waiter.peer.admitted(member)
        return member

    def turn_away(self, waiter: Waiter, reason: str) -> None:
        """Deny, or the waiter left, or the meeting ended."""
        if self.waiting.pop(waiter.id, None) is None:
            return
        room = waiter.room
        room.lobby.pop(waiter.id, None)
        self._to_moderators(room, {"type": "lobby_left", "id": waiter.id, "admitted": False})
        if reason != "left":
            waiter.peer.send({"type": "bye", "reason": reason})
        waiter.peer.close(reason)
        self.rooms.discard_if_empty(room)

    def leave(self, member: Member, reason: str = "left") -> None:
        if self.members.pop(member.id, None) is None:
            return
        room = member.room
        room.leave(member.id)
        self.sfu.remove_participant(member.id)
        member.peer.send({"type": "bye", "reason": reason})
        member.peer.close(reason)
        self._broadcast(room, {"type": "participant_left", "id": member.id})
        if room.empty:
            for waiter in [w for w in self.waiting.values() if w.room is room]:
                self.turn_away(waiter, "ended")
        elif not room.moderators():
            # A room keeps a moderator: the one present longest takes over.
            successor = next(iter(room.participants.values()))
            self.set_role(successor, MODERATOR)
        self._update_subscriptions(room)
        self.rooms.discard_if_empty(room)

    def set_role(self, participant: Participant, role: str) -> None:
        if participant.role == role:
            return
        participant.role = role
        room = self.members[participant.id].room
        self._broadcast(room, {"type": "participant_updated", "participant": participant.public()})
        if participant.moderator:
            member = self.members[participant.id]
            for knocker in room.lobby.values():
                member.peer.send({"type": "lobby_knock", "knocker": knocker.public()})

    def publish(self, member: Member, offer: str, sources: dict[str, str]) -> str:
        """Answer a publish offer; SdpError leaves everything as it was."""
        answer, change = member.media.publisher.negotiate(offer, sources)
        self.apply_media_mute(member)
        for track in change.added:
            if track.kind == "audio" and track.source == "microphone":
                track.on_audio_level = partial(member.room.speakers.packet, member.id)
        tracks = tuple(TrackInfo(t.id, t.kind, t.source) for t in member.media.tracks)
        if member.room.set_tracks(member.id, tracks):
            self._broadcast(member.room, self._tracks_message(member.participant))
        if change.added or change.removed:
            self._update_subscriptions(member.room)
        if change.refused:
            # The browser thinks it sends these: tell the person nobody receives them.
            refused = [
                {"mid": r.mid, "kind": r.kind, "source": r.source, "reason": r.reason}
                for r in change.refused
            ]
            member.peer.send({"type": "tracks_refused", "tracks": refused})
        return answer

    def subscribe_answer(self, member: Member, answer: str) -> None:
        member.media.subscriber.apply_answer(answer)
        self._renegotiate(member)

    def mute(self, member: Member, kind: str, muted: bool) -> None:
        """A participant's own microphone or camera state; a moderator's mute goes through here
        too. The SFU enforces it: a muted participant's media is not forwarded at all."""
        if member.room.set_muted(member.id, kind, muted):
            self.apply_media_mute(member)
            message = {"type": "participant_updated", "participant": member.participant.public()}
            self._broadcast(member.room, message)

    @staticmethod
    def apply_media_mute(member: Member) -> None:
        participant = member.participant
        for track in member.media.tracks:
            if track.source == "screen":
                continue  # a screen share is not the camera: muting video leaves it on
            track.set_paused(
                participant.audio_muted if track.kind == "audio" else participant.video_muted
            )

    def tick(self) -> None:
        """Periodic work: tell each room when its dominant speaker changes."""
        for room in self.rooms:
            speaker = room.speakers.update_dominant()
            if speaker is not None and speaker in room.participants:
                self._broadcast(room, {"type": "dominant_speaker", "participant": speaker})
                for pid in room.participants:
                    member = self.members.get(pid)
                    if member is not None:
                        member.media.subscriber.priority_participant = speaker
                self._apply_last_n(room)

    def shutdown(self) -> None:
        for waiter in list(self.waiting.values()):
            self.turn_away(waiter, "shutdown")
        for member in list(self.members.values()):
            self.leave(member, "shutdown")

    # --- internals ---

    def _media_timeout(self, participant_id: str) -> None:
        member = self.members.get(participant_id)
        if member is not None:
            self.leave(member, "media_timeout")

    def _to_moderators(self, room: Room, message: dict[str, Any]) -> None:
        for participant in room.moderators():
            member = self.members.get(participant.id)
            if member is not None:
                member.peer.send(message)

    def broadcast(self, room: Room, message: dict[str, Any]) -> None:
        self._broadcast(room, message)

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
        """Everyone receives every other participant's tracks (video: last-N only)."""
        members = [self.members[pid] for pid in room.participants if pid in self.members]
        for member in members:
            wanted = [t for other in members if other is not member for t in other.media.tracks]
            member.media.subscriber.set_tracks(wanted)
            self._renegotiate(member)
        self._apply_last_n(room)

    def _apply_last_n(self, room: Room) -> None:
        """Forward camera video from the last N speakers only. Every track stays negotiated,
        so a change of speaker needs no renegotiation, just a keyframe."""
        present = list(room.participants)
        for pid in present:
            member = self.members.get(pid)
            if member is None:
                continue
            others = [p for p in present if p != pid]
            chosen = (
                None if len(others) <= self.last_n else room.speakers.last_n(others, self.last_n)
            )
            if member.media.subscriber.set_video_from(chosen):
                video = None if chosen is None else sorted(chosen)
                member.peer.send({"type": "forwarded_video", "participants": video})

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


__all__ = ["Hub", "JoinRefused", "Member", "Peer", "Waiter", "sdp"]
