"""The rule of peer-to-peer for two (meeting/p2p.py), without I/O."""

from __future__ import annotations

from dataclasses import dataclass

from palabre.meeting.p2p import PeerToPeer, eligible_pair


@dataclass
class Seat:
    id: str
    p2p: bool = True
    reconnecting: bool = False


def test_two_connected_able_participants_make_a_pair_the_first_offering() -> None:
    seats = [Seat("a"), Seat("b")]
    assert eligible_pair(seats, {"a", "b"}, enabled=True, e2ee=False) == ("a", "b")


def test_no_pair_when_off_encrypted_alone_three_unable_away_or_disconnected() -> None:
    two = [Seat("a"), Seat("b")]
    assert eligible_pair(two, {"a", "b"}, enabled=False, e2ee=False) is None
    assert eligible_pair(two, {"a", "b"}, enabled=True, e2ee=True) is None
    assert eligible_pair(two[:1], {"a"}, enabled=True, e2ee=False) is None
    three = [*two, Seat("c")]
    assert eligible_pair(three, {"a", "b", "c"}, enabled=True, e2ee=False) is None
    bot = [Seat("a"), Seat("b", p2p=False)]
    assert eligible_pair(bot, {"a", "b"}, enabled=True, e2ee=False) is None
    away = [Seat("a"), Seat("b", reconnecting=True)]
    assert eligible_pair(away, {"a", "b"}, enabled=True, e2ee=False) is None
    assert eligible_pair(two, {"a"}, enabled=True, e2ee=False) is None


def test_each_new_pair_has_a_new_session_and_both_pairs_are_told() -> None:
    state = PeerToPeer()
    assert state.choose(("a", "b")) == ("a", "b") and state.session == 1
    assert state.choose(("a", "b")) == ()  # unchanged: nobody told, same session
    assert state.peer_of("a") == "b" and state.peer_of("b") == "a" and state.peer_of("c") is None
    assert state.offerer("a") and not state.offerer("b")
    assert state.choose(None) == ("a", "b") and state.session == 1
    assert state.peer_of("a") is None and not state.offerer("a")
    assert state.choose(("b", "c")) == ("b", "c") and state.session == 2
    assert state.choose(("a", "c")) == ("b", "c", "a") and state.session == 3
