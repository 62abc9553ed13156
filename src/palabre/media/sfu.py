"""The SFU: media participants, their connections, and the periodic RTCP and consent work."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from . import overload, rtcp
from .connection import MediaConnection
from .dtls import Certificate
from .heap import release_freed_heap
from .overload import OverloadPolicy, Signals, receive_buffer_size
from .pressure import Pressure
from .publisher import Publisher, TrackChange
from .scheduler import LoopScheduler, Scheduler
from .sdp import Candidate, TransportParameters
from .subscriber import OfferedTrack, Subscriber
from .track import Layer, Track, TrackRecorder
from .transport import MediaTransport

log = logging.getLogger(__name__)

REPORT_INTERVAL = 1.0


KINDS = ("audio", "video")


@dataclass
class MediaTotals:
    """What the SFU received and forwarded, by kind (audio, video): RTP packets and payload
    bytes (RFC 3550's octet count: headers and padding excluded), for `/metrics`."""

    packets_received: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    bytes_received: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    packets_forwarded: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    bytes_forwarded: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def add_received(self, track: Track) -> None:
        kind = track.kind if track.kind in KINDS else "video"
        self.packets_received[kind] += track.packets
        self.bytes_received[kind] += sum(lay.total_octets + lay.octets for lay in track.layers)

    def add_forwarded(self, subscriber: Subscriber) -> None:
        for slot in subscriber.slots:
            kind = slot.kind if slot.kind in KINDS else "video"
            self.packets_forwarded[kind] += slot.stream.packets
            self.bytes_forwarded[kind] += slot.stream.octets

    def plus(self, other: MediaTotals) -> MediaTotals:
        total = MediaTotals()
        for name in ("packets_received", "bytes_received", "packets_forwarded", "bytes_forwarded"):
            mine, theirs, out = getattr(self, name), getattr(other, name), getattr(total, name)
            for kind in KINDS:
                out[kind] = mine[kind] + theirs[kind]
        return total


@dataclass
class MediaNow:
    """The SFU at this moment, by kind: tracks published, and bits per second received from
    publishers and forwarded to subscribers (as the SFU measures them each second)."""

    tracks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    bitrate_received: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 0.0))
    bitrate_forwarded: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 0.0))


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
    recorder: TrackRecorder | None = None  # the room's recording, while one runs
    # Where the counts of tracks that are no longer published go (the SFU's, for /metrics).
    retired: MediaTotals | None = None

    @property
    def connections(self) -> tuple[MediaConnection, MediaConnection]:
        return self.publisher.connection, self.subscriber.connection

    @property
    def tracks(self) -> list[Track]:
        return list(self.publisher.tracks.values())

    def publish(self, offer: str, sources: Mapping[str, str]) -> tuple[str, TrackChange]:
        answer, change = self.publisher.negotiate(offer, dict(sources))
        if self.retired is not None:
            for track in change.removed:
                self.retired.add_received(track)
        for track in change.added:
            if track.kind == "audio" and track.source == "microphone":
                track.on_audio_level = self.audio_level
        if self.recorder is not None:
            for track in change.removed:
                self.recorder.detach(track)
            for track in change.added:
                self.recorder.attach(track)
        return answer, change

    def record(self, recorder: TrackRecorder | None) -> None:
        """Give every track, now and to come, to `recorder` (None: the recording ended)."""
        if recorder is self.recorder:
            return
        if self.recorder is not None:
            for track in self.tracks:
                self.recorder.detach(track)
        self.recorder = recorder
        if recorder is not None:
            for track in self.tracks:
                recorder.attach(track)

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
        self.subscriber.prioritize(participant_id)

    def forward_video_from(self, participants: set[str] | None) -> bool:
        return self.subscriber.set_video_from(participants)

    def hold_from(self, participants: Collection[str]) -> None:
        self.subscriber.set_held(set(participants))


@dataclass
class SfuStats:
    rtcp_sent: int = 0
    timeouts: int = 0
    keyframe_requests: int = 0
    extra: dict[str, int] = field(default_factory=dict)
    # RTP packets of participants who have left (packet_counts adds those present).
    gone_received: int = 0
    gone_forwarded: int = 0


@dataclass(frozen=True)
class PacketCounts:
    """RTP packets the SFU received from publishers and forwarded to subscribers (first
    sends, not retransmissions), since it started."""

    received: int
    forwarded: int


class Sfu:
    def __init__(
        self,
        announce: list[str],
        *,
        consent_timeout: float = 30.0,
        connect_timeout: float = 30.0,
        scheduler: Scheduler | None = None,
        shedding: bool = True,
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
        self.retired = MediaTotals()  # the counts of participants and tracks gone
        self._candidates: tuple[Candidate, ...] = ()
        self._ticker: asyncio.Task[None] | None = None
        self._heap_to_release = False  # someone left since the last tick
        # Overload (overload.py): the load measured, the shedding level, the receive buffer.
        self.shedding = shedding  # off: the load is measured (/metrics), nothing is shed
        self.policy = OverloadPolicy(self.scheduler.time())
        self.pressure = Pressure(lambda: self.transport.socket, self.on_pressure)
        self._watch: asyncio.Task[None] | None = None
        self._rates = (0.0, 0.0)  # packets per second received, audio and video (peaks)
        self._last_received: tuple[int, int] | None = None
        self.receive_buffer = 0  # SO_RCVBUF as the kernel has it

    @property
    def overload_level(self) -> int:
        return self.policy.level

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
        self.receive_buffer = self.transport.set_receive_buffer(receive_buffer_size(0.0, 0.0))
        self._ticker = asyncio.create_task(self._tick_forever())
        self._watch = asyncio.create_task(self.pressure.run())

    async def close(self) -> None:
        for participant_id in list(self.participants):
            self.remove_participant(participant_id)
        for task in (self._ticker, self._watch):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
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
        subscriber.overload = self.policy.level
        participant = MediaParticipant(
            participant_id, publisher, subscriber, on_timeout, self.participants,
            retired=self.retired,
        )  # fmt: skip
        self.participants[participant_id] = participant
        return participant

    def remove_participant(self, participant_id: str) -> None:
        participant = self.participants.pop(participant_id, None)
        if participant is None:
            return
        participant.record(None)
        gone = set(participant.tracks)
        for other in self.participants.values():
            other.subscriber.drop_tracks(gone)
        counts = _counts(participant)
        self.stats.gone_received += counts.received
        self.stats.gone_forwarded += counts.forwarded
        participant.subscriber.close()
        participant.publisher.close()
        participant.publisher.connection.close()
        for track in gone:
            self.retired.add_received(track)
        self.retired.add_forwarded(participant.subscriber)
        self._heap_to_release = True

    def totals(self) -> MediaTotals:
        """Everything received and forwarded since the SFU started (for /metrics)."""
        live = MediaTotals()
        for participant in self.participants.values():
            for track in participant.tracks:
                live.add_received(track)
            live.add_forwarded(participant.subscriber)
        return live.plus(self.retired)

    def now(self) -> MediaNow:
        """The tracks published and the bitrates in and out at this moment (for /metrics)."""
        now = MediaNow()
        for participant in self.participants.values():
            for track in participant.tracks:
                kind = track.kind if track.kind in KINDS else "video"
                now.tracks[kind] += 1
                now.bitrate_received[kind] += sum(layer.bitrate for layer in track.layers)
            for slot in participant.subscriber.slots:
                down = slot.downtrack
                if down is not None and down.active and down.started and not down.track.paused:
                    kind = slot.kind if slot.kind in KINDS else "video"
                    layers = down.track.layers
                    if 0 <= down.layer < len(layers):
                        now.bitrate_forwarded[kind] += layers[down.layer].bitrate
        return now

    @property
    def connection_count(self) -> int:
        return self.transport.connection_count

    def packet_counts(self) -> PacketCounts:
        """Counted on demand from the tracks' and slots' own counters: nothing more per packet."""
        present = [_counts(p) for p in self.participants.values()]
        return PacketCounts(
            self.stats.gone_received + sum(c.received for c in present),
            self.stats.gone_forwarded + sum(c.forwarded for c in present),
        )

    def request_keyframe(self, track: Track, layer: Layer) -> None:
        participant = self.participants.get(track.participant_id)
        if participant is None or layer.ssrc is None:
            return
        self.stats.keyframe_requests += 1
        participant.publisher.connection.send_rtcp(rtcp.pli(self.ssrc, layer.ssrc))

    # --- overload (overload.py, docs/overload.md) ---

    def on_pressure(self, now: float, signals: Signals) -> None:
        if not self.shedding:
            return
        level = self.policy.level
        if self.policy.sample(now, signals) != level:
            self.apply_overload()

    def apply_overload(self) -> None:
        """Apply the policy's level to every participant (and to the ones to come)."""
        level = self.policy.level
        log.warning(
            "media overload level %d (%s): loop lag %.0f ms, receive queue %.0f %%",
            level, overload.NAMES[level], 1000 * self.pressure.lag, 100 * self.pressure.queue,
        )  # fmt: skip
        self.transport.media_later = level > overload.NORMAL
        for participant in self.participants.values():
            participant.subscriber.set_overload(level)
        self._shed_video_packets()

    def _shed_video_packets(self) -> None:
        """At NO_VIDEO, publishers' video (and its retransmissions) is dropped unread."""
        shed = self.policy.level >= overload.NO_VIDEO
        for participant in self.participants.values():
            types = frozenset(
                pt
                for track in participant.tracks
                if shed and track.is_video
                for pt in (track.payload_type, track.rtx_payload_type)
                if pt >= 0
            )
            participant.publisher.connection.shed_payload_types = types

    def _size_receive_buffer(self) -> None:
        """SO_RCVBUF for ~100 ms of the packets received lately (their peak, decaying)."""
        audio = video = 0  # the tracks' own counters: no walk over every subscriber's slots
        for participant in self.participants.values():
            for track in participant.tracks:
                if track.is_video:
                    video += track.packets
                else:
                    audio += track.packets
        gone = self.retired.packets_received
        received = (audio + gone["audio"], video + gone["video"])
        last, self._last_received = self._last_received, received
        if last is None:
            return
        rates = [max(0, received[i] - last[i]) / REPORT_INTERVAL for i in (0, 1)]
        peak_audio, peak_video = self._rates
        self._rates = (max(rates[0], 0.9 * peak_audio), max(rates[1], 0.9 * peak_video))
        wanted = 2 * receive_buffer_size(*self._rates)  # as the kernel counts it
        if not 0.8 * self.receive_buffer <= wanted <= 1.25 * self.receive_buffer:
            self.receive_buffer = self.transport.set_receive_buffer(wanted // 2)

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
        self._size_receive_buffer()
        if self.policy.level >= overload.NO_VIDEO:
            self._shed_video_packets()  # tracks published since
        for participant in list(self.participants.values()):
            try:
                self._tick_participant(participant, now, now_unix)
            except Exception:  # one participant's failure must not stop the others' tick
                log.exception("SFU tick failed for one participant")

    def _tick_participant(self, participant: MediaParticipant, now: float, now_unix: float) -> None:
        """Consent, receiver reports and keyframe requests to its publisher, layer allocation
        and sender reports for its subscriber."""
        if self._expired(participant, now):
            if not participant.timed_out:
                participant.timed_out = True
                self.stats.timeouts += 1
                participant.on_timeout()
            return
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
            for report in subscriber.sender_reports(now_unix):
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


def _counts(participant: MediaParticipant) -> PacketCounts:
    received = sum(track.packets for track in participant.tracks)
    forwarded = sum(slot.stream.packets for slot in participant.subscriber.slots)
    return PacketCounts(received, forwarded)
