"""The Python cost of DownTrack.forward, with and without transport-wide sequence numbers.

A micro-benchmark of the hot path alone: one published VP8 track forwarded to 10 subscribers
whose SRTP and socket are stand-ins that do nothing, so what is timed is the Python work per
forwarded packet (header rewrite, and with transport-cc the sequence number and the record
the estimator keeps until feedback comes). The whole server's cost per packet, SRTP and
sendto included, is bench/forward.py's.

Then the same with real sockets (SRTP still a stand-in): each subscriber's path sends to a
UDP socket of its own on loopback, per packet with uvloop's transport.sendto as before
batching (`sendto`), or through the media socket's send queue (palabre.media.batchio)
flushed after each batch of 32 incoming packets, as the transport flushes after each
recvmmsg: with sendto loops (`python`), sendmmsg (`sendmmsg`) and sendmmsg with UDP GSO
(`gso`). Wall and CPU time (user + system: on loopback the kernel's receive work runs in the
sender's time too) per forwarded packet; the receivers are drained between batches, untimed.
The clip's video packets are all of one size, GSO's best case (a real frame's last packet is
shorter, and audio packets vary).

    .venv/bin/python bench/forward_path.py [--packets 200000] [--no-sockets]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import time
from collections.abc import Callable
from typing import Any, cast

from palabre.media import batchio, rtp
from palabre.media.bwe import Estimator
from palabre.media.connection import MediaConnection
from palabre.media.track import DownTrack, Track
from palabre.media.transport import UdpPath

KEYFRAME = bytes([0x90, 0x80, 0x05, 0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A]) + bytes(1000)
DELTA = bytes([0x90, 0x80, 0x06, 0x31, 0x02, 0x00]) + bytes(1000)


class _Nothing:
    """SRTP and path stand-ins: protect returns the packet, send drops it."""

    def protect(self, packet: bytes) -> bytes:
        return packet

    def send(self, data: bytes) -> None:
        pass


class _Connection:
    """A connected MediaConnection as far as DownTrack sees it: its own send_rtp (so that
    what is timed is the real code), over the stand-ins."""

    send_rtp = MediaConnection.send_rtp

    def __init__(self) -> None:
        self.srtp = self.path = _Nothing()
        self.connected = True
        self.errors = 0


def measure(twcc: bool, packets: int, subscribers: int = 10) -> float:
    """Microseconds of Python per forwarded packet."""
    track = Track("t", "p", "video", "camera", "0", 0xAAAA, 96, 90000, lambda _t, _l: None)
    for _ in range(subscribers):
        down = DownTrack(track, cast(MediaConnection, _Connection()), "0", 96)
        down.active = True
        if twcc:
            down.twcc = Estimator()
            down.twcc_element = 5 << 4 | 1
        track.downtracks.append(down)
    track.request_keyframe()
    for seq, payload in enumerate((KEYFRAME, DELTA)):
        packet = rtp.build_packet(96, seq, 3000 * seq, 0xAAAA, payload)
        track.receive(packet, packet[0], packet[1], seq, 3000 * seq, 12)
    start = time.perf_counter()
    for i in range(2, packets // subscribers):
        track.receive(packet, packet[0], packet[1], i & 0xFFFF, 3000 * i, 12)
    return (time.perf_counter() - start) / packets * 1e6


class _SendtoPath:
    """UdpPath before batching: one uvloop transport.sendto per packet."""

    __slots__ = ("address", "sendto")

    def __init__(self, transport: Any, address: tuple[str, int]) -> None:
        self.address = address
        self.sendto = transport.sendto

    def send(self, data: bytes) -> None:
        self.sendto(data, self.address)


class _SocketConnection(_Connection):
    def __init__(self, path: object) -> None:
        super().__init__()
        self.path = path


MODES = ("sendto", "python", "sendmmsg", "gso")


def measure_sockets(
    mode: str, packets: int, subscribers: int = 10, batch: int = 32
) -> tuple[float, float]:
    """(wall, CPU) microseconds per forwarded packet, sent to real sockets."""
    try:
        import uvloop

        loop = uvloop.new_event_loop()
    except ImportError:  # pragma: no cover
        loop = asyncio.new_event_loop()
    sinks = []
    for _ in range(subscribers):
        sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sink.bind(("127.0.0.1", 0))
        sink.setblocking(False)
        try:
            sink.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", 33), 8 << 20)
        except OSError:
            sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        sinks.append(sink)
    flush: Callable[[], None] = lambda: None  # noqa: E731
    paths: list[object]
    closing: list[Any] = []
    if mode == "sendto":
        transport, _ = loop.run_until_complete(
            loop.create_datagram_endpoint(asyncio.DatagramProtocol, local_addr=("127.0.0.1", 0))
        )
        closing.append(transport)
        paths = [_SendtoPath(transport, s.getsockname()) for s in sinks]
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        closing.append(sock)
        sender = batchio.Sender(sock, loop, use_native=mode != "python", gso=mode == "gso")
        if mode != "python" and sender.native is None:
            raise SystemExit("palabre.media.mmsg is not built")
        paths = [UdpPath(sender, s.getsockname()) for s in sinks]
        flush = sender.flush
    drain = [batchio.receiver(s) for s in sinks]
    track = Track("t", "p", "video", "camera", "0", 0xAAAA, 96, 90000, lambda _t, _l: None)
    for path in paths:
        down = DownTrack(track, cast(MediaConnection, _SocketConnection(path)), "0", 96)
        down.active = True
        track.downtracks.append(down)
    track.request_keyframe()
    for seq, payload in enumerate((KEYFRAME, DELTA)):
        packet = rtp.build_packet(96, seq, 3000 * seq, 0xAAAA, payload)
        track.receive(packet, packet[0], packet[1], seq, 3000 * seq, 12)
    flush()
    wall = cpu = 0.0
    incoming = packets // subscribers
    received = 0
    for first in range(2, incoming, batch):
        start, start_cpu = time.perf_counter(), time.process_time()
        for i in range(first, min(first + batch, incoming)):
            track.receive(packet, packet[0], packet[1], i & 0xFFFF, 3000 * i, 12)
        flush()
        wall += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        for read in drain:
            while got := read(64):
                received += len(got)
    for resource in [*closing, *sinks]:
        resource.close()
    loop.close()
    if received < (incoming - 2) * subscribers * 0.99:
        print(f"  ({mode}: only {received} of {(incoming - 2) * subscribers} arrived)")
    forwarded = (incoming - 2) * subscribers
    return wall / forwarded * 1e6, cpu / forwarded * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packets", type=int, default=200_000)
    parser.add_argument(
        "--no-sockets", action="store_true", help="only the stand-ins, not the real sockets"
    )
    args = parser.parse_args()
    for run in (1, 2, 3):
        plain = measure(False, args.packets)
        with_twcc = measure(True, args.packets)
        print(
            f"run {run}: {plain:.2f} µs per forwarded packet, {with_twcc:.2f} with transport-cc "
            f"(+{with_twcc - plain:.2f})"
        )
    if args.no_sockets:
        return
    modes = [m for m in MODES if batchio.native is not None or m in ("sendto", "python")]
    for run in (1, 2, 3):
        figures = [(mode, *measure_sockets(mode, args.packets)) for mode in modes]
        print(
            f"run {run}, to sockets: "
            + ", ".join(f"{mode} {wall:.2f} µs ({cpu:.2f} CPU)" for mode, wall, cpu in figures)
            + " per forwarded packet"
        )


if __name__ == "__main__":
    main()
