"""Hostile input on the media ports is dropped; the server survives and the room goes on."""

from __future__ import annotations

import asyncio
import os
import random
import socket
import struct

import pytest

from palabre.bot import Bot, load_clip
from palabre.bot.harness import received_from, start_bots, until
from palabre.media import stun

pytestmark = pytest.mark.slow


def _valid_binding_request(ufrag: str) -> bytes:
    request = stun.binding_request(
        f"{ufrag}:attacker",
        b"not-the-password-at-all!",
        priority=1,
        tie_breaker=1,
        use_candidate=True,
    )
    return bytes(request)


async def test_garbage_on_media_ports_is_dropped(palabre_server):
    clip = load_clip()
    a, b = await start_bots(palabre_server.ws_url, "hostile", 2, clip)
    rng = random.Random(1)
    try:
        await until(lambda: received_from(a, b, "video") > 10 and received_from(b, a, "video") > 10)
        target = ("127.0.0.1", palabre_server.media_port)
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        ufrag = b.publish_transport.remote_ufrag  # a real ufrag of the server's, known to b
        valid = _valid_binding_request(ufrag)
        attacks = []
        for size in range(0, 1500, 7):  # random bytes of every length, every first-byte class
            attacks.append(bytes([size % 256]) + rng.randbytes(size))
        attacks += [valid[:n] for n in range(0, len(valid))]  # truncated STUN
        attacks.append(valid)  # a real ufrag under a wrong password
        dtls_hello = bytes([22, 0xFE, 0xFD]) + os.urandom(200)  # DTLS from an unknown address
        attacks += [dtls_hello] * 20
        srtp_like = bytes([0x80, 96]) + os.urandom(300)  # RTP-looking, unknown address
        attacks += [srtp_like] * 20
        for _ in range(3):
            for datagram in attacks:
                sock.sendto(datagram, target)
                await asyncio.sleep(0)
        # SRTP under wrong keys from a validated address: through b's own socket.
        for _ in range(200):
            header = struct.pack("!BBHII", 0x80, 96, rng.getrandbits(16), 1, rng.getrandbits(32))
            b.publish_transport.send(header + rng.randbytes(200))
            b.subscribe_transport.send(bytes([0x80, 200]) + rng.randbytes(60))  # bogus SRTCP
        # And garbage over ICE-TCP: bad frames, a huge length, a half-sent frame.
        _, writer = await asyncio.open_connection(*target)
        writer.write(struct.pack("!H", 300) + rng.randbytes(300))
        writer.write(struct.pack("!H", 20) + valid[:20])
        writer.write(struct.pack("!H", 65535) + rng.randbytes(100))
        await writer.drain()
        writer.close()
        sock.close()

        # The room's media keeps flowing after the attack, both ways.
        before_ab, before_ba = received_from(a, b, "video"), received_from(b, a, "video")
        await asyncio.sleep(1.0)
        assert received_from(a, b, "video") > before_ab + 20
        assert received_from(b, a, "video") > before_ba + 20
        assert a.subscribe_transport.srtp_errors == 0
        health = palabre_server.health()
        assert health["participants"] == 2 and health["media_connections"] == 4
        assert "Traceback" not in palabre_server.log()
    finally:
        await a.leave()
        await b.leave()


async def test_unknown_peer_cannot_use_a_participants_ufrag(palabre_server):
    """A STUN check with a real ufrag but the wrong password never binds the sender's address."""
    clip = load_clip()
    (a,) = await start_bots(palabre_server.ws_url, "hijack", 1, clip)
    watcher = Bot(palabre_server.ws_url, "hijack", "watcher")
    await watcher.join()
    try:
        await until(lambda: received_from(watcher, a, "audio") > 0)
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(0.5)
        sock.bind(("127.0.0.1", 0))
        sock.sendto(
            _valid_binding_request(watcher.subscribe_transport.remote_ufrag),
            ("127.0.0.1", palabre_server.media_port),
        )
        with pytest.raises(TimeoutError):
            sock.recvfrom(2000)  # no STUN answer, and no media redirected to us
        sock.close()
        before = received_from(watcher, a, "audio")
        await asyncio.sleep(0.5)
        assert received_from(watcher, a, "audio") > before
    finally:
        await a.leave()
        await watcher.leave()
