"""DTLS-SRTP key exchange between two endpoints over memory, then SRTP both ways."""

from __future__ import annotations

import pylibsrtp
import pytest

from palabre.media import rtcp, rtp
from palabre.media.dtls import Certificate, DtlsEndpoint, DtlsError, Role, SrtpKeys
from palabre.media.srtp import SrtpContext


@pytest.fixture(scope="module")
def server_cert() -> Certificate:
    return Certificate()


@pytest.fixture(scope="module")
def client_cert() -> Certificate:
    return Certificate()


def handshake(server: DtlsEndpoint, client: DtlsEndpoint, first: list[bytes] | None = None) -> None:
    """Shuttle datagrams until neither side has anything more to say."""
    to_server = client.start() if first is None else first
    for _ in range(20):
        to_client = [out for datagram in to_server for out in server.receive(datagram)]
        to_server = [out for datagram in to_client for out in client.receive(datagram)]
        if not to_server and not to_client:
            break


def connect(server_cert: Certificate, client_cert: Certificate) -> tuple[SrtpKeys, SrtpKeys]:
    server = DtlsEndpoint(server_cert, Role.SERVER, client_cert.fingerprint)
    client = DtlsEndpoint(client_cert, Role.CLIENT, server_cert.fingerprint)
    handshake(server, client)
    assert server.connected and client.connected
    return server.srtp_keys(), client.srtp_keys()


def test_certificate_fingerprint_format(server_cert: Certificate) -> None:
    parts = server_cert.fingerprint.split(":")
    assert len(parts) == 32
    assert all(len(p) == 2 and p == p.upper() for p in parts)
    int("".join(parts), 16)
    assert server_cert.fingerprint != Certificate().fingerprint


def test_handshake_agrees_on_aes_gcm_keys(
    server_cert: Certificate, client_cert: Certificate
) -> None:
    server_keys, client_keys = connect(server_cert, client_cert)
    assert server_keys.profile == client_keys.profile == b"SRTP_AEAD_AES_128_GCM"
    assert len(server_keys.local_key) == 16 and len(server_keys.local_salt) == 12
    assert server_keys.local_key == client_keys.remote_key
    assert server_keys.local_salt == client_keys.remote_salt
    assert server_keys.remote_key == client_keys.local_key
    assert server_keys.remote_salt == client_keys.local_salt
    assert server_keys.local_key != server_keys.remote_key
    # A second association derives fresh keys.
    again, _ = connect(server_cert, client_cert)
    assert again.local_key != server_keys.local_key


def test_fingerprint_comparison_ignores_case(
    server_cert: Certificate, client_cert: Certificate
) -> None:
    server = DtlsEndpoint(server_cert, Role.SERVER, client_cert.fingerprint.lower())
    client = DtlsEndpoint(client_cert, Role.CLIENT, server_cert.fingerprint)
    handshake(server, client)
    assert server.connected


def test_wrong_fingerprint_fails(server_cert: Certificate, client_cert: Certificate) -> None:
    impostor = Certificate()
    server = DtlsEndpoint(server_cert, Role.SERVER, impostor.fingerprint)
    client = DtlsEndpoint(client_cert, Role.CLIENT, server_cert.fingerprint)
    with pytest.raises(DtlsError, match="fingerprint"):
        handshake(server, client)
    assert not server.connected
    assert server.closed
    assert server.receive(b"\x16\xfe\xfd" + bytes(10)) == []


def test_client_checks_the_server_fingerprint(
    server_cert: Certificate, client_cert: Certificate
) -> None:
    server = DtlsEndpoint(server_cert, Role.SERVER, client_cert.fingerprint)
    client = DtlsEndpoint(client_cert, Role.CLIENT, Certificate().fingerprint)
    with pytest.raises(DtlsError):
        handshake(server, client)
    assert not client.connected


def test_garbage_records_are_dropped(server_cert: Certificate, client_cert: Certificate) -> None:
    # RFC 6347 4.1.2.7: invalid records are silently discarded; the association goes on.
    server = DtlsEndpoint(server_cert, Role.SERVER, client_cert.fingerprint)
    for garbage in (b"\x16\xfe\xfd" + b"\xff" * 60, b"\x17\xfe\xfd" + bytes(10), b"\x16"):
        assert server.receive(garbage) == []
    assert not server.connected and not server.closed
    client = DtlsEndpoint(client_cert, Role.CLIENT, server_cert.fingerprint)
    handshake(server, client)
    assert server.connected and client.connected


def test_timeout_and_close(server_cert: Certificate, client_cert: Certificate) -> None:
    client = DtlsEndpoint(client_cert, Role.CLIENT, server_cert.fingerprint)
    hello = client.start()
    assert hello and hello[0][0] == 22  # a handshake record
    timeout = client.timeout()
    assert timeout is not None and 0 < timeout <= 1.5
    server = DtlsEndpoint(server_cert, Role.SERVER, client_cert.fingerprint)
    handshake(server, client, hello)
    assert client.connected
    assert client.timeout() is None
    assert client.handle_timeout() == []
    alert = client.close()
    assert alert and alert[0][0] == 21  # close_notify alert
    assert client.close() == []
    for datagram in alert:
        server.receive(datagram)
    assert server.closed


def _contexts(
    server_cert: Certificate, client_cert: Certificate
) -> tuple[SrtpContext, SrtpContext]:
    server_keys, client_keys = connect(server_cert, client_cert)
    return SrtpContext(server_keys), SrtpContext(client_keys)


def test_srtp_both_ways(server_cert: Certificate, client_cert: Certificate) -> None:
    server, client = _contexts(server_cert, client_cert)
    assert server.profile == b"SRTP_AEAD_AES_128_GCM"
    for seq in range(5):
        packet = rtp.build_packet(96, seq, 1000 * seq, 0x1234, bytes([seq]) * 100)
        protected = client.protect(packet)
        assert protected != packet and len(protected) == len(packet) + 16  # GCM tag
        assert protected[:12] == packet[:12]
        assert server.unprotect(protected) == packet
        reply = rtp.build_packet(111, seq, 960 * seq, 0x5678, b"audio")
        assert client.unprotect(server.protect(reply)) == reply
    report = rtcp.pli(1, 0x1234)
    assert client.unprotect_rtcp(server.protect_rtcp(report)) == report
    assert server.unprotect_rtcp(client.protect_rtcp(report)) == report


def test_srtp_retransmission_with_the_same_sequence(
    server_cert: Certificate, client_cert: Certificate
) -> None:
    server, client = _contexts(server_cert, client_cert)
    packet = rtp.build_packet(96, 40, 0, 0xABC, b"frame")
    first = server.protect(packet)
    again = server.protect(packet)  # a NACK answer repeats a sequence number
    assert client.unprotect(first) == packet
    with pytest.raises(pylibsrtp.Error):
        client.unprotect(again)  # the receiver's replay protection still holds
    assert again == first


def test_tampered_srtp_is_refused(server_cert: Certificate, client_cert: Certificate) -> None:
    server, client = _contexts(server_cert, client_cert)
    protected = bytearray(client.protect(rtp.build_packet(96, 1, 2, 3, b"payload" * 10)))
    protected[20] ^= 0x01
    with pytest.raises(pylibsrtp.Error):
        server.unprotect(bytes(protected))
    protected_rtcp = bytearray(client.protect_rtcp(rtcp.pli(1, 2)))
    protected_rtcp[9] ^= 0x80
    with pytest.raises(pylibsrtp.Error):
        server.unprotect_rtcp(bytes(protected_rtcp))


def test_keys_of_another_association_do_not_decrypt(
    server_cert: Certificate, client_cert: Certificate
) -> None:
    server, _ = _contexts(server_cert, client_cert)
    _, other_client = _contexts(server_cert, client_cert)
    with pytest.raises(pylibsrtp.Error):
        server.unprotect(other_client.protect(rtp.build_packet(96, 1, 2, 3, b"x" * 20)))


def test_aes_cm_profile_keys() -> None:
    keys = SrtpKeys(b"SRTP_AES128_CM_SHA1_80", b"k" * 16, b"s" * 14, b"K" * 16, b"S" * 14)
    mirror = SrtpKeys(b"SRTP_AES128_CM_SHA1_80", b"K" * 16, b"S" * 14, b"k" * 16, b"s" * 14)
    a, b = SrtpContext(keys), SrtpContext(mirror)
    packet = rtp.build_packet(96, 9, 9, 9, b"hello")
    protected = a.protect(packet)
    assert len(protected) == len(packet) + 10  # HMAC-SHA1-80 tag
    assert b.unprotect(protected) == packet
