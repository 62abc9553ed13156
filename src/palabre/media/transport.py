"""The media sockets: one UDP port and one ICE-TCP port shared by every connection.

Incoming packets are demultiplexed as RFC 7983 says: STUN by its first byte, then by the
USERNAME's local ufrag to a connection; everything else by the source address (or TCP stream)
that a connection has validated with a STUN check. Anything else is dropped.

The UDP socket is read and written in batches (batchio.py): up to RECEIVE_BATCH datagrams per
readiness event with recvmmsg, and what the connections send during one event-loop
iteration leaves in one sendmmsg, with UDP GSO where one destination gets several packets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Protocol

from . import batchio, pressure, stun

log = logging.getLogger(__name__)

_TCP_FRAME = struct.Struct("!H")
_MAX_TCP_BUFFER = 256 * 1024
SOCKET_BUFFER = 4 * 1024 * 1024


class Path(Protocol):
    """Where a connection's packets go: a UDP address or an ICE-TCP stream."""

    protocol: str

    def send(self, data: bytes) -> None: ...


class Endpoint(Protocol):
    """What the transport hands packets to: a media connection (connection.py), found by the
    ufrag of its STUN requests and then by the path they came on."""

    ufrag: str
    # Under overload (overload.NO_VIDEO), the payload types of its RTP to drop unread.
    shed_payload_types: frozenset[int]

    def handle_binding(
        self, request: stun.Message, address: tuple[str, int], tcp: Path | None
    ) -> None: ...

    def handle_packet(self, data: bytes) -> None: ...

    def path_closed(self, path: Path) -> None: ...


class UdpPath:
    """A peer's address on the media port: its packets join the socket's send queue."""

    __slots__ = ("_destination", "_queue", "address", "protocol")

    def __init__(self, sender: batchio.Sender, address: tuple[str, int]) -> None:
        self.protocol = "udp"
        self.address = address
        self._queue = sender.send
        self._destination = sender.destination(address)

    def send(self, data: bytes) -> None:
        self._queue(data, self._destination)


class TcpPath:
    """An ICE-TCP stream (RFC 6544) with RFC 4571 framing: a 16-bit length before each packet."""

    __slots__ = ("address", "protocol", "writer")

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.protocol = "tcp"
        self.writer = writer
        self.address: tuple[str, int] = writer.get_extra_info("peername")[:2]

    def send(self, data: bytes) -> None:
        transport = self.writer.transport
        # A stalled reader must not grow our memory without bound: drop, as UDP would.
        if transport.is_closing() or transport.get_write_buffer_size() > _MAX_TCP_BUFFER:
            return
        self.writer.write(_TCP_FRAME.pack(len(data)) + data)


class MediaTransport:
    def __init__(self) -> None:
        self._by_ufrag: dict[str, Endpoint] = {}
        self._by_path: dict[object, Endpoint] = {}
        self.udp: socket.socket | None = None
        self.sender: batchio.Sender | None = None
        self._receive: Callable[[int], list[tuple[bytes, tuple[str, int]]]] | None = None
        self.tcp_server: asyncio.Server | None = None
        self._tcp_paths: set[TcpPath] = set()
        self.dropped: Counter[str] = Counter()
        # Overloaded (overload.py): RTP waits until the control packets read with it (STUN,
        # DTLS, RTCP) are handled, and RTP of a payload type shed is dropped unread.
        self.media_later = False
        self._deferred: list[tuple[Endpoint, bytes]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self.shed = 0  # RTP packets dropped unread under overload

    # --- sockets ---

    async def start(self, host: str, udp_port: int, tcp_port: int | None) -> None:
        loop = asyncio.get_running_loop()
        sock = await _bind_udp(loop, host, udp_port)
        self.udp = sock
        self._loop = loop
        self.sender = batchio.Sender(sock, loop, on_error=self.error_received, drops=self.dropped)
        self._receive = batchio.receiver(sock)
        loop.add_reader(sock.fileno(), self._readable)
        log.info("media UDP socket I/O: %s", self.sender.mode)
        # Keyframe bursts from many publishers at once: room to send (the kernel caps it at
        # net.core.wmem_max). The receive buffer is sized for ~100 ms of packets, not seconds
        # (overload.receive_buffer_size; the SFU resizes it as the packet rate changes).
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_BUFFER)
        self.set_receive_buffer(pressure.initial_receive_buffer())
        if tcp_port is not None:
            self.tcp_server = await asyncio.start_server(self._serve_tcp, host, tcp_port)

    def set_receive_buffer(self, size: int) -> int:
        """Set SO_RCVBUF to `size` (the kernel doubles it); what the socket has now."""
        sock = self.socket
        return 0 if sock is None else pressure.set_receive_buffer(sock, size)

    @property
    def socket(self) -> socket.socket | None:
        return self.udp

    @property
    def udp_port(self) -> int:
        assert self.udp is not None
        port: int = self.udp.getsockname()[1]
        return port

    @property
    def tcp_port(self) -> int | None:
        if self.tcp_server is None:
            return None
        port: int = self.tcp_server.sockets[0].getsockname()[1]
        return port

    async def close(self) -> None:
        if self.udp is not None:
            if self.sender is not None:
                self.sender.close()
            if self.udp.fileno() >= 0:
                asyncio.get_running_loop().remove_reader(self.udp.fileno())
            self.udp.close()
        if self.tcp_server is not None:
            self.tcp_server.close()
            for path in list(self._tcp_paths):
                path.writer.close()
            with contextlib.suppress(Exception):
                await self.tcp_server.wait_closed()

    def error_received(self, exc: Exception) -> None:
        # ICMP errors (a participant's port closed) surface here; consent expiry handles them.
        log.debug("UDP error: %s", exc)

    # --- registry ---

    def register(self, connection: Endpoint) -> None:
        self._by_ufrag[connection.ufrag] = connection

    def unregister(self, connection: Endpoint) -> None:
        if self._by_ufrag.get(connection.ufrag) is connection:
            del self._by_ufrag[connection.ufrag]
        for key in [k for k, c in self._by_path.items() if c is connection]:
            del self._by_path[key]
            if isinstance(key, TcpPath):
                key.writer.close()

    def rename(self, connection: Endpoint, old_ufrag: str) -> None:
        if self._by_ufrag.get(old_ufrag) is connection:
            del self._by_ufrag[old_ufrag]
        self._by_ufrag[connection.ufrag] = connection

    def bind_path(self, key: object, connection: Endpoint) -> None:
        self._by_path[key] = connection

    def udp_path(self, address: tuple[str, int]) -> UdpPath:
        assert self.sender is not None
        return UdpPath(self.sender, address)

    @property
    def connection_count(self) -> int:
        return len(self._by_ufrag)

    # --- receiving ---

    def _readable(self) -> None:
        """A batch of datagrams, then one flush of what they made the connections send."""
        assert self._receive is not None and self.sender is not None
        try:
            batch = self._receive(batchio.RECEIVE_BATCH)
        except OSError as exc:
            self.error_received(exc)
            return
        sender = self.sender
        sender.hold()
        try:
            if self.media_later:
                self.datagrams_received(batch)  # overloaded: control packets first
            else:
                received = self.datagram_received
                for data, addr in batch:
                    received(data, addr)
        finally:
            sender.flush()

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        connection = self._by_path.get(addr)
        if connection is not None and data and data[0] > 3:
            if self.media_later and self._later(connection, data):
                return
            connection.handle_packet(data)
        elif stun.is_stun(data):
            self._handle_stun(data, addr, None)
        else:
            self.dropped["unknown_source"] += 1

    def datagrams_received(self, datagrams: Iterable[tuple[bytes, tuple[str, int]]]) -> None:
        """Datagrams read together (a batched read): under overload the control packets
        among them first, then their media."""
        for data, addr in datagrams:
            self.datagram_received(data, addr)
        if self._deferred:
            self._flush()

    def _later(self, connection: Endpoint, data: bytes) -> bool:
        """Overloaded: True if this packet is RTP (RFC 7983: first byte 128-191, and not an
        RTCP packet type, RFC 5761), dropped when its payload type is shed, else kept for
        after the control packets read with it; False for DTLS and RTCP, handled now."""
        if data[0] < 128 or data[0] > 191 or len(data) < 12 or 192 <= data[1] <= 223:
            return False
        if data[1] & 0x7F in connection.shed_payload_types:
            self.shed += 1
            return True
        if self._loop is None:
            return False  # not started (a unit test's transport): nothing would flush
        deferred = self._deferred
        deferred.append((connection, data))
        if len(deferred) == 1:
            # After the datagrams of this read (the event loop reads a socket's datagrams in
            # a burst, then runs what was scheduled).
            self._loop.call_soon(self._flush)
        return True

    def _flush(self) -> None:
        deferred, self._deferred = self._deferred, []
        for connection, data in deferred:
            connection.handle_packet(data)

    def _handle_stun(self, data: bytes, addr: tuple[str, int], tcp: TcpPath | None) -> None:
        message = stun.parse(data)
        if (
            message is None
            or message.message_method != stun.Method.BINDING
            or message.message_class != stun.Class.REQUEST
        ):
            self.dropped["stun"] += 1
            return
        username = message.attributes.get("USERNAME")
        if not isinstance(username, str):
            self.dropped["stun"] += 1
            return
        connection = self._by_ufrag.get(username.split(":", 1)[0])
        if connection is None:
            self.dropped["stun_unknown_ufrag"] += 1
            return
        if tcp is not None:
            connection.handle_binding(message, tcp.address, tcp)
        else:
            connection.handle_binding(message, addr, None)

    async def _serve_tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        path = TcpPath(writer)
        self._tcp_paths.add(path)
        try:
            while True:
                header = await reader.readexactly(2)
                (length,) = _TCP_FRAME.unpack(header)
                data = await reader.readexactly(length)
                connection = self._by_path.get(path)
                if connection is not None and data and data[0] > 3:
                    connection.handle_packet(data)
                elif stun.is_stun(data):
                    self._handle_stun(data, path.address, path)
                else:
                    self.dropped["unknown_source"] += 1
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._tcp_paths.discard(path)
            connection = self._by_path.pop(path, None)
            if connection is not None:
                connection.path_closed(path)
            writer.close()


async def _bind_udp(loop: asyncio.AbstractEventLoop, host: str, port: int) -> socket.socket:
    """A non-blocking UDP socket bound to (host, port), as create_datagram_endpoint binds:
    the first address getaddrinfo gives that binds."""
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_DGRAM, proto=socket.IPPROTO_UDP)
    error: OSError | None = None
    for family, kind, proto, _, address in infos:
        sock = socket.socket(family, kind, proto)
        try:
            sock.setblocking(False)
            sock.bind(address)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        return sock
    raise error or OSError(f"no address to bind for {host!r}")
