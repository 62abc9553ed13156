"""The subscribe side of a participant: the server offers the remote tracks, the browser answers.

Each remote track occupies one m-section ("slot"). A slot freed by a departed track becomes
inactive and is reused for the next track of the same kind, so the SDP does not grow with
every join and leave.

A slot's RTP stream outlives the tracks it carries: one SSRC for the slot's whole life, with
sequence numbers, timestamps and sender-report counts that go on from where the previous
track left them (DownTrack continues a stream whose counts are not zero). A receiver sees an
m-section pause and resume. It need not handle a new SSRC in a renegotiated m-section: aiortc,
for one, keeps demultiplexing by the SSRCs of the first negotiation and drops the rest, and
with no MID header extension in our RTP the SSRC is all a receiver can demultiplex by. The
numbering must go on, not restart: SRTP estimates a packet's index from its sequence number
(RFC 3711, 3.3.1) and drops a stream that jumps back under the same SSRC as replayed.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from . import rtcp, sdp, twcc
from .allocation import AUDIO_ALLOWANCE, Demand, Probe, allocate, layer_for_height
from .bwe import OVERUSE, Estimator
from .codecs import (
    ABS_SEND_TIME_ID,
    ABS_SEND_TIME_URI,
    CODECS,
    RTX_PT,
    SUBSCRIBE_FEEDBACK,
    TWCC_ID,
    TWCC_URI,
    payload_attributes,
    rtx_attributes,
)
from .connection import MediaConnection
from .track import DownTrack, RtxStream, Track

# Probing (transport-wide feedback only, see bwe.py): a cluster lasts PROBE_DURATION and
# offers up to PROBE_GROWTH times the current estimate (PROBE_RETRY_GROWTH after a failed
# one); a failed one waits before the next, doubling up to PROBE_WAIT_MAX. A probe into a
# full path delays what follows it (measured, behind 500 kbit/s and a 400 ms queue: 60 ms
# at three times the estimate made a freeze of 0.3 s; 40 ms at twice, none).
PROBE_DURATION = 0.04
PROBE_GROWTH = 3.0
PROBE_RETRY_GROWTH = 2.0
PROBE_HEADROOM = 1.4  # probe this much above what the wanted layers need
PROBE_WAIT_MIN, PROBE_WAIT_MAX = 1.0, 4.0
PROBE_TIMEOUT = 1.5  # feedback of a cluster lost: forget it after this long
PROBE_TICKS = 6  # the cluster's packets go out in this many steps, evenly spaced
# A layer not forwarded yet must fit in this share of a send-side estimate: the estimate
# from a probe into a full path is the path's whole rate, which a layer's keyframes, its
# retransmissions and the probes cannot share (measured: at 0.9 a viewer capped at 500 kbit/s
# was given the 400 kbit/s layer, and lost a third of its packets until it went back down).
UPGRADE_SHARE = 0.8
# Repairing what feedback reports lost adds traffic: not on a path losing this much (that is
# congestion, which more packets make worse; the receiver's NACKs still get answers).
REPAIR_MAX_LOSS = 0.15
# Retransmissions get at most this share of the estimate (NACKs and repairs alike): on a
# path that drops most of what it gets, answering every NACK multiplied the traffic, and the
# loss with it (measured: 93 % lost behind a 500 kbit/s cap). A burst of RETRANSMIT_BURST
# seconds of it is allowed, for the packets of a keyframe.
RETRANSMIT_SHARE = 0.3
RETRANSMIT_BURST = 0.5
RETRANSMIT_COST = 8_000  # bits: about one video packet
# On a path losing at least this share of packets, a NACK is answered twice, 10 ms apart: a
# lost retransmission otherwise costs another round trip, a freeze (measured behind 5 % loss
# and 100 ms: about one freeze in ten seconds came from those).
DUPLICATE_LOSS = 0.02
DUPLICATE_DELAY = 0.01

log = logging.getLogger(__name__)


@dataclass
class Slot:
    mid: str
    kind: str
    downtrack: DownTrack | None = None
    rejected: bool = False
    # The slot's RTP stream, kept between tracks (see the module docstring).
    ssrc: int = field(default_factory=lambda: random.getrandbits(32) or 1)
    packets: int = 0
    octets: int = 0
    last_seq: int = 0
    last_ts: int = 0
    last_sent: float = 0.0
    rtx: RtxStream = field(default_factory=lambda: RtxStream(random.getrandbits(32) or 1))


@dataclass(frozen=True)
class OfferedTrack:
    mid: str
    track: Track


class Subscriber:
    def __init__(
        self,
        participant_id: str,
        connection: MediaConnection,
        server_transport: Callable[[MediaConnection, str], sdp.TransportParameters],
    ) -> None:
        self.participant_id = participant_id
        self.connection = connection
        self._server_transport = server_transport
        self.slots: list[Slot] = []
        self._by_ssrc: dict[int, DownTrack] = {}
        self._version = 0
        self.offer_pending = False
        self.dirty = False  # the wanted tracks changed since the last offer
        self._offered: list[tuple[Slot, DownTrack | None]] = []
        self.nacks_answered = 0
        self.receive_video = True
        self.max_layer = 2  # from the receive setting: 0 low, 1 standard, 2 high
        self.heights: dict[str, int] = {}  # wanted height per track id (tile sizes)
        self.estimate: float | None = None  # the receiver's REMB, bits per second
        self.priority_participant: str | None = None  # the dominant speaker, served first
        self._probe = Probe()  # stepping up on REMB
        # Send-side estimation, when the receiver gives transport-wide feedback.
        self.bwe = Estimator()
        self._probe_wait = PROBE_WAIT_MIN
        self._next_probe = 0.0
        self._probe_started = 0.0
        self._probe_seen: tuple[float, float, float] | None = None
        self._retransmit_tokens = 0.0
        self._retransmit_refilled = 0.0
        # Last-N: whose camera video is forwarded (None: everyone's). Screen shares always are.
        self.video_from: set[str] | None = None

    # --- which tracks ---

    @property
    def tracks(self) -> set[Track]:
        return {s.downtrack.track for s in self.slots if s.downtrack is not None}

    def set_tracks(self, wanted: list[Track]) -> None:
        """Subscribe to exactly these tracks; a new offer is then due if anything changed."""
        wanted_set = set(wanted)
        for slot in self.slots:
            down = slot.downtrack
            if down is not None and down.track not in wanted_set:
                self._detach(slot)
        current = self.tracks
        for track in wanted:
            if track in current:
                continue
            free = (s for s in self.slots if s.downtrack is None and s.kind == track.kind)
            slot = next(free, None) or self._new_slot(track.kind)
            slot.rejected = False
            pt = CODECS[track.kind].payload_type
            down = DownTrack(track, self.connection, slot.mid, pt)
            # Carry on the slot's stream: same SSRC, numbering and counts (module docstring).
            down.ssrc, down.packets, down.octets = slot.ssrc, slot.packets, slot.octets
            down.last_out_seq, down.last_out_ts = slot.last_seq, slot.last_ts
            down.last_sent = slot.last_sent
            slot.downtrack = down
            track.downtracks.append(down)
            self._by_ssrc[down.ssrc] = down
            self.dirty = True

    def _new_slot(self, kind: str) -> Slot:
        slot = Slot(str(len(self.slots)), kind)
        self.slots.append(slot)
        return slot

    def drop_tracks(self, tracks: set[Track]) -> None:
        for slot in self.slots:
            if slot.downtrack is not None and slot.downtrack.track in tracks:
                self._detach(slot)

    def _detach(self, slot: Slot) -> None:
        down = slot.downtrack
        if down is None:
            return
        slot.downtrack = None
        slot.packets, slot.octets = down.packets, down.octets
        slot.last_seq, slot.last_ts, slot.last_sent = (
            down.last_out_seq,
            down.last_out_ts,
            down.last_sent,
        )
        self._by_ssrc.pop(down.ssrc, None)
        if down in down.track.downtracks:
            down.track.downtracks.remove(down)
        self.dirty = True

    def close(self) -> None:
        for slot in self.slots:
            self._detach(slot)
        self.connection.close()

    # --- negotiation ---

    def restart_ice(self) -> None:
        """The browser lost this connection's path: the next offer carries new ICE
        credentials, and its answer restarts the browser's checks (RFC 8445 section 9)."""
        self.connection.restart_ice()
        self.dirty = True

    def create_offer(self) -> tuple[str, list[OfferedTrack]]:
        self._version += 1
        offer = sdp.SessionDescription(origin=f"- {id(self)} {self._version} IN IP4 0.0.0.0")
        transport = self._server_transport(self.connection, "actpass")
        offered: list[OfferedTrack] = []
        for slot in self.slots:
            offer.media.append(self._section(slot, transport))
            if slot.downtrack is not None and not slot.rejected:
                offered.append(OfferedTrack(slot.mid, slot.downtrack.track))
        mids = " ".join(s.mid for s in self.slots)
        offer.attributes = [
            ("group", f"BUNDLE {mids}"),
            ("ice-lite", None),
            ("msid-semantic", " WMS *"),
        ]
        self.offer_pending = True
        self.dirty = False
        # What this offer said of each slot: the answer is about these, even if the slots
        # changed since (those changes make the subscriber dirty and go in the next offer).
        self._offered = [(slot, slot.downtrack) for slot in self.slots]
        return sdp.serialize(offer), offered

    def _section(self, slot: Slot, transport: sdp.TransportParameters) -> sdp.MediaSection:
        audio = slot.kind == "audio"
        codec = CODECS[slot.kind]
        pt = codec.payload_type
        formats = [str(pt)] if audio else [str(pt), str(RTX_PT)]
        section = sdp.MediaSection(slot.kind, 9, "UDP/TLS/RTP/SAVPF", formats)
        attrs = section.attributes
        attrs.append(("mid", slot.mid))
        attrs += transport.attributes()
        down = slot.downtrack
        attrs.append(("sendonly" if down is not None else "inactive", None))
        attrs.append(("rtcp-mux", None))
        attrs.append(("rtcp", "9 IN IP4 0.0.0.0"))
        attrs.append(("extmap", f"{TWCC_ID} {TWCC_URI}"))
        if not audio:
            attrs.append(("extmap", f"{ABS_SEND_TIME_ID} {ABS_SEND_TIME_URI}"))
        attrs += payload_attributes(codec, SUBSCRIBE_FEEDBACK[slot.kind])
        if not audio:
            attrs += rtx_attributes(RTX_PT, pt)
        if down is not None:
            stream, track_id = down.track.participant_id, down.track.id
            attrs.append(("msid", f"{stream} {track_id}"))
            ssrcs = [down.ssrc]
            if not audio:
                ssrcs.append(slot.rtx.ssrc)
                attrs.append(("ssrc-group", f"FID {down.ssrc} {slot.rtx.ssrc}"))
            for ssrc in ssrcs:
                attrs.append(("ssrc", f"{ssrc} cname:{stream}"))
                attrs.append(("ssrc", f"{ssrc} msid:{stream} {track_id}"))
        return section

    def apply_answer(self, answer_text: str) -> None:
        """Take the browser's answer; SdpError if it does not fit the outstanding offer."""
        if not self.offer_pending:
            raise sdp.SdpError("no subscribe offer is outstanding")
        answer = sdp.parse(answer_text)
        remote = sdp.remote_transport(answer)
        if len(answer.media) != len(self._offered):
            raise sdp.SdpError("the answer must have one media section per offered one")
        self.connection.set_remote(remote, answering=False)
        self.offer_pending = False
        for (slot, down), section in zip(self._offered, answer.media, strict=True):
            if slot.downtrack is not down:
                continue  # reassigned since the offer: the next offer covers it
            slot.rejected = section.port == 0
            if down is not None:
                down.accepted = not slot.rejected
                extmap = section.extmap()
                ast = extmap.get(ABS_SEND_TIME_URI)
                down.abs_send_time = (
                    None if ast is None else bytes([0xBE, 0xDE, 0, 1, ast << 4 | 2])
                )
                # Transport-wide feedback replaces the receiver's REMB when it is accepted.
                tcc = extmap.get(TWCC_URI)
                down.twcc = None if tcc is None else self.bwe
                down.twcc_element = 0 if tcc is None else tcc << 4 | 1
                # RFC 4588 retransmissions when the answer kept our rtx format.
                rtx = any(
                    c.name.lower() == "rtx" and c.payload_type == RTX_PT for c in section.codecs()
                )
                down.rtx = slot.rtx if rtx and down.track.is_video else None
                self._refresh(down)

    def set_receive_video(self, enabled: bool) -> None:
        """The participant's receive setting: video off (audio only) or on."""
        self.receive_video = enabled
        for slot in self.slots:
            if slot.downtrack is not None:
                self._refresh(slot.downtrack)

    def set_video_layers(self, max_layer: int, heights: dict[str, int] | None = None) -> None:
        """The receive setting (0 low .. 2 high) and, per track, the height it is shown at."""
        self.max_layer = max_layer
        if heights is not None:
            self.heights = {**self.heights, **heights}
            for slot in self.slots:
                if slot.downtrack is not None:
                    self._refresh(slot.downtrack)
        self.allocate()

    def allocate(self) -> None:
        """Pick each simulcast video's layer from what the receiver wants and its estimate."""
        demands = []
        audio = 0
        for slot in self.slots:
            down = slot.downtrack
            if down is None or not down.active:
                continue
            track = down.track
            if not track.is_video:
                audio += 1
                continue
            if not track.simulcast:
                continue
            wanted = min(self.max_layer, track.highest_active_layer())
            height = self.heights.get(track.id)
            if height is not None:
                wanted = min(wanted, layer_for_height([la.height for la in track.layers], height))
            priority = (
                0
                if track.source == "screen"
                else 1
                if track.participant_id == self.priority_participant
                else 2
            )
            bitrates = [layer.bitrate for layer in track.layers]
            demands.append(Demand(down, bitrates, wanted, down.target, priority))
        if not demands:
            return
        budget = None
        now = time.monotonic()
        in_use = sum(_rate_of(d) for d in demands) + audio * AUDIO_ALLOWANCE
        if self.bwe.feedbacks:
            budget = UPGRADE_SHARE * self.bwe.estimate - audio * AUDIO_ALLOWANCE
            need = sum(_rate_of(d, d.max_layer) for d in demands) + audio * AUDIO_ALLOWANCE
            self._consider_probe(need, in_use, now)
        elif self.estimate is not None:
            budget = self._probe.budget(self.estimate, in_use, now) - audio * AUDIO_ALLOWANCE
        ups = downs = 0
        for key, layer in allocate(demands, budget).items():
            down = cast(DownTrack, key)
            ups += layer > down.target
            downs += layer < down.target
            down.set_target(layer)
        if (downs or ups) and not self.bwe.feedbacks:
            self._probe.changed(up=not downs, now=now)
        if downs or ups:
            log.debug(
                "layers of %s: %d up, %d down (estimate %s, budget %s)",
                self.participant_id,
                ups,
                downs,
                self.estimate,
                budget,
            )

    def _consider_probe(self, need: float, in_use: float, now: float) -> None:
        """Send a probe when the wanted layers need more than the estimate allows."""
        bwe = self.bwe
        seen = bwe.last_probe
        if seen is not None and seen is not self._probe_seen:
            self._probe_seen = seen
            _, target, result = seen
            if result >= 0.9 * target:
                self._probe_wait = PROBE_WAIT_MIN
            else:
                self._probe_wait = min(self._probe_wait * 2, PROBE_WAIT_MAX)
            self._next_probe = now + self._probe_wait
            log.debug(
                "probe of %s at %.0f: %.0f, estimate %.0f",
                self.participant_id,
                target,
                result,
                bwe.estimate,
            )
        if bwe.probing:
            if now - self._probe_started < PROBE_TIMEOUT:
                return
            bwe.forget_probes()
            self._next_probe = now + self._probe_wait
        if now < self._next_probe or UPGRADE_SHARE * bwe.estimate >= need:
            return
        if bwe.state == OVERUSE or bwe.loss > 0.1:
            return  # congested now: a probe would only add to it
        growth = PROBE_GROWTH if self._probe_wait == PROBE_WAIT_MIN else PROBE_RETRY_GROWTH
        target = min(PROBE_HEADROOM * need, growth * max(bwe.estimate, in_use))
        sources = [
            slot.downtrack
            for slot in self.slots
            if slot.downtrack is not None
            and slot.downtrack.active
            and slot.downtrack.started
            and slot.downtrack.rtx is not None
        ]
        if not sources or self.connection.closed:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside the event loop (tests): nothing to pace with
            return
        source = max(sources, key=lambda d: d.packets)
        # All of it in padding: the media sent meanwhile comes on top, but it comes in bursts,
        # and a cluster short of its target cannot vouch for it (the result is capped there).
        padding = target * PROBE_DURATION / 8
        cluster = bwe.start_probe(target)
        self._probe_started = now
        progress = [0, 0]  # bytes sent, packets copied
        for tick in range(PROBE_TICKS):
            due = padding * (tick + 1) / PROBE_TICKS
            loop.call_later(
                tick * PROBE_DURATION / (PROBE_TICKS - 1),
                self._probe_step,
                source,
                cluster,
                progress,
                due,
                tick == PROBE_TICKS - 1,
            )

    def _probe_step(
        self, down: DownTrack, cluster: object, progress: list[int], due: float, last: bool
    ) -> None:
        """Send copies of the last packets (padding the receiver can use) until `due` bytes
        of the cluster are out."""
        if self.bwe.cluster is not cluster or self.connection.closed:
            return  # forgotten, or the connection went
        misses = 0
        while progress[0] < due and misses < 8:
            back = progress[1] % 8
            progress[1] += 1
            sent = down.retransmit((down.last_out_seq - back) & 0xFFFF, probe=True)
            misses = 0 if sent else misses + 1
            progress[0] += sent
        if last:
            self.bwe.end_probe()

    def set_video_from(self, participants: set[str] | None) -> bool:
        """Forward camera video only from these participants (last-N); True if that changed."""
        if participants == self.video_from:
            return False
        self.video_from = participants
        for slot in self.slots:
            if slot.downtrack is not None:
                self._refresh(slot.downtrack)
        return True

    def _wanted(self, down: DownTrack) -> bool:
        track = down.track
        if not down.accepted:
            return False
        if not track.is_video:
            return True
        if not self.receive_video or self.heights.get(track.id) == 0:
            return False  # audio only, or the client does not show this video now
        return (
            track.source == "screen"
            or self.video_from is None
            or track.participant_id in self.video_from
        )

    def _refresh(self, down: DownTrack) -> None:
        """Forward to a downtrack exactly when its m-section is accepted and wanted."""
        wanted = self._wanted(down)
        if wanted and not down.active:
            down.active = True
            down.resync()
            if down.track.is_video:
                down.track.request_keyframe()
        elif not wanted:
            down.active = False

    def on_connected(self) -> None:
        for slot in self.slots:
            if slot.downtrack is not None and slot.downtrack.track.is_video:
                slot.downtrack.track.request_keyframe()

    # --- feedback from the subscriber ---

    def on_rtcp(self, packet: bytes) -> None:
        try:
            reports = rtcp.parse(packet)
        except ValueError:
            return
        for report in reports:
            if isinstance(report, rtcp.Nack):
                down = self._by_ssrc.get(report.media_ssrc)
                if down is not None:
                    self._answer_nack(down, report.lost[:64])
            elif isinstance(report, rtcp.ReceiverReferenceTime):
                sender = next(iter(self._by_ssrc), 1)
                middle = (report.ntp_timestamp >> 16) & 0xFFFFFFFF
                self.connection.send_rtcp(rtcp.dlrr(sender, report.ssrc, middle, 0.0))
            elif isinstance(report, twcc.TransportFeedback):
                self._on_feedback(report)
            elif isinstance(report, rtcp.Remb):
                if self.bwe.feedbacks:
                    continue  # the send-side estimate is better informed
                # Smoothed: one estimate swings with a keyframe burst; the trend decides.
                value = float(report.bitrate)
                self.estimate = value if self.estimate is None else 0.5 * (self.estimate + value)
                log.debug(
                    "REMB %.0f from %s, smoothed %.0f", value, self.participant_id, self.estimate
                )
            elif isinstance(report, rtcp.Pli):
                down = self._by_ssrc.get(report.media_ssrc)
                if down is not None:
                    down.track.request_keyframe()
            elif isinstance(report, rtcp.Fir):
                for ssrc in report.media_ssrcs:
                    down = self._by_ssrc.get(ssrc)
                    if down is not None:
                        down.track.request_keyframe()

    def _answer_nack(self, down: DownTrack, lost: list[int]) -> None:
        answered = [seq for seq in lost if self._may_retransmit() and down.retransmit(seq)]
        self.nacks_answered += len(answered)
        if answered and self.bwe.feedbacks and self.bwe.loss >= DUPLICATE_LOSS:
            asyncio.get_running_loop().call_later(DUPLICATE_DELAY, self._duplicate, down, answered)

    def _duplicate(self, down: DownTrack, sequences: list[int]) -> None:
        if self.connection.closed or not down.active:
            return
        for seq in sequences:
            if self._may_retransmit():
                down.retransmit(seq)

    def _may_retransmit(self) -> bool:
        """Is there room for one more retransmission (RETRANSMIT_SHARE)?"""
        if self.estimate is None:
            return True
        now = time.monotonic()
        rate = RETRANSMIT_SHARE * self.estimate
        elapsed, self._retransmit_refilled = now - self._retransmit_refilled, now
        self._retransmit_tokens = min(
            self._retransmit_tokens + elapsed * rate, RETRANSMIT_BURST * rate
        )
        if self._retransmit_tokens < RETRANSMIT_COST:
            return False
        self._retransmit_tokens -= RETRANSMIT_COST
        return True

    def _on_feedback(self, feedback: twcc.TransportFeedback) -> None:
        state, before = self.bwe.state, self.bwe.estimate
        losses = self.bwe.on_feedback(feedback, time.monotonic())
        if self.bwe.loss > REPAIR_MAX_LOSS or self.bwe.state == OVERUSE:
            losses = []
        repaired: dict[DownTrack, list[int]] = {}
        for lost in losses:
            down = cast(DownTrack, lost.down)
            # Audio is not retransmitted (Opus conceals); video is, if a NACK was not quicker.
            if (
                down.track.is_video
                and down.active
                and self._may_retransmit()
                and down.repair(lost.out_sequence, lost.sent_at)
            ):
                self.nacks_answered += 1
                repaired.setdefault(down, []).append(lost.out_sequence)
        # These are already late (their NACK was lost): twice too, as NACK answers are.
        if repaired and self.bwe.loss >= DUPLICATE_LOSS:
            loop = asyncio.get_running_loop()
            for down, sequences in repaired.items():
                loop.call_later(DUPLICATE_DELAY, self._duplicate, down, sequences)
        self.estimate = self.bwe.estimate
        if self.bwe.state != state or self.bwe.estimate < 0.9 * before:
            log.debug(
                "bandwidth of %s: %s, estimate %.0f, acknowledged %.0f, loss %.3f",
                self.participant_id,
                self.bwe.state,
                self.bwe.estimate,
                self.bwe.acked_rate,
                self.bwe.loss,
            )

    def sender_reports(self, now_unix: float) -> bytes | None:
        """One SR per started stream, mapping our RTP clock to wall time for lip sync."""
        packets = []
        now = time.monotonic()
        for down in self._by_ssrc.values():
            if not down.started:
                continue
            elapsed = max(0.0, now - down.last_sent)
            rtp_ts = (down.last_out_ts + int(elapsed * down.track.clock_rate)) & 0xFFFFFFFF
            report = rtcp.SenderReport(
                down.ssrc, rtcp.ntp_now(now_unix), rtp_ts, down.packets, down.octets
            )
            packets.append(rtcp.sender_report(report))
        return b"".join(packets) or None


def _rate_of(demand: Demand, layer: int | None = None) -> float:
    rates = demand.bitrates
    layer = demand.current if layer is None else layer
    return rates[min(layer, len(rates) - 1)] if rates else 0.0
