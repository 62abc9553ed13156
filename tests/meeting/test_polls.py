"""In-meeting polls: options, one vote each (changeable until closed), counts and voters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palabre.meeting.polls import KEPT, MAX_OPTIONS, Poll, PollError, Polls


def test_a_vote_counts_once_and_may_change_until_the_poll_closes() -> None:
    polls = Polls()
    poll = polls.create("mod", "  Lunch?  ", ["Pizza", "Salad ", "Soup"])
    assert poll.question == "Lunch?" and poll.options == ("Pizza", "Salad", "Soup")
    assert polls.vote(poll.id, "ada", 0)
    assert not polls.vote(poll.id, "ada", 0)  # the same vote again changes nothing
    assert polls.vote(poll.id, "bob", 0)
    assert polls.vote(poll.id, "ada", 2)
    assert poll.counts() == [1, 0, 1]
    assert poll.voters() == [["bob"], [], ["ada"]]
    assert polls.close(poll.id)
    assert not polls.close(poll.id)
    with pytest.raises(PollError, match="closed"):
        polls.vote(poll.id, "cy", 1)
    assert poll.counts() == [1, 0, 1]


def test_an_anonymous_poll_tells_counts_only() -> None:
    polls = Polls()
    poll = polls.create("mod", "Secret?", ["yes", "no"], anonymous=True)
    polls.vote(poll.id, "ada", 1)
    assert poll.counts() == [0, 1]
    assert poll.voters() == [[], []]


def test_results_are_shown_live_or_once_closed_and_always_to_moderators() -> None:
    polls = Polls()
    hidden = polls.create("mod", "Q", ["a", "b"], live=False)
    assert not hidden.results_shown(moderator=False)
    assert hidden.results_shown(moderator=True)
    polls.close(hidden.id)
    assert hidden.results_shown(moderator=False)
    assert polls.create("mod", "Q", ["a", "b"]).results_shown(moderator=False)


@pytest.mark.parametrize(
    "question, options, why",
    [
        ("Q", ["only one"], "2 to 10"),
        ("Q", [str(i) for i in range(MAX_OPTIONS + 1)], "2 to 10"),
        ("Q", ["Same", "same"], "the same"),
        ("Q", ["a", "  "], "option"),
        ("\x00", ["a", "b"], "question"),
        ("Q" * 301, ["a", "b"], "question"),
        ("Q", ["a", "b" * 121], "option"),
    ],
)
def test_a_poll_needs_a_question_and_two_to_ten_distinct_options(
    question: str, options: list[str], why: str
) -> None:
    with pytest.raises(PollError, match=why):
        Polls().create("mod", question, options)


def test_a_vote_names_an_option_of_an_existing_poll() -> None:
    polls = Polls()
    poll = polls.create("mod", "Q", ["a", "b"])
    with pytest.raises(PollError, match="option"):
        polls.vote(poll.id, "ada", 2)
    with pytest.raises(PollError, match="no such poll"):
        polls.vote(poll.id + 1, "ada", 0)


def test_old_closed_polls_are_forgotten_open_ones_never() -> None:
    polls = Polls()
    first = polls.create("mod", "first", ["a", "b"])
    for _ in range(KEPT):
        polls.close(polls.create("mod", "Q", ["a", "b"]).id)
    assert len(polls) == KEPT  # the oldest closed one went, the open first one stayed
    assert polls.get(first.id) is first


@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 3)), max_size=60))
def test_counts_are_each_voters_last_choice(votes: list[tuple[str, int]]) -> None:
    polls = Polls()
    poll: Poll = polls.create("mod", "Q", ["w", "x", "y", "z"])
    last: dict[str, int] = {}
    for voter, choice in votes:
        polls.vote(poll.id, voter, choice)
        last[voter] = choice
    assert sum(poll.counts()) == len(last)
    for option, count in enumerate(poll.counts()):
        assert count == sum(1 for c in last.values() if c == option)
    assert sorted(v for group in poll.voters() for v in group) == sorted(last)
