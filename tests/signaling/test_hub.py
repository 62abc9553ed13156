"""The hub against a fake media plane (signaling/media.py is the only seam between them):
publishing, subscribing, muting, ICE restarts and leaving, without any media."""

from __future__ import annotations

from palabre.meeting.admission import JoinRights
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.collab import act as handle
from palabre.signaling.hub import Hub, Member
from palabre.signaling.protocol import client as m

from .fake_media import FakeMediaPlane, FakePeer


def seated(hub: Hub, name: str) -> tuple[Member, FakePeer]:
    peer = FakePeer()
    member = hub.join(peer, "room", name, JoinRights())
    assert isinstance(member, Member)
    return member, peer


def test_a_publisher_is_offered_to_the_others_and_mutes_pause_it() -> None:
    plane = FakeMediaPlane()
    hub = Hub(plane, MeetingCodes(b"k" * 32))
    ada, ada_peer = seated(hub, "Ada")
    bob, bob_peer = seated(hub, "Bob")
    answer = hub.publish(ada, "offer-1", {"0": "microphone", "1": "camera"})
    assert answer == "answer to offer-1"
    (tracks,) = bob_peer.of("tracks")
    assert [t["source"] for t in tracks["tracks"]] == ["microphone", "camera"]
    (offer,) = bob_peer.of("subscribe_offer")
    assert {t["participant"] for t in offer["tracks"]} == {ada.id}
    assert not ada_peer.of("subscribe_offer")  # nobody else sends
    hub.subscribe_answer(bob, "answer")
    assert not plane.sessions[bob.id].awaiting_answer
    hub.mute(ada, "audio", True)
    assert plane.sessions[ada.id].paused == (True, False)
    hub.restart_ice(bob)
    assert plane.sessions[bob.id].ice_restarts == 1
    assert len(bob_peer.of("subscribe_offer")) == 2  # the restart's new offer


def test_receive_settings_reach_the_media_session() -> None:
    plane = FakeMediaPlane()
    hub = Hub(plane, MeetingCodes(b"k" * 32))
    ada, _ = seated(hub, "Ada")
    handle(hub, ada, m.Receive(video="low"))
    assert plane.sessions[ada.id].max_layer == 0
    handle(hub, ada, m.Receive(video="off"))
    assert plane.sessions[ada.id].max_layer is None
    handle(hub, ada, m.Constraints(tracks={"t1": 180}))
    assert plane.sessions[ada.id].heights == {"t1": 180}


def test_leaving_removes_the_media_and_resubscribes_the_others() -> None:
    plane = FakeMediaPlane()
    hub = Hub(plane, MeetingCodes(b"k" * 32))
    ada, _ = seated(hub, "Ada")
    bob, _ = seated(hub, "Bob")
    hub.publish(ada, "offer", {"0": "camera"})
    assert plane.sessions[bob.id].receiving
    hub.leave(ada)
    assert ada.id not in plane.sessions
    assert plane.sessions[bob.id].receiving == []
