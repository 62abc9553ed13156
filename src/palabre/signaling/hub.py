"""The conference hub: turns participants' requests into meeting state and media changes,
and tells everyone concerned.
"""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import Protocol

from ..meeting.admission import JoinRights, Outcome, decide
from ..meeting.breakouts import child_name
from ..meeting.codes import MeetingCodes
from ..meeting.p2p import eligible_pair
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
from .counts import MeetingUsage, SignalingCounts
from .media import MediaPlane, MediaSession
from .observer import ChatLine, MeetingEnded, RoomObserver
from .protocol import server as ev
from .protocol.version import CURRENT
from .recording import RecordingOutcome, Recordings, RoomRecording, download_path

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

    __slots__ = ("media", "participant", "peer", "room", "version")

    def __init__(
        self,
        room: Room,
        participant: Participant,
        peer: Peer,
        media: MediaSession,
        version: int = CURRENT,
    ):
        self.room = room  # a breakout room while it is in one (Hub.move)
        self.participant = participant
        self.peer = peer
        self.media = media
        self.version = version  # of the protocol its connection speaks

    @property
    def id(self) -> str:
        return self.participant.id


class Waiter:
    """Someone in a room's lobby: has no media and receives no room events."""

    __slots__ = ("account", "e2ee", "knocker", "p2p", "peer", "room", "version")

    def __init__(
        self,
        room: Room,
        knocker: Knocker,
        peer: Peer,
        e2ee: bool = False,
        account: str | None = None,
        version: int = CURRENT,
        p2p: bool = False,
    ) -> None:
        self.room = room
        self.knocker = knocker
        self.peer = peer
        self.e2ee = e2ee
        self.p2p = p2p
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
        recordings: Recordings | None = None,
        p2p: bool = True,
    ) -> None:
        self.sfu = sfu
        self.p2p = p2p  # two-person meetings may send media browser to browser
        self.observer = observer
        self.recordings = recordings  # None: this server does not record meetings
        self.recorders: dict[str, RoomRecording] = {}  # by room name, while one records
        # What became of each open room's recordings, told to its moderators as they come.
        self._recording_news: dict[str, list[ev.RecordingStatus]] = {}
        self.resume_grace = resume_grace
        self.last_n = last_n
        self.codes = codes
        self.secure_domain = secure_domain
        self.rooms = Rooms()
        self.members: dict[str, Member] = {}
        self.waiting: dict[str, Waiter] = {}
        self.counts = SignalingCounts()  # for the operator's statistics: counts only

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
            waiter = Waiter(room, knocker, peer, rights.e2ee, rights.account, version, rights.p2p)
            self.waiting[waiter.id] = waiter
            self.counts.lobby_entries += 1
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
            p2p=rights.p2p,
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
        p2p: bool = False,
    ) -> Member:
        participant = room.join(display_name, role, participant_id)
        participant.e2ee = e2ee
        participant.p2p = p2p
        participant.account = account
        return self._connect(room, participant, peer, version)

    def _resume(self, peer: Peer, room_name: str, token: str, version: int) -> Member | None:
        main = self.rooms.get(room_name)
        if main is None:
            return None
        # The participant may be in one of the meeting's breakout rooms: it comes back there.
        participant = None
        for room in self.meeting_rooms(main):
            participant = room.resume(token)
            if participant is not None:
                break
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
        recorder = self.recorders.get(self.main_of(room).name)
        if recorder is not None:
            media.record(recorder)
        member = Member(room, participant, peer, media, version)
        self.members[participant.id] = member
        if resumed:
            self.counts.resumes += 1
        else:
            self.counts.joins += 1
        if resumed and room.p2p.peer_of(participant.id) is not None:
            room.p2p.choose(None)  # its old connection's peer-to-peer is gone: a new session
        tell = self._pair(room, hold=True)  # they see each other directly from the start
        self._welcome(member)
        view = views.participant(participant)
        news = (
            ev.ParticipantUpdated(participant=view)
            if resumed
            else ev.ParticipantJoined(participant=view)
        )
        self._broadcast(room, news, participant.id)
        self._tell_p2p(room, tell, participant.id)
        self._update_subscriptions(room)
        if not resumed:
            self._roster_changed(room)
        log.info("participant joined a room (%d present)", len(room.participants))
        return member

    def _welcome(self, member: Member) -> None:
        """`joined`, then what the newcomer must know of the room (tracks, polls, breakout
        rooms); also for a member moved into a room."""
        room, participant, peer = member.room, member.participant, member.peer
        member.media.on_audio_level(partial(room.speakers.packet, participant.id))
        main = self.main_of(room)
        lobby = [views.knocker(k) for k in main.lobby.values()] if participant.moderator else None
        breakout = None
        if room is not main and main.breakouts is not None:
            breakout = views.breakout_seat(main, room)
        joined = ev.Joined(
            version=member.version,
            room=room.name,
            code=room.code,
            you=views.participant(participant),
            participants=[views.participant(p) for p in room.others(participant.id)],
            settings=views.settings(room),
            chat=[views.chat(message) for message in room.chat.history],
            hands=list(room.hands.order),
            resume=participant.resume_token,
            lobby=lobby,
            p2p=views.p2p(room, participant.id),
            breakout=breakout,
        )
        peer.send(joined)
        if participant.moderator:
            for told in self._recording_news.get(main.name, ()):
                peer.send(told)
        for other in room.others(participant.id):
            if other.tracks:
                peer.send(self._tracks_message(other))
        for poll in room.polls:
            peer.send(ev.PollShown(poll=views.poll(poll, participant.id, participant.moderator)))
        if main.breakouts is not None:
            peer.send(ev.BreakoutsShown(breakouts=self._breakouts_view(main, participant)))

    # --- breakout rooms (meeting/breakouts.py; the requests: signaling/breakouts.py) ---

    def main_of(self, room: Room) -> Room:
        """The meeting's main room: the room itself, or the main room of a breakout room."""
        if room.main is None:
            return room
        return self.rooms.get(room.main) or room

    def breakout_rooms(self, main: Room) -> list[Room]:
        """The main room's breakout rooms that exist (they are made when they open)."""
        if main.breakouts is None:
            return []
        names = [child_name(main.name, index) for index in range(len(main.breakouts))]
        return [room for room in map(self.rooms.get, names) if room is not None]

    def meeting_rooms(self, main: Room) -> list[Room]:
        return [main, *self.breakout_rooms(main)]

    def present(self, room_name: str) -> list[Participant]:
        """Everyone in the meeting of this (main) room, its breakout rooms included."""
        main = self.rooms.get(room_name)
        if main is None:
            return []
        return [p for room in self.meeting_rooms(main) for p in room.participants.values()]

    def move(
        self, source: Room, participant_id: str, target: Room, resubscribe: bool = True
    ) -> None:
        """Moves a participant from one room of a meeting to another (into a breakout room,
        back to the main room): it leaves the first as everyone sees it, and joins the second
        with the same id, role, name, mutes and published tracks; its connection gets the
        second room's `joined`. Its media session stays: only what it receives changes, so
        nothing is renegotiated but the subscribe connection. `resubscribe=False` leaves the
        two rooms' subscriptions to the caller (moving many at once)."""
        if source is target:
            return
        participant = source.participants.pop(participant_id, None)
        if participant is None:
            return
        source.hands.lower(participant_id)
        source.speakers.forget(participant_id)
        self._broadcast(source, ev.ParticipantLeft(id=participant_id))
        target.participants[participant_id] = participant
        target.names[participant_id] = participant.name
        member = self.members.get(participant_id)
        if member is not None:
            member.room = target
            self._welcome(member)
        self._broadcast(
            target, ev.ParticipantJoined(participant=views.participant(participant)), participant_id
        )
        if resubscribe:
            self._update_subscriptions(source)
            self._update_subscriptions(target)

    def close_breakouts(self, main: Room) -> None:
        """Everyone back to the main room; the breakout rooms are gone (their chat too)."""
        children = self.breakout_rooms(main)
        for child in children:
            for participant_id in list(child.participants):
                self.move(child, participant_id, main, resubscribe=False)
            main.person_seconds += child.person_seconds
            self.rooms.discard(child)
        main.breakouts = None
        self._update_subscriptions(main)
        self.tell_breakouts(main)

    def close_due_breakouts(self, now: float | None = None) -> None:
        """Breakout rooms whose timer ran out close."""
        now = time.time() if now is None else now
        for room in self.rooms:
            if room.breakouts is not None and room.breakouts.due(now):
                self.close_breakouts(room)

    def tell_breakouts(self, main: Room) -> None:
        """Everyone in the meeting (main and breakout rooms) gets the plan as they see it."""
        self.update_p2p(main)  # breakout rooms planned: no pair; closed: perhaps one again
        for room in self.meeting_rooms(main):
            for participant in room.participants.values():
                member = self.members.get(participant.id)
                if member is not None:
                    view = self._breakouts_view(main, participant)
                    member.peer.send(ev.BreakoutsShown(breakouts=view))

    def _breakouts_view(self, main: Room, participant: Participant) -> ev.BreakoutsView | None:
        if main.breakouts is None:
            return None
        present = {room.name: list(room.participants) for room in self.breakout_rooms(main)}
        names = {
            pid: p.name for room in self.meeting_rooms(main) for pid, p in room.participants.items()
        }
        return views.breakouts(main.name, main.breakouts, present, names, participant.id)

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
            p2p=waiter.p2p,
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
        self.update_p2p(room)
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
        self.update_p2p(room)
        # A meeting is its main room and its breakout rooms: it ends when they all are empty,
        # and keeps a moderator in any of them.
        main = self.main_of(room)
        rooms = self.meeting_rooms(main)
        ended = all(r.empty for r in rooms)
        if ended:
            self.stop_recording(main)  # the meeting is over: its recording is composed
            self._recording_news.pop(main.name, None)
            for waiter in [w for w in self.waiting.values() if w.room is main]:
                self.turn_away(waiter, "ended")
        elif not any(r.moderators() for r in rooms):
            # A room keeps a moderator: the one present longest takes over (one who is
            # reconnecting keeps the role it has, and so does not count as absent).
            present = [p for r in rooms for p in r.participants.values() if p.id in self.members]
            if present:
                self.set_role(present[0], MODERATOR)
        self._update_subscriptions(room)
        self._roster_changed(main)
        if ended:
            for child in self.breakout_rooms(main):
                main.person_seconds += child.person_seconds
                self.rooms.discard(child)
            main.breakouts = None
            usage = MeetingUsage(main.opened_at, time.time(), len(main.names), main.person_seconds)
            self.counts.meeting_ended(usage)
            if self.observer is not None:
                self.observer.meeting_ended(self._summary(main))
            self.rooms.discard(main)
        elif main.breakouts is not None:
            self.tell_breakouts(main)

    def _roster_changed(self, room: Room) -> None:
        """Who is in the meeting: its main room and its breakout rooms."""
        if self.observer is not None and room.main is None:
            names = [p.name for r in self.meeting_rooms(room) for p in r.participants.values()]
            self.observer.roster_changed(room.name, names)

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
            for knocker in self.main_of(room).lobby.values():
                member.peer.send(ev.LobbyKnock(knocker=views.knocker(knocker)))
            for told in self._recording_news.get(room.name, ()):
                member.peer.send(told)

    # --- recording (docs/recording.md) ---

    def start_recording(self, room: Room, by: Participant) -> None:
        """Record `room` from now, every participant's tracks; OSError if it cannot be
        stored. The caller checks the rules (a moderator, no end-to-end encryption)."""
        if self.recordings is None or room.name in self.recorders:
            return
        done = partial(self._recording_done, room)
        recorder = self.recordings.start(room.name, by.account, done)
        self.recorders[room.name] = recorder
        room.recording = True
        for participant_id in room.participants:
            member = self.members.get(participant_id)
            if member is not None:
                member.media.record(recorder)
        if room.speakers.dominant is not None:
            recorder.speaker(room.speakers.dominant)
        self.update_p2p(room)  # a pair meeting directly sends to the SFU again, to be recorded
        log.info("a room's recording started")

    def stop_recording(self, room: Room) -> None:
        recorder = self.recorders.pop(room.name, None)
        room.recording = False
        if recorder is None:
            return
        for participant_id in room.participants:
            member = self.members.get(participant_id)
            if member is not None:
                member.media.record(None)
        recorder.stop()
        self._recording_news.setdefault(room.name, [])
        self._tell_recording(room, ev.RecordingStatus(recording=recorder.id, state="composing"))
        self.update_p2p(room)
        log.info("a room's recording stopped")

    def _recording_done(self, room: Room, outcome: RecordingOutcome) -> None:
        ready = outcome.state == "ready"
        news = ev.RecordingStatus(
            recording=outcome.id,
            state="ready" if ready else "failed",
            url=download_path(outcome) if ready else None,
            duration=round(outcome.duration, 1),
            reason=outcome.reason,
        )
        if self.rooms.get(room.name) is room:  # the same meeting still goes on
            self._tell_recording(room, news)

    def _tell_recording(self, room: Room, news: ev.RecordingStatus) -> None:
        told = self._recording_news.setdefault(room.name, [])
        told[:] = [n for n in told if n.recording != news.recording] + [news]
        self._to_moderators(room, news)

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
        for recorder in list(self.recorders.values()):
            recorder.tick()
        self.close_due_breakouts()
        for room in self.rooms:
            speaker = room.speakers.update_dominant()
            if speaker is not None and speaker in room.participants:
                self._broadcast(room, ev.DominantSpeaker(participant=speaker))
                recording = self.recorders.get(room.name)
                if recording is not None:
                    recording.speaker(speaker)
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

    # --- peer-to-peer (meeting/p2p.py) ---

    def update_p2p(self, room: Room) -> None:
        """Start or end the room's peer-to-peer pair as the rule says, and tell the pair. A
        pair formed so (a third left, E2EE went off) saw each other through the SFU: it goes
        on forwarding until their browsers stop sending to it."""
        self._tell_p2p(room, self._pair(room, hold=False))

    def p2p_fallback(self, member: Member, session: int) -> None:
        """The direct connection of `member`'s pair carries nothing: the SFU forwards again."""
        if member.room.p2p.fall_back(member.id, session):
            self._apply_holds(member.room)

    def _pair(self, room: Room, *, hold: bool) -> tuple[str, ...]:
        seats = list(room.participants.values())
        pair = eligible_pair(
            seats, self.members, enabled=self.p2p, e2ee=room.e2ee, recording=room.recording
        )
        if room.main is not None or room.breakouts is not None:
            pair = None  # a meeting with breakout rooms stays on the SFU (people move)
        return room.p2p.choose(pair, hold=hold)

    def _tell_p2p(self, room: Room, told: tuple[str, ...], skip: str | None = None) -> None:
        if told:
            self._apply_holds(room)
        for participant_id in told:
            member = self.members.get(participant_id)
            if member is not None and participant_id != skip:
                member.peer.send(ev.P2pChanged(p2p=views.p2p(room, participant_id)))

    def _apply_holds(self, room: Room) -> None:
        for participant_id in room.participants:
            member = self.members.get(participant_id)
            if member is not None:
                member.media.hold_from(room.p2p.held_from(participant_id))

    # --- internals ---

    def _media_timeout(self, participant_id: str) -> None:
        member = self.members.get(participant_id)
        if member is not None:
            self.suspend(member, "media_timeout")

    def _to_moderators(self, room: Room, message: ev.ServerMessage) -> None:
        """To the moderators of the room's meeting (a visitor of a breakout room as well)."""
        for each in self.meeting_rooms(room):
            for participant in each.moderators():
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

    def update_subscriptions(self, room: Room) -> None:
        self._update_subscriptions(room)

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
