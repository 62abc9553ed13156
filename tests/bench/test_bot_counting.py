"""The benchmark bots' counting receive path (palabre.bot.batch, Bot.count_only): what it
counts must be what the usual receive path counts."""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import time

import pytest

from palabre.bot import Bot, ReceivedTrack, batch, load_clip

pytestmark = pytest.mark.skipif(not batch.available(), reason="recvmmsg: Linux, 64-bit")


class _ClearSrtp:
    def unprotect(self, packet: bytes) -> bytes:
        return packet


def _rtp(seq: int, ssrc: int, payload: bytes = b"x" * 40) -> bytes:
    return struct.pack("!BBHII", 0x80, 111, seq & 0xFFFF, 0, ssrc) + payload


def _pair() -> tuple[socket.socket, socket.socket]:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    receiver.bind(("127.0.0.1", 0))
    receiver.setblocking(False)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.connect(receiver.getsockname())
    return receiver, sender


def test_counter_counts_distinct_rtp_and_hands_the_rest_on() -> None:
    receiver, sender = _pair()
    tracks = {ssrc: ReceivedTrack(str(ssrc), "p", "audio", "microphone") for ssrc in (7, 9)}
    samples: list[tuple[bytes, int]] = []
    others: list[bytes] = []
    counter = batch.Counter(
        receiver,
        lambda: tracks,
        4,
        lambda packet, arrival: samples.append((packet, arrival)),
        others.append,
        _ClearSrtp,
        lambda: None,
    )
    try:
        before = time.time_ns()
        for seq in range(65530, 65536 + 200):  # across the 16-bit wrap
            sender.send(_rtp(seq, 7))
        for seq in range(100):
            sender.send(_rtp(seq, 9))
        sender.send(_rtp(5, 9))  # a duplicate
        sender.send(_rtp(1, 1234))  # an SSRC the bot does not know: the usual path
        rtcp = struct.pack("!BBHI", 0x80, 200, 6, 7) + bytes(20)  # bytes 8-12 could match 7
        sender.send(rtcp)
        sender.send(b"\x00\x01\x00\x00" + bytes(16))  # STUN
        time.sleep(0.05)
        counter.poll()
        counter.settle()
    finally:
        receiver.close()
        sender.close()
    assert tracks[7].packets == 206
    assert tracks[9].packets == 100
    assert counter.counted == 307  # the duplicate reached the counting path, not the count
    assert [len(o) for o in others] == [52, 28, 20]
    # One packet in 4 by sequence number, each with its kernel arrival time.
    expected = [s for s in range(65530, 65536 + 200) if s % 4 == 0] + list(range(0, 100, 4))
    assert len(samples) == len(expected)
    assert all(before <= arrival <= time.time_ns() for _, arrival in samples)
    assert tracks[7].first_packet is not None


def test_marks_follow_a_stream_round_the_wrap_many_times() -> None:
    track = ReceivedTrack("t", "p", "audio", "microphone")
    marks = batch._Marks(track)
    seq, sent = random.getrandbits(16), 0
    for step in range(300_000):  # 4.6 laps of the sequence space
        marks.seen[seq & 0xFFFF] = 1
        sent += 1
        if random.random() < 0.01:
            marks.seen[seq & 0xFFFF] = 1  # a duplicate
        seq += 21 if random.random() < 0.001 else 1  # now and then 20 lost
        if step % 5_000 == 0:  # a settle every 2 s at 2,500 packets/s
            marks.settle(0.0)
    marks.settle(0.0)
    assert track.packets == sent


@pytest.mark.slow
async def test_counting_bot_counts_what_a_usual_bot_counts(palabre_server) -> None:
    clip = load_clip()
    publisher = Bot(palabre_server.ws_url, "counting", "pub", clip=clip)
    usual = Bot(palabre_server.ws_url, "counting", "usual")
    counting = Bot(palabre_server.ws_url, "counting", "counting")
    samples: list[int] = []
    counting.count_only(8, lambda packet, arrival: samples.append(arrival))
    bots = [publisher, usual, counting]

    def counts() -> dict[tuple[str, str], int]:
        counting.subscribe_transport.settle()
        return {
            (bot.name, kind): sum(t.packets for t in bot.tracks_from(publisher.id, kind))
            for bot in (usual, counting)
            for kind in ("audio", "video")
        }

    try:
        for bot in bots:
            await bot.join()
        await publisher.publish()
        deadline = time.monotonic() + 15
        while not all(counts().values()):
            assert time.monotonic() < deadline, f"no media: {counts()}"
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        before = counts()
        await asyncio.sleep(3)
        publisher.stop_media()
        await asyncio.sleep(0.5)
        after = counts()
        for kind in ("audio", "video"):
            reference = after["usual", kind] - before["usual", kind]
            got = after["counting", kind] - before["counting", kind]
            assert reference > 100
            # Read at nearly the same instants: a packet or two may be in flight at the first.
            assert abs(got - reference) <= max(3, 0.02 * reference), (kind, got, reference)
        assert counting.subscribe_transport.srtp_errors == 0
        assert len(samples) > 50  # decrypted and authenticated
    finally:
        for bot in bots:
            await bot.leave()
