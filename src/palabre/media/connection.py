"""One WebRTC transport seen from the server: ICE-lite checks, DTLS handshake, SRTP.

A participant has two of these (publish and subscribe). Each is found by its ICE ufrag and
then by the addresses its STUN checks validated.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

import pylibsrtp

from . import stun
from .dtls import Certificate, DtlsEndpoint, DtlsError, Role
from .scheduler import LoopScheduler, Scheduler, Timer
from .sdp import RemoteTransport, SdpError
from .srtp import SrtpContext

if TYPE_CHECKING:
    from .transport import MediaTransport, Path

log = logging.getLogger(__name__)

_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"


def random_ice_string(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


class MediaConnection:
    def __init__(
        self,
        transport: MediaTransport,
        certificate: Certificate,
        *,
        on_rtp: Callable[[bytes], None],
        on_rtcp: Callable[[bytes], None],
        on_connected: Callable[[], None],
        scheduler: Scheduler | None = None,
    ) -> None:
        self._transport = transport
        self._scheduler = LoopScheduler() if scheduler is None else scheduler
        self._certificate = certificate
        self.ufrag = random_ice_string(8)
        self.pwd = random_ice_string(24)
        self._pwd_bytes = self.pwd.encode()
        self.remote: RemoteTransport | None = None
        self.dtls: DtlsEndpoint | None = None
        self.srtp: SrtpContext | None = None
        self.path: Path | None = None
        self._paths: dict[object, Path] = {}
        self.created = self._scheduler.time()
        self.last_consent: float | None = None
        self.negotiated_at: float | None = None
        self.closed = False
        # SRTP keys and a path, and not closed: what the forward path checks per packet, so
        # kept up to date (_update_connected) rather than computed each time.
        self.connected = False
        self._on_rtp = on_rtp
        self._on_rtcp = on_rtcp
        self._on_connected = on_connected
        self._dtls_timer: Timer | None = None
        self.errors = 0
        self.shed_payload_types: frozenset[int] = frozenset()  # overload.NO_VIDEO: drop these
        transport.register(self)

    def _update_connected(self) -> None:
        self.connected = self.srtp is not None and self.path is not None and not self.closed

    def restart_ice(self) -> None:
        """New local ICE credentials (RFC 8445 section 9): STUN checks must use them, so the
        peer's agent checks its paths anew; media goes on the current path meanwhile."""
        old = self.ufrag
        self.ufrag = random_ice_string(8)
        self.pwd = random_ice_string(24)
        self._pwd_bytes = self.pwd.encode()
        self._transport.rename(self, old)

    def set_remote(self, remote: RemoteTransport, *, answering: bool = True) -> None:
        """Apply the peer's transport parameters from its SDP: its offer (`answering`), or
        its answer to ours."""
        if remote.setup == "passive":
            raise SdpError("the server is the DTLS server: use setup active or actpass")
        if self.remote is not None and remote.fingerprint != self.remote.fingerprint:
            raise SdpError("the DTLS fingerprint cannot change within a session")
        restarted = self.remote is not None and remote.ice_ufrag != self.remote.ice_ufrag
        if restarted and answering:
            # ICE restart by the offerer (RFC 8445 section 9): the answerer picks new
            # credentials too. (As the offerer, ours changed already: restart_ice.)
            self.restart_ice()
        self.remote = remote
        if self.negotiated_at is None:
            self.negotiated_at = self._scheduler.time()
        if self.dtls is None:
            self.dtls = DtlsEndpoint(self._certificate, Role.SERVER, remote.fingerprint)

    # --- ICE-lite ---

    def handle_binding(
        self, request: stun.Message, address: tuple[str, int], tcp: Path | None
    ) -> None:
        if self.closed or not request.check_message_integrity(self._pwd_bytes):
            self._transport.dropped["stun_integrity"] += 1
            return
        key: object = tcp if tcp is not None else address
        path = self._paths.get(key)
        if path is None:
            path = tcp if tcp is not None else self._transport.udp_path(address)
            self._paths[key] = path
            self._transport.bind_path(key, self)
        path.send(stun.binding_success(request, address, self._pwd_bytes))
        self.last_consent = self._scheduler.time()
        # ICE-lite: the controlling peer nominates; until it does, use the first valid path.
        if self.path is None or "USE-CANDIDATE" in request.attributes:
            self.path = path
            self._update_connected()

    def path_closed(self, path: Path) -> None:
        self._paths = {k: p for k, p in self._paths.items() if p is not path}
        if self.path is path:
            self.path = next(iter(self._paths.values()), None)
            self._update_connected()

    # --- DTLS and SRTP ---

    def handle_packet(self, data: bytes) -> None:
        """A non-STUN packet from a validated path."""
        first = data[0]
        if first >= 128:
            srtp = self.srtp
            if srtp is None or first > 191 or len(data) < 12:
                return
            rtcp = 192 <= data[1] <= 223
            try:
                plain = srtp.unprotect_rtcp(data) if rtcp else srtp.unprotect(data)
            except pylibsrtp.Error:
                # Wrong keys, replays and forgeries all end here.
                self.errors += 1
                return
            if rtcp:
                self._on_rtcp(plain)
            else:
                self._on_rtp(plain)
        elif 20 <= first <= 63:
            self._handle_dtls(data)

    def _handle_dtls(self, data: bytes) -> None:
        if self.dtls is None:
            return
        try:
            out = self.dtls.receive(data)
        except DtlsError as exc:
            log.info("DTLS failed: %s", exc)
            self.errors += 1
            return
        self._send_all(out)
        if self.dtls.connected and self.srtp is None:
            try:
                self.srtp = SrtpContext(self.dtls.srtp_keys())
            except DtlsError as exc:
                log.info("SRTP setup failed: %s", exc)
                return
            self._update_connected()
            self._on_connected()
        self._arm_dtls_timer()

    def _arm_dtls_timer(self) -> None:
        if self._dtls_timer is not None:
            self._dtls_timer.cancel()
            self._dtls_timer = None
        timeout = self.dtls.timeout() if self.dtls else None
        if timeout is not None and not self.closed:
            self._dtls_timer = self._scheduler.call_later(max(timeout, 0.01), self._on_dtls_timer)

    def _on_dtls_timer(self) -> None:
        self._dtls_timer = None
        if self.dtls is not None:
            self._send_all(self.dtls.handle_timeout())
            self._arm_dtls_timer()

    def _send_all(self, datagrams: list[bytes]) -> None:
        if self.path is not None:
            for datagram in datagrams:
                self.path.send(datagram)

    def send_rtp(self, packet: bytes) -> bool:
        """Protect and send one RTP packet; False if it could not go (not connected, or an
        SRTP error, counted: this connection's problem only, the caller goes on)."""
        srtp, path = self.srtp, self.path
        if srtp is None or path is None:
            return False
        try:
            path.send(srtp.protect(packet))
        except pylibsrtp.Error:
            self.errors += 1
            return False
        return True

    def send_rtcp(self, packet: bytes) -> None:
        srtp, path = self.srtp, self.path
        if srtp is not None and path is not None:
            try:
                path.send(srtp.protect_rtcp(packet))
            except pylibsrtp.Error:
                self.errors += 1

    def close(self) -> None:
        if self.closed:
            return
        if self.dtls is not None:
            self._send_all(self.dtls.close())
        self.closed = True
        if self._dtls_timer is not None:
            self._dtls_timer.cancel()
        self._transport.unregister(self)
        self.srtp = None
        self.path = None
        self.connected = False
        self._paths.clear()
        # The callbacks reach the publisher or subscriber that owns this connection, which
        # holds it: a reference cycle, freed only by a full garbage collection, which a busy
        # server runs rarely (measured: 90 kB of DTLS, SRTP and packet caches kept per
        # departed participant, 18 MiB over 200 join/leave cycles). Dropping them here lets
        # reference counting free everything as soon as the participant is gone.
        self._on_rtp = self._on_rtcp = _ignore
        self._on_connected = _ignore


def _ignore(*_: object) -> None:
    pass


__all__ = ["MediaConnection", "random_ice_string"]
