"""The conference hub: turns participants' requests into meeting state and media changes,
and tells everyone concerned.
"""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import Protocol

from ..meeting.admission import JoinRights, Outcome, decide
from ..meeting.codes import MeetingCodes
from ..meeting.room import (
    MODERATOR,
    PARTICIPANT,
    RESUME_GRACE,
    Knocker,
    Participant,
    Room,
    Rooms,
    TrackInfo,
)
from . import views
from .media import MediaPlane, MediaSession
from .observer import ChatLine, MeetingEnded, RoomObserver
from .protocol import server as ev
from .protocol.version import CURRENT

log = logging.getLogger(__name__)


class Peer(Protocol):
    """A participant's signaling connection, as the hub sees it."""

    def send(self, message: ev.ServerMessage) -> None: ...

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

    def __init__(self, room: Room, participant: Participant, peer: Peer, media: MediaSession):
        self.room = room
        self.participant = participant
        self.peer = peer
        self.media = media

    @property
    def id(self) -> str:
        return self.participant.id


class Waiter:
    """Someone in a room's lobby: has no media and receives no room events."""

    __slots__ = ("account", "e2ee", "knocker", "peer", "room", "version")

    def __init__(
        self,
        room: Room,
        knocker: Knocker,
        peer: Peer,
        e2ee: bool = False,
        account: str | None = None,
        version: int = CURRENT,
    ) -> None:
        self.room = room
        self.knocker = knocker
        self.peer = peer
        self.e2ee = e2ee
        self.account = account
        self.version = version  # of the protocol its connection speaks

    @property
    def id(self) -> str:
        return self.knocker.id


class Hub:
    def __init__(
        self,
        sfu: MediaPlane,
        codes: MeetingCodes,
        *,
        secure_domain: bool = False,
        last_n: int = 20,
        resume_grace: float = RESUME_GRACE,
        observer: RoomObserver | None = None,
    ) -> None:
        self.sfu = sfu
        self.observer = observer
        self.resume_grace = resume_grace
        self.last_n = last_n
        self.codes = codes
        self.secure_domain = secure_domain
        self.rooms = Rooms()
        self.members: dict[str, Member] = {}
        self.waiting: dict[str, Waiter] = {}

    def join(
        self,
        peer: Peer,
        room_name: str,
        display_name: str,
        rights: JoinRights,
        resume: str | None = None,
        version: int = CURRENT,
    ) -> Member | Waiter:
        """Admit, seat in the lobby, or raise JoinRefused; RoomFull and InvalidName as well.
        A valid `resume` token seats its participant again as itself, past lobby and lock.
        `version`: the protocol version negotiated for this connection, told in the reply."""
        if resume is not None:
            resumed = self._resume(peer, room_name, resume, version)
            if resumed is not None:
                return resumed
        room = self.rooms.get(room_name) or Room(room_name)
        decision = decide(room, rights, secure_domain=self.secure_domain)
        if decision.outcome is Outcome.REFUSE:
            raise JoinRefused(decision.code, decision.message)
        room = self.rooms.get_or_create(room_name)
        if not room.code:
            room.code = self.codes.code_for(room.name)
        if decision.outcome is Outcome.WAIT:
            knocker = room.knock(display_name)
            waiter = Waiter(room, knocker, peer, rights.e2ee, rights.account, version)
            self.waiting[waiter.id] = waiter
            peer.send(ev.LobbyWaiting(version=version, room=room.name, id=waiter.id))
            self._to_moderators(room, ev.LobbyKnock(knocker=views.knocker(knocker)))
            return waiter
        return self._seat(
            room,
            peer,
            display_name,
            decision.role,
            e2ee=rights.e2ee,
            account=rights.account,
            version=version,
        )

    def _seat(
        self,
        room: Room,
        peer: Peer,
        display_name: str,
        role: str,
        participant_id: str | None = None,
        *,
        e2ee: bool = False,
        account: str | None = None,
        version: int = CURRENT,
    ) -> Member:
        participant = room.join(display_name, role, participant_id)
        participant.e2ee = e2ee
        participant.account = account
        return self._connect(room, participant, peer, version)

    def _resume(self, peer: Peer, room_name: str, token: str, version: int) -> Member | None:
        room = self.rooms.get(room_name)
        if room is None:
            return None
        participant = room.resume(token)
        if participant is None:
            return None
        old = self.members.get(participant.id)
        if old is not None:  # its old connection is not known to be dead yet: replace it
            self._disconnect(old)
            old.peer.close("replaced")
        log.info("participant resumed after a drop")
        member = self._connect(room, participant, peer, version, resumed=True)
        return member

    def _connect(
        self,
        room: Room,
        participant: Participant,
        peer: Peer,
        version: int,
        *,
        resumed: bool = False,
    ) -> Member:
        media = self.sfu.add_participant(
            participant.id, lambda: self._media_timeout(participant.id)
        )
        media.on_audio_level(partial(room.speakers.packet, participant.id))
        member = Member(room, participant, peer, media)
        self.members[participant.id] = member
        lobby = [views.knocker(k) for k in room.lobby.values()] if participant.moderator else None
        joined = ev.Joined(
            version=version,
            room=room.name,
            code=room.code,
            you=views.participant(participant),
            participants=[views.participant(p) for p in room.others(participant.id)],
            settings=views.settings(room),
            chat=[views.chat(message) for message in room.chat.history],
            hands=list(room.hands.order),
            resume=participant.resume_token,
            lobby=lobby,
        )
        peer.send(joined)
        for other in room.others(participant.id):
            if other.tracks:
                peer.send(self._tracks_message(other))
        view = views.participant(participant)
        news = (
            ev.ParticipantUpdated(participant=view)
            if resumed
            else ev.ParticipantJoined(participant=view)
        )
        self._broadcast(room, news, participant.id)
        self._update_subscriptions(room)
        if not resumed:
            self._roster_changed(room)
        log.info("participant joined a room (%d present)", len(room.participants))
        return member

    # --- lobby ---

    def admit(self, waiter: Waiter) -> Member | None:
        if self.waiting.pop(waiter.id, None) is None:
            return None
        room = waiter.room
        room.lobby.pop(waiter.id, None)
        self._to_moderators(room, ev.LobbyLeft(id=waiter.id, admitted=True))
        member = self._seat(
            room,
            waiter.peer,
            waiter.knocker.name,
            PARTICIPANT,
            waiter.id,
            e2ee=waiter.e2ee,
            account=waiter.account,
            version=waiter.version,
        )
        waiter.peer.admitted(member)
        return member

    def turn_away(self, waiter: Waiter, reason: str) -> None:
        """Deny, or the waiter left, or the meeting ended."""
        if self.waiting.pop(waiter.id, None) is None:
            return
        room = waiter.room
        room.lobby.pop(waiter.id, None)
        self._to_moderators(room, ev.LobbyLeft(id=waiter.id, admitted=False))
        if reason != "left":
            waiter.peer.send(ev.Bye(reason=reason))
        waiter.peer.close(reason)
        self.rooms.discard_if_empty(room)

    def _disconnect(self, member: Member) -> bool:
        """Drops the member's connection and media, if it is still the current one."""
        if self.members.get(member.id) is not member:
            return False
        del self.members[member.id]
        self.sfu.remove_participant(member.id)
        return True

    def suspend(self, member: Member, reason: str = "dropped", now: float | None = None) -> None:
        """The member's connection dropped without a goodbye: it keeps its seat, role and hand
        for `resume_grace` seconds, shown to the others as reconnecting."""
        if not self._disconnect(member):
            return
        room = member.room
        room.suspend(member.id, time.monotonic() if now is None else now)
        member.peer.send(ev.Bye(reason=reason))
        member.peer.close(reason)
        participant = member.participant
        self._broadcast(room, self.updated(participant))
        self._broadcast(room, self._tracks_message(participant))
        self._update_subscriptions(room)

    def expire(self, now: float | None = None) -> None:
        """Those away past the grace period leave for good."""
        now = time.monotonic() if now is None else now
        for room in self.rooms:
            for participant_id in room.expired(now, self.resume_grace):
                self._depart(room, participant_id)

    def leave(self, member: Member, reason: str = "left") -> None:
        if not self._disconnect(member):
            return
        member.peer.send(ev.Bye(reason=reason))
        member.peer.close(reason)
        self._depart(member.room, member.id)

    def _depart(self, room: Room, participant_id: str) -> None:
        if room.leave(participant_id) is None:
            return
        self._broadcast(room, ev.ParticipantLeft(id=participant_id))
        if room.empty:
            for waiter in [w for w in self.waiting.values() if w.room is room]:
                self.turn_away(waiter, "ended")
        elif not room.moderators():
            # A room keeps a moderator: the one present longest takes over (one who is
            # reconnecting keeps the role it has, and so does not count as absent).
            present = [p for p in room.participants.values() if p.id in self.members]
            if present:
                self.set_role(present[0], MODERATOR)
        self._update_subscriptions(room)
        self._roster_changed(room)
        if room.empty and self.observer is not None:
            self.observer.meeting_ended(self._summary(room))
        self.rooms.discard_if_empty(room)

    def _roster_changed(self, room: Room) -> None:
        if self.observer is not None:
            self.observer.roster_changed(room.name, [p.name for p in room.participants.values()])

    @staticmethod
    def _summary(room: Room) -> MeetingEnded:
        keep = room.save_chat_by is not None and not room.e2ee
        return MeetingEnded(
            room=room.name,
            opened_at=room.opened_at,
            ended_at=time.time(),
            person_seconds=room.person_seconds,
            save_chat_by=room.save_chat_by if keep else None,
            chat=tuple(
                ChatLine(message.sender_name, message.text, message.time)
                for message in (room.chat.history if keep else ())
            ),
            save_notes_by=room.save_notes_by,
            notes=room.notes.state() if room.save_notes_by is not None else b"",
            save_board_by=room.save_board_by if room.board is not None else None,
            board=room.board.state() if room.board and room.save_board_by else b"",
        )

    def set_role(self, participant: Participant, role: str) -> None:
        if participant.role == role:
            return
        participant.role = role
        room = self.members[participant.id].room
        self._broadcast(room, self.updated(participant))
        if participant.moderator:
            member = self.members[participant.id]
            for knocker in room.lobby.values():
                member.peer.send(ev.LobbyKnock(knocker=views.knocker(knocker)))

    def publish(self, member: Member, offer: str, sources: dict[str, str]) -> str:
        """Answer a publish offer; SdpError leaves everything as it was."""
        answer, change = member.media.publish(offer, sources)
        self.apply_media_mute(member)
        tracks = tuple(TrackInfo(t.id, t.kind, t.source) for t in member.media.tracks)
        if member.room.set_tracks(member.id, tracks):
            self._broadcast(member.room, self._tracks_message(member.participant))
        if change.added or change.removed:
            self._update_subscriptions(member.room)
        if change.refused:
            # The browser thinks it sends these: tell the person nobody receives them.
            refused = [views.refused(r) for r in change.refused]
            member.peer.send(ev.TracksRefused(tracks=refused))
        return answer

    def subscribe_answer(self, member: Member, answer: str) -> None:
        member.media.apply_answer(answer)
        self._renegotiate(member)

    def restart_ice(self, member: Member) -> None:
        """The browser's subscribe connection lost its path (its WebSocket did not): a new
        offer with new ICE credentials, so it need not join again (docs/protocol.md)."""
        member.media.restart_ice()
        self._renegotiate(member)

    def mute(self, member: Member, kind: str, muted: bool) -> None:
        """A participant's own microphone or camera state; a moderator's mute goes through here
        too. The SFU enforces it: a muted participant's media is not forwarded at all."""
        if member.room.set_muted(member.id, kind, muted):
            self.apply_media_mute(member)
            self._broadcast(member.room, self.updated(member.participant))

    @staticmethod
    def apply_media_mute(member: Member) -> None:
        participant = member.participant
        member.media.pause(participant.audio_muted, participant.video_muted)

    def tick(self) -> None:
        """Periodic work: tell each room when its dominant speaker changes; end the seats of
        those away too long."""
        self.expire()
        for room in self.rooms:
            speaker = room.speakers.update_dominant()
            if speaker is not None and speaker in room.participants:
                self._broadcast(room, ev.DominantSpeaker(participant=speaker))
                for pid in room.participants:
                    member = self.members.get(pid)
                    if member is not None:
                        member.media.prioritize(speaker)
                self._apply_last_n(room)

    def shutdown(self) -> None:
        for waiter in list(self.waiting.values()):
            self.turn_away(waiter, "shutdown")
        for member in list(self.members.values()):
            self.leave(member, "shutdown")
        self.expire(float("inf"))

    # --- internals ---

    def _media_timeout(self, participant_id: str) -> None:
        member = self.members.get(participant_id)
        if member is not None:
            self.suspend(member, "media_timeout")

    def _to_moderators(self, room: Room, message: ev.ServerMessage) -> None:
        for participant in room.moderators():
            member = self.members.get(participant.id)
            if member is not None:
                member.peer.send(message)

    def broadcast(self, room: Room, message: ev.ServerMessage) -> None:
        self._broadcast(room, message)

    @staticmethod
    def updated(participant: Participant) -> ev.ParticipantUpdated:
        """The news that a participant changed (its name, role, mutes, connection)."""
        return ev.ParticipantUpdated(participant=views.participant(participant))

    def _broadcast(self, room: Room, message: ev.ServerMessage, exclude: str | None = None) -> None:
        for participant_id in room.participants:
            if participant_id != exclude:
                member = self.members.get(participant_id)
                if member is not None:
                    member.peer.send(message)

    @staticmethod
    def _tracks_message(participant: Participant) -> ev.Tracks:
        return ev.Tracks(
            participant=participant.id, tracks=[views.track(t) for t in participant.tracks]
        )

    def _update_subscriptions(self, room: Room) -> None:
        """Everyone receives every other participant's tracks (video: last-N only)."""
        members = [self.members[pid] for pid in room.participants if pid in self.members]
        for member in members:
            member.media.subscribe([other.id for other in members if other is not member])
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
            if member.media.forward_video_from(chosen):
                video = None if chosen is None else sorted(chosen)
                member.peer.send(ev.ForwardedVideo(participants=video))

    def _renegotiate(self, member: Member) -> None:
        next_offer = member.media.next_offer()
        if next_offer is None:
            return
        offer, offered = next_offer
        tracks = [views.offered(o) for o in offered]
        member.peer.send(ev.SubscribeOffer(sdp=offer, tracks=tracks))


__all__ = ["Hub", "JoinRefused", "Member", "Peer", "Waiter"]
