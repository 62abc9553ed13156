"""What the main process vouches for when it hands a connection to a worker.

The main process identifies the client (session cookie, invitation token) and turns that into
JoinRights for the one room the connection joins. It passes them to the worker in a header,
signed with a key made for this run and given to the workers at spawn: only the main process
can write a grant, and a grant is good for one room and a short time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

import msgspec

from ..meeting.admission import JoinRights

HEADER = "x-palabre-grant"
LIFETIME = 30.0  # seconds between the main process writing a grant and the worker reading it


class _Payload(msgspec.Struct, forbid_unknown_fields=True):
    room: str
    code: str  # the room's meeting code, as the main process (owner of the codes) gave it
    host: bool
    invited_role: str | None
    name: str | None
    account: str | None
    space_room: bool
    space_member: bool
    expires: float


class GrantError(Exception):
    pass


@dataclass(frozen=True)
class Grant:
    room: str
    code: str
    rights: JoinRights


def sign(key: bytes, room: str, code: str, rights: JoinRights, now: float | None = None) -> str:
    payload = _Payload(
        room=room,
        code=code,
        host=rights.host,
        invited_role=rights.invited_role,
        name=rights.name,
        account=rights.account,
        space_room=rights.space_room,
        space_member=rights.space_member,
        expires=(time.time() if now is None else now) + LIFETIME,
    )
    body = base64.urlsafe_b64encode(msgspec.json.encode(payload)).decode()
    return f"{body}.{_mac(key, body)}"


def verify(key: bytes, value: str, now: float | None = None) -> Grant:
    """The grant in `value`, or GrantError when it is forged, damaged or expired."""
    body, _, mac = value.partition(".")
    if not hmac.compare_digest(mac, _mac(key, body)):
        raise GrantError("bad signature")
    try:
        payload = msgspec.json.decode(base64.urlsafe_b64decode(body), type=_Payload)
    except (ValueError, msgspec.DecodeError):
        raise GrantError("bad payload") from None
    if payload.expires < (time.time() if now is None else now):
        raise GrantError("expired")
    rights = JoinRights(
        host=payload.host,
        invited_role=payload.invited_role,
        name=payload.name,
        account=payload.account,
        space_room=payload.space_room,
        space_member=payload.space_member,
    )
    return Grant(payload.room, payload.code, rights)


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
