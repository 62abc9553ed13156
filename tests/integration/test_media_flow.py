"""Media through the SFU between bots: delivery, late joiners, NACKs, consent, departures."""

from __future__ import annotations

import asyncio
import time

import pytest

from palabre.bot import Bot, load_clip
from palabre.bot.harness import received_from, start_bots, until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip():
    return load_clip()


async def test_three_bots_receive_each_other(palabre_server, clip):
    bots = await start_bots(palabre_server.ws_url, "trio", 3, clip)
    try:
        # Everyone receives both kinds from both others before the measured window opens.
        def all_flowing() -> bool:
            return all(
                received_from(r, s, k) > 0
                for r in bots
                for s in bots
                if s is not r
                for k in ("audio", "video")
            )

        await until(all_flowing)
        sent_before = {(b.id, k): o.sent for b in bots for k, o in b.outgoing.items()}
        received_before = {
            (r.id, s.id, k): received_from(r, s, k)
            for r in bots
            for s in bots
            if s is not r
            for k in ("audio", "video")
        }
        await asyncio.sleep(4)
        sent_after = {(b.id, k): o.sent for b in bots for k, o in b.outgoing.items()}
        for bot in bots:
            bot.stop_media()
        await asyncio.sleep(0.5)  # let in-flight packets land
        for (receiver, sender, kind), before in received_before.items():
            sent = sent_after[(sender, kind)] - sent_before[(sender, kind)]
            got = (
                received_from(
                    next(b for b in bots if b.id == receiver),
                    next(b for b in bots if b.id == sender),
                    kind,
                )
                - before
            )
            assert sent > 150, (kind, sent)
            assert got >= 0.95 * sent, (
                f"{receiver} got {got} of {sent} {kind} packets from {sender}"
            )
        for receiver in bots:
            for sender in bots:
                if sender is receiver:
                    continue
                for kind in ("audio", "video"):
                    # Nothing arrives twice, and never more than was sent in all.
                    tracks = receiver.tracks_from(sender.id, kind)
                    assert sum(t.duplicates for t in tracks) == 0
                    assert received_from(receiver, sender, kind) <= sender.outgoing[kind].sent
        for bot in bots:
            # Every packet counted above passed SRTP authentication; none failed it.
            assert bot.subscribe_transport.srtp_errors == 0
            assert bot.errors == []
    finally:
        for bot in bots:
            await bot.leave()


async def test_late_joiner_gets_keyframe_within_one_second(palabre_server, clip):
    bots = await start_bots(palabre_server.ws_url, "late", 3, clip)
    late = Bot(palabre_server.ws_url, "late", "late", clip=clip)
    try:
        await asyncio.sleep(1.5)  # the clip has one keyframe: the others are well past it
        joined_at = time.monotonic()
        await late.join()
        await late.publish()
        await until(lambda: len([t for t in late.received.values() if t.kind == "video"]) == 3, 5)
        await until(
            lambda: all(t.first_keyframe for t in late.received.values() if t.kind == "video"), 5
        )
        for track in late.received.values():
            if track.kind == "video":
                assert track.first_keyframe - joined_at < 1.0, track
                # Forwarding starts on the keyframe: the first video packet is the keyframe.
                assert track.first_packet == track.first_keyframe
        assert all(b.keyframe_requests >= 1 for b in bots)
        # The others receive the late joiner too.
        await until(lambda: all(received_from(b, late, "video") > 0 for b in bots), 5)
    finally:
        for bot in [*bots, late]:
            await bot.leave()


async def test_nack_is_answered_from_the_cache(palabre_server, clip):
    sender, receiver = await start_bots(palabre_server.ws_url, "nack", 2, clip)
    try:
        await until(lambda: received_from(receiver, sender, "video") > 50)
        track = receiver.tracks_from(sender.id, "video")[0]
        lost = receiver.lose(track.track_id, 10)
        await until(lambda: len(lost) == 10, 3)
        assert not set(lost) & track.sequences
        receiver.send_nack(track.track_id, lost)
        # The retransmissions carry the receiver's own numbering and pass SRTP's replay check.
        await until(lambda: set(lost) <= track.sequences, 3)
        assert receiver.subscribe_transport.srtp_errors == 0
        assert track.duplicates == 0
        assert receiver.retransmissions == len(lost)  # on the RFC 4588 RTX stream
    finally:
        await sender.leave()
        await receiver.leave()


async def test_upstream_loss_is_repaired_by_nack_to_the_publisher(palabre_server, clip):
    sender, receiver = await start_bots(palabre_server.ws_url, "upstream-nack", 2, clip)
    try:
        await until(lambda: received_from(receiver, sender, "video") > 50)
        track = receiver.tracks_from(sender.id, "video")[0]
        sender.lose_sent(5)
        await until(lambda: len(sender.unsent) == 5, 5)
        # The SFU saw the gap, asked the publisher, and forwarded its RTX repairs.
        await until(lambda: sender.nacks_received > 0 and sender.retransmitted >= 5, 5)

        def holes() -> int:
            seqs = track.sequences
            return max(seqs) - min(seqs) + 1 - len(seqs)

        await until(lambda: holes() == 0, 5)
        assert track.duplicates == 0
        assert receiver.subscribe_transport.srtp_errors == 0
    finally:
        await sender.leave()
        await receiver.leave()


async def test_leaving_stops_media_and_releases_connections(palabre_server, clip):
    a, b, c = await start_bots(palabre_server.ws_url, "leave", 3, clip)
    try:
        await until(lambda: received_from(a, c, "video") > 0 and received_from(b, c, "video") > 0)
        assert palabre_server.health()["media_connections"] == 6
        await c.leave()
        await a.wait_for(lambda m: m["type"] == "participant_left" and m["id"] == c.id)
        await b.wait_for(lambda m: m["type"] == "participant_left" and m["id"] == c.id)
        await asyncio.sleep(0.3)
        frozen = received_from(a, c, "video")
        await asyncio.sleep(0.5)
        assert received_from(a, c, "video") == frozen
        assert palabre_server.health()["media_connections"] == 4
        # The remaining two still exchange media.
        before = received_from(a, b, "video")
        await asyncio.sleep(0.5)
        assert received_from(a, b, "video") > before
    finally:
        await a.leave()
        await b.leave()
    await asyncio.sleep(0.3)
    health = palabre_server.health()
    # The RTP packets through the SFU stay counted after their participants left.
    assert health.pop("packets_received") > 0 and health.pop("packets_forwarded") > 0
    assert health == {
        "status": "ok",
        "rooms": 0,
        "participants": 0,
        "media_connections": 0,
    }


async def test_lapsed_consent_removes_the_participant(server_factory, clip):
    # No resume grace: the seat ends with the consent (tests/integration/test_resume.py
    # covers the grace).
    server = server_factory("--consent-timeout", "2", "--resume-grace", "0")
    a, b = await start_bots(server.ws_url, "consent", 2, clip)
    try:
        await until(lambda: received_from(a, b, "audio") > 0)
        b.publish_transport.consent = False
        b.subscribe_transport.consent = False
        left = await a.wait_for(lambda m: m["type"] == "participant_left", timeout=8)
        assert left["id"] == b.id
        await until(lambda: b.bye is not None, 3)
        assert b.bye == "media_timeout"
        assert server.health()["participants"] == 1
    finally:
        await a.leave()
        await b.close()


async def test_ice_tcp_carries_media(palabre_server, clip):
    a = Bot(palabre_server.ws_url, "tcp", "udp-bot", clip=clip)
    b = Bot(palabre_server.ws_url, "tcp", "tcp-bot", clip=clip, protocol="tcp")
    try:
        for bot in (a, b):
            await bot.join()
            await bot.publish()
        await until(lambda: received_from(a, b, "video") > 30 and received_from(b, a, "video") > 30)
        assert b.subscribe_transport.srtp_errors == 0
    finally:
        await a.leave()
        await b.leave()
