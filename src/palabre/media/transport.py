"""The media sockets: one UDP port and one ICE-TCP port shared by every connection.

Incoming packets are demultiplexed as RFC 7983 says: STUN by its first byte, then by the
USERNAME's local ufrag to a connection; everything else by the source address (or TCP stream)
that a connection has validated with a STUN check. Anything else is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
from collections import Counter
from typing import Protocol

from . import stun

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

    def handle_binding(
        self, request: stun.Message, address: tuple[str, int], tcp: Path | None
    ) -> None: ...

    def handle_packet(self, data: bytes) -> None: ...

    def path_closed(self, path: Path) -> None: ...


class UdpPath:
    __slots__ = ("address", "protocol", "sendto")

    def __init__(self, transport: asyncio.DatagramTransport, address: tuple[str, int]) -> None:
        self.protocol = "udp"
        self.address = address
        self.sendto = transport.sendto

    def send(self, data: bytes) -> None:
        self.sendto(data, self.address)


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


class MediaTransport(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self._by_ufrag: dict[str, Endpoint] = {}
        self._by_path: dict[object, Endpoint] = {}
        self.udp: asyncio.DatagramTransport | None = None
        self.tcp_server: asyncio.Server | None = None
        self._tcp_paths: set[TcpPath] = set()
        self.dropped: Counter[str] = Counter()

    # --- sockets ---

    async def start(self, host: str, udp_port: int, tcp_port: int | None) -> None:
        loop = asyncio.get_running_loop()
        udp, _ = await loop.create_datagram_endpoint(lambda: self, local_addr=(host, udp_port))
        self.udp = udp
        sock = udp.get_extra_info("socket")
        for option in (socket.SO_RCVBUF, socket.SO_SNDBUF):
            # Keyframe bursts from many publishers at once: ask for room (the kernel caps it
            # at net.core.rmem_max / wmem_max, which operators raise for large meetings).
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, option, SOCKET_BUFFER)
        if tcp_port is not None:
            self.tcp_server = await asyncio.start_server(self._serve_tcp, host, tcp_port)

    @property
    def udp_port(self) -> int:
        assert self.udp is not None
        port: int = self.udp.get_extra_info("sockname")[1]
        return port

    @property
    def tcp_port(self) -> int | None:
        if self.tcp_server is None:
            return None
        port: int = self.tcp_server.sockets[0].getsockname()[1]
        return port

    async def close(self) -> None:
        if self.udp is not None:
            self.udp.close()
        if self.tcp_server is not None:
            self.tcp_server.close()
            for path in list(self._tcp_paths):
                path.writer.close()
            with contextlib.suppress(Exception):
                await self.tcp_server.wait_closed()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's UDP transport is not a subclass of asyncio.DatagramTransport.
        self.udp = transport  # type: ignore[assignment]

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
        assert self.udp is not None
        return UdpPath(self.udp, address)

    @property
    def connection_count(self) -> int:
        return len(self._by_ufrag)

    # --- receiving ---

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        connection = self._by_path.get(addr)
        if connection is not None and data and data[0] > 3:
            connection.handle_packet(data)
        elif stun.is_stun(data):
            self._handle_stun(data, addr, None)
        else:
            self.dropped["unknown_source"] += 1

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
