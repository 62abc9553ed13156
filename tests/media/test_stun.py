"""STUN coding for the ICE-lite agent: demultiplexing, parsing hostile input, integrity."""

from __future__ import annotations

import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from palabre.media import stun

PASSWORD = b"server-password-0123456789"


def _request(use_candidate: bool = True) -> bytes:
    message = stun.binding_request(
        "srvufrag:cliufrag",
        PASSWORD,
        priority=1853824767,
        tie_breaker=0x0123456789ABCDEF,
        use_candidate=use_candidate,
    )
    return bytes(message)


def test_is_stun_accepts_a_binding_request() -> None:
    assert stun.is_stun(_request())


def test_is_stun_rejects_other_protocols() -> None:
    request = _request()
    assert not stun.is_stun(request[:19])  # too short
    assert not stun.is_stun(b"\x16" + request[1:])  # DTLS content type
    assert not stun.is_stun(b"\x80" + request[1:])  # RTP
    wrong_cookie = request[:4] + struct.pack("!I", 0x2112A443) + request[8:]
    assert not stun.is_stun(wrong_cookie)


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_parse_never_raises(data: bytes) -> None:
    message = stun.parse(data)
    assert message is None or isinstance(message, stun.Message)


@settings(max_examples=200)
@given(st.binary(min_size=0, max_size=120))
def test_parse_never_raises_on_stun_looking_input(body: bytes) -> None:
    # A valid header with a matching length and garbage attributes reaches the attribute code.
    data = struct.pack("!HHI12s", 0x0001, len(body), 0x2112A442, b"t" * 12) + body
    message = stun.parse(data)
    assert message is None or message.message_method == stun.Method.BINDING


def test_binding_request_round_trip() -> None:
    request = stun.parse(_request())
    assert request is not None
    assert request.message_method == stun.Method.BINDING
    assert request.message_class == stun.Class.REQUEST
    assert request.attributes["USERNAME"] == "srvufrag:cliufrag"
    assert request.attributes["PRIORITY"] == 1853824767
    assert request.attributes["ICE-CONTROLLING"] == 0x0123456789ABCDEF
    assert "USE-CANDIDATE" in request.attributes
    assert "FINGERPRINT" in request.attributes
    assert request.check_message_integrity(PASSWORD)

    plain = stun.parse(_request(use_candidate=False))
    assert plain is not None
    assert "USE-CANDIDATE" not in plain.attributes


def test_wrong_password_fails_integrity() -> None:
    request = stun.parse(_request())
    assert request is not None
    assert not request.check_message_integrity(b"another-password-0123456")
    assert not request.check_message_integrity(b"")


def test_tampered_request_fails_fingerprint_or_integrity() -> None:
    data = bytearray(_request())
    # Flip a bit inside the USERNAME value (the first attribute, after its 4-byte header).
    data[20 + 4] ^= 0x01
    message = stun.parse(bytes(data))
    assert message is None or not message.check_message_integrity(PASSWORD)


def test_binding_success_round_trip() -> None:
    request = stun.parse(_request())
    assert request is not None
    for address in (("192.0.2.7", 40000), ("2001:db8::1", 5)):
        data = stun.binding_success(request, address, PASSWORD)
        assert stun.is_stun(data)
        response = stun.parse(data)
        assert response is not None
        assert response.message_method == stun.Method.BINDING
        assert response.message_class == stun.Class.RESPONSE
        assert response.transaction_id == request.transaction_id
        assert response.attributes["XOR-MAPPED-ADDRESS"] == address
        assert response.check_message_integrity(PASSWORD)
        assert not response.check_message_integrity(b"wrong")


def test_binding_error_round_trip() -> None:
    request = stun.parse(_request())
    assert request is not None
    response = stun.parse(stun.binding_error(request, 401, "Unauthorized"))
    assert response is not None
    assert response.message_class == stun.Class.ERROR
    assert response.transaction_id == request.transaction_id
    assert response.attributes["ERROR-CODE"] == (401, "Unauthorized")
    assert response.error_code == 401
    # No MESSAGE-INTEGRITY on this error: an integrity check cannot pass.
    assert not response.check_message_integrity(PASSWORD)


def test_parse_rejects_length_mismatch_and_bad_fingerprint() -> None:
    data = _request()
    assert stun.parse(data + b"\x00\x00\x00\x00") is None
    assert stun.parse(data[:-4]) is None
    corrupted = data[:-1] + bytes([data[-1] ^ 0xFF])  # the FINGERPRINT value
    assert stun.parse(corrupted) is None
