"""Client to server: the requests a participant's browser (or bot) sends, checked on arrival."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

import msgspec

from .base import MAX_ANSWER_BYTES, MAX_MESSAGE_BYTES, Kind, ParticipantId, Record, Request
from .version import Versions

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Sdp = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_MESSAGE_BYTES)]


class Join(Request, tag="join"):
    room: Name
    name: Name
    password: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    e2ee: bool = False  # this browser can encrypt media end to end
    p2p: bool = False  # this browser can send media to one other directly ("Peer-to-peer")
    # The `resume` token of a previous `joined`: come back as that same participant.
    resume: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    # The protocol versions this client speaks; none named: version 1, the first.
    versions: Versions | None = None


class Publish(Request, tag="publish"):
    sdp: Sdp
    sources: Annotated[dict[str, str], msgspec.Meta(max_length=16)] = {}


class SubscribeAnswer(Request, tag="subscribe_answer"):
    sdp: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ANSWER_BYTES)]


class Mute(Request, tag="mute"):
    kind: Literal["audio", "video"]
    muted: bool


class Ping(Request, tag="ping"):
    """Are you there? Answered by `pong`, joined or not."""


class RestartIce(Request, tag="restart_ice"):
    """The subscribe connection lost its path: send a new offer with new ICE credentials."""


class Leave(Request, tag="leave"):
    """Leave the room for good (no resume), or the lobby."""


# --- moderation (docs/protocol.md, "Moderation") ---


class Admit(Request, tag="admit"):
    participant: ParticipantId


class Deny(Request, tag="deny"):
    participant: ParticipantId


class SetLobby(Request, tag="lobby"):
    enabled: bool


class SetLock(Request, tag="lock"):
    locked: bool


class SetPassword(Request, tag="set_password"):
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=128)] | None


class StartMuted(Request, tag="start_muted"):
    audio: bool
    video: bool


class GrantModerator(Request, tag="grant_moderator"):
    participant: ParticipantId


class MuteParticipant(Request, tag="mute_participant"):
    participant: ParticipantId
    kind: Kind


class MuteAll(Request, tag="mute_all"):
    kind: Kind


class AskUnmute(Request, tag="ask_unmute"):
    participant: ParticipantId
    kind: Kind


class Remove(Request, tag="remove"):
    participant: ParticipantId


class SetE2ee(Request, tag="e2ee"):
    enabled: bool


class SaveChat(Request, tag="save_chat"):
    """Keep the chat in the room's space when the meeting ends (a space's meeting only)."""

    save: bool


class SaveNotes(Request, tag="save_notes"):
    """Keep the shared notes as a document of the room's space when the meeting ends."""

    save: bool


class OpenBoard(Request, tag="open_board"):
    """Open the meeting's whiteboard for every participant (ephemeral, like the notes)."""


class SaveBoard(Request, tag="save_board"):
    """Keep the whiteboard as a board of the room's space when the meeting ends."""

    save: bool


class SetRecording(Request, tag="recording"):
    """Start or stop recording the meeting (refused in an end-to-end encrypted one)."""

    enabled: bool


class EndMeeting(Request, tag="end_meeting"):
    """End the meeting for everyone, the lobby included."""


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
    | OpenBoard
    | SaveBoard
    | SetRecording
    | EndMeeting
)


# --- collaboration (docs/protocol.md, "Collaboration") ---

REACTIONS = ("👍", "👏", "😂", "😮", "❤️", "🎉")
Base64 = Annotated[str, msgspec.Meta(max_length=60_000, pattern="^[A-Za-z0-9+/]*={0,2}$")]


class Chat(Request, tag="chat"):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    to: ParticipantId | None = None


class Hand(Request, tag="hand"):
    raised: bool


class Rename(Request, tag="rename"):
    name: str


class LowerHand(Request, tag="lower_hand"):
    participant: ParticipantId


class Reaction(Request, tag="reaction"):
    emoji: Literal["👍", "👏", "😂", "😮", "❤️", "🎉"]


class NotesUpdate(Request, tag="notes_update"):
    update: Base64


class NotesSync(Request, tag="notes_sync"):
    """Ask for the whole shared notes document (answered by `notes_state`)."""


class BoardUpdate(Request, tag="board_update"):
    """A Yjs update of the meeting's whiteboard (once a moderator opened it)."""

    update: Base64


class BoardSync(Request, tag="board_sync"):
    """Ask for the whole whiteboard (answered by `board_state`)."""


class SpeakerStatsRequest(Request, tag="speaker_stats"):
    """Ask for talk times (answered by `speaker_stats`)."""


class Receive(Request, tag="receive"):
    video: Literal["off", "low", "standard", "high"]


Opaque = Annotated[str, msgspec.Meta(min_length=1, max_length=16_384)]


class E2eeMessage(Request, tag="e2ee_message"):
    """Key exchange between two participants: ciphertext the server relays and cannot read."""

    to: ParticipantId
    payload: Opaque


class E2eeChat(Request, tag="e2ee_chat"):
    """A chat message encrypted end to end, relayed to everyone else and kept nowhere."""

    payload: Opaque


class IceCandidate(Record):
    """An ICE candidate of a peer-to-peer connection, as RTCIceCandidate gives it."""

    candidate: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
    sdp_mid: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    sdp_m_line_index: Annotated[int, msgspec.Meta(ge=0, le=64)] | None = None


class P2pSignal(Request, tag="p2p_signal"):
    """To the other one of a peer-to-peer pair (`p2p` named it): exactly one of an SDP offer,
    an SDP answer or an ICE candidate (host candidates only), relayed as it is."""

    to: ParticipantId
    session: Annotated[int, msgspec.Meta(ge=1, le=2**53)]
    offer: Sdp | None = None
    answer: Sdp | None = None
    candidate: IceCandidate | None = None


class P2pFallback(Request, tag="p2p_fallback"):
    """The direct connection of your pair did not carry the other's media: let the SFU."""

    session: Annotated[int, msgspec.Meta(ge=1, le=2**53)]


class Constraints(Request, tag="constraints"):
    tracks: Annotated[
        dict[
            Annotated[str, msgspec.Meta(max_length=64)], Annotated[int, msgspec.Meta(ge=0, le=4320)]
        ],
        msgspec.Meta(max_length=100),
    ]


CollabMessage = (
    Chat
    | Hand
    | Rename
    | LowerHand
    | Reaction
    | NotesUpdate
    | NotesSync
    | BoardUpdate
    | BoardSync
    | SpeakerStatsRequest
    | Receive
    | Constraints
    | E2eeMessage
    | E2eeChat
)

# --- polls (docs/protocol.md, "Polls") ---

PollText = Annotated[str, msgspec.Meta(min_length=1, max_length=600)]
PollId = Annotated[int, msgspec.Meta(ge=1, le=2**53)]


class PollCreate(Request, tag="poll_create"):
    """Ask the room a question (moderators only): one choice among 2 to 10 options."""

    question: PollText
    options: Annotated[list[PollText], msgspec.Meta(min_length=2, max_length=10)]
    anonymous: bool = False  # counts only: who chose what is never shown
    live: bool = True  # results shown while the poll is open; otherwise once it is closed


class PollVote(Request, tag="poll_vote"):
    """Choose an option (0 for the first); a second vote replaces the first until closed."""

    poll: PollId
    option: Annotated[int, msgspec.Meta(ge=0, le=9)]


class PollClose(Request, tag="poll_close"):
    """Close a poll (moderators only): no more votes, and the results go to everyone."""

    poll: PollId


PollMessage = PollCreate | PollVote | PollClose

# --- breakout rooms (docs/protocol.md, "Breakout rooms") ---

RoomIndex = Annotated[int, msgspec.Meta(ge=0, le=19)]


class BreakoutCreate(Request, tag="breakout_create"):
    """Plan breakout rooms, one per name (moderators only); replaces a plan not yet open."""

    names: Annotated[list[Name], msgspec.Meta(min_length=1, max_length=20)]


class BreakoutAssign(Request, tag="breakout_assign"):
    """Assign a participant to a room, or to none (null); once open, it moves at once."""

    participant: ParticipantId
    room: RoomIndex | None


class BreakoutShuffle(Request, tag="breakout_shuffle"):
    """Assign every participant who is not a moderator to a room at random, evenly."""


class BreakoutOpen(Request, tag="breakout_open"):
    """Open the rooms: the assigned participants are moved into theirs."""

    duration: Annotated[int, msgspec.Meta(ge=1, le=8 * 3600)] | None = None  # seconds
    allow_return: bool = True  # participants may go back to the main room by themselves


class BreakoutJoin(Request, tag="breakout_join"):
    """Go into an open breakout room: a moderator into any (a visit), a participant into
    the one it is assigned to."""

    room: RoomIndex


class BreakoutReturn(Request, tag="breakout_return"):
    """Go back to the main room (a participant: if the moderator allowed it)."""


class BreakoutBroadcast(Request, tag="breakout_broadcast"):
    """A message to every room of the meeting (moderators only)."""

    text: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class BreakoutClose(Request, tag="breakout_close"):
    """Close the breakout rooms, or drop a plan: everyone back to the main room."""


BreakoutRequest = (
    BreakoutCreate
    | BreakoutAssign
    | BreakoutShuffle
    | BreakoutOpen
    | BreakoutJoin
    | BreakoutReturn
    | BreakoutBroadcast
    | BreakoutClose
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
    | P2pSignal
    | P2pFallback
    | PollMessage
    | BreakoutRequest
)

# The table of types, derived from the structs' tags.
TYPES: dict[str, type[ClientMessage]] = {
    message.__struct_config__.tag: message for message in get_args(ClientMessage)
}


class ProtocolError(Exception):
    """A message we refuse; `code` and `message` go back to the client in an `error`."""

    def __init__(self, code: str, message: str, ref: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.ref = ref


class _Peek(msgspec.Struct):
    id: int | None = None
    type: Any = None  # any JSON: a `type` of the wrong kind must not lose the `id`


_peek_decoder = msgspec.json.Decoder(_Peek)


def _peek(text: str | bytes) -> _Peek:
    """The `id` and `type` of a frame read no further, as far as they can be had."""
    try:
        return _peek_decoder.decode(text)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, UnicodeError):
        return _Peek()


def peek_ref(text: str | bytes) -> int | None:
    """The `id` of a frame we refuse without reading it (too large, rate limited), if any."""
    return _peek(text).id


def wire_size(text: str | bytes) -> int:
    """A frame's size in bytes as it came over the wire: a str counts in UTF-8 (up to 4 bytes a
    character), measured only where that could pass the limit."""
    if isinstance(text, bytes) or len(text) * 4 <= MAX_MESSAGE_BYTES:
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def check_size(text: str | bytes) -> None:
    """ProtocolError too_large past MAX_MESSAGE_BYTES, or past MAX_ANSWER_BYTES for the one
    message that grows with the meeting, a subscribe answer."""
    size = wire_size(text)
    if size <= MAX_MESSAGE_BYTES:
        return
    peeked = _peek(text)
    if size <= MAX_ANSWER_BYTES and peeked.type == "subscribe_answer":
        return
    raise ProtocolError(
        "too_large",
        f"messages are limited to {MAX_MESSAGE_BYTES} bytes"
        f" (a subscribe_answer to {MAX_ANSWER_BYTES})",
        peeked.id,
    )


def decode(text: str | bytes) -> ClientMessage:
    """Decode and validate one client frame; ProtocolError says what is wrong."""
    check_size(text)
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
    message_type = TYPES.get(kind) if isinstance(kind, str) else None
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
