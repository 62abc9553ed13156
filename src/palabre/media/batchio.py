"""Batched UDP I/O for the media socket: one system call for many datagrams.

The media port's packets leave through a `Sender`: `send` queues a datagram, and the queue
is flushed once per event-loop iteration (scheduled on the first packet queued, or right
after a batch of received packets) with sendmmsg(2). Received packets come in batches of up
to RECEIVE_BATCH per readiness event, read with recvmmsg(2). The C module palabre.media.mmsg
(built by setup.py where a compiler is) makes those calls; without it the same logic runs on
sendto and recvfrom loops, packet for packet the same datagrams, in the same order to each
destination (tests/media/test_batchio.py checks that both paths agree).

UDP GSO (UDP_SEGMENT): with the C module, a flush groups each destination's packets
together (a stable sort by destination: only packets to different destinations change
places), and a run of packets of one size to one destination, the last possibly shorter,
leaves as one GSO message that the kernel (or the network card) splits into those same
datagrams. It applies to video: a frame's RTP packets are cut to one size (the last is the
rest), and a subscriber gets several of them per flush when a batch of received packets holds
a frame or a burst of retransmissions; audio packets, one per publisher and 20 ms, vary in
size and mostly go alone. A GSO message that the kernel refuses (a device without checksum
offload, a path whose MTU is smaller than a segment) is sent again packet by packet, and GSO
stays off from then on.

PALABRE_MEDIA_IO=python selects the pure-Python path, PALABRE_UDP_GSO=0 turns GSO off (both
for measurements: bench/RESULTS.md).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections import Counter
from collections.abc import Callable
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)

RECEIVE_BATCH = 32
# While the socket is full (EAGAIN), packets wait in the queue up to this many; past it they
# are dropped, as the kernel drops on a full buffer, and counted.
MAX_QUEUED = 8192

Address = tuple[Any, ...]


def _load_native() -> ModuleType | None:
    if os.environ.get("PALABRE_MEDIA_IO", "").lower() == "python":
        return None
    try:
        from . import mmsg
    except ImportError:
        return None
    return mmsg


native = _load_native()


def python_sendmmsg(
    sock: socket.socket, packets: list[bytes], addresses: list[Address], start: int
) -> int:
    """The pure-Python twin of mmsg.sendmmsg (without GSO): sendto from `start` until the
    socket is full; the index of the first packet not sent. An error on the first packet
    raises; on a later one, the index of that packet (the next call raises)."""
    sendto = sock.sendto
    index = start
    end = len(packets)
    while index < end:
        try:
            sendto(packets[index], addresses[index])
        except (BlockingIOError, InterruptedError) as exc:
            if isinstance(exc, InterruptedError):
                continue
            break
        except OSError:
            if index > start:
                break
            raise
        index += 1
    return index


def python_recvmmsg(sock: socket.socket, limit: int) -> list[tuple[bytes, Address]]:
    """The pure-Python twin of mmsg.recvmmsg: up to `limit` datagrams waiting in the socket."""
    received: list[tuple[bytes, Address]] = []
    recvfrom = sock.recvfrom
    while len(received) < limit:
        try:
            received.append(recvfrom(65536))
        except InterruptedError:
            continue
        except BlockingIOError:
            break
        except OSError:
            if received:
                break
            raise
    return received


class Sender:
    """The send queue of one non-blocking UDP socket, flushed once per loop iteration."""

    def __init__(
        self,
        sock: socket.socket,
        loop: asyncio.AbstractEventLoop,
        *,
        use_native: bool = True,
        gso: bool | None = None,
        on_error: Callable[[OSError], None] | None = None,
        drops: Counter[str] | None = None,
    ) -> None:
        self._sock = sock
        self._fd = sock.fileno()
        self._loop = loop
        self._family = sock.family
        self.native = native if use_native else None
        if gso is None:
            gso = os.environ.get("PALABRE_UDP_GSO", "1") != "0"
        self.gso = bool(gso and self.native is not None and self.native.gso_supported(self._fd))
        self._packets: list[bytes] = []
        self._addresses: list[object] = []
        self._scheduled = False
        self._waiting = False  # for the socket to become writable again
        self._on_error = on_error
        # The transport's drop counts (the statistics' packets_dropped:<reason>).
        self._drops: Counter[str] = Counter() if drops is None else drops
        self.dropped = 0
        self.errors = 0
        self.flushes = 0
        self.closed = False

    @property
    def mode(self) -> str:
        if self.native is None:
            return "sendto/recvfrom (pure Python)"
        return "sendmmsg/recvmmsg" + (" + UDP GSO" if self.gso else "")

    def destination(self, address: Address) -> object:
        """What `send` takes for `address`: computed once per path (the C path packs the
        struct sockaddr, so no packet parses an address)."""
        if self.native is None:
            return address
        packed: bytes = self.native.pack_address(self._family, tuple(address))
        return packed

    def send(self, data: bytes, destination: object) -> None:
        if self._waiting:
            if len(self._packets) >= MAX_QUEUED:
                self.dropped += 1
                self._drops["send_queue_full"] += 1
                return
        elif not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self.flush)
        self._packets.append(data)
        self._addresses.append(destination)

    def hold(self) -> None:
        """The caller flushes itself when it is done sending (after a batch of received
        packets): nothing to schedule meanwhile."""
        self._scheduled = True

    @property
    def queued(self) -> int:
        return len(self._packets)

    def flush(self) -> None:
        """Send what is queued; what the socket does not take waits for it to be writable."""
        self._scheduled = False
        if self.closed:  # what connections still send after close goes nowhere
            self._packets.clear()
            self._addresses.clear()
            return
        if self._waiting or not self._packets:
            return
        self.flushes += 1
        packets, addresses = self._packets, self._addresses
        end = len(packets)
        index = 0
        native = self.native
        while index < end:
            gso = self.gso
            try:
                if native is not None:
                    sent: int = native.sendmmsg(self._fd, packets, addresses, index, gso)
                else:
                    sent = python_sendmmsg(self._sock, packets, addresses, index)  # type: ignore[arg-type]
            except OSError as exc:
                if gso:
                    retried = self._without_gso(packets, addresses, index, exc)
                    if retried == index:  # the socket is full
                        break
                    index = retried
                else:
                    self._error(exc)
                    index += 1  # that packet is lost, as if the network had dropped it
                continue
            if sent == index:  # the socket is full (EAGAIN)
                break
            index = sent
        if index >= end:
            packets.clear()
            addresses.clear()
        else:
            del packets[:index]
            del addresses[:index]
            self._waiting = True
            self._loop.add_writer(self._fd, self._writable)

    def _without_gso(
        self, packets: list[bytes], addresses: list[object], index: int, exc: OSError
    ) -> int:
        """A GSO message failed: try its first packet alone. If that goes, the kernel refused
        GSO itself, and it stays off; if not, the destination refused that packet."""
        assert self.native is not None
        try:
            sent: int = self.native.sendmmsg(
                self._fd, [packets[index]], [addresses[index]], 0, False
            )
        except OSError:
            self._error(exc)
            return index + 1
        if sent:
            log.info("UDP GSO refused by the kernel (%s): sending packet by packet", exc)
            self.gso = False
            return index + 1
        return index  # the socket is full

    def _error(self, exc: OSError) -> None:
        self.errors += 1
        self._drops["send_error"] += 1
        if self._on_error is not None:
            self._on_error(exc)

    def _writable(self) -> None:
        self._loop.remove_writer(self._fd)
        self._waiting = False
        self.flush()

    def close(self) -> None:
        """Send what can still go, and stop."""
        if self._waiting:
            self._loop.remove_writer(self._fd)
            self._waiting = False
        self.flush()
        self.closed = True
        self._packets.clear()
        self._addresses.clear()


def receiver(sock: socket.socket, *, use_native: bool = True) -> Callable[[int], list[Any]]:
    """A function reading up to n datagrams waiting in `sock`: [(data, address), ...]."""
    module = native if use_native else None
    if module is None:
        return lambda limit: python_recvmmsg(sock, limit)
    fd = sock.fileno()
    recvmmsg = module.recvmmsg
    return lambda limit: recvmmsg(fd, limit)


__all__ = [
    "MAX_QUEUED",
    "RECEIVE_BATCH",
    "Sender",
    "native",
    "python_recvmmsg",
    "python_sendmmsg",
    "receiver",
]
