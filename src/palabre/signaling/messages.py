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
    password: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    e2ee: bool = False  # this browser can encrypt media end to end
    # The `resume` token of a previous `joined`: come back as that same participant.
    resume: Annotated[str, msgspec.Meta(max_length=64)] | None = None
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


class RestartIce(msgspec.Struct, forbid_unknown_fields=True):
    """The subscribe connection lost its path: send a new offer with new ICE credentials."""

    type: Literal["restart_ice"] = "restart_ice"
    id: RequestId | None = None


class Leave(msgspec.Struct, forbid_unknown_fields=True):
    type: Literal["leave"] = "leave"
    id: RequestId | None = None


# --- moderation (docs/protocol.md, "Moderation") ---


ParticipantId = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
Kind = Literal["audio", "video"]


class Admit(msgspec.Struct, forbid_unknown_fields=True):
    participant: ParticipantId
    type: Literal["admit"] = "admit"
    id: RequestId | None = None


class Deny(msgspec.Struct, forbid_unknown_fields=True):
    participant: ParticipantId
    type: Literal["deny"] = "deny"
    id: RequestId | None = None


class SetLobby(msgspec.Struct, forbid_unknown_fields=True):
    enabled: bool
    type: Literal["lobby"] = "lobby"
    id: RequestId | None = None


class SetLock(msgspec.Struct, forbid_unknown_fields=True):
    locked: bool
    type: Literal["lock"] = "lock"
    id: RequestId | None = None


class SetPassword(msgspec.Struct, forbid_unknown_fields=True):
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=128)] | None
    type: Literal["set_password"] = "set_password"
    id: RequestId | None = None


class StartMuted(msgspec.Struct, forbid_unknown_fields=True):
    audio: bool
    video: bool
    type: Literal["start_muted"] = "start_muted"
    id: RequestId | None = None


class GrantModerator(msgspec.Struct, forbid_unknown_fields=True):
    participant: ParticipantId
    type: Literal["grant_moderator"] = "grant_moderator"
    id: RequestId | None = None


class MuteParticipant(msgspec.Struct, forbid_unknown_fields=True):
    participant: ParticipantId
    kind: Kind
    type: Literal["mute_participant"] = "mute_participant"
    id: RequestId | None = None


class MuteAll(msgspec.Struct, forbid_unknown_fields=True):
    kind: Kind
    type: Literal["mute_all"] = "mute_all"
    id: RequestId | None = None


class AskUnmute(msgspec.Struct, forbid_unknown_fields=True):
    participant: ParticipantId
    kind: Kind
    type: Literal["ask_unmute"] = "ask_unmute"
    id: RequestId | None = None


class Remove(msgspec.Struct, forbid_unknown_fields=True):
    participant: ParticipantId
    type: Literal["remove"] = "remove"
    id: RequestId | None = None


class SetE2ee(msgspec.Struct, forbid_unknown_fields=True):
    enabled: bool
    type: Literal["e2ee"] = "e2ee"
    id: RequestId | None = None


class SaveNotes(msgspec.Struct, forbid_unknown_fields=True):
    """Keep the shared notes as a document of the room's space when the meeting ends."""

    save: bool
    type: Literal["save_notes"] = "save_notes"
    id: RequestId | None = None


class SaveChat(msgspec.Struct, forbid_unknown_fields=True):
    """Keep the chat in the room's space when the meeting ends (a space's meeting only)."""

    save: bool
    type: Literal["save_chat"] = "save_chat"
    id: RequestId | None = None


class EndMeeting(msgspec.Struct, forbid_unknown_fields=True):
    type: Literal["end_meeting"] = "end_meeting"
    id: RequestId | None = None


ModeratorMessage = (
    Admit
    | Deny
    | SetLobby
    | SetLock
    | SetPassword
    | StartMuted
    | GrantModerator
    | MuteParticipant
    | MuteAll
    | AskUnmute
    | Remove
    | SetE2ee
    | SaveChat
    | SaveNotes
    | EndMeeting
)


# --- collaboration (docs/protocol.md, "Collaboration") ---

REACTIONS = ("👍", "👏", "😂", "😮", "❤️", "🎉")
Base64 = Annotated[str, msgspec.Meta(max_length=60_000, pattern="^[A-Za-z0-9+/]*={0,2}$")]


class Chat(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    to: ParticipantId | None = None
    type: Literal["chat"] = "chat"
    id: RequestId | None = None


class Hand(msgspec.Struct, forbid_unknown_fields=True):
    raised: bool
    type: Literal["hand"] = "hand"
    id: RequestId | None = None


class Rename(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    type: Literal["rename"] = "rename"
    id: RequestId | None = None


class LowerHand(msgspec.Struct, forbid_unknown_fields=True):
    participant: ParticipantId
    type: Literal["lower_hand"] = "lower_hand"
    id: RequestId | None = None


class Reaction(msgspec.Struct, forbid_unknown_fields=True):
    emoji: Literal["👍", "👏", "😂", "😮", "❤️", "🎉"]
    type: Literal["reaction"] = "reaction"
    id: RequestId | None = None


class NotesUpdate(msgspec.Struct, forbid_unknown_fields=True):
    update: Base64
    type: Literal["notes_update"] = "notes_update"
    id: RequestId | None = None


class NotesSync(msgspec.Struct, forbid_unknown_fields=True):
    type: Literal["notes_sync"] = "notes_sync"
    id: RequestId | None = None


class SpeakerStatsRequest(msgspec.Struct, forbid_unknown_fields=True):
    type: Literal["speaker_stats"] = "speaker_stats"
    id: RequestId | None = None


class Receive(msgspec.Struct, forbid_unknown_fields=True):
    video: Literal["off", "low", "standard", "high"]
    type: Literal["receive"] = "receive"
    id: RequestId | None = None


Opaque = Annotated[str, msgspec.Meta(min_length=1, max_length=16_384)]


class E2eeMessage(msgspec.Struct, forbid_unknown_fields=True):
    """Key exchange between two participants: ciphertext the server relays and cannot read."""

    to: ParticipantId
    payload: Opaque
    type: Literal["e2ee_message"] = "e2ee_message"
    id: RequestId | None = None


class E2eeChat(msgspec.Struct, forbid_unknown_fields=True):
    """A chat message encrypted end to end, relayed to everyone else and kept nowhere."""

    payload: Opaque
    type: Literal["e2ee_chat"] = "e2ee_chat"
    id: RequestId | None = None


class Constraints(msgspec.Struct, forbid_unknown_fields=True):
    tracks: Annotated[
        dict[
            Annotated[str, msgspec.Meta(max_length=64)], Annotated[int, msgspec.Meta(ge=0, le=4320)]
        ],
        msgspec.Meta(max_length=100),
    ]
    type: Literal["constraints"] = "constraints"
    id: RequestId | None = None


CollabMessage = (
    Chat
    | Hand
    | Rename
    | LowerHand
    | Reaction
    | NotesUpdate
    | NotesSync
    | SpeakerStatsRequest
    | Receive
    | Constraints
    | E2eeMessage
    | E2eeChat
)

ClientMessage = (
    Join
    | Publish
    | SubscribeAnswer
    | RestartIce
    | Mute
    | Ping
    | Leave
    | ModeratorMessage
    | CollabMessage
)

_TYPES: dict[str, type[ClientMessage]] = {
    "join": Join,
    "publish": Publish,
    "subscribe_answer": SubscribeAnswer,
    "restart_ice": RestartIce,
    "mute": Mute,
    "ping": Ping,
    "leave": Leave,
    "admit": Admit,
    "deny": Deny,
    "lobby": SetLobby,
    "lock": SetLock,
    "set_password": SetPassword,
    "start_muted": StartMuted,
    "grant_moderator": GrantModerator,
    "mute_participant": MuteParticipant,
    "mute_all": MuteAll,
    "ask_unmute": AskUnmute,
    "remove": Remove,
    "end_meeting": EndMeeting,
    "save_chat": SaveChat,
    "save_notes": SaveNotes,
    "e2ee": SetE2ee,
    "e2ee_message": E2eeMessage,
    "e2ee_chat": E2eeChat,
    "chat": Chat,
    "hand": Hand,
    "lower_hand": LowerHand,
    "rename": Rename,
    "reaction": Reaction,
    "notes_update": NotesUpdate,
    "notes_sync": NotesSync,
    "speaker_stats": SpeakerStatsRequest,
    "receive": Receive,
    "constraints": Constraints,
}


class ProtocolError(Exception):
    """A message we refuse; `code` and `message` go back to the client in an `error`."""

    def __init__(self, code: str, message: str, ref: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.ref = ref


class _Ref(msgspec.Struct):
    id: int | None = None


_ref_decoder = msgspec.json.Decoder(_Ref)


def peek_ref(text: str | bytes) -> int | None:
    """The `id` of a frame we refuse without reading it (too large, rate limited), if any."""
    try:
        return _ref_decoder.decode(text).id
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, UnicodeError):
        return None


def decode(text: str | bytes) -> ClientMessage:
    """Decode and validate one client frame; ProtocolError says what is wrong."""
    # A str counts in UTF-8 bytes, as it came over the wire (up to 4 bytes a character).
    if len(text) > MAX_MESSAGE_BYTES or (
        isinstance(text, str)
        and len(text) * 4 > MAX_MESSAGE_BYTES
        and len(text.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES
    ):
        raise ProtocolError(
            "too_large", f"messages are limited to {MAX_MESSAGE_BYTES} bytes", peek_ref(text)
        )
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
