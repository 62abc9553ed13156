"""Signaling protocol v1 messages (docs/protocol.md), validated on arrival with msgspec."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

MAX_MESSAGE_BYTES = 64 * 1024

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Sdp = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_MESSAGE_BYTES)]
RequestId = Annotated[int, msgspec.Meta(ge=0, le=2**53)]


class Join(msgspec.Struct, forbid_unknown_fields=True):
    room: Name
    name: Name
    type: Literal["join"] = "join"
    id: RequestId | None = None


class Publish(msgspec.Struct, forbid_unknown_fields=True):
    sdp: Sdp
    sources: Annotated[dict[str, str], msgspec.Meta(max_length=16)] = {}
    type: Literal["publish"] = "publish"
    id: RequestId | None = None


class SubscribeAnswer(msgspec.Struct, forbid_unknown_fields=True):
    sdp: Sdp
    type: Literal["subscribe_answer"] = "subscribe_answer"
    id: RequestId | None = None


class Mute(msgspec.Struct, forbid_unknown_fields=True):
    kind: Literal["audio", "video"]
    muted: bool
    type: Literal["mute"] = "mute"
    id: RequestId | None = None


class Ping(msgspec.Struct, forbid_unknown_fields=True):
    type: Literal["ping"] = "ping"
    id: RequestId | None = None


class Leave(msgspec.Struct, forbid_unknown_fields=True):
    type: Literal["leave"] = "leave"
    id: RequestId | None = None


ClientMessage = Join | Publish | SubscribeAnswer | Mute | Ping | Leave

_TYPES: dict[str, type[ClientMessage]] = {
    "join": Join,
    "publish": Publish,
    "subscribe_answer": SubscribeAnswer,
    "mute": Mute,
    "ping": Ping,
    "leave": Leave,
}


class ProtocolError(Exception):
    """A message we refuse; `code` and `message` go back to the client in an `error`."""

    def __init__(self, code: str, message: str, ref: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.ref = ref


def decode(text: str | bytes) -> ClientMessage:
    """Decode and validate one client frame; ProtocolError says what is wrong."""
    # A str counts in UTF-8 bytes, as it came over the wire (up to 4 bytes a character).
    if len(text) > MAX_MESSAGE_BYTES or (
        isinstance(text, str)
        and len(text) * 4 > MAX_MESSAGE_BYTES
        and len(text.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES
    ):
        raise ProtocolError("too_large", f"messages are limited to {MAX_MESSAGE_BYTES} bytes")
    try:
        raw: Any = msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        raise ProtocolError("bad_message", f"not valid JSON: {exc}") from None
    except RecursionError:  # deeply nested arrays or objects
        raise ProtocolError("bad_message", "not valid JSON: nested too deeply") from None
    except UnicodeError:  # a str holding lone surrogates cannot be UTF-8
        raise ProtocolError("bad_message", "not valid JSON: invalid text") from None
    if not isinstance(raw, dict):
        raise ProtocolError("bad_message", "a message must be a JSON object")
    ref = raw.get("id") if type(raw.get("id")) is int else None  # not bool
    kind = raw.get("type")
    message_type = _TYPES.get(kind) if isinstance(kind, str) else None
    if message_type is None:
        raise ProtocolError("unknown_type", f"unknown message type {str(kind)[:40]!r}", ref)
    try:
        return msgspec.convert(raw, message_type)
    except msgspec.ValidationError as exc:
        raise ProtocolError("invalid", _describe(exc), ref) from None


def _describe(exc: msgspec.ValidationError) -> str:
    """msgspec says "Expected `str`, got `int` - at `$.room`"; we say "room: expected ..."."""
    text = str(exc)
    detail, sep, where = text.rpartition(" - at `$.")
    if sep:
        return f"{where.rstrip('`')}: {detail[0].lower()}{detail[1:]}"
    return text


def error(code: str, message: str, ref: int | None = None) -> dict[str, Any]:
    reply: dict[str, Any] = {"type": "error", "code": code, "message": message}
    if ref is not None:
        reply["ref"] = ref
    return reply


encode = msgspec.json.Encoder().encode
