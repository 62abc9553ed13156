"""Who may enter a room, and as what: secure domain, lock, password, lobby, roles.

Pure decisions over a Room and what the newcomer brings; the hub carries them out.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .room import MODERATOR, PARTICIPANT, Room

# Argon2id with light parameters: a room password lives as long as a meeting, and hashing
# happens on the event loop at each join attempt.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@dataclass(frozen=True)
class JoinRights:
    """What the newcomer proved before joining."""

    host: bool = False  # a signed-in user of this server
    invited_role: str | None = None  # from an invitation token for this room
    password: str | None = None  # the room password as typed
    name: str | None = None  # a display name vouched for by an invitation or an account
    e2ee: bool = False  # the browser can encrypt media end to end
    p2p: bool = False  # the browser can meet one other peer to peer (meeting/p2p.py)
    account: str | None = None  # the signed-in account's name
    space_room: bool = False  # the room is a space's meeting (spaces.store.SPACE_ROOM_PREFIX)
    space_member: bool = False  # ... and the newcomer belongs to that space (may meet in it)


class Outcome(enum.Enum):
    ADMIT = "admit"
    WAIT = "wait"  # in the lobby, until a moderator decides
    REFUSE = "refuse"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    role: str = PARTICIPANT
    code: str = ""
    message: str = ""


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _password_matches(stored: str, given: str) -> bool:
    try:
        return _HASHER.verify(stored, given)
    except (VerificationError, InvalidHashError):
        return False


def decide(
    room: Room, rights: JoinRights, *, secure_domain: bool, now: float | None = None
) -> Decision:
    """A space's meeting admits the space's members directly (its organisation members as
    moderators, its guests as participants); anyone else waits in the lobby, and cannot
    open it: a member must be there first."""
    now = time.monotonic() if now is None else now
    # Everyone may be in the meeting's breakout rooms: the meeting is open all the same.
    opened = not room.empty or room.breakouts_open
    invited = rights.invited_role is not None
    host = rights.host and (rights.space_member or not rights.space_room)
    entitled_moderator = host or rights.invited_role == MODERATOR
    trusted = invited or entitled_moderator or rights.space_member  # past lobby and password
    if rights.space_room and not opened and not (rights.space_member or invited):
        return Decision(
            Outcome.REFUSE,
            code="space_meeting_closed",
            message="this space's meeting has not started: a member of the space opens it",
        )
    if not opened:
        # Whoever opens a room moderates it; in a secure domain only a host may open one.
        if secure_domain and not (rights.host or invited):
            return Decision(
                Outcome.REFUSE,
                code="host_required",
                message="this meeting has not started: a host must open it first",
            )
        return Decision(Outcome.ADMIT, role=MODERATOR)
    role = MODERATOR if entitled_moderator else PARTICIPANT
    if room.e2ee and not rights.e2ee:
        return Decision(
            Outcome.REFUSE,
            code="e2ee_required",
            message="this meeting is encrypted end to end and this browser cannot encrypt",
        )
    if room.locked and not entitled_moderator:
        return Decision(Outcome.REFUSE, code="room_locked", message="the room is locked")
    if room.password_hash is not None and not trusted:
        if room.password_guesses.blocked(now):
            return Decision(
                Outcome.REFUSE,
                code="rate_limited",
                message="too many wrong passwords for this room; try again in a minute",
            )
        if rights.password is None:
            return Decision(
                Outcome.REFUSE, code="password_required", message="this room needs a password"
            )
        if not _password_matches(room.password_hash, rights.password):
            room.password_guesses.record(now)
            return Decision(Outcome.REFUSE, code="wrong_password", message="the password is wrong")
    if (room.lobby_enabled or rights.space_room) and not trusted:
        return Decision(Outcome.WAIT)
    return Decision(Outcome.ADMIT, role=role)
