"""Poll requests through the hub (fake media): who may ask and close, who sees what."""

from __future__ import annotations

import pytest

from palabre.meeting.admission import JoinRights
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.hub import Hub, Member
from palabre.signaling.polls import act
from palabre.signaling.protocol import client as m
from palabre.signaling.protocol.client import ProtocolError

from .fake_media import FakeMediaPlane, FakePeer


def _meeting(*names: str) -> tuple[Hub, list[tuple[Member, FakePeer]]]:
    hub = Hub(FakeMediaPlane(), MeetingCodes(b"k" * 32))
    seats = []
    for name in names:
        peer = FakePeer()
        member = hub.join(peer, "room", name, JoinRights())
        assert isinstance(member, Member)
        seats.append((member, peer))
    return hub, seats


def _last_poll(peer: FakePeer) -> dict:
    return peer.of("poll")[-1]["poll"]


def test_only_a_moderator_asks_and_closes() -> None:
    hub, [(mod, mod_peer), (ada, ada_peer)] = _meeting("Mod", "Ada")
    ask = m.PollCreate(question="Lunch?", options=["Pizza", "Soup"], id=3)
    with pytest.raises(ProtocolError) as refused:
        act(hub, ada, ask)
    assert refused.value.code == "forbidden" and refused.value.ref == 3
    assert not ada_peer.of("poll") and not mod_peer.of("poll")
    act(hub, mod, ask)
    poll = _last_poll(ada_peer)
    assert poll["question"] == "Lunch?" and poll["options"] == ["Pizza", "Soup"]
    with pytest.raises(ProtocolError) as refused:
        act(hub, ada, m.PollClose(poll=poll["id"]))
    assert refused.value.code == "forbidden"
    assert not _last_poll(ada_peer)["closed"]
    act(hub, mod, m.PollClose(poll=poll["id"]))
    assert _last_poll(ada_peer)["closed"] and _last_poll(mod_peer)["closed"]


def test_live_results_reach_everyone_with_each_ones_vote() -> None:
    hub, [(mod, mod_peer), (ada, ada_peer), (bob, bob_peer)] = _meeting("Mod", "Ada", "Bob")
    act(hub, mod, m.PollCreate(question="Q", options=["a", "b", "c"]))
    poll_id = _last_poll(ada_peer)["id"]
    act(hub, ada, m.PollVote(poll=poll_id, option=1))
    act(hub, bob, m.PollVote(poll=poll_id, option=1))
    act(hub, ada, m.PollVote(poll=poll_id, option=2))  # changed
    seen_by_bob = _last_poll(bob_peer)
    assert seen_by_bob["results"] == {"counts": [0, 1, 1], "voters": [[], [bob.id], [ada.id]]}
    assert seen_by_bob["yourVote"] == 1 and _last_poll(ada_peer)["yourVote"] == 2
    assert "yourVote" not in _last_poll(mod_peer)
    act(hub, mod, m.PollClose(poll=poll_id))
    with pytest.raises(ProtocolError) as refused:
        act(hub, bob, m.PollVote(poll=poll_id, option=0))
    assert refused.value.code == "invalid" and "closed" in refused.value.message


def test_hidden_results_wait_for_the_close_but_moderators_see_them() -> None:
    hub, [(mod, mod_peer), (ada, ada_peer), (_, bob_peer)] = _meeting("Mod", "Ada", "Bob")
    act(hub, mod, m.PollCreate(question="Q", options=["a", "b"], live=False, anonymous=True))
    poll_id = _last_poll(ada_peer)["id"]
    before = len(bob_peer.of("poll"))
    act(hub, ada, m.PollVote(poll=poll_id, option=0))
    assert len(bob_peer.of("poll")) == before  # nothing for Bob to see yet
    mine = _last_poll(ada_peer)
    assert "results" not in mine and mine["yourVote"] == 0 and mine["votes"] == 1
    assert _last_poll(mod_peer)["results"] == {"counts": [1, 0]}  # anonymous: counts only
    act(hub, mod, m.PollClose(poll=poll_id))
    assert _last_poll(bob_peer)["results"] == {"counts": [1, 0]}


def test_a_late_joiner_gets_the_rooms_polls_after_joined() -> None:
    hub, [(mod, _)] = _meeting("Mod")
    act(hub, mod, m.PollCreate(question="Q", options=["a", "b"]))
    peer = FakePeer()
    hub.join(peer, "room", "Late", JoinRights())
    types = [message["type"] for message in peer.sent]
    assert types.index("joined") < types.index("poll")


def test_a_bad_vote_is_an_error_that_changes_nothing() -> None:
    hub, [(mod, _), (ada, ada_peer)] = _meeting("Mod", "Ada")
    act(hub, mod, m.PollCreate(question="Q", options=["a", "b"]))
    poll_id = _last_poll(ada_peer)["id"]
    for bad in (m.PollVote(poll=poll_id, option=5), m.PollVote(poll=poll_id + 7, option=0)):
        with pytest.raises(ProtocolError) as refused:
            act(hub, ada, bad)
        assert refused.value.code == "invalid"
    assert _last_poll(ada_peer)["results"]["counts"] == [0, 0]
