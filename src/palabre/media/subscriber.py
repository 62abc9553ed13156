"""The subscribe side of a participant: the server offers the remote tracks, the browser answers.

Each remote track occupies one m-section ("slot"). A slot freed by a departed track becomes
inactive and is reused for the next track of the same kind, so the SDP does not grow with
every join and leave.

A slot's RTP stream outlives the tracks it carries: one SSRC for the slot's whole life, with
sequence numbers, timestamps and sender-report counts that go on from where the previous
track left them (the slot owns an OutgoingStream, stream.py, that each of its DownTracks
forwards and retransmits on). A receiver sees an
m-section pause and resume. It need not handle a new SSRC in a renegotiated m-section: aiortc,
for one, keeps demultiplexing by the SSRCs of the first negotiation and drops the rest, and
with no MID header extension in our RTP the SSRC is all a receiver can demultiplex by. The
numbering must go on, not restart: SRTP estimates a packet's index from its sequence number
(RFC 3711, 3.3.1) and drops a stream that jumps back under the same SSRC as replayed.

How much this participant may be sent, and what is sent again, is congestion.py's business:
the subscriber tells it what the layers use and need, and passes it the receiver's REMB,
transport-wide feedback and NACKs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from . import overload, rtcp, sdp, twcc
from .allocation import AUDIO_ALLOWANCE, Demand, allocate, layer_for_height
from .bwe import Estimator
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
from .congestion import CongestionControl
from .connection import MediaConnection
from .scheduler import LoopScheduler, Scheduler
from .stream import OutgoingStream, RtxStream
from .track import DownTrack, Track

log = logging.getLogger(__name__)


@dataclass
class Slot:
    mid: str
    kind: str
    downtrack: DownTrack | None = None
    rejected: bool = False
    # The slot's RTP streams, which every track it carries goes on (the module docstring).
    stream: OutgoingStream = field(default_factory=OutgoingStream)
    rtx: RtxStream = field(default_factory=RtxStream)


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
        scheduler: Scheduler | None = None,
    ) -> None:
        self.participant_id = participant_id
        self.connection = connection
        self._scheduler = LoopScheduler() if scheduler is None else scheduler
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
        self.priority_participant: str | None = None  # the dominant speaker, served first
        self.congestion = CongestionControl(
            self._scheduler, lambda: not connection.closed, participant_id
        )
        # Last-N: whose camera video is forwarded (None: everyone's). Screen shares always are.
        self.video_from: set[str] | None = None
        # Whose media is not forwarded at all: it comes over a direct connection (peer-to-peer).
        self.held: set[str] = set()
        self.overload = overload.NORMAL  # the SFU's shedding level (overload.py)

    @property
    def estimate(self) -> float | None:
        """Bits per second this subscriber may be sent (REMB or send-side), if known."""
        return self.congestion.estimate

    @property
    def bwe(self) -> Estimator:
        """The send-side estimator, which numbers the packets of transport-wide feedback."""
        return self.congestion.estimator

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
            # On the slot's stream: same SSRC, numbering and counts (module docstring).
            down = DownTrack(track, self.connection, slot.mid, pt, slot.stream)
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
            cap = overload.layer_cap(self.overload)
            if cap is not None:
                wanted = min(wanted, cap)
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
        in_use = sum(_rate_of(d) for d in demands) + audio * AUDIO_ALLOWANCE
        need = sum(_rate_of(d, d.max_layer) for d in demands) + audio * AUDIO_ALLOWANCE
        budget = self.congestion.budget(in_use, need, self._probe_source)
        if budget is not None:
            budget = (budget - audio * AUDIO_ALLOWANCE) * overload.budget_share(self.overload)
        ups = downs = 0
        for key, layer in allocate(demands, budget).items():
            down = cast(DownTrack, key)
            ups += layer > down.target
            downs += layer < down.target
            down.set_target(layer)
        if downs or ups:
            self.congestion.layers_changed(up=not downs)
            log.debug(
                "layers of %s: %d up, %d down (estimate %s, budget %s)",
                self.participant_id,
                ups,
                downs,
                self.estimate,
                budget,
            )

    def _probe_source(self) -> DownTrack | None:
        """The stream a probe copies packets of: the busiest one with retransmissions of
        its own (copies on the media stream would be duplicates to the receiver)."""
        sources = [
            slot.downtrack
            for slot in self.slots
            if slot.downtrack is not None
            and slot.downtrack.active
            and slot.downtrack.started
            and slot.downtrack.rtx is not None
        ]
        return max(sources, key=lambda d: d.stream.packets, default=None)

    def set_overload(self, level: int) -> None:
        """The SFU's shedding level changed: forward what it allows, at the layers it allows."""
        if level == self.overload:
            return
        self.overload = level
        for slot in self.slots:
            if slot.downtrack is not None:
                self._refresh(slot.downtrack)
        self.allocate()

    def prioritize(self, participant_id: str | None) -> None:
        """The dominant speaker, whose video is served first (and alone, under overload)."""
        if participant_id == self.priority_participant:
            return
        self.priority_participant = participant_id
        if self.overload >= overload.SPEAKER_VIDEO:
            for slot in self.slots:
                if slot.downtrack is not None:
                    self._refresh(slot.downtrack)

    def set_video_from(self, participants: set[str] | None) -> bool:
        """Forward camera video only from these participants (last-N); True if that changed."""
        if participants == self.video_from:
            return False
        self.video_from = participants
        for slot in self.slots:
            if slot.downtrack is not None:
                self._refresh(slot.downtrack)
        return True

    def set_held(self, participants: set[str]) -> None:
        """Forward nothing of these participants' media (peer-to-peer carries it)."""
        if participants == self.held:
            return
        self.held = participants
        for slot in self.slots:
            if slot.downtrack is not None:
                self._refresh(slot.downtrack)

    def _wanted(self, down: DownTrack) -> bool:
        track = down.track
        if not down.accepted or track.participant_id in self.held:
            return False
        if not track.is_video:
            return True
        if not self.receive_video or self.heights.get(track.id) == 0:
            return False  # audio only, or the client does not show this video now
        speaker = track.participant_id == self.priority_participant
        if not overload.forwards_video(self.overload, track.source, speaker):
            return False  # shed under overload
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
                    self.nacks_answered += self.congestion.answer_nack(down, report.lost[:64])
            elif isinstance(report, rtcp.ReceiverReferenceTime):
                sender = next(iter(self._by_ssrc), 1)
                middle = (report.ntp_timestamp >> 16) & 0xFFFFFFFF
                self.connection.send_rtcp(rtcp.dlrr(sender, report.ssrc, middle, 0.0))
            elif isinstance(report, twcc.TransportFeedback):
                self.nacks_answered += self.congestion.on_feedback(report)
            elif isinstance(report, rtcp.Remb):
                self.congestion.on_remb(float(report.bitrate))
            elif isinstance(report, rtcp.Pli):
                down = self._by_ssrc.get(report.media_ssrc)
                if down is not None:
                    down.track.request_keyframe()
            elif isinstance(report, rtcp.Fir):
                for ssrc in report.media_ssrcs:
                    down = self._by_ssrc.get(ssrc)
                    if down is not None:
                        down.track.request_keyframe()

    def sender_reports(self, now_unix: float) -> list[bytes]:
        """One SR per started stream, mapping our RTP clock to wall time for lip sync, in
        compound packets of at most rtcp.MAX_COMPOUND bytes: a subscriber in a meeting of 60
        has some 80 streams, 2.2 kB of SRs, past the MTU and what libsrtp protects (its
        refusal stopped the SFU's tick, and the joins stalled there)."""
        now = self._scheduler.time()
        reports = [
            rtcp.sender_report(down.stream.sender_report(now, now_unix, down.track.clock_rate))
            for down in self._by_ssrc.values()
            if down.started
        ]
        return rtcp.compound(reports)


def _rate_of(demand: Demand, layer: int | None = None) -> float:
    rates = demand.bitrates
    layer = demand.current if layer is None else layer
    return rates[min(layer, len(rates) - 1)] if rates else 0.0
