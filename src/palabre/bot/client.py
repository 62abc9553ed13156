"""A bot participant: joins through the real signaling, publishes a clip, counts what arrives."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from ..media import rtcp, sdp
from ..media.codecs import (
    AUDIO_LEVEL_URI,
    CODECS,
    MID_URI,
    OPUS_PT,
    REPAIRED_RID_URI,
    RID_URI,
    RTX_PT,
    VP8_PT,
    rtx_attributes,
)
from ..media.dtls import Certificate
from ..media.rtp import (
    RTP_HEADER,
    build_packet,
    parse_header,
    vp8_is_keyframe_start,
    vp8_keyframe_size,
    vp8_picture_ids,
)
from ..signaling.protocol import server as ev
from ..signaling.protocol.version import SPOKEN
from .clip import Clip, ClipPacket
from .peer import BotTransport

AUDIO_LEVEL_ID = 1  # the ids the bot's publish offer gives the extensions it sends
MID_ID, RID_ID, REPAIRED_RID_ID = 4, 10, 11
SENT_CACHE = 512  # video packets kept to answer the SFU's NACKs
SIMULCAST_RIDS = ("q", "h", "f")
PACING = 0.0004  # seconds between two packets of one frame
REMB_INTERVAL = 1.0
SPEAKING, SILENT = 20, 127
# Opus DTX (RFC 7587 3.1.3): in silence an encoder sends one frame in 20 (every 400 ms), the
# TOC byte alone, which the decoder fills with comfort noise; sequence numbers go on, the
# timestamp jumps, and the first packet of speech after it carries the marker bit.
DTX_EVERY = 20
_CERTIFICATE: Certificate | None = None


def _certificate() -> Certificate:
    # One key pair for every bot of a process: generating one per bot would dominate joins.
    global _CERTIFICATE
    if _CERTIFICATE is None:
        _CERTIFICATE = Certificate()
    return _CERTIFICATE


def receiving_section(
    section: sdp.MediaSection, transport: BotTransport, port: int = 9
) -> sdp.MediaSection:
    """The answer to one m-section of an offer to subscribe: receive what is sent (inactive
    otherwise), with the codecs and feedback as offered, on `transport` (DTLS client)."""
    reply = sdp.MediaSection(section.kind, port, section.proto, section.formats)
    direction = "recvonly" if section.direction == "sendonly" else "inactive"
    reply.attributes += [("mid", section.mid or ""), (direction, None), ("rtcp-mux", None)]
    reply.attributes += transport.local_attributes("active")
    reply.attributes += [
        (k, v) for k, v in section.attributes if k in ("rtpmap", "fmtp", "rtcp-fb")
    ]
    return reply


@dataclass
class ReceivedTrack:
    track_id: str
    participant: str
    kind: str
    source: str
    packets: int = 0
    octets: int = 0
    first_packet: float | None = None
    first_keyframe: float | None = None
    keyframes: int = 0
    duplicates: int = 0  # retransmissions of packets already received
    sizes: list[tuple[int, int]] = field(default_factory=list)  # of each keyframe received
    sequences: set[int] = field(default_factory=set)


def _picture_id(payload: bytes) -> int | None:
    """The 15-bit VP8 picture id of a payload descriptor (RFC 7741), if it has one."""
    ids = vp8_picture_ids(payload)
    return ids[0] if ids else None


class _Outgoing:
    """One stream of the clip, looped, with continuous sequence numbers and timestamps."""

    def __init__(self, packets: list[ClipPacket], duration: float, clock: int, pt: int) -> None:
        self.packets = packets
        self.duration = duration
        self.clock = clock
        self.pt = pt
        self.ssrc = random.getrandbits(32) or 1
        self.seq = random.getrandbits(16)
        self.ts_base = random.getrandbits(31)
        self.index = 0
        self.origin = 0.0
        self.last_ts = self.ts_base
        self.sent = 0
        self.keyframes_sent = 0
        self.audio_level: int | None = None  # set on audio: 127 is silence
        self.dtx = False  # audio: in silence, send DTX frames only (DTX_EVERY)
        self.silent_frames = 0  # frames of the current silence, under DTX
        self.extensions: dict[int, bytes] = {}  # sent in every packet (mid and rid)
        self.rid: str | None = None
        # RFC 4588: the SFU's NACKs are answered on a stream of their own.
        self.rtx_ssrc = random.getrandbits(32) or 1
        self.rtx_seq = random.getrandbits(16)
        self.sent_packets: list[bytes | None] = [None] * (SENT_CACHE if clock == 90000 else 0)
        # VP8 picture ids go on across loops and restarts, as a real encoder's do: a receiver
        # that sees them repeat takes the frames for old ones and holds them back.
        self.first_pid = _picture_id(packets[0].payload) if clock == 90000 and packets else None
        self.pid_offset = 0
        self.last_pid: int | None = None
        # Paced as a browser paces: a frame's packets spread out rather than in one burst,
        # which would overflow loopback socket buffers and read as loss.
        self.due_times = []
        position = 0
        for i, packet in enumerate(packets):
            position = position + 1 if i and packet.time == packets[i - 1].time else 0
            self.due_times.append(packet.time + position * PACING)

    def due(self) -> float:
        return self.origin + self.due_times[self.index]

    def next_packet(self) -> bytes | None:
        """The packet due now, or None for a frame that DTX leaves unsent."""
        clip_packet = self.packets[self.index]
        self.last_ts = (self.ts_base + clip_packet.timestamp) & 0xFFFFFFFF
        payload, marker = clip_packet.payload, clip_packet.marker
        if self.dtx and self.audio_level == SILENT:
            self.silent_frames += 1
            if self.silent_frames % DTX_EVERY != 1:
                self._advance()
                return None
            payload = payload[:1]
        elif self.silent_frames:
            self.silent_frames = 0
            marker = True  # a talkspurt begins (RFC 3551 4.1)
        pid = _picture_id(payload) if self.first_pid is not None else None
        if pid is not None:
            self.last_pid = (pid + self.pid_offset) & 0x7FFF
            payload = payload[:2] + (0x8000 | self.last_pid).to_bytes(2, "big") + payload[4:]
        extensions = dict(self.extensions)
        if self.audio_level is not None:  # RFC 6464: voice flag and level in -dBov
            voice = 0x80 if self.audio_level < 127 else 0
            extensions[AUDIO_LEVEL_ID] = bytes([self.audio_level | voice])
        packet = build_packet(
            self.pt,
            self.seq,
            self.last_ts,
            self.ssrc,
            payload,
            marker=marker,
            extensions=extensions or None,
        )
        if clip_packet.keyframe:
            self.keyframes_sent += 1
        if self.sent_packets:
            self.sent_packets[self.seq % SENT_CACHE] = packet
        self.seq = (self.seq + 1) & 0xFFFF
        self.sent += 1
        self._advance()
        return packet

    def _advance(self) -> None:
        self.index += 1
        if self.index == len(self.packets):
            self.index = 0
            self.origin += self.duration
            self.ts_base += int(self.duration * self.clock)
            self._continue_picture_ids()

    def retransmission(self, seq: int) -> bytes | None:
        """The RTX packet repairing `seq`, if it is still in the cache."""
        cached = self.sent_packets[seq % SENT_CACHE] if self.sent_packets else None
        if cached is None or int.from_bytes(cached[2:4], "big") != seq:
            return None
        header = parse_header(cached, with_extensions=False)
        extensions = {MID_ID: self.extensions[MID_ID]} if MID_ID in self.extensions else {}
        if self.rid is not None:
            extensions[REPAIRED_RID_ID] = self.rid.encode()
        packet = build_packet(
            RTX_PT,
            self.rtx_seq,
            int.from_bytes(cached[4:8], "big"),
            self.rtx_ssrc,
            cached[2:4] + cached[header.payload_offset :],
            marker=bool(cached[1] & 0x80),
            extensions=extensions or None,
        )
        self.rtx_seq = (self.rtx_seq + 1) & 0xFFFF
        return packet

    def _continue_picture_ids(self) -> None:
        if self.first_pid is not None and self.last_pid is not None:
            self.pid_offset = (self.last_pid + 1 - self.first_pid) & 0x7FFF

    def restart(self, now: float) -> None:
        """Start the clip again from its keyframe, one frame after the last timestamp."""
        if self.index == 0:
            return
        self.ts_base = self.last_ts + self.clock // 30 - self.packets[0].timestamp
        self.index = 0
        self.origin = now
        self._continue_picture_ids()


class Bot:
    def __init__(
        self,
        url: str,
        room: str,
        name: str = "bot",
        *,
        clip: Clip | None = None,
        audio: bool = True,
        video: bool = True,
        protocol: str = "udp",
        speaking: bool = True,
        dtx: bool = False,
        simulcast: list[Clip] | None = None,
    ) -> None:
        """`dtx`: in silence (not `speaking`, or after speak(False)) the audio sends Opus DTX
        frames only, as a browser's muted or quiet microphone does."""
        self.url = url
        self.room = room
        self.name = name
        self.clip = clip
        self.protocol = protocol
        self.want_audio = audio and clip is not None
        self.want_video = video and clip is not None
        self.id: str | None = None
        self.participants: dict[str, dict[str, Any]] = {}
        self.messages: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.bye: str | None = None
        self.received: dict[str, ReceivedTrack] = {}  # by track id
        self.keyframe_requests = 0
        self.keyframe_requests_by_rid: dict[str | None, int] = {}
        self._ssrc_to_track: dict[int, ReceivedTrack] = {}
        self._rtx_to_ssrc: dict[int, int] = {}
        self._remb_task: asyncio.Task[None] | None = None
        self.capacity: float | None = None
        self.retransmissions = 0  # RFC 4588 packets received
        self.nacks_received = 0  # NACKs from the SFU about what we publish
        self.retransmitted = 0  # RTX packets we sent in answer
        self.unsent: list[int] = []  # video sequence numbers lost on the way out (lose_sent)
        self._lose_sent = 0
        self._ws: ClientConnection | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._waiters: list[
            tuple[Callable[[dict[str, Any]], bool], asyncio.Future[dict[str, Any]]]
        ] = []
        self._next_id = 1
        self._player: asyncio.Task[None] | None = None
        self.publish_transport = BotTransport(
            _certificate(), protocol=protocol, on_rtp=lambda p: None, on_rtcp=self._on_publish_rtcp
        )
        self.subscribe_transport = BotTransport(
            _certificate(), protocol=protocol, on_rtp=self._on_rtp, on_rtcp=lambda p: None
        )
        self.outgoing: dict[str, _Outgoing] = {}
        if clip is not None:
            if self.want_audio:
                self.outgoing["audio"] = _Outgoing(clip.audio, clip.duration, 48000, OPUS_PT)
                self.outgoing["audio"].audio_level = SPEAKING if speaking else SILENT
                self.outgoing["audio"].dtx = dtx
            if self.want_video and simulcast:
                # One encoding per clip, lowest first, known to the SFU by mid and rid.
                for rid, layer_clip in zip(SIMULCAST_RIDS, simulcast, strict=False):
                    layer = _Outgoing(layer_clip.video, layer_clip.duration, 90000, VP8_PT)
                    layer.rid = rid
                    self.outgoing[f"video:{rid}"] = layer
            elif self.want_video:
                self.outgoing["video"] = _Outgoing(clip.video, clip.duration, 90000, VP8_PT)

    # --- signaling ---

    async def connect(self) -> None:
        """Open the signaling WebSocket (join and request do it when needed)."""
        if self._ws is None:
            self._ws = await connect(self.url, max_size=2**20)
            self._tasks.append(asyncio.create_task(self._read()))

    async def join(self, timeout: float = 10) -> dict[str, Any]:
        await self.connect()
        join = {"type": "join", "room": self.room, "name": self.name, "versions": list(SPOKEN)}
        joined = await self.request(join, timeout)
        event = msgspec.convert(joined, ev.ServerMessage)
        if not isinstance(event, ev.Joined):
            raise RuntimeError(f"join refused: {joined}")
        self.id = event.you.id
        for participant in event.participants:
            self.participants[participant.id] = msgspec.to_builtins(participant)
        return joined

    async def send(self, message: dict[str, Any]) -> None:
        assert self._ws is not None
        await self._ws.send(json.dumps(message))

    async def send_raw(self, text: str | bytes) -> None:
        assert self._ws is not None
        await self._ws.send(text)

    async def request(self, message: dict[str, Any], timeout: float = 10) -> dict[str, Any]:
        """Send with an id; return the reply (or error) that refers to it."""
        await self.connect()
        ident = self._next_id
        self._next_id += 1
        future = self.expect(lambda m: m.get("ref") == ident)
        await self.send({**message, "id": ident})
        return await asyncio.wait_for(future, timeout)

    def expect(self, predicate: Callable[[dict[str, Any]], bool]) -> asyncio.Future[dict[str, Any]]:
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        return future

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10
    ) -> dict[str, Any]:
        for message in self.messages:
            if predicate(message):
                return message
        return await asyncio.wait_for(self.expect(predicate), timeout)

    async def _read(self) -> None:
        assert self._ws is not None
        with contextlib.suppress(Exception):
            async for text in self._ws:
                message = json.loads(text)
                self.messages.append(message)
                try:
                    event = ev.decode(text)
                except msgspec.ValidationError as exc:  # not in the protocol: say so
                    self.errors.append({"type": "error", "code": "bot", "message": str(exc)})
                    continue
                # The server may close right after its last messages (a `bye` at shutdown):
                # an answer that can no longer be sent must not stop us reading them.
                with contextlib.suppress(ConnectionClosed):
                    await self._handle(event, message)
                for waiter in list(self._waiters):
                    predicate, future = waiter
                    if not future.done() and predicate(message):
                        future.set_result(message)
                        self._waiters.remove(waiter)

    async def _handle(self, event: ev.ServerMessage, message: dict[str, Any]) -> None:
        match event:
            case ev.ParticipantJoined() | ev.ParticipantUpdated():
                self.participants[event.participant.id] = msgspec.to_builtins(event.participant)
            case ev.ParticipantLeft():
                self.participants.pop(event.id, None)
            case ev.SubscribeOffer():
                await self._answer_subscription(event)
            case ev.Error():
                self.errors.append(message)
            case ev.Bye():
                self.bye = event.reason

    # --- publishing ---

    async def publish(self, timeout: float = 10, *, start_media: bool = True) -> None:
        """Publish the clip; with start_media=False, connect but send nothing until
        start_media() is called."""
        offer = self._publish_offer()
        reply = await self.request({"type": "publish", "sdp": offer}, timeout)
        answer = msgspec.convert(reply, ev.ServerMessage)
        if not isinstance(answer, ev.PublishAnswer):
            raise RuntimeError(f"publish refused: {reply}")
        await self.publish_transport.start(sdp.parse(answer.sdp))
        await asyncio.wait_for(self.publish_transport.connected.wait(), timeout)
        if start_media:
            self.start_media()

    def start_media(self) -> None:
        """Start sending the clip on the connected publish transport."""
        if self._player is None or self._player.done():
            self._player = asyncio.create_task(self._play())
            self._tasks.append(self._player)

    def speak(self, speaking: bool) -> None:
        """What the audio-level extension says from now on: speech or silence."""
        audio = self.outgoing.get("audio")
        if audio is not None:
            audio.audio_level = SPEAKING if speaking else SILENT

    def count_only(self, sample_every: int, on_sample: Callable[[bytes, int], None]) -> None:
        """Receive as a benchmark bot: count every RTP packet from its clear header and
        decrypt only one in `sample_every` (BotTransport.count_rtp). Received tracks then
        count distinct packets only (no octets, sequences, keyframes or retransmissions),
        brought up to date every 2 s and by `subscribe_transport.settle()`. Call before
        joining."""
        self.subscribe_transport.count_rtp(lambda: self._ssrc_to_track, sample_every, on_sample)

    def stop_media(self) -> None:
        """Stop sending (the connection stays up)."""
        if self._player is not None:
            self._player.cancel()

    def _publish_offer(self) -> str:
        session = sdp.SessionDescription(origin=f"- {random.getrandbits(32)} 1 IN IP4 0.0.0.0")
        sections: dict[str, sdp.MediaSection] = {}
        for key, outgoing in self.outgoing.items():
            kind = key.split(":")[0]
            section = sections.get(kind)
            if section is None:
                mid = str(len(sections))
                codec = CODECS[kind]
                section = sdp.MediaSection(kind, 9, "UDP/TLS/RTP/SAVPF", [str(outgoing.pt)])
                section.attributes += [("mid", mid), ("sendonly", None), ("rtcp-mux", None)]
                section.attributes += self.publish_transport.local_attributes("actpass")
                section.attributes.append(("rtpmap", codec.rtpmap(outgoing.pt)))
                if kind == "video":
                    section.formats.append(str(RTX_PT))
                    section.attributes += rtx_attributes(RTX_PT, outgoing.pt)
                section.attributes.append(("extmap", f"{MID_ID} {MID_URI}"))
                if kind == "audio":
                    section.attributes.append(("extmap", f"{AUDIO_LEVEL_ID} {AUDIO_LEVEL_URI}"))
                else:
                    section.attributes += [
                        ("extmap", f"{RID_ID} {RID_URI}"),
                        ("extmap", f"{REPAIRED_RID_ID} {REPAIRED_RID_URI}"),
                        ("rtcp-fb", f"{outgoing.pt} nack"),
                        ("rtcp-fb", f"{outgoing.pt} nack pli"),
                    ]
                sections[kind] = section
            mid = section.get("mid") or "0"
            if outgoing.rid is None:
                section.attributes += [
                    ("ssrc", f"{outgoing.ssrc} cname:{self.name}"),
                    ("ssrc", f"{outgoing.ssrc} msid:{self.name} {kind}"),
                ]
                if kind == "video":
                    section.attributes += [
                        ("ssrc-group", f"FID {outgoing.ssrc} {outgoing.rtx_ssrc}"),
                        ("ssrc", f"{outgoing.rtx_ssrc} cname:{self.name}"),
                    ]
                outgoing.extensions = {MID_ID: mid.encode()}
            else:  # simulcast: the SFU learns each SSRC from the mid and rid extensions
                section.attributes.append(("rid", f"{outgoing.rid} send"))
                outgoing.extensions = {MID_ID: mid.encode(), RID_ID: outgoing.rid.encode()}
        rids = [o.rid for o in self.outgoing.values() if o.rid]
        if rids:
            sections["video"].attributes.append(("simulcast", "send " + ";".join(rids)))
        session.media = list(sections.values())
        mids = " ".join(section.get("mid") or "" for section in session.media)
        session.attributes = [("group", f"BUNDLE {mids}")]
        return sdp.serialize(session)

    async def _play(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        for outgoing in self.outgoing.values():
            outgoing.origin = now
        streams = list(self.outgoing.values())
        while streams:
            stream = min(streams, key=_Outgoing.due)
            delay = stream.due() - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            packet = stream.next_packet()
            if packet is None:
                continue
            if self._lose_sent and stream.sent_packets:
                self._lose_sent -= 1
                self.unsent.append(int.from_bytes(packet[2:4], "big"))
                continue
            self.publish_transport.send_rtp(packet)

    def lose_sent(self, count: int) -> None:
        """Lose the next `count` video packets we publish, as a bad uplink would."""
        self._lose_sent = count

    def _on_publish_rtcp(self, packet: bytes) -> None:
        try:
            reports = rtcp.parse(packet)
        except ValueError:
            return
        now = asyncio.get_running_loop().time()
        for report in reports:
            if isinstance(report, rtcp.Nack):
                self.nacks_received += 1
                for outgoing in self.outgoing.values():
                    if outgoing.ssrc != report.media_ssrc:
                        continue
                    for seq in report.lost:
                        repair = outgoing.retransmission(seq)
                        if repair is not None:
                            self.retransmitted += 1
                            self.publish_transport.send_rtp(repair)
            if isinstance(report, rtcp.Pli | rtcp.Fir):
                wanted = [report.media_ssrc] if isinstance(report, rtcp.Pli) else report.media_ssrcs
                for key, outgoing in self.outgoing.items():
                    if key.startswith("video") and outgoing.ssrc in wanted:
                        self.keyframe_requests += 1
                        by_rid = self.keyframe_requests_by_rid
                        by_rid[outgoing.rid] = by_rid.get(outgoing.rid, 0) + 1
                        outgoing.restart(now)

    # --- subscribing ---

    async def _answer_subscription(self, message: ev.SubscribeOffer) -> None:
        offer = sdp.parse(message.sdp)
        by_mid = {t.mid: t for t in message.tracks}
        answer = sdp.SessionDescription(origin=f"- {random.getrandbits(32)} 1 IN IP4 0.0.0.0")
        answer.attributes = [a for a in offer.attributes if a[0] == "group"]
        ssrc_map: dict[int, ReceivedTrack] = {}
        rtx_map: dict[int, int] = {}  # RFC 4588 retransmission SSRC -> media SSRC
        for section in offer.media:
            mid = section.mid or ""
            answer.media.append(receiving_section(section, self.subscribe_transport))
            info = by_mid.get(mid)
            ssrcs = section.ssrcs()
            for group in section.get_all("ssrc-group"):
                parts = group.split()
                if parts[:1] == ["FID"] and len(parts) == 3:
                    rtx_map[int(parts[2])] = int(parts[1])
            if info is not None and ssrcs:
                track = self.received.get(info.track)
                if track is None:
                    track = ReceivedTrack(info.track, info.participant, info.kind, info.source)
                    self.received[info.track] = track
                ssrc_map[ssrcs[0]] = track
        self._ssrc_to_track = ssrc_map
        self._rtx_to_ssrc = rtx_map
        await self.send({"type": "subscribe_answer", "sdp": sdp.serialize(answer)})
        await self.subscribe_transport.start(offer)

    def _on_rtp(self, packet: bytes) -> None:
        _, _, seq, _, ssrc = RTP_HEADER.unpack_from(packet)
        if ssrc in self._rtx_to_ssrc:
            # A retransmission: the original packet is its payload after the original seq.
            header = parse_header(packet, with_extensions=False)
            osn = packet[header.payload_offset : header.payload_offset + 2]
            if len(osn) < 2:
                return
            ssrc, seq = self._rtx_to_ssrc[ssrc], int.from_bytes(osn, "big")
            self.retransmissions += 1
            packet = (
                packet[:2]
                + seq.to_bytes(2, "big")
                + packet[4:8]
                + ssrc.to_bytes(4, "big")
                + packet[header.payload_offset + 2 :]
            )
        track = self._ssrc_to_track.get(ssrc)
        if track is None:
            return
        now = time.monotonic()
        if seq in track.sequences:
            track.duplicates += 1
            return
        track.packets += 1
        track.octets += len(packet)
        track.sequences.add(seq)
        if track.first_packet is None:
            track.first_packet = now
        if track.kind == "video":
            header = parse_header(packet, with_extensions=False)
            payload = packet[header.payload_offset : header.payload_end]
            if vp8_is_keyframe_start(payload):
                track.keyframes += 1
                size = vp8_keyframe_size(payload)
                if size is not None:
                    track.sizes.append(size)
                if track.first_keyframe is None:
                    track.first_keyframe = now

    def ssrc_of(self, track_id: str) -> int | None:
        for ssrc, track in self._ssrc_to_track.items():
            if track.track_id == track_id:
                return ssrc
        return None

    def lose(self, track_id: str, count: int) -> list[int]:
        """Drop the next `count` RTP packets of a track as a bad network would; returns the
        list that fills with their sequence numbers."""
        ssrc = self.ssrc_of(track_id)
        lost: list[int] = []

        def drop(data: bytes) -> bool:
            if (
                len(lost) < count
                and not 192 <= data[1] <= 223
                and int.from_bytes(data[8:12], "big") == ssrc
            ):
                lost.append(int.from_bytes(data[2:4], "big"))
                return True
            return False

        self.subscribe_transport.drop = drop
        return lost

    def send_remb(self, bitrate: int) -> None:
        """Tell the SFU what bandwidth this receiver estimates, as a browser's REMB does."""
        ssrcs = list(self._ssrc_to_track)
        self.subscribe_transport.send_rtcp(rtcp.remb(1, bitrate, ssrcs))

    def emulate_remb(self, capacity: float | None) -> None:
        """Send REMBs the way a browser's receive-side estimator does, on a path of this
        capacity in bits per second (None: unlimited): about 1.5 times what arrives while it
        fits, below the capacity once it does not."""
        self.capacity = capacity
        if self._remb_task is None:
            self._remb_task = asyncio.create_task(self._remb_loop())
            self._tasks.append(self._remb_task)

    async def _remb_loop(self) -> None:
        previous = sum(t.octets for t in self.received.values())
        while True:
            await asyncio.sleep(REMB_INTERVAL)
            total = sum(t.octets for t in self.received.values())
            incoming = (total - previous) * 8 / REMB_INTERVAL
            previous = total
            if self.capacity is not None and incoming > self.capacity:
                estimate = 0.85 * self.capacity
            else:
                estimate = 1.5 * incoming + 50_000
            self.send_remb(int(estimate))

    def send_nack(self, track_id: str, sequences: list[int]) -> None:
        ssrc = self.ssrc_of(track_id)
        if ssrc is not None:
            self.subscribe_transport.send_rtcp(rtcp.nack(1, ssrc, sequences))

    def tracks_from(self, participant: str, kind: str | None = None) -> list[ReceivedTrack]:
        return [
            t
            for t in self.received.values()
            if t.participant == participant and (kind is None or t.kind == kind)
        ]

    # --- leaving ---

    async def leave(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self.send({"type": "leave"})
        await self.close()

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.publish_transport.close()
        await self.subscribe_transport.close()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
