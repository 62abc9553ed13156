"""RTCP (RFC 3550, RFC 4585, RFC 5104): what the SFU reads from and writes to its peers.

The SFU terminates RTCP, so it needs both directions for a handful of packet types; they are
small enough that a library would bring more than it saves.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from . import twcc
from .twcc import TransportFeedback

SR, RR, SDES, BYE, RTPFB, PSFB, XR = 200, 201, 202, 203, 205, 206, 207
XR_RRTR, XR_DLRR = 4, 5  # RFC 3611 report block types
FMT_NACK, FMT_PLI, FMT_FIR, FMT_AFB = 1, 1, 4, 15

_HEADER = struct.Struct("!BBH")


@dataclass(slots=True)
class ReportBlock:
    ssrc: int
    fraction_lost: int
    packets_lost: int
    highest_sequence: int
    jitter: int
    lsr: int
    dlsr: int


@dataclass(slots=True)
class SenderReport:
    ssrc: int
    ntp_timestamp: int
    rtp_timestamp: int
    packet_count: int
    octet_count: int
    reports: list[ReportBlock] = field(default_factory=list)


@dataclass(slots=True)
class ReceiverReport:
    ssrc: int
    reports: list[ReportBlock] = field(default_factory=list)


@dataclass(slots=True)
class Nack:
    sender_ssrc: int
    media_ssrc: int
    lost: list[int]


@dataclass(slots=True)
class Pli:
    sender_ssrc: int
    media_ssrc: int


@dataclass(slots=True)
class Fir:
    sender_ssrc: int
    media_ssrcs: list[int]


@dataclass(slots=True)
class Remb:
    """Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb)."""

    sender_ssrc: int
    bitrate: int
    ssrcs: list[int]


@dataclass(slots=True)
class Bye:
    ssrcs: list[int]


@dataclass(slots=True)
class ReceiverReferenceTime:
    """RFC 3611 4.4: a receiver's clock, for a sender to echo back in a DLRR so that a
    receiver that sends no media still learns the round-trip time."""

    ssrc: int
    ntp_timestamp: int


RtcpPacket = (
    SenderReport
    | ReceiverReport
    | Nack
    | Pli
    | Fir
    | Remb
    | Bye
    | TransportFeedback
    | ReceiverReferenceTime
)

_BLOCK = struct.Struct("!IB3sIIII")


def _parse_blocks(data: bytes, offset: int, count: int) -> list[ReportBlock]:
    blocks = []
    for _ in range(count):
        if offset + 24 > len(data):
            raise ValueError("RTCP report block truncated")
        ssrc, fraction, lost, highest, jitter, lsr, dlsr = _BLOCK.unpack_from(data, offset)
        lost_value = int.from_bytes(lost, "big", signed=True)
        blocks.append(ReportBlock(ssrc, fraction, lost_value, highest, jitter, lsr, dlsr))
        offset += 24
    return blocks


def parse(data: bytes) -> list[RtcpPacket]:
    """Parse a compound RTCP packet; ValueError if malformed. Unknown types are skipped."""
    packets: list[RtcpPacket] = []
    pos = 0
    if len(data) < 4:
        raise ValueError("RTCP packet shorter than 4 bytes")
    while pos < len(data):
        if pos + 4 > len(data):
            raise ValueError("RTCP header truncated")
        b0, packet_type, length = _HEADER.unpack_from(data, pos)
        if b0 >> 6 != 2:
            raise ValueError("RTCP version is not 2")
        end = pos + 4 + 4 * length
        if end > len(data):
            raise ValueError("RTCP length exceeds packet")
        count = b0 & 0x1F
        body = data[pos + 4 : end]
        if packet_type == SR:
            if len(body) < 24:
                raise ValueError("RTCP SR truncated")
            ssrc, ntp_hi, ntp_lo, rtp_ts, pkts, octets = struct.unpack_from("!IIIIII", body)
            blocks = _parse_blocks(body, 24, count)
            packets.append(
                SenderReport(ssrc, (ntp_hi << 32) | ntp_lo, rtp_ts, pkts, octets, blocks)
            )
        elif packet_type == RR:
            if len(body) < 4:
                raise ValueError("RTCP RR truncated")
            packets.append(
                ReceiverReport(struct.unpack_from("!I", body)[0], _parse_blocks(body, 4, count))
            )
        elif packet_type in (RTPFB, PSFB):
            if len(body) < 8:
                raise ValueError("RTCP feedback truncated")
            sender, media = struct.unpack_from("!II", body)
            if packet_type == RTPFB and count == FMT_NACK:
                lost = []
                for i in range(8, len(body) - 3, 4):
                    pid, blp = struct.unpack_from("!HH", body, i)
                    lost.append(pid)
                    lost.extend((pid + bit + 1) & 0xFFFF for bit in range(16) if blp >> bit & 1)
                packets.append(Nack(sender, media, lost))
            elif packet_type == RTPFB and count == twcc.FMT:
                packets.append(twcc.parse(body[8:], sender, media))
            elif packet_type == PSFB and count == FMT_PLI:
                packets.append(Pli(sender, media))
            elif packet_type == PSFB and count == FMT_AFB and body[8:12] == b"REMB":
                if len(body) < 16:
                    raise ValueError("RTCP REMB truncated")
                number, exponent_mantissa = body[12], int.from_bytes(body[13:16], "big")
                bitrate = (exponent_mantissa & 0x3FFFF) << (exponent_mantissa >> 18)
                ssrcs = [
                    struct.unpack_from("!I", body, 16 + 4 * i)[0]
                    for i in range(min(number, (len(body) - 16) // 4))
                ]
                packets.append(Remb(sender, bitrate, ssrcs))
            elif packet_type == PSFB and count == FMT_FIR:
                ssrcs = [struct.unpack_from("!I", body, i)[0] for i in range(8, len(body) - 7, 8)]
                packets.append(Fir(sender, ssrcs))
        elif packet_type == XR:
            if len(body) < 4:
                raise ValueError("RTCP XR truncated")
            ssrc = struct.unpack_from("!I", body)[0]
            block = 4
            while block + 4 <= len(body):
                block_type, _, words = struct.unpack_from("!BBH", body, block)
                if block_type == XR_RRTR and words == 2 and block + 12 <= len(body):
                    high, low = struct.unpack_from("!II", body, block + 4)
                    packets.append(ReceiverReferenceTime(ssrc, (high << 32) | low))
                block += 4 + 4 * words
        elif packet_type == BYE:
            packets.append(
                Bye(
                    [
                        struct.unpack_from("!I", body, 4 * i)[0]
                        for i in range(min(count, len(body) // 4))
                    ]
                )
            )
        pos = end
    return packets


def _header(count: int, packet_type: int, body: bytes) -> bytes:
    if not 0 <= count <= 31:
        # The 5-bit count field would overflow into the padding bit and corrupt the packet.
        raise ValueError(f"RTCP count {count} does not fit in 5 bits")
    return _HEADER.pack(0x80 | count, packet_type, len(body) // 4) + body


def _pack_block(block: ReportBlock) -> bytes:
    lost = max(-0x800000, min(0x7FFFFF, block.packets_lost)).to_bytes(3, "big", signed=True)
    return _BLOCK.pack(
        block.ssrc,
        block.fraction_lost,
        lost,
        block.highest_sequence,
        block.jitter,
        block.lsr,
        block.dlsr,
    )


# The largest compound RTCP packet we send: under any path's MTU once SRTCP's trailer and the
# IP and UDP headers are added (RFC 3550 6.1 lets a compound be split into several).
MAX_COMPOUND = 1200


def compound(packets: list[bytes], limit: int = MAX_COMPOUND) -> list[bytes]:
    """RTCP packets joined, in order, into as few compound packets of at most `limit` bytes
    as they fit in (a packet longer than that alone stands alone)."""
    out: list[bytes] = []
    current = b""
    for packet in packets:
        if current and len(current) + len(packet) > limit:
            out.append(current)
            current = b""
        current += packet
    if current:
        out.append(current)
    return out


def sender_report(report: SenderReport) -> bytes:
    body = struct.pack(
        "!IIIIII",
        report.ssrc,
        report.ntp_timestamp >> 32,
        report.ntp_timestamp & 0xFFFFFFFF,
        report.rtp_timestamp,
        report.packet_count,
        report.octet_count,
    )
    body += b"".join(_pack_block(b) for b in report.reports)
    return _header(len(report.reports), SR, body)


def receiver_report(report: ReceiverReport) -> bytes:
    body = struct.pack("!I", report.ssrc) + b"".join(_pack_block(b) for b in report.reports)
    return _header(len(report.reports), RR, body)


def pli(sender_ssrc: int, media_ssrc: int) -> bytes:
    return _header(FMT_PLI, PSFB, struct.pack("!II", sender_ssrc, media_ssrc))


def fir(sender_ssrc: int, media_ssrc: int, sequence: int) -> bytes:
    return _header(
        FMT_FIR, PSFB, struct.pack("!IIIB3x", sender_ssrc, 0, media_ssrc, sequence & 0xFF)
    )


def nack(sender_ssrc: int, media_ssrc: int, lost: list[int]) -> bytes:
    """Generic NACK with lost sequence numbers packed into PID + bitmask items."""
    items = []
    remaining = sorted(set(lost), key=lambda s: (s - lost[0]) & 0xFFFF)
    while remaining:
        pid = remaining.pop(0)
        blp = 0
        rest = []
        for seq in remaining:
            delta = (seq - pid - 1) & 0xFFFF
            if delta < 16:
                blp |= 1 << delta
            else:
                rest.append(seq)
        remaining = rest
        items.append(struct.pack("!HH", pid, blp))
    return _header(FMT_NACK, RTPFB, struct.pack("!II", sender_ssrc, media_ssrc) + b"".join(items))


def remb(sender_ssrc: int, bitrate: int, ssrcs: list[int]) -> bytes:
    exponent = 0
    while bitrate >> exponent > 0x3FFFF:
        exponent += 1
    mantissa = bitrate >> exponent
    body = struct.pack("!II", sender_ssrc, 0) + b"REMB" + bytes([len(ssrcs)])
    body += ((exponent << 18) | mantissa).to_bytes(3, "big")
    body += b"".join(struct.pack("!I", ssrc) for ssrc in ssrcs)
    return _header(FMT_AFB, PSFB, body)


def dlrr(sender_ssrc: int, ssrc: int, last_rr: int, delay: float) -> bytes:
    """RFC 3611 4.5: echo a receiver's reference time (its NTP timestamp's middle 32 bits)
    with how long we held it (`delay` seconds)."""
    block = struct.pack("!BBHIII", XR_DLRR, 0, 3, ssrc, last_rr, int(delay * 65536))
    return _header(0, XR, struct.pack("!I", sender_ssrc) + block)


def sdes_cname(ssrc: int, cname: str) -> bytes:
    text = cname.encode()[:255]
    chunk = struct.pack("!IBB", ssrc, 1, len(text)) + text + b"\x00"
    chunk += bytes(-len(chunk) % 4)
    return _header(1, SDES, chunk)


def ntp_now(unix_time: float) -> int:
    """64-bit NTP timestamp for a Unix time."""
    seconds = unix_time + 2208988800
    return (int(seconds) << 32) | int((seconds % 1) * (1 << 32))
