"""Signed RSVP links: the link in an invitation names the event and the attendee, signed
with the installation's secret, so that answering needs no account and proves nothing
else. Pure: signing and reading."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from ..errors import NotFound

SALT = "palabre.calendars.rsvp"


def _serializer(secret: bytes) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def rsvp_token(secret: bytes, object_id: int, email: str) -> str:
    return str(_serializer(secret).dumps([object_id, email.casefold()]))


def read_rsvp(secret: bytes, token: str) -> tuple[int, str]:
    """(object id, attendee e-mail) of a valid link; NotFound otherwise."""
    if len(token) > 1024:
        raise NotFound("no such invitation")
    try:
        value = _serializer(secret).loads(token)
    except BadSignature:
        raise NotFound("no such invitation") from None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or not isinstance(value[1], str)
    ):
        raise NotFound("no such invitation")
    return value[0], value[1]
