"""What the operator's statistics count of the signaling side, as counts only: no name, no
address, no room name ever goes in here (docs/operations.md lists what is published).

The hub and the sessions add to one `SignalingCounts` per process; `/metrics` reads it
(stats/sample.py), and the meetings that ended wait in `ended` until the web app records
them in the day's row (stats/usage.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# The codes a refused join or a refused message may be counted under; any other is "other",
# so the set of label values stays bounded whatever a client sends.
REFUSAL_CODES = frozenset(
    {
        "e2ee_required",
        "host_required",
        "invalid",
        "password_required",
        "rate_limited",
        "room_full",
        "room_locked",
        "space_meeting_closed",
        "unavailable",
        "unsupported_version",
        "wrong_password",
    }
)
ERROR_CODES = frozenset(
    {
        "already_joined",
        "bad_message",
        "bad_sdp",
        "forbidden",
        "invalid",
        "not_found",
        "not_joined",
        "rate_limited",
        "too_large",
        "unknown_type",
        "waiting",
    }
)


def bounded(code: str, known: frozenset[str]) -> str:
    return code if code in known else "other"


@dataclass(frozen=True)
class MeetingUsage:
    """A meeting that ended, as counts: when, how many took part, their summed time."""

    opened_at: float  # epoch seconds
    ended_at: float
    participants: int  # distinct people seated in it (one who came back counts once)
    person_seconds: float


@dataclass
class SignalingCounts:
    joins: int = 0  # participants seated (from the lobby included)
    resumes: int = 0  # participants back in their seat after a drop
    lobby_entries: int = 0
    meetings_ended: int = 0
    refusals: Counter[str] = field(default_factory=Counter)  # joins refused, by code
    errors: Counter[str] = field(default_factory=Counter)  # other messages refused, by code
    ended: list[MeetingUsage] = field(default_factory=list)  # not yet taken for the days

    def refused(self, code: str) -> None:
        self.refusals[bounded(code, REFUSAL_CODES)] += 1

    def error(self, code: str) -> None:
        self.errors[bounded(code, ERROR_CODES)] += 1

    def meeting_ended(self, usage: MeetingUsage) -> None:
        self.meetings_ended += 1
        self.ended.append(usage)
        if len(self.ended) > 100_000:  # nobody takes them: keep memory bounded
            del self.ended[: len(self.ended) - 100_000]

    def take_ended(self) -> list[MeetingUsage]:
        ended, self.ended = self.ended, []
        return ended
