"""The pre-join gate: what a signaling connection does to a frame before it reaches a room.

A frame is rate limited and decoded here, and a `join` checked (protocol version, room name,
display name) with the rights the connection proved. A single process's Session and the
cluster front's Relay, which answers a client itself until its join reaches the room's
worker, both go through this gate, so they refuse the same frames with the same errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..meeting.admission import JoinRights
from ..meeting.names import InvalidName, clean_display_name, normalize_room_name
from .limits import ExcessNotice, TokenBucket
from .protocol.client import ClientMessage, Join, ProtocolError, decode, peek_ref
from .protocol.version import UnsupportedVersion, negotiate

# The rights a connection proved (sign-in, invitation), for the room it names.
Rights = Callable[[str], JoinRights]


class Gate:
    """One connection's rate limit and decoding."""

    def __init__(self, rate: float = 20, burst: float = 40) -> None:
        self._bucket = TokenBucket(rate, burst)
        self._excess = ExcessNotice()

    def admit(self, text: str | None) -> ClientMessage | None:
        """The frame's message, or None for one dropped unanswered; ProtocolError for one
        refused with an error. Past the rate limit, the first excess frame of each second is
        answered (`rate_limited`), the others dropped."""
        if text is None:
            raise ProtocolError("bad_message", "send JSON text frames")
        if not self._bucket.allow():
            if self._excess.answer():
                raise ProtocolError("rate_limited", "too many messages; slow down", peek_ref(text))
            return None
        return decode(text)


@dataclass(frozen=True)
class JoinRequest:
    """A join that passed the gate: what the hub needs to seat it."""

    room: str  # normalized
    name: str  # cleaned, or the name the rights impose
    rights: JoinRights
    version: int  # of the protocol, negotiated
    ref: int | None  # the join's request id


def check_join(message: Join, rights: Rights) -> JoinRequest:
    """The checks of a join before the hub; ProtocolError says what is wrong."""
    ref = message.id
    try:
        version = negotiate(message.versions)
    except UnsupportedVersion as exc:
        raise ProtocolError("unsupported_version", str(exc), ref) from None
    try:
        room = normalize_room_name(message.room)
    except InvalidName as exc:
        raise ProtocolError("invalid", f"room: {exc}", ref) from None
    proved = replace(rights(room), password=message.password, e2ee=message.e2ee, p2p=message.p2p)
    try:
        name = clean_display_name(proved.name or message.name)
    except InvalidName as exc:
        raise ProtocolError("invalid", f"name: {exc}", ref) from None
    return JoinRequest(room, name, proved, version, ref)
