"""RTP packets (RFC 3550): the few header fields the SFU reads and rewrites.

Hand-written because the forward path must not allocate a parsed object per packet: the
functions below read fields in place with struct and build a new header in one pack.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

RTP_HEADER = struct.Struct("!BBHII")
_EXT_HEADER = struct.Struct("!HH")


def is_rtp_or_rtcp(data: bytes) -> bool:
    """RFC 7983: RTP and RTCP start with 128..191 (version 2)."""
    return len(data) >= 12 and 128 <= data[0] <= 191


def is_rtcp(data: bytes) -> bool:
    """RFC 5761 section 4: with rtcp-mux, payload types 64..95 (192..223 with the marker bit)
    are RTCP packet types."""
    return 192 <= data[1] <= 223


@dataclass(slots=True)
class RtpHeader:
    marker: bool
    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    payload_offset: int
    payload_end: int
    extensions: dict[int, bytes]


def payload_offset(packet: bytes, b0: int) -> int:
    """Where the payload starts: after the fixed header, the CSRCs and the header extension
    (`b0`: the packet's first byte, already read). Past the packet's end if it is truncated."""
    offset = 12 + 4 * (b0 & 0x0F)
    if b0 & 0x10:
        if offset + 4 > len(packet):
            return len(packet) + 1
        offset += 4 + 4 * int.from_bytes(packet[offset + 2 : offset + 4], "big")
    return offset


def parse_header(packet: bytes, *, with_extensions: bool = True) -> RtpHeader:
    """Parse and validate an RTP header; ValueError if the packet is malformed."""
    if len(packet) < 12:
        raise ValueError("RTP packet shorter than 12 bytes")
    b0, b1, seq, ts, ssrc = RTP_HEADER.unpack_from(packet)
    if b0 >> 6 != 2:
        raise ValueError("RTP version is not 2")
    offset = 12 + 4 * (b0 & 0x0F)
    extensions: dict[int, bytes] = {}
    if b0 & 0x10:
        if len(packet) < offset + 4:
            raise ValueError("RTP header extension truncated")
        profile, length = _EXT_HEADER.unpack_from(packet, offset)
        ext_start = offset + 4
        offset = ext_start + 4 * length
        if len(packet) < offset:
            raise ValueError("RTP header extension truncated")
        if with_extensions:
            extensions = parse_extensions(profile, packet[ext_start:offset])
    end = len(packet)
    if b0 & 0x20:
        padding = packet[-1]
        if padding == 0 or end - padding < offset:
            raise ValueError("RTP padding invalid")
        end -= padding
    if offset > end:
        raise ValueError("RTP header longer than packet")
    return RtpHeader(bool(b1 & 0x80), b1 & 0x7F, seq, ts, ssrc, offset, end, extensions)


def parse_extensions(profile: int, data: bytes) -> dict[int, bytes]:
    """One-byte (RFC 8285 0xBEDE) and two-byte (0x100x) header extension elements."""
    values: dict[int, bytes] = {}
    pos = 0
    if profile == 0xBEDE:
        while pos < len(data):
            byte = data[pos]
            if byte == 0:  # padding
                pos += 1
                continue
            ext_id, length = byte >> 4, (byte & 0x0F) + 1
            if ext_id == 15:
                break
            values[ext_id] = data[pos + 1 : pos + 1 + length]
            pos += 1 + length
    elif profile & 0xFFF0 == 0x1000:
        while pos + 1 < len(data):
            ext_id = data[pos]
            if ext_id == 0:
                pos += 1
                continue
            length = data[pos + 1]
            values[ext_id] = data[pos + 2 : pos + 2 + length]
            pos += 2 + length
    return values


def build_extensions(values: dict[int, bytes]) -> bytes:
    """Header extension block in the one-byte form (ids 1..14, 1..16 bytes each)."""
    for ext_id, value in values.items():
        # Anything else would spill into the neighbouring nibble and corrupt the block.
        if not 1 <= ext_id <= 14 or not 1 <= len(value) <= 16:
            raise ValueError(f"extension {ext_id} does not fit the one-byte form")
    body = b"".join(bytes([(ext_id << 4) | (len(v) - 1)]) + v for ext_id, v in values.items())
    body += bytes(-len(body) % 4)
    return _EXT_HEADER.pack(0xBEDE, len(body) // 4) + body


def build_packet(
    payload_type: int,
    sequence: int,
    timestamp: int,
    ssrc: int,
    payload: bytes,
    *,
    marker: bool = False,
    extensions: dict[int, bytes] | None = None,
) -> bytes:
    ext = build_extensions(extensions) if extensions else b""
    b0 = 0x90 if ext else 0x80
    header = RTP_HEADER.pack(b0, (0x80 if marker else 0) | payload_type, sequence, timestamp, ssrc)
    return header + ext + payload


def seq_newer(a: int, b: int) -> bool:
    """True when sequence number a comes after b (RFC 1982 serial arithmetic on 16 bits)."""
    return a != b and ((a - b) & 0xFFFF) < 0x8000


# --- VP8 payload descriptor (RFC 7741) ---


def vp8_payload_header_offset(payload: bytes) -> int:
    """Length of the VP8 payload descriptor, i.e. where the VP8 payload header starts."""
    if not payload:
        raise ValueError("empty VP8 payload")
    pos = 1
    if payload[0] & 0x80:  # X: extended control bits follow
        if len(payload) < 2:
            raise ValueError("VP8 descriptor truncated")
        x = payload[1]
        pos = 2
        if x & 0x80:  # I: picture id, 7 or 15 bits
            if len(payload) <= pos:
                raise ValueError("VP8 descriptor truncated")
            pos += 2 if payload[pos] & 0x80 else 1
        if x & 0x40:  # L: TL0PICIDX
            pos += 1
        if x & 0x30:  # T or K: TID/Y/KEYIDX
            pos += 1
    if pos > len(payload):
        raise ValueError("VP8 descriptor truncated")
    return pos


def vp8_is_keyframe_start(payload: bytes) -> bool:
    """True for the first packet of a VP8 keyframe: S=1, partition 0, and the P bit of the
    frame tag clear. Works under end-to-end encryption, which leaves these bytes in clear."""
    # Byte 0 is X R N S R PID: the partition index is 3 bits; the R bit must be ignored.
    if len(payload) < 2 or not payload[0] & 0x10 or payload[0] & 0x07:
        return False
    try:
        pos = vp8_payload_header_offset(payload)
    except ValueError:
        return False
    return pos < len(payload) and not payload[pos] & 0x01


def audio_level(packet: bytes, extension_id: int) -> tuple[int, bool] | None:
    """The RFC 6464 audio level (0..127 -dBov) and voice flag in a one-byte header extension.

    Read in place, without parsing the whole header: it runs for every audio packet.
    """
    b0 = packet[0]
    if not b0 & 0x10:
        return None
    pos = 12 + 4 * (b0 & 0x0F)
    if len(packet) < pos + 4 or packet[pos] != 0xBE or packet[pos + 1] != 0xDE:
        return None
    end = pos + 4 + 4 * ((packet[pos + 2] << 8) | packet[pos + 3])
    pos += 4
    end = min(end, len(packet))
    while pos < end:
        byte = packet[pos]
        if byte == 0:
            pos += 1
            continue
        ext_id, length = byte >> 4, (byte & 0x0F) + 1
        if ext_id == 15:
            return None
        if ext_id == extension_id:
            if pos + 1 >= end:
                return None
            value = packet[pos + 1]
            return value & 0x7F, bool(value & 0x80)
        pos += 1 + length
    return None


def vp8_keyframe_size(payload: bytes) -> tuple[int, int] | None:
    """Width and height from the first packet of a VP8 keyframe (RFC 6386 section 9.1)."""
    try:
        pos = vp8_payload_header_offset(payload)
    except ValueError:
        return None
    header = payload[pos : pos + 10]
    if len(header) < 10 or header[3:6] != b"\x9d\x01\x2a":
        return None
    width = int.from_bytes(header[6:8], "little") & 0x3FFF
    height = int.from_bytes(header[8:10], "little") & 0x3FFF
    return width, height


def vp8_picture_ids(payload: bytes) -> tuple[int, int] | None:
    """The 15-bit picture id and the TL0PICIDX (-1 if absent) of a VP8 payload descriptor,
    when it carries a 15-bit picture id (as every browser sends): what a forwarder rewrites so
    that a receiver sees one continuous sequence across simulcast switches."""
    if (
        len(payload) < 4
        or payload[0] & 0x80 == 0
        or payload[1] & 0x80 == 0
        or payload[2] & 0x80 == 0
    ):
        return None
    pid = (payload[2] & 0x7F) << 8 | payload[3]
    tl0 = payload[4] if payload[1] & 0x40 and len(payload) > 4 else -1
    return pid, tl0


def vp8_rewrite_picture_ids(payload: bytes, pid: int, tl0: int) -> bytes:
    """The payload with another 15-bit picture id (and TL0PICIDX when present, tl0 >= 0)."""
    head = bytes([payload[0], payload[1], 0x80 | pid >> 8, pid & 0xFF])
    if tl0 >= 0:
        return head + bytes([tl0]) + payload[5:]
    return head + payload[4:]
