"""The SFU: media participants, their connections, and the periodic RTCP and consent work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from . import rtcp
from .connection import MediaConnection
from .dtls import Certificate
from .heap import release_freed_heap
from .publisher import Publisher, TrackChange
from .scheduler import LoopScheduler, Scheduler
from .sdp import Candidate, TransportParameters
from .subscriber import OfferedTrack, Subscriber
from .track import Layer, Track
from .transport import MediaTransport

log = logging.getLogger(__name__)

REPORT_INTERVAL = 1.0


@dataclass
class MediaParticipant:
    """One participant's media: its publish and subscribe connections. It implements the
    signaling side's MediaSession (signaling/media.py): the hub speaks to it in verbs only."""

    id: str
    publisher: Publisher
    subscriber: Subscriber
    on_timeout: Callable[[], None]
    # Every participant's media, by id: whom `subscribe` names.
    directory: Mapping[str, MediaParticipant]
    timed_out: bool = False
    audio_level: Callable[[int, bool, float], None] | None = None

    @property
    def connections(self) -> tuple[MediaConnection, MediaConnection]:
        return self.publisher.connection, self.subscriber.connection

    @property
    def tracks(self) -> list[Track]:
        return list(self.publisher.tracks.values())

    def publish(self, offer: str, sources: Mapping[str, str]) -> tuple[str, TrackChange]:
        answer, change = self.publisher.negotiate(offer, dict(sources))
        for track in change.added:
            if track.kind == "audio" and track.source == "microphone":
                track.on_audio_level = self.audio_level
        return answer, change

    def on_audio_level(self, callback: Callable[[int, bool, float], None]) -> None:
        self.audio_level = callback
        for track in self.tracks:
            if track.kind == "audio" and track.source == "microphone":
                track.on_audio_level = callback

    def pause(self, audio: bool, video: bool) -> None:
        for track in self.tracks:
            if track.source != "screen":
                track.set_paused(audio if track.kind == "audio" else video)

    def subscribe(self, participants: Collection[str]) -> None:
        wanted = [
            track
            for pid in participants
            if pid != self.id and pid in self.directory
            for track in self.directory[pid].tracks
        ]
        self.subscriber.set_tracks(wanted)

    def next_offer(self) -> tuple[str, list[OfferedTrack]] | None:
        subscriber = self.subscriber
        if not subscriber.dirty or subscriber.offer_pending or not subscriber.slots:
            return None
        return subscriber.create_offer()

    def apply_answer(self, answer: str) -> None:
        self.subscriber.apply_answer(answer)

    def restart_ice(self) -> None:
        self.subscriber.restart_ice()

    def receive(self, max_layer: int | None) -> None:
        self.subscriber.set_receive_video(max_layer is not None)
        if max_layer is not None:
            self.subscriber.set_video_layers(max_layer)

    def constrain(self, heights: Mapping[str, int]) -> None:
        self.subscriber.set_video_layers(self.subscriber.max_layer, dict(heights))

    def prioritize(self, participant_id: str | None) -> None:
        self.subscriber.priority_participant = participant_id

    def forward_video_from(self, participants: set[str] | None) -> bool:
        return self.subscriber.set_video_from(participants)


@dataclass
class SfuStats:
    rtcp_sent: int = 0
    timeouts: int = 0
    keyframe_requests: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class Sfu:
    def __init__(
        self,
        announce: list[str],
        *,
        consent_timeout: float = 30.0,
        connect_timeout: float = 30.0,
        scheduler: Scheduler | None = None,
    ) -> None:
        # Time and timers for every connection, publisher and subscriber.
        self.scheduler = LoopScheduler() if scheduler is None else scheduler
        self.certificate = Certificate()
        self.transport = MediaTransport()
        self.announce = announce
        self.consent_timeout = consent_timeout
        self.connect_timeout = connect_timeout
        self.participants: dict[str, MediaParticipant] = {}
        self.ssrc = random.getrandbits(32) or 1
        self.stats = SfuStats()
        self._candidates: tuple[Candidate, ...] = ()
        self._ticker: asyncio.Task[None] | None = None
        self._heap_to_release = False  # someone left since the last tick

    async def start(self, host: str, udp_port: int, tcp_port: int | None) -> None:
        await self.transport.start(host, udp_port, tcp_port)
        candidates = []
        for index, address in enumerate(self.announce):
            # Prefer UDP; ICE-TCP is the fallback for networks that block UDP.
            candidates.append(
                Candidate(
                    f"{index + 1}", "udp", address, self.transport.udp_port, 2130706431 - index
                )
            )
            if self.transport.tcp_port is not None:
                candidates.append(
                    Candidate(
                        f"{index + 101}",
                        "tcp",
                        address,
                        self.transport.tcp_port,
                        1015022079 - index,
                    )
                )
        self._candidates = tuple(candidates)
        self._ticker = asyncio.create_task(self._tick_forever())

    async def close(self) -> None:
        for participant_id in list(self.participants):
            self.remove_participant(participant_id)
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        await self.transport.close()

    def transport_parameters(self, connection: MediaConnection, setup: str) -> TransportParameters:
        return TransportParameters(
            ice_ufrag=connection.ufrag,
            ice_pwd=connection.pwd,
            fingerprint=self.certificate.fingerprint,
            setup=setup,
            candidates=self._candidates,
        )

    # --- participants ---

    def add_participant(
        self, participant_id: str, on_timeout: Callable[[], None]
    ) -> MediaParticipant:
        if participant_id in self.participants:
            raise ValueError(f"participant {participant_id} already has media")
        publisher: Publisher
        subscriber: Subscriber

        def publisher_rtcp(packet: bytes) -> None:
            publisher.on_rtcp(packet, self.scheduler.time())

        pub_conn = MediaConnection(
            self.transport,
            self.certificate,
            on_rtp=lambda p: publisher.on_rtp(p),
            on_rtcp=publisher_rtcp,
            on_connected=lambda: None,
            scheduler=self.scheduler,
        )
        sub_conn = MediaConnection(
            self.transport,
            self.certificate,
            on_rtp=lambda p: None,  # subscribers send no media to us
            on_rtcp=lambda p: subscriber.on_rtcp(p),
            on_connected=lambda: subscriber.on_connected(),
            scheduler=self.scheduler,
        )
        publisher = Publisher(
            participant_id,
            pub_conn,
            self.transport_parameters,
            self.request_keyframe,
            scheduler=self.scheduler,
        )
        publisher.rtcp_ssrc = self.ssrc
        subscriber = Subscriber(
            participant_id, sub_conn, self.transport_parameters, scheduler=self.scheduler
        )
        participant = MediaParticipant(
            participant_id, publisher, subscriber, on_timeout, self.participants
        )
        self.participants[participant_id] = participant
        return participant

    def remove_participant(self, participant_id: str) -> None:
        participant = self.participants.pop(participant_id, None)
        if participant is None:
            return
        gone = set(participant.tracks)
        for other in self.participants.values():
            other.subscriber.drop_tracks(gone)
        participant.subscriber.close()
        participant.publisher.close()
        participant.publisher.connection.close()
        self._heap_to_release = True

    @property
    def connection_count(self) -> int:
        return self.transport.connection_count

    def request_keyframe(self, track: Track, layer: Layer) -> None:
        participant = self.participants.get(track.participant_id)
        if participant is None or layer.ssrc is None:
            return
        self.stats.keyframe_requests += 1
        participant.publisher.connection.send_rtcp(rtcp.pli(self.ssrc, layer.ssrc))

    # --- periodic work ---

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(REPORT_INTERVAL)
            try:
                self.tick()
            except Exception:  # a bug here must not stop reports and consent checks for all
                log.exception("SFU tick failed")

    def tick(self) -> None:
        if self._heap_to_release:
            self._heap_to_release = False
            release_freed_heap()
        now = self.scheduler.time()
        now_unix = time.time()
        for participant in list(self.participants.values()):
            if self._expired(participant, now):
                if not participant.timed_out:
                    participant.timed_out = True
                    self.stats.timeouts += 1
                    participant.on_timeout()
                continue
            publisher, subscriber = participant.publisher, participant.subscriber
            if publisher.connection.connected:
                report = publisher.receiver_reports(self.ssrc, now)
                if report is not None:
                    publisher.connection.send_rtcp(report)
                    self.stats.rtcp_sent += 1
                for track in publisher.tracks.values():
                    track.measure(REPORT_INTERVAL)
                    if track.is_video:
                        for layer in track.layers:
                            if track.waiting_for_keyframe(layer.index):
                                track.request_keyframe(layer.index)
            if subscriber.connection.connected:
                subscriber.allocate()
                report = subscriber.sender_reports(now_unix)
                if report is not None:
                    subscriber.connection.send_rtcp(report)
                    self.stats.rtcp_sent += 1

    def _expired(self, participant: MediaParticipant, now: float) -> bool:
        """ICE consent freshness (RFC 7675): no valid check for consent_timeout seconds."""
        for connection in participant.connections:
            if connection.last_consent is not None:
                if now - connection.last_consent > self.consent_timeout:
                    return True
            elif (
                connection.negotiated_at is not None
                and now - connection.negotiated_at > self.connect_timeout
            ):
                return True
        return False
