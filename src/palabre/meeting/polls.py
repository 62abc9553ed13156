"""In-meeting polls: a moderator asks, each participant votes once (and may change the vote
until the poll closes), the results are counted here.

A poll is single choice among 2 to 10 options. `anonymous` keeps who voted for what to the
server (only counts are shown); `live` shows the results while the poll is open, otherwise
only once it is closed (moderators always see them). Nothing is kept once the meeting ends:
the polls live and die with their Room, as the chat does. A vote stays counted when its
voter leaves, as a ballot does. (Polls that plan a meeting, with
dates, are another thing: src/palabre/polls/.)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from .chat import InvalidMessage, clean_text

MIN_OPTIONS = 2
MAX_OPTIONS = 10
MAX_QUESTION = 300
MAX_OPTION = 120
KEPT = 20  # polls a room remembers (the oldest closed ones go first)


class PollError(ValueError):
    """A poll, a vote or a close we refuse; the message says why."""


@dataclass
class Poll:
    id: int
    question: str
    options: tuple[str, ...]
    by: str  # the moderator who asked
    anonymous: bool = False
    live: bool = True  # results shown while open
    closed: bool = False
    votes: dict[str, int] = field(default_factory=dict)  # participant id -> option index

    def counts(self) -> list[int]:
        counts = [0] * len(self.options)
        for choice in self.votes.values():
            counts[choice] += 1
        return counts

    def voters(self) -> list[list[str]]:
        """Who chose each option, in the order they voted (empty lists if anonymous)."""
        voters: list[list[str]] = [[] for _ in self.options]
        if not self.anonymous:
            for participant_id, choice in self.votes.items():
                voters[choice].append(participant_id)
        return voters

    def results_shown(self, moderator: bool) -> bool:
        return self.closed or self.live or moderator


def _clean(text: str, limit: int, what: str) -> str:
    try:
        cleaned = clean_text(text)
    except InvalidMessage as exc:
        raise PollError(f"{what} {exc}") from None
    if len(cleaned) > limit:
        raise PollError(f"{what} must be at most {limit} characters")
    return " ".join(cleaned.split())


class Polls:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._polls: dict[int, Poll] = {}

    def create(
        self,
        by: str,
        question: str,
        options: list[str],
        *,
        anonymous: bool = False,
        live: bool = True,
    ) -> Poll:
        question = _clean(question, MAX_QUESTION, "the question")
        cleaned = [_clean(option, MAX_OPTION, "an option") for option in options]
        if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
            raise PollError(f"a poll has {MIN_OPTIONS} to {MAX_OPTIONS} options")
        if len({option.casefold() for option in cleaned}) != len(cleaned):
            raise PollError("two options are the same")
        poll = Poll(next(self._ids), question, tuple(cleaned), by, anonymous, live)
        self._polls[poll.id] = poll
        self._forget_old()
        return poll

    def _forget_old(self) -> None:
        while len(self._polls) > KEPT:
            oldest = next((p for p in self._polls.values() if p.closed), None)
            if oldest is None:
                return
            del self._polls[oldest.id]

    def get(self, poll_id: int) -> Poll:
        poll = self._polls.get(poll_id)
        if poll is None:
            raise PollError("no such poll in this meeting")
        return poll

    def vote(self, poll_id: int, participant_id: str, option: int) -> bool:
        """Records (or changes) the participant's vote; returns whether anything changed."""
        poll = self.get(poll_id)
        if poll.closed:
            raise PollError("this poll is closed")
        if not 0 <= option < len(poll.options):
            raise PollError(f"option must be 0 to {len(poll.options) - 1}")
        if poll.votes.get(participant_id) == option:
            return False
        poll.votes.pop(participant_id, None)  # a changed vote counts in its new order
        poll.votes[participant_id] = option
        return True

    def close(self, poll_id: int) -> bool:
        poll = self.get(poll_id)
        if poll.closed:
            return False
        poll.closed = True
        return True

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._polls.values()))

    def __len__(self) -> int:
        return len(self._polls)
