"""Server to client: the events the server sends, and the records inside them.

Every event the hub sends is one of these structs, encoded by msgspec: a renamed field is a
type error here and, through the generated client/src/protocol.gen.ts, in the browser client.
The bot decodes what it reads with `decode`.
"""

from __future__ import annotations

from typing import Literal, get_args

import msgspec

from .base import Event, Kind, Record, Source
from .version import Version

Role = Literal["moderator", "participant"]
RefusalReason = Literal["codec", "transport"]
RecordingState = Literal["composing", "ready", "failed"]


# --- records: values inside events ---


class ParticipantView(Record):
    """A participant as the others see it (never its resume token)."""

    id: str
    name: str
    role: Role
    e2ee: bool  # its browser can encrypt end to end
    audio_muted: bool
    video_muted: bool
    reconnecting: bool = False  # its connection is down and its seat kept; absent otherwise


class KnockerView(Record):
    """Someone waiting in the lobby."""

    id: str
    name: str


class StartMutedView(Record):
    audio: bool
    video: bool


class SettingsView(Record):
    """A room's settings, as moderators change them."""

    locked: bool
    lobby: bool
    password_set: bool
    start_muted: StartMutedView
    e2ee: bool
    chat_saved: bool
    notes_saved: bool = False  # omitted while false (the notes are destroyed with the room)
    board_open: bool = False  # a moderator opened the meeting's whiteboard
    board_saved: bool = False  # the whiteboard will be kept as a board of the space
    recording: bool = False  # the meeting is being recorded: every page says so


class ChatView(Record):
    """A chat message; `to` only on a private one."""

    id: int
    from_: str = msgspec.field(name="from")
    from_name: str
    text: str
    time: float  # seconds since the Unix epoch
    to: str | None = None


class TrackView(Record):
    """A track a participant publishes."""

    id: str
    kind: Kind
    source: Source


class OfferedTrack(Record):
    """Which remote track an m-section of a subscribe offer carries."""

    mid: str
    track: str
    participant: str
    kind: Kind
    source: Source


class RefusedTrack(Record):
    """An m-section of a publish offer that nobody receives, and why."""

    mid: str
    kind: Kind
    source: Source
    reason: RefusalReason


class P2pView(Record):
    """The peer-to-peer pair you are in: meet `peer` directly; `offerer` makes the offer."""

    peer: str
    session: int
    offerer: bool


class IceCandidateView(Record):
    candidate: str
    sdp_mid: str | None = None
    sdp_m_line_index: int | None = None


class TalkTime(Record):
    participant: str
    name: str
    talk_time: float  # seconds, to a tenth


class PollResults(Record):
    """A poll's votes: a count per option and, unless it is anonymous, who chose each."""

    counts: list[int]
    voters: list[list[str]] | None = None  # participant ids per option; absent if anonymous


class PollView(Record):
    """A poll as one participant sees it: `results` only if shown to them (a live poll, a
    closed one, or to a moderator), `yourVote` only once they voted."""

    id: int
    question: str
    options: list[str]
    by: str
    anonymous: bool
    live: bool
    closed: bool
    votes: int  # how many have voted
    results: PollResults | None = None
    your_vote: int | None = None


class BreakoutSeat(Record):
    """In `joined` of a breakout room: which, and of what meeting."""

    main: str  # the main room's name (come back to the meeting with it: `join`, `resume`)
    index: int  # the breakout room, from 0
    name: str


class BreakoutPerson(Record):
    id: str
    name: str


class BreakoutRoomView(Record):
    """A breakout room: its name, who is assigned to it, who is in it now (ids)."""

    name: str
    assigned: list[BreakoutPerson]
    present: list[str]


class BreakoutsView(Record):
    """A meeting's breakout rooms, planned or open."""

    main: str
    rooms: list[BreakoutRoomView]
    opened: bool
    allow_return: bool  # participants may go back to the main room by themselves
    ends_at: float | None = None  # when they close by themselves (seconds since the epoch)
    your_room: int | None = None  # the room you are assigned to


# --- events ---


class Joined(Event, tag="joined"):
    """Reply to `join`, or the news that a moderator let you in from the lobby."""

    version: Version  # the protocol version chosen for this connection
    room: str
    code: str
    you: ParticipantView
    participants: list[ParticipantView]
    settings: SettingsView
    chat: list[ChatView]
    hands: list[str]
    resume: str  # come back as yourself after a drop: `join` with this token
    lobby: list[KnockerView] | None = None  # to moderators only
    p2p: P2pView | None = None  # you meet the one other participant directly, from the start
    breakout: BreakoutSeat | None = None  # in a breakout room only


class ParticipantJoined(Event, tag="participant_joined"):
    participant: ParticipantView


class ParticipantUpdated(Event, tag="participant_updated"):
    participant: ParticipantView


class ParticipantLeft(Event, tag="participant_left"):
    id: str


class LobbyWaiting(Event, tag="lobby_waiting"):
    """Reply to `join` when the room has a lobby: wait for a moderator."""

    version: Version
    room: str
    id: str


class LobbyKnock(Event, tag="lobby_knock"):
    knocker: KnockerView


class LobbyLeft(Event, tag="lobby_left"):
    id: str
    admitted: bool


class RoomUpdated(Event, tag="room_updated"):
    settings: SettingsView
    by: str


class Muted(Event, tag="muted"):
    """A moderator muted you."""

    kind: Kind
    by: str


class UnmuteRequested(Event, tag="unmute_requested"):
    kind: Kind
    by: str


class PublishAnswer(Event, tag="publish_answer"):
    sdp: str


class TracksRefused(Event, tag="tracks_refused"):
    tracks: list[RefusedTrack]


class Tracks(Event, tag="tracks"):
    """The full list of what a participant now publishes."""

    participant: str
    tracks: list[TrackView]


class SubscribeOffer(Event, tag="subscribe_offer"):
    sdp: str
    tracks: list[OfferedTrack]


class ChatPosted(Event, tag="chat"):
    message: ChatView


class Hands(Event, tag="hands"):
    order: list[str]


class ReactionShown(Event, tag="reaction"):
    participant: str
    emoji: str


class NotesUpdated(Event, tag="notes_update"):
    """Another participant's Yjs update."""

    update: str
    from_: str = msgspec.field(name="from")


class NotesState(Event, tag="notes_state"):
    """The whole shared notes document as one update: reply to `notes_sync`."""

    update: str


class BoardUpdated(Event, tag="board_update"):
    """Another participant's Yjs update of the whiteboard."""

    update: str
    from_: str = msgspec.field(name="from")


class BoardState(Event, tag="board_state"):
    """The whole whiteboard as one update: reply to `board_sync`."""

    update: str


class PollShown(Event, tag="poll"):
    """A poll asked, voted in or closed (and, after `joined`, each poll of the room)."""

    poll: PollView


class BreakoutsShown(Event, tag="breakouts"):
    """The meeting's breakout rooms changed (null: there are none, or no longer)."""

    breakouts: BreakoutsView | None


class BreakoutMessage(Event, tag="breakout_message"):
    """A moderator's message to every room of the meeting."""

    text: str
    from_: str = msgspec.field(name="from")
    from_name: str


class DominantSpeaker(Event, tag="dominant_speaker"):
    participant: str


class ForwardedVideo(Event, tag="forwarded_video"):
    """Whose camera video you receive now; null for everyone's."""

    participants: list[str] | None


class SpeakerStats(Event, tag="speaker_stats"):
    stats: list[TalkTime]


class E2eeMessageRelayed(Event, tag="e2ee_message"):
    from_: str = msgspec.field(name="from")
    payload: str


class E2eeChatRelayed(Event, tag="e2ee_chat"):
    from_: str = msgspec.field(name="from")
    payload: str


class RecordingStatus(Event, tag="recording_status"):
    """To moderators: what became of a recording once stopped; `url` downloads the composed
    file once it is ready (a secret link: given to moderators only)."""

    recording: str
    state: RecordingState
    url: str | None = None
    duration: float | None = None  # seconds
    reason: str | None = None  # why it failed


class P2pChanged(Event, tag="p2p"):
    """Peer-to-peer starts (a pair, `p2p`) or ends (`p2p` absent: back to the SFU)."""

    p2p: P2pView | None = None


class P2pSignalRelayed(Event, tag="p2p_signal"):
    """The other one of your pair's offer, answer or ICE candidate."""

    from_: str = msgspec.field(name="from")
    session: int
    offer: str | None = None
    answer: str | None = None
    candidate: IceCandidateView | None = None


class Pong(Event, tag="pong"):
    """Reply to `ping`."""


class Error(Event, tag="error"):
    """A refused request; the connection stays open."""

    code: str
    message: str


class Bye(Event, tag="bye"):
    """The server ends this session, then closes the WebSocket."""

    reason: str


ServerMessage = (
    Joined
    | ParticipantJoined
    | ParticipantUpdated
    | ParticipantLeft
    | LobbyWaiting
    | LobbyKnock
    | LobbyLeft
    | RoomUpdated
    | Muted
    | UnmuteRequested
    | PublishAnswer
    | TracksRefused
    | Tracks
    | SubscribeOffer
    | ChatPosted
    | Hands
    | ReactionShown
    | NotesUpdated
    | NotesState
    | BoardUpdated
    | BoardState
    | PollShown
    | BreakoutsShown
    | BreakoutMessage
    | DominantSpeaker
    | ForwardedVideo
    | SpeakerStats
    | E2eeMessageRelayed
    | E2eeChatRelayed
    | RecordingStatus
    | P2pChanged
    | P2pSignalRelayed
    | Pong
    | Error
    | Bye
)

# The table of types, derived from the structs' tags.
TYPES: dict[str, type[ServerMessage]] = {
    message.__struct_config__.tag: message for message in get_args(ServerMessage)
}

_decoder = msgspec.json.Decoder(ServerMessage)


def decode(text: str | bytes) -> ServerMessage:
    """One server frame, as a client reads it; msgspec.ValidationError if it is not one."""
    return _decoder.decode(text)
