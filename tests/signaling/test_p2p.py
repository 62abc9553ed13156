"""Peer-to-peer for two as the hub carries it out: who is told they are a pair and when it
ends, and the relay of offers, answers and candidates between the pair only."""

from __future__ import annotations

import pytest

from palabre.meeting.admission import JoinRights
from palabre.meeting.codes import MeetingCodes
from palabre.signaling import moderation
from palabre.signaling.hub import Hub, Member, Waiter
from palabre.signaling.p2p import relay
from palabre.signaling.protocol import client as m
from palabre.signaling.protocol.client import ProtocolError

from .fake_media import FakeMediaPlane, FakePeer

ABLE = JoinRights(p2p=True, e2ee=True)
HOST = "candidate:1 1 udp 2122260223 127.0.0.1 53211 typ host"


def seated(
    hub: Hub, name: str, room: str = "room", rights: JoinRights = ABLE
) -> tuple[Member, FakePeer]:
    peer = FakePeer()
    member = hub.join(peer, room, name, rights)
    assert isinstance(member, Member)
    return member, peer


def last_p2p(peer: FakePeer) -> dict[str, object] | None:
    (*_, event) = peer.of("p2p")
    p2p = event.get("p2p")
    assert p2p is None or isinstance(p2p, dict)
    return p2p


def test_two_meet_directly_a_third_ends_it_and_two_again_start_anew() -> None:
    hub = Hub(FakeMediaPlane(), MeetingCodes(b"k" * 32))
    ada, ada_peer = seated(hub, "Ada")
    (joined,) = ada_peer.of("joined")
    assert "p2p" not in joined  # alone
    bob, bob_peer = seated(hub, "Bob")
    (joined,) = bob_peer.of("joined")
    assert joined["p2p"] == {"peer": ada.id, "session": 1, "offerer": False}
    assert not bob_peer.of("p2p")  # told in `joined`, not twice
    assert last_p2p(ada_peer) == {"peer": bob.id, "session": 1, "offerer": True}
    # Ada hears of Bob before she is told to meet him.
    types = [e["type"] for e in ada_peer.sent]
    assert types.index("participant_joined") < types.index("p2p")

    chloe, chloe_peer = seated(hub, "Chloé")
    assert last_p2p(ada_peer) is None and last_p2p(bob_peer) is None
    assert not chloe_peer.of("p2p") and "p2p" not in chloe_peer.of("joined")[0]

    hub.leave(chloe)
    assert last_p2p(ada_peer) == {"peer": bob.id, "session": 2, "offerer": True}
    assert last_p2p(bob_peer) == {"peer": ada.id, "session": 2, "offerer": False}
    hub.leave(bob)
    assert last_p2p(ada_peer) is None


def test_the_sfu_holds_back_a_new_pair_until_one_says_the_direct_path_fails() -> None:
    plane = FakeMediaPlane()
    hub = Hub(plane, MeetingCodes(b"k" * 32))
    ada, _ = seated(hub, "Ada")
    bob, _ = seated(hub, "Bob")
    assert plane.sessions[ada.id].held == {bob.id} and plane.sessions[bob.id].held == {ada.id}
    hub.p2p_fallback(bob, session=7)  # another session's: no effect
    assert plane.sessions[ada.id].held == {bob.id}
    hub.p2p_fallback(bob, session=1)
    assert plane.sessions[ada.id].held == set() and plane.sessions[bob.id].held == set()
    # A third ends the pair; when two remain they saw each other through the SFU: no hold.
    chloe, _ = seated(hub, "Chloé")
    assert all(s.held == set() for s in plane.sessions.values())
    hub.leave(chloe)
    assert hub.rooms.get("room").p2p.pair == (ada.id, bob.id)  # type: ignore[union-attr]
    assert all(s.held == set() for s in plane.sessions.values())
    # Bob drops and comes back: a new pair, held from the start again.
    hub.suspend(bob)
    hub.join(FakePeer(), "room", "Bob", ABLE, resume=bob.participant.resume_token)
    assert plane.sessions[ada.id].held == {bob.id}


def test_no_pair_with_a_browser_that_cannot_nor_when_the_server_says_no() -> None:
    hub = Hub(FakeMediaPlane(), MeetingCodes(b"k" * 32))
    seated(hub, "Ada")
    _, bot_peer = seated(hub, "Bot", rights=JoinRights())
    assert "p2p" not in bot_peer.of("joined")[0]
    off = Hub(FakeMediaPlane(), MeetingCodes(b"k" * 32), p2p=False)
    _, ada_peer = seated(off, "Ada")
    _, bob_peer = seated(off, "Bob")
    assert not ada_peer.of("p2p") and "p2p" not in bob_peer.of("joined")[0]


def test_a_drop_ends_it_and_the_resume_starts_a_new_session() -> None:
    hub = Hub(FakeMediaPlane(), MeetingCodes(b"k" * 32))
    ada, ada_peer = seated(hub, "Ada")
    bob, _ = seated(hub, "Bob")
    hub.suspend(bob)
    assert last_p2p(ada_peer) is None
    back_peer = FakePeer()
    back = hub.join(back_peer, "room", "Bob", ABLE, resume=bob.participant.resume_token)
    assert isinstance(back, Member) and back.id == bob.id
    assert back_peer.of("joined")[0]["p2p"] == {"peer": ada.id, "session": 2, "offerer": False}
    assert last_p2p(ada_peer) == {"peer": bob.id, "session": 2, "offerer": True}


def test_a_resume_over_a_connection_not_yet_known_dead_starts_a_new_session_too() -> None:
    hub = Hub(FakeMediaPlane(), MeetingCodes(b"k" * 32))
    _, ada_peer = seated(hub, "Ada")
    bob, _ = seated(hub, "Bob")
    back_peer = FakePeer()
    hub.join(back_peer, "room", "Bob", ABLE, resume=bob.participant.resume_token)
    assert back_peer.of("joined")[0]["p2p"]["session"] == 2
    assert last_p2p(ada_peer) == {"peer": bob.id, "session": 2, "offerer": True}


def test_turning_e2ee_on_ends_it_and_off_brings_it_back() -> None:
    hub = Hub(FakeMediaPlane(), MeetingCodes(b"k" * 32))
    ada, ada_peer = seated(hub, "Ada")  # the moderator, who opened the room
    _, bob_peer = seated(hub, "Bob")
    moderation.act(hub, ada, m.SetE2ee(enabled=True))
    assert last_p2p(ada_peer) is None and last_p2p(bob_peer) is None
    moderation.act(hub, ada, m.SetE2ee(enabled=False))
    assert last_p2p(bob_peer) == {"peer": ada.id, "session": 2, "offerer": False}


def test_someone_waiting_in_the_lobby_does_not_count_until_admitted() -> None:
    hub = Hub(FakeMediaPlane(), MeetingCodes(b"k" * 32))
    ada, ada_peer = seated(hub, "Ada")
    seated(hub, "Bob")
    moderation.act(hub, ada, m.SetLobby(enabled=True))
    waiter = hub.join(FakePeer(), "room", "Dan", ABLE)
    assert isinstance(waiter, Waiter)
    assert last_p2p(ada_peer) is not None  # still meeting Bob directly
    hub.admit(waiter)
    assert last_p2p(ada_peer) is None


def test_signals_go_to_the_pair_only() -> None:
    hub = Hub(FakeMediaPlane(), MeetingCodes(b"k" * 32))
    ada, ada_peer = seated(hub, "Ada")
    bob, bob_peer = seated(hub, "Bob")
    stranger, stranger_peer = seated(hub, "Eve", room="elsewhere")
    relay(hub, ada, m.P2pSignal(to=bob.id, session=1, offer="v=0 offer"))
    relay(hub, bob, m.P2pSignal(to=ada.id, session=1, answer="v=0 answer"))
    candidate = m.IceCandidate(candidate=HOST, sdp_mid="0", sdp_m_line_index=0)
    relay(hub, bob, m.P2pSignal(to=ada.id, session=1, candidate=candidate))
    assert bob_peer.of("p2p_signal") == [
        {"type": "p2p_signal", "from": ada.id, "session": 1, "offer": "v=0 offer"}
    ]
    assert ada_peer.of("p2p_signal") == [
        {"type": "p2p_signal", "from": bob.id, "session": 1, "answer": "v=0 answer"},
        {
            "type": "p2p_signal",
            "from": bob.id,
            "session": 1,
            "candidate": {"candidate": HOST, "sdpMid": "0", "sdpMLineIndex": 0},
        },
    ]
    # A stranger from another room, and to one: no such participant here.
    for sender, to in ((stranger, ada.id), (ada, stranger.id)):
        with pytest.raises(ProtocolError) as refused:
            relay(hub, sender, m.P2pSignal(to=to, session=1, offer="v=0"))
        assert refused.value.code == "not_found"
    assert not stranger_peer.of("p2p_signal") and len(ada_peer.of("p2p_signal")) == 2
    # To oneself; an old session; not one of each; a candidate of another type.
    for message, sender in (
        (m.P2pSignal(to=ada.id, session=1, offer="v=0"), ada),
        (m.P2pSignal(to=bob.id, session=7, offer="v=0"), ada),
        (m.P2pSignal(to=bob.id, session=1), ada),
        (m.P2pSignal(to=bob.id, session=1, offer="v=0", answer="v=0"), ada),
        (m.P2pSignal(to=bob.id, session=1, candidate=m.IceCandidate(candidate="x typ relay")), ada),
    ):
        with pytest.raises(ProtocolError):
            relay(hub, sender, message)
    assert len(bob_peer.of("p2p_signal")) == 1


def test_no_signal_once_a_third_joined_not_even_between_the_former_pair() -> None:
    hub = Hub(FakeMediaPlane(), MeetingCodes(b"k" * 32))
    ada, _ = seated(hub, "Ada")
    bob, bob_peer = seated(hub, "Bob")
    chloe, chloe_peer = seated(hub, "Chloé")
    for sender, to in ((ada, bob), (chloe, bob), (bob, chloe)):
        with pytest.raises(ProtocolError) as refused:
            relay(hub, sender, m.P2pSignal(to=to.id, session=1, offer="v=0"))
        assert refused.value.code == "invalid"
    assert not bob_peer.of("p2p_signal") and not chloe_peer.of("p2p_signal")
