"""DTLS 1.2 for DTLS-SRTP key exchange (RFC 5764), with pyOpenSSL over memory BIOs.

Memory BIOs let one UDP socket serve every participant: the transport hands each endpoint
the datagrams of its peer, and the endpoint returns the datagrams to send back.
"""

from __future__ import annotations

import datetime
import enum
import hmac
from dataclasses import dataclass
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from OpenSSL import SSL

# Preference order from DESIGN.md: AES-GCM first, then the profile every browser supports.
SRTP_PROFILES = b"SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80"
_MTU = 1200


class Role(enum.Enum):
    SERVER = "server"
    CLIENT = "client"


class DtlsError(Exception):
    pass


class Certificate:
    """A self-signed ECDSA P-256 certificate, identified to peers by its SDP fingerprint."""

    def __init__(self) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "palabre")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256())
        )
        self.x509 = cert
        self.key = key
        digest = cert.fingerprint(hashes.SHA256()).hex().upper()
        self.fingerprint = ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))

    @cache  # noqa: B019 - one context per certificate and role, shared by all connections
    def context(self, role: Role) -> SSL.Context:
        method = SSL.DTLS_SERVER_METHOD if role is Role.SERVER else SSL.DTLS_CLIENT_METHOD
        ctx = SSL.Context(method)
        ctx.use_certificate(self.x509)
        ctx.use_privatekey(self.key)
        # Peers use self-signed certificates; they are authenticated by the SDP fingerprint,
        # checked after the handshake.
        ctx.set_verify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT, lambda *_: True)
        ctx.set_tlsext_use_srtp(SRTP_PROFILES)
        # WebRTC never resumes DTLS sessions; a cache would only hold every past session.
        ctx.set_session_cache_mode(SSL.SESS_CACHE_OFF)
        ctx.set_cipher_list(
            b"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:HIGH:!aNULL"
        )
        return ctx


@dataclass(frozen=True, slots=True)
class SrtpKeys:
    profile: bytes
    local_key: bytes
    local_salt: bytes
    remote_key: bytes
    remote_salt: bytes


_KEY_SALT_LENGTHS = {
    b"SRTP_AEAD_AES_128_GCM": (16, 12),
    b"SRTP_AES128_CM_SHA1_80": (16, 14),
}


class DtlsEndpoint:
    """One side of a DTLS association; feed it datagrams, send what it returns."""

    def __init__(self, certificate: Certificate, role: Role, remote_fingerprint: str) -> None:
        self.role = role
        self.remote_fingerprint = remote_fingerprint.upper()
        self._ssl = SSL.Connection(certificate.context(role), None)
        self._ssl.set_ciphertext_mtu(_MTU)
        if role is Role.SERVER:
            self._ssl.set_accept_state()
        else:
            self._ssl.set_connect_state()
        self.connected = False
        self.closed = False

    def start(self) -> list[bytes]:
        """Begin the handshake (the client sends its ClientHello)."""
        return self._advance()

    def receive(self, datagram: bytes) -> list[bytes]:
        """Take a DTLS record from the peer; return records to send. Raises DtlsError."""
        if self.closed:
            return []
        try:
            self._ssl.bio_write(datagram)
        except SSL.Error as exc:
            raise DtlsError(str(exc)) from exc
        if self.connected:
            # Application data is not used on this association; reading it notices a
            # close_notify from the peer.
            try:
                self._ssl.recv(1500)
            except SSL.ZeroReturnError:
                self.closed = True
            except SSL.WantReadError:
                pass
            except SSL.Error:
                pass
            return self._pending()
        return self._advance()

    def _advance(self) -> list[bytes]:
        try:
            self._ssl.do_handshake()
        except SSL.WantReadError:
            return self._pending()
        except SSL.Error as exc:
            self.closed = True
            raise DtlsError(f"handshake failed: {exc}") from exc
        self._verify_peer()
        self.connected = True
        return self._pending()

    def _verify_peer(self) -> None:
        cert = self._ssl.get_peer_certificate(as_cryptography=True)
        if cert is None:
            raise DtlsError("peer sent no certificate")
        raw = cert.fingerprint(hashes.SHA256()).hex().upper()
        digest = ":".join(raw[i : i + 2] for i in range(0, len(raw), 2))
        if not hmac.compare_digest(digest, self.remote_fingerprint):
            self.closed = True
            raise DtlsError("peer certificate does not match the SDP fingerprint")

    def _pending(self) -> list[bytes]:
        out = []
        while True:
            try:
                data = self._ssl.bio_read(_MTU * 2)
            except SSL.WantReadError:
                break
            if not data:
                break
            out.append(data)
        return out

    def timeout(self) -> float | None:
        """Seconds until a handshake retransmission is due, if one may be."""
        if self.connected or self.closed:
            return None
        value: float | None = self._ssl.DTLSv1_get_timeout()
        return value

    def handle_timeout(self) -> list[bytes]:
        if self.connected or self.closed:
            return []
        self._ssl.DTLSv1_handle_timeout()
        return self._pending()

    def close(self) -> list[bytes]:
        if self.closed:
            return []
        self.closed = True
        if self.connected:
            try:
                self._ssl.shutdown()
            except SSL.Error:
                return []
            return self._pending()
        return []

    def srtp_keys(self) -> SrtpKeys:
        profile = self._ssl.get_selected_srtp_profile()
        if profile not in _KEY_SALT_LENGTHS:
            raise DtlsError(f"no supported SRTP profile negotiated ({profile!r})")
        key_len, salt_len = _KEY_SALT_LENGTHS[profile]
        material = self._ssl.export_keying_material(
            b"EXTRACTOR-dtls_srtp", 2 * (key_len + salt_len)
        )
        client_key = material[:key_len]
        server_key = material[key_len : 2 * key_len]
        client_salt = material[2 * key_len : 2 * key_len + salt_len]
        server_salt = material[2 * key_len + salt_len :]
        if self.role is Role.SERVER:
            return SrtpKeys(profile, server_key, server_salt, client_key, client_salt)
        return SrtpKeys(profile, client_key, client_salt, server_key, server_salt)
