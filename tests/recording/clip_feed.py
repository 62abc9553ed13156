"""Feeding a recording as the SFU would: the bot's clip as RTP packets into real tracks."""

from __future__ import annotations

from palabre.bot.clip import Clip, ClipPacket
from palabre.media.rtp import build_packet, payload_offset
from palabre.media.track import Track


def make_track(kind: str, participant: str = "p1", clock: list[float] | None = None) -> Track:
    now = clock if clock is not None else [0.0]
    track = Track(f"{participant}-{kind}", participant, kind,
                  "microphone" if kind == "audio" else "camera", "0" if kind == "audio" else "1",
                  1 if kind == "audio" else 2, 111 if kind == "audio" else 96,
                  48000 if kind == "audio" else 90000, lambda t, layer: None,
                  clock=lambda: now[0])  # fmt: skip
    return track


def rtp(track: Track, packet: ClipPacket, seq: int, ts_base: int = 1000) -> bytes:
    return build_packet(track.payload_type, seq & 0xFFFF, (ts_base + packet.timestamp) & 0xFFFFFFFF,
                        track.ssrc or 0, packet.payload, marker=packet.marker)  # fmt: skip


def play(tracks: dict[str, Track], clip: Clip, start: float = 0.0, loops: int = 1,
         skip: set[tuple[str, int]] | None = None) -> None:  # fmt: skip
    """The clip's packets in time order into `tracks` ("audio", "video"), `loops` times;
    (kind, index) pairs in `skip` are lost on the way."""
    events = []
    for loop in range(loops):
        for kind in ("audio", "video"):
            if kind not in tracks:
                continue
            packets = clip.audio if kind == "audio" else clip.video
            clock = 48000 if kind == "audio" else 90000
            for i, packet in enumerate(packets):
                index = loop * len(packets) + i
                events.append((start + loop * clip.duration + packet.time, kind, index, packet,
                               loop * int(clip.duration * clock)))  # fmt: skip
    events.sort(key=lambda e: (e[0], e[2]))
    for at, kind, index, packet, ts_loop in events:
        if skip and (kind, index) in skip:
            continue
        track = tracks[kind]
        data = rtp(track, packet, index, 1000 + ts_loop)
        b0, b1 = data[0], data[1]
        track.receive(data, b0, b1, index & 0xFFFF, int.from_bytes(data[4:8], "big"),
                      payload_offset(data, b0), now=at)  # fmt: skip
