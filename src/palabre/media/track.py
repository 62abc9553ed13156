"""Forwarding: a published stream (Track) fanned out to per-subscriber rewriters (DownTrack).

This is the media hot path. Per packet: one clock reading and one cache store, then per
subscriber one header pack and one send through its connection (an SRTP protect and a
sendto). No per-packet coroutine, no parsed-object allocation.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from .nack import NackTracker
from .rtp import (
    RTP_HEADER,
    audio_level,
    payload_offset,
    vp8_is_keyframe_start,
    vp8_keyframe_size,
    vp8_picture_ids,
)
from .stream import OutgoingStream, RtxStream

if TYPE_CHECKING:
    from .bwe import Estimator

# An RTP header with one one-byte extension element: the transport-wide sequence number
# (RFC 8285 "BEDE" profile, one word: element header, two bytes, one byte of padding).
TWCC_HEADER = struct.Struct("!BBHIIHHBHx")
SRTP_TAG = 10  # the authentication tag SRTP appends: counted in what a packet costs
CACHE_SIZE = 512  # about 1 s of 2 Mbit/s video: enough for NACKs within a few RTTs
KEYFRAME_REQUEST_INTERVAL = 0.3  # merge subscribers' requests into one PLI per interval
LAYER_TIMEOUT = 2.0  # a simulcast layer with no packet for this long is not being sent

# What a recorder receives of each forwarded packet, on the event loop and so cheap:
# (packet, its first byte, sequence number, timestamp, payload offset, layer index, arrival).
PacketTap = Callable[[bytes, int, int, int, int, int, float], None]


class TrackRecorder(Protocol):
    """Where the tracks of a recorded participant go (recording/recorder.py): told of each
    track as it starts and ends; it sets and clears the track's `tap`."""

    def attach(self, track: Track) -> None: ...

    def detach(self, track: Track) -> None: ...


class PacketCache:
    """The last CACHE_SIZE packets of a stream by sequence number, to answer NACKs."""

    __slots__ = ("_packets",)

    def __init__(self) -> None:
        self._packets: list[tuple[int, bytes] | None] = [None] * CACHE_SIZE

    def put(self, sequence: int, packet: bytes) -> None:
        self._packets[sequence % CACHE_SIZE] = (sequence, packet)

    def get(self, sequence: int) -> bytes | None:
        entry = self._packets[sequence % CACHE_SIZE]
        if entry is not None and entry[0] == sequence:
            return entry[1]
        return None


class ReceptionStats:
    """RFC 3550 appendix A.3 and A.8 statistics of a received stream, for receiver reports."""

    __slots__ = (
        "base_seq",
        "clock_rate",
        "cycles",
        "expected_prior",
        "jitter",
        "last_sr_arrival",
        "last_sr_ntp",
        "last_sr_rtp",
        "last_transit",
        "max_seq",
        "received",
        "received_prior",
    )

    def __init__(self, clock_rate: int) -> None:
        self.clock_rate = clock_rate
        self.base_seq = -1
        self.max_seq = 0
        self.cycles = 0
        self.received = 0
        self.expected_prior = 0
        self.received_prior = 0
        self.jitter = 0.0
        self.last_transit: float | None = None
        self.last_sr_ntp = 0
        self.last_sr_rtp = 0
        self.last_sr_arrival = 0.0

    def update(self, sequence: int, timestamp: int, arrival: float) -> None:
        if self.base_seq < 0:
            self.base_seq = self.max_seq = sequence
        elif 0 < (sequence - self.max_seq) & 0xFFFF < 0x8000:
            if sequence < self.max_seq:
                self.cycles += 1 << 16
            self.max_seq = sequence
        self.received += 1
        transit = arrival * self.clock_rate - timestamp
        if self.last_transit is not None:
            d = transit - self.last_transit
            if d > 0x80000000:  # the 32-bit timestamp wrapped around between two packets
                d -= 0x100000000
            elif d < -0x80000000:
                d += 0x100000000
            self.jitter += (abs(d) - self.jitter) / 16
        self.last_transit = transit

    def report_fields(self, now: float) -> tuple[int, int, int, int, int, int]:
        """fraction lost, cumulative lost, extended highest seq, jitter, LSR, DLSR."""
        extended = self.cycles + self.max_seq
        expected = extended - self.base_seq + 1
        lost = expected - self.received
        expected_interval = expected - self.expected_prior
        received_interval = self.received - self.received_prior
        self.expected_prior, self.received_prior = expected, self.received
        lost_interval = expected_interval - received_interval
        fraction = (
            (lost_interval << 8) // expected_interval
            if expected_interval > 0 and lost_interval > 0
            else 0
        )
        lsr = (self.last_sr_ntp >> 16) & 0xFFFFFFFF
        dlsr = int((now - self.last_sr_arrival) * 65536) if self.last_sr_ntp else 0
        return min(fraction, 255), lost, extended & 0xFFFFFFFF, int(self.jitter), lsr, dlsr


class Layer:
    """One encoding of a track: the only one without simulcast, else one of up to three
    (lowest first), each with its own SSRC, numbering, cache and statistics."""

    __slots__ = (
        "bitrate",
        "cache",
        "height",
        "index",
        "keyframe_pending",
        "last_keyframe_request",
        "last_packet",
        "nack",
        "octets",
        "rid",
        "ssrc",
        "stats",
        "total_octets",
        "width",
    )

    def __init__(self, index: int, rid: str | None, ssrc: int | None, clock_rate: int) -> None:
        self.index = index
        self.rid = rid
        self.ssrc = ssrc
        self.cache = PacketCache()
        self.stats = ReceptionStats(clock_rate)
        self.nack = NackTracker()  # losses from the publisher, asked again
        self.keyframe_pending = False
        self.last_keyframe_request = 0.0
        self.octets = 0  # since the last bitrate measurement
        self.total_octets = 0  # before the last measurement (the operator's statistics)
        self.bitrate = 0.0  # bits per second, smoothed
        self.last_packet = float("-inf")
        self.width = 0  # from the last keyframe
        self.height = 0

    def measure(self, interval: float) -> None:
        sample = self.octets * 8 / interval
        self.total_octets += self.octets
        self.bitrate = sample if self.bitrate == 0 else 0.5 * self.bitrate + 0.5 * sample
        self.octets = 0


class Track:
    """A stream a participant publishes, as received by the SFU."""

    def __init__(
        self,
        track_id: str,
        participant_id: str,
        kind: str,
        source: str,
        mid: str,
        ssrc: int | None,
        payload_type: int,
        clock_rate: int,
        request_keyframe: Callable[[Track, Layer], None],
        rids: list[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.id = track_id
        self.participant_id = participant_id
        self.kind = kind
        self.source = source
        self.mid = mid
        self.payload_type = payload_type
        self.rtx_payload_type = -1  # the publisher's RTX (RFC 4588) for this track, if any
        self.clock_rate = clock_rate
        self.is_video = kind == "video"
        if rids:
            self.layers = [Layer(i, rid, None, clock_rate) for i, rid in enumerate(rids)]
        else:
            self.layers = [Layer(0, None, ssrc, clock_rate)]
        self.simulcast = len(self.layers) > 1
        self.downtracks: list[DownTrack] = []
        self.packets = 0
        self._request_keyframe = request_keyframe
        self.paused = False  # muted by a moderator: nothing is forwarded or cached
        # RFC 6464 levels, for speaker statistics: the extension id and who wants them.
        self.audio_level_id: int | None = None
        self.on_audio_level: Callable[[int, bool, float], None] | None = None
        self._last_level_ts: int | None = None
        # A recording's tap (recording/recorder.py): every packet forwarded, as it is.
        self.tap: PacketTap | None = None
        # Read once per packet received, whatever the number of subscribers.
        self.clock = clock

    @property
    def ssrc(self) -> int | None:
        """The SSRC of a single-encoding track (simulcast tracks have one per layer)."""
        return self.layers[0].ssrc

    @ssrc.setter
    def ssrc(self, value: int | None) -> None:
        self.layers[0].ssrc = value

    @property
    def stats(self) -> ReceptionStats:
        return self.layers[0].stats

    @property
    def cache(self) -> PacketCache:
        return self.layers[0].cache

    @property
    def keyframe_pending(self) -> bool:
        return any(layer.keyframe_pending for layer in self.layers)

    def receive(
        self,
        packet: bytes,
        b0: int,
        b1: int,
        seq: int,
        ts: int,
        payload_offset: int,
        layer: Layer | None = None,
        now: float | None = None,
    ) -> None:
        """Forward one decrypted RTP packet to every subscriber of its layer; `now`, its
        arrival (default: the track's clock), is the one clock reading they all use."""
        layer = layer or self.layers[0]
        self.packets += 1
        if now is None:
            now = self.clock()
        layer.stats.update(seq, ts, now)
        layer.last_packet = now
        layer.octets += len(packet) - payload_offset
        if self.paused:
            return
        if self.on_audio_level is not None and self.audio_level_id is not None:
            self._audio_level(packet, ts)
        if self.tap is not None:
            self.tap(packet, b0, seq, ts, payload_offset, layer.index, now)
        marker = b1 & 0x80
        padding = b0 & 0x20
        payload = packet[payload_offset:]
        index = layer.index
        vp8 = None
        if self.is_video:
            layer.cache.put(seq, packet)
            vp8 = vp8_picture_ids(payload)
            keyframe = layer.keyframe_pending and vp8_is_keyframe_start(payload)
            if keyframe:
                size = vp8_keyframe_size(payload)
                if size is not None:
                    layer.width, layer.height = size
        else:
            keyframe = True
        for down in self.downtracks:
            down.forward(index, payload, padding, marker, seq, ts, keyframe, vp8, now)
        if keyframe and self.is_video:
            layer.keyframe_pending = self.waiting_for_keyframe(index)

    def _audio_level(self, packet: bytes, ts: int) -> None:
        found = audio_level(packet, self.audio_level_id or 0)
        last, self._last_level_ts = self._last_level_ts, ts
        if found is None or last is None or self.on_audio_level is None:
            return
        duration = ((ts - last) & 0xFFFFFFFF) / self.clock_rate
        # Gaps too (DTX, loss): meeting/speakers.py counts them as silence.
        self.on_audio_level(found[0], found[1], duration)

    def set_paused(self, paused: bool) -> None:
        if paused == self.paused:
            return
        self.paused = paused
        if not paused:
            for down in self.downtracks:
                down.resync()
            if self.is_video:
                self.request_keyframe()

    def waiting_for_keyframe(self, index: int) -> bool:
        """Does any subscriber wait for a keyframe of this layer to start or switch?"""
        return any(
            d.active and d.target == index and (d.layer != index or not d.started)
            for d in self.downtracks
        )

    def request_keyframe(self, index: int | None = None) -> None:
        """Ask the publisher for a keyframe of a layer (default: every layer a subscriber
        waits for), at most once per interval whoever asks."""
        now = self.clock()
        indexes = [index] if index is not None else sorted({d.target for d in self.downtracks})
        for i in indexes or [0]:
            layer = self.layers[min(max(i, 0), len(self.layers) - 1)]
            layer.keyframe_pending = True
            if now - layer.last_keyframe_request >= KEYFRAME_REQUEST_INTERVAL:
                layer.last_keyframe_request = now
                self._request_keyframe(self, layer)

    def measure(self, interval: float) -> None:
        for layer in self.layers:
            layer.measure(interval)

    def highest_active_layer(self, now: float | None = None) -> int:
        """The highest layer the publisher sent lately: a browser sends only the layers its
        bandwidth estimate allows, and waiting for a keyframe of another would show nothing."""
        now = self.clock() if now is None else now
        active = [la.index for la in self.layers if now - la.last_packet < LAYER_TIMEOUT]
        return max(active) if active else len(self.layers) - 1


class RtpSender(Protocol):
    """What a DownTrack needs of its subscriber's connection (a MediaConnection)."""

    connected: bool

    def send_rtp(self, packet: bytes) -> bool: ...


class DownTrack:
    """One track as one subscriber receives it: forwarded and retransmitted on the slot's
    OutgoingStream (our SSRC and numbering, stream.py), sent through the connection.

    Forwarding starts on a keyframe (video) and switches simulcast layer at a keyframe of the
    new one; each time the stream's offsets are fixed again, continuing our numbering, so the
    subscriber sees one continuous stream whatever the publisher's layers and numbering.
    """

    __slots__ = (
        "abs_send_time",
        "accepted",
        "active",
        "connection",
        "layer",
        "mid",
        "payload_type",
        "retransmitted",
        "rtx",
        "started",
        "stream",
        "target",
        "track",
        "twcc",
        "twcc_element",
    )

    def __init__(
        self,
        track: Track,
        connection: RtpSender,
        mid: str,
        payload_type: int,
        stream: OutgoingStream | None = None,
    ) -> None:
        self.track = track
        self.connection = connection
        self.mid = mid
        self.payload_type = payload_type
        # The slot's stream, which goes on from track to track (a new one on its own).
        self.stream = OutgoingStream() if stream is None else stream
        self.accepted = False  # the subscriber's answer accepted this m-section
        self.active = False  # accepted and wanted: the forward path checks only this
        self.started = False  # the stream's offsets are fixed for this track and layer
        self.layer = 0  # the layer forwarded now
        # The layer wanted, switched to at its keyframe: the highest the publisher sends now.
        self.target = track.highest_active_layer()
        # The one-byte header extension prefix for abs-send-time (receivers' REMB needs it).
        self.abs_send_time: bytes | None = None
        self.rtx: RtxStream | None = None  # where retransmissions go, if the receiver has RTX
        # Transport-wide congestion control: the subscriber's estimator numbers every packet
        # (header extension prefix below) and learns from the feedback what became of it.
        self.twcc: Estimator | None = None
        self.twcc_element = 0  # its one-byte extension element header: id << 4 | 1
        self.retransmitted: dict[int, float] = {}  # our sequence number -> when last resent

    @property
    def ssrc(self) -> int:
        return self.stream.ssrc

    @property
    def repairable(self) -> bool:
        """Worth repairing a loss of: forwarded now, and video (Opus conceals a loss)."""
        return self.active and self.track.is_video

    def forward(
        self,
        layer: int,
        payload: bytes,
        padding: int,
        marker: int,
        seq: int,
        ts: int,
        keyframe: bool,
        vp8: tuple[int, int] | None,
        now: float,
    ) -> None:
        """Send one packet of the track (its layer `layer`) as ours; `now` is its arrival."""
        connection = self.connection
        if not self.active or not connection.connected:
            return
        stream = self.stream
        if layer != self.layer or not self.started:
            if not keyframe or layer != self.target:
                return
            self.layer = layer
            self.started = True
            stream.start(seq, ts, vp8, now, self.track.clock_rate)
        if vp8 is not None:
            payload = stream.picture_ids(payload, vp8)
        out_seq = (seq + stream.seq_offset) & 0xFFFF
        out_ts = (ts + stream.ts_offset) & 0xFFFFFFFF
        twcc = self.twcc
        if twcc is not None:
            header = TWCC_HEADER.pack(
                0x90 | padding,
                marker | self.payload_type,
                out_seq,
                out_ts,
                stream.ssrc,
                0xBEDE,
                1,
                self.twcc_element,
                twcc.sent(20 + len(payload) + SRTP_TAG, now, self, out_seq),
            )
        elif self.abs_send_time is None:
            header = RTP_HEADER.pack(
                0x80 | padding, marker | self.payload_type, out_seq, out_ts, stream.ssrc
            )
        else:
            header = (
                RTP_HEADER.pack(
                    0x90 | padding, marker | self.payload_type, out_seq, out_ts, stream.ssrc
                )
                + self.abs_send_time
                + (int(now * 262144) & 0xFFFFFF).to_bytes(3, "big")
            )
        if not connection.send_rtp(header + payload):
            return  # this subscriber's problem only (the connection counts it)
        stream.packets += 1
        stream.octets += len(payload) - (payload[-1] if padding else 0)  # RFC 3550: no padding
        # A late packet (repaired by the publisher's retransmission) leaves the count alone.
        if (out_seq - stream.last_seq) & 0xFFFF < 0x8000 or stream.packets == 1:
            stream.last_seq = out_seq
            stream.last_ts = out_ts
        stream.last_sent = now

    def resync(self) -> None:
        """The source jumped (pause, new publisher stream): restart at the next keyframe,
        continuing our numbering so the receiver sees one stream."""
        self.started = False

    def set_target(self, layer: int) -> None:
        """Switch to another simulcast layer at its next keyframe."""
        layer = min(max(layer, 0), len(self.track.layers) - 1)
        if layer == self.target:
            return
        self.target = layer
        if layer != self.layer or not self.started:
            self.track.request_keyframe(layer)

    def retransmit(self, out_sequence: int, probe: bool = False, now: float | None = None) -> int:
        """Answer a NACK for one of our sequence numbers from the layer's cache (or, for a
        probe, send a copy of a recent packet: padding the receiver can use). The bytes
        sent: 0 when the packet is not ours or no longer cached."""
        stream = self.stream
        seq = stream.source_sequence(out_sequence) if self.started else None
        if seq is None:
            return 0  # not ours, or sent before the source switched
        packet = self.track.layers[self.layer].cache.get(seq)
        if packet is None:
            return 0
        b0, b1, _, ts, _ = RTP_HEADER.unpack_from(packet)
        offset = payload_offset(packet, b0)
        marker, out_ts = b1 & 0x80, (ts + stream.ts_offset) & 0xFFFFFFFF
        payload = packet[offset:]
        vp8 = vp8_picture_ids(payload) if self.track.is_video else None
        if vp8 is not None:
            payload = stream.resent_picture_ids(payload, vp8)
        rtx = self.rtx
        if now is None:
            now = self.track.clock()
        if not probe:
            self._note_retransmission(out_sequence, now)
        if rtx is None:  # the same packet again, on the media stream
            header = RTP_HEADER.pack(
                0x80 | (b0 & 0x20), marker | self.payload_type, out_sequence, out_ts, stream.ssrc
            )
            body = payload
        else:
            # RFC 4588: on the RTX stream, the original sequence number first. Padding goes.
            end = len(payload) - (packet[-1] if b0 & 0x20 else 0)
            header = RTP_HEADER.pack(
                0x80, marker | rtx.payload_type, rtx.sequence, out_ts, rtx.ssrc
            )
            rtx.sequence = (rtx.sequence + 1) & 0xFFFF
            body = out_sequence.to_bytes(2, "big") + payload[:end]
        twcc = self.twcc
        if twcc is not None:
            # A copy lost in turn is worth resending; a probe's copy is not (the original
            # arrived): the estimator learns only which downtrack sent the former.
            size = 20 + len(body) + SRTP_TAG
            sequence = twcc.sent(size, now, None if probe else self, out_sequence)
            header = TWCC_HEADER.pack(
                header[0] | 0x10, *RTP_HEADER.unpack(header)[1:], 0xBEDE, 1, self.twcc_element,
                sequence,
            )  # fmt: skip
        self.connection.send_rtp(header + body)
        return len(header) + len(body)

    def probe_copy(self, back: int, now: float) -> int:
        """Send again the packet `back` before our last one, as a probe's padding; the bytes
        sent (0 if it is not cached)."""
        return self.retransmit((self.stream.last_seq - back) & 0xFFFF, probe=True, now=now)

    def _note_retransmission(self, out_sequence: int, now: float) -> None:
        retransmitted = self.retransmitted
        if len(retransmitted) >= 1024:  # older ones are past any repair
            for key in list(retransmitted)[:512]:
                del retransmitted[key]
        retransmitted.pop(out_sequence, None)  # re-insert: the dict stays in time order
        retransmitted[out_sequence] = now

    def repair(self, out_sequence: int, sent_at: float, now: float | None = None) -> int:
        """Feedback said a packet we sent at `sent_at` was lost: resend it, unless a copy
        went out since (a NACK was quicker, and that copy may still be on its way)."""
        if self.retransmitted.get(out_sequence, float("-inf")) > sent_at:
            return 0
        return self.retransmit(out_sequence, now=now)
