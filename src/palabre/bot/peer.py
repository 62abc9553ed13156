"""The client side of one WebRTC transport: a controlling ICE agent, DTLS and SRTP.

The server is ICE-lite, so the bot only sends checks (with USE-CANDIDATE) to the server's
candidate and keeps sending them as consent freshness. The bot is the DTLS client unless the
remote SDP says a=setup:active (Janus answers an actpass offer so): then it is the server
and waits for the peer's ClientHello.

A benchmark bot receives through `count_rtp()` instead (UDP on Linux).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
from collections.abc import Callable
from typing import Any

import pylibsrtp

from ..media import stun
from ..media.connection import random_ice_string
from ..media.dtls import Certificate, DtlsEndpoint, Role
from ..media.sdp import SessionDescription, remote_transport
from ..media.srtp import SrtpContext
from . import batch

CONSENT_INTERVAL = 1.0
SOCKET_BUFFER = 4 * 1024 * 1024
SO_RCVBUFFORCE, SO_SNDBUFFORCE = 33, 32  # Linux; not exported by the socket module
_CountingSetup = tuple[Callable[[], dict[int, Any]], int, Callable[[bytes, int], None]]


class BotTransport:
    def __init__(
        self,
        certificate: Certificate,
        *,
        protocol: str = "udp",
        on_rtp: Callable[[bytes], None],
        on_rtcp: Callable[[bytes], None],
    ) -> None:
        self.certificate = certificate
        self.protocol = protocol
        self.ufrag = random_ice_string(8)
        self.pwd = random_ice_string(24)
        self._on_rtp = on_rtp
        self._on_rtcp = on_rtcp
        self.remote_ufrag = ""
        self.remote_pwd = b""
        self.server: tuple[str, int] | None = None
        self.dtls: DtlsEndpoint | None = None
        self.srtp: SrtpContext | None = None
        self.connected = asyncio.Event()
        self.consent = True  # tests turn it off to let consent lapse
        self.srtp_errors = 0
        # Tests simulate loss: a packet for which this returns True is dropped unread.
        self.drop: Callable[[bytes], bool] | None = None
        self._udp: asyncio.DatagramTransport | None = None
        self._tcp_writer: asyncio.StreamWriter | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._tie_breaker = random.getrandbits(63)
        self._dtls_started = False
        self._counting: _CountingSetup | None = None  # set by count_rtp
        self._socket: socket.socket | None = None  # the counting path's own socket
        self._counter: batch.Counter | None = None

    def count_rtp(
        self,
        tracks: Callable[[], dict[int, Any]],
        sample_every: int,
        on_sample: Callable[[bytes, int], None],
    ) -> None:
        """Receive as a benchmark bot does (palabre.bot.batch.Counter): count every RTP
        packet of the SSRCs in `tracks()` (SSRC -> ReceivedTrack) from its clear header,
        SRTP-unprotect one in `sample_every` (a power of two, by sequence number) and give
        it to `on_sample` with its kernel arrival time (CLOCK_REALTIME, ns). Decrypting a
        sample is valid: libsrtp estimates each packet's index from its sequence number and
        the last one it authenticated. Call before `start`; UDP on Linux only (elsewhere
        the usual path is kept, and on_sample is not called).
        """
        if sample_every < 1 or sample_every & (sample_every - 1):
            raise ValueError("sample_every must be a power of two")
        self._counting = (tracks, sample_every, on_sample)

    def settle(self) -> None:
        """Bring the received tracks' counts up to date with everything queued on the
        socket now (the counting path only)."""
        if self._counter is not None:
            with contextlib.suppress(OSError):
                self._counter.poll()
            self._counter.settle()

    def local_attributes(self, setup: str) -> list[tuple[str, str | None]]:
        return [
            ("ice-ufrag", self.ufrag),
            ("ice-pwd", self.pwd),
            ("fingerprint", f"sha-256 {self.certificate.fingerprint}"),
            ("setup", setup),
        ]

    async def start(self, remote: SessionDescription) -> None:
        """Connect to the server described by its SDP (first offer or answer)."""
        if self.dtls is not None:
            return
        params = remote_transport(remote)
        self.remote_ufrag, self.remote_pwd = params.ice_ufrag, params.ice_pwd.encode()
        # RFC 5763: the side whose a=setup is active opens the handshake.
        role = Role.SERVER if params.setup == "active" else Role.CLIENT
        self.dtls = DtlsEndpoint(self.certificate, role, params.fingerprint)
        self.server = self._pick_candidate(remote)
        loop = asyncio.get_running_loop()
        if self.protocol == "udp" and self._counting is not None and batch.available():
            family = socket.AF_INET6 if ":" in self.server[0] else socket.AF_INET
            self._socket = socket.socket(family, socket.SOCK_DGRAM)
            self._socket.setblocking(False)
            self._socket.connect(self.server)
            self._buffers(self._socket)
            tracks, sample_every, on_sample = self._counting
            self._counter = batch.Counter(
                self._socket,
                tracks,
                sample_every,
                on_sample,
                fallback=self.datagram,
                srtp=lambda: self.srtp,
                on_error=self._srtp_error,
            )
            batch.poller().add(id(self), self._counter)
        elif self.protocol == "udp":
            self._udp, _ = await loop.create_datagram_endpoint(
                lambda: _UdpProtocol(self), remote_addr=self.server
            )
            self._buffers(self._udp.get_extra_info("socket"))
        else:
            reader, self._tcp_writer = await asyncio.open_connection(*self.server)
            self._tasks.append(asyncio.create_task(self._read_tcp(reader)))
        self._tasks.append(asyncio.create_task(self._checks()))

    @staticmethod
    def _buffers(sock: socket.socket) -> None:
        # Dozens of bots share a process: a slow turn of its loop must not read as loss.
        for force, plain in (
            (SO_RCVBUFFORCE, socket.SO_RCVBUF),
            (SO_SNDBUFFORCE, socket.SO_SNDBUF),
        ):
            try:
                sock.setsockopt(socket.SOL_SOCKET, force, SOCKET_BUFFER)
            except OSError:  # not root: the kernel caps the plain option at rmem_max
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, plain, SOCKET_BUFFER)

    def _pick_candidate(self, remote: SessionDescription) -> tuple[str, int]:
        for section in remote.media:
            for value in section.get_all("candidate"):
                parts = value.split()
                if len(parts) >= 8 and parts[2].lower() == self.protocol:
                    return parts[4], int(parts[5])
        raise ValueError(f"the server offered no {self.protocol} candidate")

    @property
    def local_address(self) -> tuple[str, int] | None:
        """The UDP address this transport sends from (once started)."""
        if self._socket is not None:
            host, port = self._socket.getsockname()[:2]
            return str(host), int(port)
        if self._udp is not None:
            host, port = self._udp.get_extra_info("sockname")[:2]
            return str(host), int(port)
        return None

    def send(self, data: bytes) -> None:
        if self._udp is not None:
            self._udp.sendto(data)
        elif self._socket is not None:
            with contextlib.suppress(BlockingIOError, ConnectionRefusedError, InterruptedError):
                self._socket.send(data)
        elif self._tcp_writer is not None and not self._tcp_writer.is_closing():
            self._tcp_writer.write(struct.pack("!H", len(data)) + data)

    async def _checks(self) -> None:
        """Connectivity checks until the server answers, then consent freshness."""
        while True:
            if self.consent:
                request = stun.binding_request(
                    f"{self.remote_ufrag}:{self.ufrag}",
                    self.remote_pwd,
                    priority=1853817087,
                    tie_breaker=self._tie_breaker,
                    use_candidate=True,
                )
                self.send(bytes(request))
            await asyncio.sleep(
                0.05 if self.dtls is None or not self.dtls.connected else CONSENT_INTERVAL
            )
            if self.dtls is not None and not self.dtls.connected:
                timeout = self.dtls.timeout()
                if timeout is not None and timeout <= 0:
                    for datagram in self.dtls.handle_timeout():
                        self.send(datagram)

    def datagram(self, data: bytes) -> None:
        if not data:
            return
        first = data[0]
        if first < 4:
            message = stun.parse(data)
            if (
                message is not None
                and message.message_class == stun.Class.REQUEST
                and self.server is not None
                and str(message.attributes.get("USERNAME", "")).startswith(f"{self.ufrag}:")
            ):
                # A full ICE agent (libnice in Janus, even ICE-lite) checks back: answer it.
                self.send(stun.binding_success(message, self.server, self.pwd.encode()))
            elif (
                message is not None
                and message.message_class == stun.Class.RESPONSE
                and self.dtls is not None
                and not self.dtls.connected
                and self.dtls.role is Role.CLIENT
                and not self._dtls_started
            ):
                self._dtls_started = True
                for datagram in self.dtls.start():
                    self.send(datagram)
        elif 20 <= first <= 63 and self.dtls is not None:
            for datagram in self.dtls.receive(data):
                self.send(datagram)
            if self.dtls.connected and self.srtp is None:
                self.srtp = SrtpContext(self.dtls.srtp_keys())
                self.connected.set()
        elif 128 <= first <= 191 and self.srtp is not None:
            if self.drop is not None and self.drop(data):
                return
            try:
                if 192 <= data[1] <= 223:
                    self._on_rtcp(self.srtp.unprotect_rtcp(data))
                else:
                    self._on_rtp(self.srtp.unprotect(data))
            except pylibsrtp.Error:
                self.srtp_errors += 1

    def _srtp_error(self) -> None:
        self.srtp_errors += 1

    async def _read_tcp(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                (length,) = struct.unpack("!H", await reader.readexactly(2))
                self.datagram(await reader.readexactly(length))

    def send_rtp(self, packet: bytes) -> None:
        if self.srtp is not None:
            self.send(self.srtp.protect(packet))

    def send_rtcp(self, packet: bytes) -> None:
        if self.srtp is not None:
            self.send(self.srtp.protect_rtcp(packet))

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._udp is not None:
            self._udp.close()
        if self._socket is not None:
            batch.poller().remove(id(self))
            self._socket.close()
        if self._tcp_writer is not None:
            self._tcp_writer.close()


class _UdpProtocol(asyncio.DatagramProtocol):
    def __init__(self, owner: BotTransport) -> None:
        self.owner = owner

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.owner.datagram(data)

    def error_received(self, exc: Exception) -> None:
        pass
