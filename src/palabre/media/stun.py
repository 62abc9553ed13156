"""STUN messages for ICE (RFC 8489, RFC 8445), coded by aioice's well-tested codec."""

from __future__ import annotations

import ipaddress
import struct

from aioice import stun
from aioice.stun import Class, Message, Method

__all__ = ["Class", "Message", "Method", "binding_request", "binding_success", "is_stun", "parse"]

_COOKIE = 0x2112A442


def is_stun(data: bytes) -> bool:
    """RFC 7983 demultiplexing: a STUN message starts with 0..3 and carries the magic cookie."""
    return len(data) >= 20 and data[0] < 4 and struct.unpack_from("!I", data, 4)[0] == _COOKIE


def parse(data: bytes) -> Message | None:
    """Parse a STUN message, or return None for anything malformed.

    aioice's parser raises ValueError, struct.error, UnicodeDecodeError and others on hostile
    input; all of them mean the same thing to us: drop the datagram.
    """
    try:
        return stun.parse_message(data)
    except Exception:
        return None


def binding_success(request: Message, address: tuple[str, int], password: bytes) -> bytes:
    """A Binding success response telling the peer the address we saw it from."""
    response = Message(
        message_method=Method.BINDING,
        message_class=Class.RESPONSE,
        transaction_id=request.transaction_id,
    )
    response.attributes["XOR-MAPPED-ADDRESS"] = (str(ipaddress.ip_address(address[0])), address[1])
    response.add_message_integrity(password)
    return bytes(response)


def binding_error(request: Message, code: int, reason: str) -> bytes:
    response = Message(
        message_method=Method.BINDING,
        message_class=Class.ERROR,
        transaction_id=request.transaction_id,
    )
    response.attributes["ERROR-CODE"] = (code, reason)
    response.add_fingerprint()
    return bytes(response)


def binding_request(
    username: str,
    password: bytes,
    *,
    priority: int,
    tie_breaker: int,
    use_candidate: bool,
) -> Message:
    """A connectivity check from a controlling agent (the test participant's side)."""
    request = Message(message_method=Method.BINDING, message_class=Class.REQUEST)
    request.attributes["USERNAME"] = username
    request.attributes["PRIORITY"] = priority
    request.attributes["ICE-CONTROLLING"] = tie_breaker
    if use_candidate:
        request.attributes["USE-CANDIDATE"] = None
    request.add_message_integrity(password)
    request.add_fingerprint()  # RFC 8445 7.1: required; libnice (Janus) drops checks without
    return request
