"""The publish side of a participant: the browser offers its tracks, the server answers."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from . import nack, rtcp, sdp
from .codecs import (
    AUDIO_LEVEL_URI,
    CODECS,
    MID_URI,
    PUBLISH_EXTENSIONS,
    PUBLISH_FEEDBACK,
    REPAIRED_RID_URI,
    RID_URI,
    payload_attributes,
    rtx_attributes,
)
from .connection import MediaConnection
from .rtp import parse_header, payload_offset
from .scheduler import LoopScheduler, Scheduler, Timer
from .track import Layer, Track

MAX_LAYERS = 3
PUBLISHER_MAX_BITRATE = 2_500_000  # bits per second a publisher may send, all layers
SOURCES = {"audio": ("microphone",), "video": ("camera", "screen")}

_RTP_FIXED = struct.Struct("!BBHII")


@dataclass(frozen=True)
class Refusal:
    """A track the browser offered to send that the answer refuses, and why."""

    mid: str
    kind: str
    source: str  # what the browser said it sends there: "microphone", "camera", "screen"
    reason: str  # "codec": no Opus/VP8; "transport": not UDP/TLS/RTP/SAVPF or not bundled


@dataclass(frozen=True)
class TrackChange:
    added: list[Track]
    removed: list[Track]
    refused: list[Refusal] = field(default_factory=list)


class Publisher:
    def __init__(
        self,
        participant_id: str,
        connection: MediaConnection,
        server_transport: Callable[[MediaConnection, str], sdp.TransportParameters],
        request_keyframe: Callable[[Track, Layer], None],
        scheduler: Scheduler | None = None,
    ) -> None:
        self.participant_id = participant_id
        self._scheduler = LoopScheduler() if scheduler is None else scheduler
        self.connection = connection
        self._server_transport = server_transport
        self._request_keyframe = request_keyframe
        self.tracks: dict[str, Track] = {}  # by mid
        self._by_ssrc: dict[int, tuple[Track, Layer]] = {}
        self._mid_extension: int | None = None
        self._rid_extension: int | None = None
        self._repaired_rid_extension: int | None = None
        self._rtx_by_ssrc: dict[int, tuple[Track, Layer]] = {}
        self._version = 0
        self.unknown_packets = 0
        self.rtcp_ssrc = 1  # the sender SSRC of our feedback (the SFU's)
        self._nack_timer: Timer | None = None
        self.nacks_sent = 0  # RTCP NACK packets sent to this publisher
        self.repaired = 0  # lost packets the publisher sent again (RTX)

    def negotiate(self, offer_text: str, sources: dict[str, str]) -> tuple[str, TrackChange]:
        """Answer a publish offer; SdpError if it cannot be accepted (nothing then changes)."""
        offer = sdp.parse(offer_text)
        remote = sdp.remote_transport(offer)
        if not offer.media:
            raise sdp.SdpError("the offer has no media section")
        answer = sdp.SessionDescription(origin=f"- {id(self)} {self._version} IN IP4 0.0.0.0")
        self._version += 1
        wanted: dict[str, Track] = {}
        refused: list[Refusal] = []
        bundle: list[str] = []
        offered_bundle = _bundle_group(offer)
        mid_extension: int | None = None
        rid_extension: int | None = None
        repaired_extension: int | None = None
        for index, offered in enumerate(offer.media):
            mid = offered.mid if offered.mid is not None else str(index)
            section, track, refusal = self._answer_section(
                offered, mid, sources.get(mid), offered_bundle
            )
            answer.media.append(section)
            if refusal is not None:
                refused.append(refusal)
            if section.port != 0:
                bundle.append(mid)
            if track is not None:
                wanted[mid] = track
                mid_extension = offered.extmap().get(MID_URI, mid_extension)
                rid_extension = offered.extmap().get(RID_URI, rid_extension)
                repaired_extension = offered.extmap().get(REPAIRED_RID_URI, repaired_extension)
        if not bundle:
            raise sdp.SdpError("no acceptable media section (Opus audio or VP8 video)")
        answer.attributes = [
            ("group", "BUNDLE " + " ".join(bundle)),
            ("ice-lite", None),
            ("msid-semantic", " WMS"),
        ]

        # The offer is acceptable: from here on, state changes. An ICE restart gives the
        # connection new credentials, which the answer must then carry.
        self.connection.set_remote(remote)
        transport = self._server_transport(self.connection, "passive").attributes()
        for section in answer.media:
            if section.port != 0:
                section.attributes[1:1] = transport  # after a=mid
        self._mid_extension = mid_extension
        self._rid_extension = rid_extension
        self._repaired_rid_extension = repaired_extension
        added, removed = [], []
        for mid, track in wanted.items():
            current = self.tracks.get(mid)
            if (
                current is not None
                and current.source == track.source
                and [layer.rid for layer in current.layers] == [layer.rid for layer in track.layers]
                # An SSRC learned from the mid extension is not in the SDP: keep it.
                and (current.ssrc == track.ssrc or track.ssrc is None)
            ):
                continue
            if current is not None:
                removed.append(current)
            self.tracks[mid] = track
            added.append(track)
        for mid in [m for m in self.tracks if m not in wanted]:
            removed.append(self.tracks.pop(mid))
        self._by_ssrc = {
            layer.ssrc: (track, layer)
            for track in self.tracks.values()
            for layer in track.layers
            if layer.ssrc is not None
        }
        self._rtx_by_ssrc = {
            rtx: found
            for rtx, found in self._rtx_by_ssrc.items()
            if self.tracks.get(found[0].mid) is found[0]
        }
        for mid, track in wanted.items():
            if track is self.tracks.get(mid) and track.ssrc is not None:
                rtx = _fid_rtx(offer.media, mid, track.ssrc)
                if rtx is not None:
                    self._rtx_by_ssrc[rtx] = (track, track.layers[0])
        return sdp.serialize(answer), TrackChange(added, removed, refused)

    def _answer_section(
        self,
        offered: sdp.MediaSection,
        mid: str,
        source: str | None,
        offered_bundle: list[str],
    ) -> tuple[sdp.MediaSection, Track | None, Refusal | None]:
        kind = offered.kind
        wanted_codec = {"audio": "opus", "video": "vp8"}.get(kind)
        codec = next((c for c in offered.codecs() if c.name.lower() == wanted_codec), None)
        # Port 0 is a section the offerer closed, unless it is bundle-only: under max-bundle
        # (Firefox) every section but the first of the BUNDLE group comes with port 0 and
        # a=bundle-only (RFC 8829 section 5.2.1, RFC 8843 section 7.5.2).
        bundle_only = offered.port == 0 and offered.has("bundle-only") and mid in offered_bundle
        closed = offered.port == 0 and not bundle_only
        if codec is None or closed or offered.proto != "UDP/TLS/RTP/SAVPF":
            rejected = sdp.MediaSection(kind, 0, offered.proto, offered.formats[:1] or ["0"])
            rejected.attributes.append(("mid", mid))
            refusal = None
            if kind in SOURCES and offered.direction in ("sendrecv", "sendonly"):
                said = source if source in SOURCES[kind] else SOURCES[kind][0]
                if offered.port == 0 and not offered.has("bundle-only"):
                    pass  # closed by the browser itself: nothing to tell
                elif codec is None:
                    refusal = Refusal(mid, kind, said, "codec")
                else:
                    refusal = Refusal(mid, kind, said, "transport")
            return rejected, None, refusal
        if source is None:
            source = SOURCES[kind][0]
        elif source not in SOURCES[kind]:
            raise sdp.SdpError(f"sources: {source!r} is not a {kind} source")
        sending = offered.direction in ("sendrecv", "sendonly")
        rtx = (
            next(
                (
                    c
                    for c in offered.codecs()
                    if c.name.lower() == "rtx" and c.fmtp.strip() == f"apt={codec.payload_type}"
                ),
                None,
            )
            if kind == "video"
            else None
        )
        formats = [str(codec.payload_type)] + ([str(rtx.payload_type)] if rtx else [])
        section = sdp.MediaSection(kind, 9, offered.proto, formats)
        attrs = section.attributes
        attrs.append(("mid", mid))
        attrs.append(("recvonly" if sending else "inactive", None))
        attrs.append(("rtcp-mux", None))
        attrs.append(("rtcp", "9 IN IP4 0.0.0.0"))
        extmap = offered.extmap()
        for uri in PUBLISH_EXTENSIONS[kind]:
            if uri in extmap:
                attrs.append(("extmap", f"{extmap[uri]} {uri}"))
        pt = codec.payload_type  # the browser's numbering, in our answer
        attrs += payload_attributes(CODECS[kind], PUBLISH_FEEDBACK[kind], pt)
        if rtx is not None:  # RFC 4588: the repairs of our NACKs come on their own streams
            attrs += rtx_attributes(rtx.payload_type, pt, rtx.clock_rate)
        rids = _simulcast_rids(offered) if kind == "video" else []
        if rids:
            attrs += [("rid", f"{rid} recv") for rid in rids]
            attrs.append(("simulcast", "recv " + ";".join(rids)))
        if not sending:
            return section, None, None
        ssrcs = offered.ssrcs()
        track = Track(
            track_id=f"{self.participant_id}-{mid}",
            participant_id=self.participant_id,
            kind=kind,
            source=source,
            mid=mid,
            ssrc=ssrcs[0] if ssrcs else None,
            payload_type=pt,
            clock_rate=codec.clock_rate,
            request_keyframe=self._request_keyframe,
            rids=rids,
            clock=self._scheduler.time,
        )
        if kind == "audio":
            track.audio_level_id = extmap.get(AUDIO_LEVEL_URI)
        elif rtx is not None:
            track.rtx_payload_type = rtx.payload_type
        return section, track, None

    # --- media from the publisher ---

    def on_rtp(self, packet: bytes) -> None:
        b0, b1, seq, ts, ssrc = _RTP_FIXED.unpack_from(packet)
        found = self._by_ssrc.get(ssrc)
        if found is None:
            if ssrc in self._rtx_by_ssrc:
                self._unwrap_rtx(packet, b0, b1, *self._rtx_by_ssrc[ssrc])
                return
            found = self._learn_ssrc(packet, ssrc)
            if found is None:
                self.unknown_packets += 1
                return
        track, layer = found
        if (b1 & 0x7F) != track.payload_type:
            return
        offset = payload_offset(packet, b0)
        if offset > len(packet):
            return
        now = self._scheduler.time()  # the packet's arrival, for every subscriber
        tracker = layer.nack
        if seq == tracker.expected:
            tracker.expected = (seq + 1) & 0xFFFF
        elif track.is_video and tracker.arrived(seq, now):
            self._schedule_nacks(nack.DELAY)
        track.receive(packet, b0, b1, seq, ts, offset, layer, now)

    # --- losses from the publisher: NACK (RFC 4585) and RTX (RFC 4588) ---

    def _schedule_nacks(self, delay: float) -> None:
        if self._nack_timer is None:
            # None outside an event loop (a unit test feeding packets): the caller flushes.
            self._nack_timer = self._scheduler.call_later(delay, self._on_nack_timer)

    def _on_nack_timer(self) -> None:
        self._nack_timer = None
        if self.send_nacks(self._scheduler.time()):
            self._schedule_nacks(nack.RETRY)

    def close(self) -> None:
        if self._nack_timer is not None:
            self._nack_timer.cancel()
            self._nack_timer = None

    def send_nacks(self, now: float) -> bool:
        """Ask the publisher again for what is lost and due; True while losses are pending."""
        pending = False
        for ssrc, (_, layer) in list(self._by_ssrc.items()):
            tracker = layer.nack
            if not tracker.missing:
                continue
            lost = tracker.due(now)
            if lost:
                self.connection.send_rtcp(rtcp.nack(self.rtcp_ssrc, ssrc, lost))
                self.nacks_sent += 1
            pending = pending or bool(tracker.missing)
        return pending

    def _unwrap_rtx(self, packet: bytes, b0: int, b1: int, track: Track, layer: Layer) -> None:
        """An RTX packet: the original sequence number first in its payload (RFC 4588)."""
        if (b1 & 0x7F) != track.rtx_payload_type or layer.ssrc is None:
            return
        offset = payload_offset(packet, b0)
        end = len(packet) - (packet[-1] if b0 & 0x20 else 0)
        if end - offset < 3:  # padding only (a bandwidth probe), or nothing to repair
            return
        # Only what we asked for: a browser also probes bandwidth by resending packets that
        # arrived, which subscribers need not get twice.
        if int.from_bytes(packet[offset : offset + 2], "big") not in layer.nack.missing:
            return
        original = (
            bytes((b0 & 0xDF, (b1 & 0x80) | track.payload_type))
            + packet[offset : offset + 2]
            + packet[4:8]
            + layer.ssrc.to_bytes(4, "big")
            + packet[12:offset]
            + packet[offset + 2 : end]
        )
        self.repaired += 1
        self.on_rtp(original)

    def _learn_ssrc(self, packet: bytes, ssrc: int) -> tuple[Track, Layer] | None:
        """An SSRC the SDP did not name: a simulcast layer is known by its mid and rid header
        extensions (RFC 8852), a single stream by its mid."""
        if self._mid_extension is None:
            return None
        try:
            header = parse_header(packet)
        except ValueError:
            return None
        mid = header.extensions.get(self._mid_extension)
        track = self.tracks.get(mid.decode(errors="replace")) if mid else None
        if track is None:
            return None
        layer = track.layers[0]
        repaired = header.payload_type == track.rtx_payload_type
        if repaired and track.simulcast:
            rid = header.extensions.get(self._repaired_rid_extension or -1)
            name = rid.decode(errors="replace") if rid else None
            layer = next((la for la in track.layers if la.rid == name), None)  # type: ignore[assignment]
            if layer is None:
                return None
        if repaired:  # an RTX stream: its packets repair the layer's
            self._rtx_by_ssrc[ssrc] = (track, layer)
            self._unwrap_rtx(packet, packet[0], packet[1], track, layer)
            return None
        if track.simulcast:
            rid = header.extensions.get(self._rid_extension or -1)
            name = rid.decode(errors="replace") if rid else None
            layer = next((la for la in track.layers if la.rid == name), None)  # type: ignore[assignment]
            if layer is None:
                return None
        if layer.ssrc is not None:
            return None
        layer.ssrc = ssrc
        self._by_ssrc[ssrc] = (track, layer)
        return track, layer

    def on_rtcp(self, packet: bytes, now: float) -> None:
        try:
            reports = rtcp.parse(packet)
        except ValueError:
            return
        for report in reports:
            if isinstance(report, rtcp.SenderReport):
                found = self._by_ssrc.get(report.ssrc)
                if found is not None:
                    stats = found[1].stats
                    stats.last_sr_ntp = report.ntp_timestamp
                    stats.last_sr_rtp = report.rtp_timestamp
                    stats.last_sr_arrival = now

    def receiver_reports(self, sender_ssrc: int, now: float) -> bytes | None:
        blocks = []
        for ssrc, (_, layer) in self._by_ssrc.items():
            if layer.stats.base_seq < 0:
                continue
            fraction, lost, highest, jitter, lsr, dlsr = layer.stats.report_fields(now)
            blocks.append(rtcp.ReportBlock(ssrc, fraction, lost, highest, jitter, lsr, dlsr))
        if not blocks:
            return None
        report = rtcp.receiver_report(rtcp.ReceiverReport(sender_ssrc, blocks[:31]))
        # A REMB tells the browser how much it may send us: without any, its estimate stays
        # at its start value and it never turns on its higher simulcast layers.
        video = [ssrc for ssrc, (track, _) in self._by_ssrc.items() if track.is_video]
        if video:
            report += rtcp.remb(sender_ssrc, PUBLISHER_MAX_BITRATE, video)
        return report


def _fid_rtx(sections: list[sdp.MediaSection], mid: str, ssrc: int) -> int | None:
    """The RTX SSRC paired with a stream's by a=ssrc-group:FID (a stream without simulcast)."""
    for section in sections:
        if section.mid != mid:
            continue
        for value in section.get_all("ssrc-group"):
            parts = value.split()
            if len(parts) == 3 and parts[0] == "FID" and parts[1] == str(ssrc):
                return int(parts[2]) if parts[2].isdigit() else None
    return None


def _bundle_group(offer: sdp.SessionDescription) -> list[str]:
    """The mids of the offer's BUNDLE group (RFC 8843), empty without one."""
    for key, value in offer.attributes:
        if key == "group" and value:
            semantics, *mids = value.split()
            if semantics == "BUNDLE":
                return mids
    return []


def _simulcast_rids(offered: sdp.MediaSection) -> list[str]:
    """The rids a simulcast offer sends (RFC 8853), lowest layer first as listed; alternatives
    (",") keep their first choice and paused layers ("~") are left out."""
    simulcast = offered.get("simulcast")
    if not simulcast:
        return []
    direction, _, streams = simulcast.partition(" ")
    if direction != "send":
        return []
    declared = {value.split(" ")[0] for value in offered.get_all("rid") if " send" in value}
    rids = []
    for stream in streams.split(" ")[0].split(";"):
        rid = stream.split(",")[0]
        if rid and not rid.startswith("~") and rid in declared and rid not in rids:
            rids.append(rid)
    return rids[:MAX_LAYERS] if len(rids) > 1 else []
