"""RTP header parsing and building, sequence arithmetic and the VP8 payload descriptor."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palabre.media import rtp

# --- headers ---

extension_values = st.dictionaries(
    st.integers(min_value=1, max_value=14), st.binary(min_size=1, max_size=16), max_size=6
)


@settings(max_examples=200)
@given(
    payload_type=st.integers(0, 127),
    sequence=st.integers(0, 0xFFFF),
    timestamp=st.integers(0, 0xFFFFFFFF),
    ssrc=st.integers(0, 0xFFFFFFFF),
    payload=st.binary(max_size=64),
    marker=st.booleans(),
    extensions=extension_values,
)
def test_build_parse_round_trip(
    payload_type: int,
    sequence: int,
    timestamp: int,
    ssrc: int,
    payload: bytes,
    marker: bool,
    extensions: dict[int, bytes],
) -> None:
    packet = rtp.build_packet(
        payload_type, sequence, timestamp, ssrc, payload, marker=marker, extensions=extensions
    )
    assert rtp.is_rtp_or_rtcp(packet)
    header = rtp.parse_header(packet)
    assert header.payload_type == payload_type
    assert header.sequence == sequence
    assert header.timestamp == timestamp
    assert header.ssrc == ssrc
    assert header.marker == marker
    assert header.extensions == extensions
    assert packet[header.payload_offset : header.payload_end] == payload
    assert header.payload_end == len(packet)
    assert (packet[0] & 0x10 != 0) == bool(extensions)


def test_build_packet_layout() -> None:
    packet = rtp.build_packet(96, 0x1234, 0xDEADBEEF, 0xCAFEBABE, b"xyz", marker=True)
    assert packet == bytes.fromhex("80e01234deadbeefcafebabe") + b"xyz"
    with_ext = rtp.build_packet(111, 1, 2, 3, b"", extensions={1: b"\x05"})
    # 0xBEDE profile, one word: id 1, length 0 (one byte), value 5, two bytes of padding.
    assert with_ext[12:] == bytes.fromhex("bede0001") + bytes.fromhex("10050000")


def _packet(
    *,
    csrcs: tuple[int, ...] = (),
    extension: bytes | None = None,
    profile: int = 0xBEDE,
    payload: bytes = b"payload",
    padding: int = 0,
) -> bytes:
    b0 = 0x80 | len(csrcs)
    if extension is not None:
        b0 |= 0x10
    if padding:
        b0 |= 0x20
    data = struct.pack("!BBHII", b0, 96, 7, 90000, 0x11223344)
    data += b"".join(struct.pack("!I", c) for c in csrcs)
    if extension is not None:
        assert len(extension) % 4 == 0
        data += struct.pack("!HH", profile, len(extension) // 4) + extension
    data += payload
    if padding:
        data += bytes(padding - 1) + bytes([padding])
    return data


@pytest.mark.parametrize("values", [{1: b"x" * 17}, {1: b""}, {15: b"x"}, {0: b"x"}])
def test_build_extensions_refuses_what_the_one_byte_form_cannot_hold(
    values: dict[int, bytes],
) -> None:
    with pytest.raises(ValueError, match="one-byte"):
        rtp.build_extensions(values)


@settings(max_examples=200)
@given(
    csrcs=st.lists(st.integers(0, 0xFFFFFFFF), max_size=15),
    extensions=extension_values,
    payload=st.binary(max_size=40),
    padding=st.integers(0, 255),
)
def test_parse_hand_built_packets(
    csrcs: list[int], extensions: dict[int, bytes], payload: bytes, padding: int
) -> None:
    block = rtp.build_extensions(extensions)[4:] if extensions else None
    packet = _packet(csrcs=tuple(csrcs), extension=block, payload=payload, padding=padding)
    header = rtp.parse_header(packet)
    assert header.payload_offset == 12 + 4 * len(csrcs) + (4 + len(block) if block else 0)
    assert packet[header.payload_offset : header.payload_end] == payload
    assert header.payload_end == len(packet) - padding
    assert header.extensions == extensions
    assert header.ssrc == 0x11223344 and header.sequence == 7


def test_parse_header_with_csrcs_extension_and_padding() -> None:
    extension = bytes([0x10, 0xAA, 0x21, 0x01, 0x02, 0x00, 0x00, 0x00])  # id1=aa, id2=0102
    packet = _packet(csrcs=(1, 2, 3), extension=extension, payload=b"hello", padding=4)
    header = rtp.parse_header(packet)
    assert header.payload_offset == 12 + 12 + 4 + 8
    assert packet[header.payload_offset : header.payload_end] == b"hello"
    assert header.payload_end == len(packet) - 4
    assert header.extensions == {1: b"\xaa", 2: b"\x01\x02"}
    assert header.ssrc == 0x11223344
    # Extensions can be skipped without changing where the payload is.
    fast = rtp.parse_header(packet, with_extensions=False)
    assert fast.extensions == {}
    assert (fast.payload_offset, fast.payload_end) == (header.payload_offset, header.payload_end)


def test_parse_header_two_byte_extensions() -> None:
    extension = bytes([1, 0, 2, 3, 0xA, 0xB, 0xC, 0]) + bytes([0, 0, 0, 0])
    header = rtp.parse_header(_packet(extension=extension, profile=0x1000))
    assert header.extensions == {1: b"", 2: b"\x0a\x0b\x0c"}


def test_parse_header_one_byte_extension_stops_at_id_15() -> None:
    extension = bytes([0x10, 0x01, 0xF0, 0x20, 0x02, 0, 0, 0])
    header = rtp.parse_header(_packet(extension=extension))
    assert header.extensions == {1: b"\x01"}


def test_parse_header_padding_only_payload() -> None:
    packet = _packet(payload=b"", padding=8)
    header = rtp.parse_header(packet)
    assert header.payload_offset == header.payload_end == 12


@pytest.mark.parametrize(
    ("packet", "reason"),
    [
        (b"\x80" * 11, "shorter than 12"),
        (b"\x40" + bytes(11), "version"),
        (_packet(csrcs=(1, 2), payload=b"")[:-4], "longer than packet"),
        (_packet(extension=bytes(8))[:14], "extension truncated"),
        (_packet(extension=bytes(8), payload=b"")[:-4], "extension truncated"),
        (_packet(payload=b"abc", padding=2)[:-1] + b"\x00", "padding"),
        (_packet(payload=b"", padding=4)[:-1] + b"\x05", "padding"),
    ],
)
def test_parse_header_rejects_malformed(packet: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        rtp.parse_header(packet)


@settings(max_examples=200)
@given(st.binary(max_size=80))
def test_parse_header_raises_only_value_error(data: bytes) -> None:
    try:
        header = rtp.parse_header(data)
    except ValueError:
        return
    assert 12 <= header.payload_offset <= header.payload_end <= len(data)


@settings(max_examples=200)
@given(st.binary(min_size=11, max_size=80))
def test_parse_header_version_2_fuzz(rest: bytes) -> None:
    # Force version 2 so the CSRC, extension and padding branches are exercised.
    data = bytes([0x80 | (rest[0] & 0x3F)]) + rest[1:]
    try:
        header = rtp.parse_header(data)
    except ValueError:
        return
    assert 12 <= header.payload_offset <= header.payload_end <= len(data)


def test_is_rtcp_by_payload_type() -> None:
    assert rtp.is_rtcp(bytes([0x80, 200]) + bytes(10))  # SR
    assert rtp.is_rtcp(bytes([0x81, 206]) + bytes(10))  # PSFB
    assert not rtp.is_rtcp(rtp.build_packet(96, 1, 1, 1, b""))
    assert not rtp.is_rtcp(rtp.build_packet(111, 1, 1, 1, b"", marker=True))
    assert not rtp.is_rtp_or_rtcp(b"\x16\xfe\xfd" + bytes(20))
    assert not rtp.is_rtp_or_rtcp(b"\x80" * 11)


# --- sequence numbers ---


@pytest.mark.parametrize(
    ("a", "b", "newer"),
    [
        (1, 0, True),
        (0, 1, False),
        (5, 5, False),
        (0, 65535, True),  # wraparound
        (65535, 0, False),
        (10, 65530, True),
        (0x7FFF, 0, True),
        (0x8000, 0, False),  # exactly half way is not newer
    ],
)
def test_seq_newer(a: int, b: int, newer: bool) -> None:
    assert rtp.seq_newer(a, b) is newer


@settings(max_examples=200)
@given(st.integers(0, 0xFFFF), st.integers(1, 0x7FFF))
def test_seq_newer_is_antisymmetric(base: int, step: int) -> None:
    later = (base + step) & 0xFFFF
    assert rtp.seq_newer(later, base)
    assert not rtp.seq_newer(base, later)


# --- VP8 payload descriptor (RFC 7741) ---

KEYFRAME_HEADER = bytes([0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A])  # P bit clear, start code
DELTA_HEADER = bytes([0x31, 0x02, 0x00])  # P bit set


def _descriptor(
    *,
    start: bool = True,
    partition: int = 0,
    picture_id: int | None = None,
    long_picture_id: bool = False,
    tl0: bool = False,
    tid: bool = False,
) -> bytes:
    extended = picture_id is not None or tl0 or tid
    first = (0x80 if extended else 0) | (0x10 if start else 0) | partition
    out = bytes([first])
    if extended:
        x = (0x80 if picture_id is not None else 0) | (0x40 if tl0 else 0) | (0x20 if tid else 0)
        out += bytes([x])
        if picture_id is not None:
            if long_picture_id:
                out += struct.pack("!H", 0x8000 | picture_id)
            else:
                out += bytes([picture_id & 0x7F])
        if tl0:
            out += b"\x05"
        if tid:
            out += b"\x40"
    return out


@pytest.mark.parametrize(
    ("options", "length"),
    [
        ({}, 1),
        ({"picture_id": 0x35}, 3),
        ({"picture_id": 0x1234, "long_picture_id": True}, 4),
        ({"picture_id": 0x7FFF, "long_picture_id": True, "tl0": True, "tid": True}, 6),
        ({"picture_id": 3, "tl0": True}, 4),
        ({"tid": True}, 3),
    ],
)
def test_vp8_descriptor_length(options: dict[str, object], length: int) -> None:
    descriptor = _descriptor(**options)  # type: ignore[arg-type]
    assert len(descriptor) == length
    assert rtp.vp8_payload_header_offset(descriptor + KEYFRAME_HEADER) == length
    assert rtp.vp8_is_keyframe_start(descriptor + KEYFRAME_HEADER)
    assert not rtp.vp8_is_keyframe_start(descriptor + DELTA_HEADER)


def test_vp8_keyframe_needs_start_of_partition_zero() -> None:
    assert not rtp.vp8_is_keyframe_start(_descriptor(start=False) + KEYFRAME_HEADER)
    assert not rtp.vp8_is_keyframe_start(_descriptor(partition=1) + KEYFRAME_HEADER)
    long_id = _descriptor(start=False, picture_id=300, long_picture_id=True)
    assert not rtp.vp8_is_keyframe_start(long_id + KEYFRAME_HEADER)


def test_vp8_reserved_bit_is_ignored() -> None:
    # RFC 7741: the R bits "MUST be ignored by the receiver".
    with_reserved = bytes([_descriptor()[0] | 0x08])
    assert rtp.vp8_is_keyframe_start(with_reserved + KEYFRAME_HEADER)
    long_id = _descriptor(picture_id=77, long_picture_id=True)
    assert rtp.vp8_is_keyframe_start(bytes([long_id[0] | 0x48]) + long_id[1:] + KEYFRAME_HEADER)


def test_vp8_keyframe_under_e2ee_needs_only_the_clear_header() -> None:
    # The frame transform leaves 10 bytes of a keyframe in clear; the rest is ciphertext.
    encrypted = KEYFRAME_HEADER[:3] + bytes(range(200, 255))
    assert rtp.vp8_is_keyframe_start(_descriptor(picture_id=9000, long_picture_id=True) + encrypted)


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"\x90",  # X set, no extension byte
        b"\x90\x80",  # I set, no picture id
        b"\x90\x80\x80",  # 15-bit picture id cut after its first byte
        b"\x90\xc0\x05",  # I and L set, picture id present, TL0PICIDX missing
    ],
)
def test_vp8_truncated_descriptors(payload: bytes) -> None:
    with pytest.raises(ValueError):
        rtp.vp8_payload_header_offset(payload)
    assert not rtp.vp8_is_keyframe_start(payload)


def test_vp8_descriptor_without_payload_header_is_not_a_keyframe() -> None:
    descriptor = _descriptor(picture_id=5, long_picture_id=True)
    assert rtp.vp8_payload_header_offset(descriptor) == len(descriptor)
    assert not rtp.vp8_is_keyframe_start(descriptor)


@settings(max_examples=200)
@given(st.binary(max_size=16))
def test_vp8_functions_never_raise_unexpectedly(payload: bytes) -> None:
    keyframe = rtp.vp8_is_keyframe_start(payload)
    try:
        offset = rtp.vp8_payload_header_offset(payload)
    except ValueError:
        assert not keyframe
        return
    assert 1 <= offset <= len(payload)
    if keyframe:
        assert offset < len(payload)
        assert payload[0] & 0x10
        assert not payload[offset] & 0x01


@given(st.binary(min_size=12, max_size=80))
def test_payload_offset_agrees_with_the_header_parser(packet: bytes) -> None:
    packet = bytes([0x80 | (packet[0] & 0x1F)]) + packet[1:]  # version 2
    offset = rtp.payload_offset(packet, packet[0])
    try:
        header = rtp.parse_header(packet, with_extensions=False)
    except ValueError:
        assert offset > len(packet) or packet[0] & 0x20  # truncated, or bad padding
        return
    assert offset == header.payload_offset
