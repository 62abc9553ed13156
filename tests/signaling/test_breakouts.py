"""Breakout rooms through the hub (fake media): moves between rooms keep the media session
and change only what is received; permissions; the timer; the meeting ends with its rooms."""

from __future__ import annotations

import pytest

from palabre.meeting.admission import JoinRights
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.breakouts import act
from palabre.signaling.collab import act as collab
from palabre.signaling.hub import Hub, Member
from palabre.signaling.moderation import act as moderate
from palabre.signaling.observer import MeetingEnded
from palabre.signaling.protocol import client as m
from palabre.signaling.protocol.client import ProtocolError

from .fake_media import FakeMediaPlane, FakePeer


class Observer:
    def __init__(self) -> None:
        self.ended: list[MeetingEnded] = []
        self.rosters: list[tuple[str, list[str]]] = []

    def roster_changed(self, room: str, names: list[str]) -> None:
        self.rosters.append((room, names))

    def meeting_ended(self, summary: MeetingEnded) -> None:
        self.ended.append(summary)


def _meeting(*names: str) -> tuple[Hub, FakeMediaPlane, Observer, list[tuple[Member, FakePeer]]]:
    plane = FakeMediaPlane()
    observer = Observer()
    hub = Hub(plane, MeetingCodes(b"k" * 32), observer=observer)
    seats = []
    for name in names:
        peer = FakePeer()
        member = hub.join(peer, "room", name, JoinRights())
        assert isinstance(member, Member)
        hub.publish(member, "offer", {"0": "microphone"})
        seats.append((member, peer))
    return hub, plane, observer, seats


def _receives(plane: FakeMediaPlane, member: Member) -> set[str]:
    return {t.participant_id for t in plane.sessions[member.id].receiving}


def _open_two_rooms(hub: Hub, mod: Member, first: Member, second: Member, **opening) -> None:
    act(hub, mod, m.BreakoutCreate(names=["Salle A", "Salle B"]))
    act(hub, mod, m.BreakoutAssign(participant=first.id, room=0))
    act(hub, mod, m.BreakoutAssign(participant=second.id, room=1))
    act(hub, mod, m.BreakoutOpen(**opening))


def test_opening_moves_each_into_its_room_with_its_own_media_and_chat() -> None:
    hub, plane, _, seats = _meeting("Mod", "Ada", "Bob", "Cy")
    (mod, _), (ada, ada_peer), (bob, bob_peer), (cy, cy_peer) = seats
    session = plane.sessions[ada.id]
    act(hub, mod, m.BreakoutCreate(names=["Salle A", "Salle B"]))
    act(hub, mod, m.BreakoutAssign(participant=ada.id, room=0))
    act(hub, mod, m.BreakoutAssign(participant=cy.id, room=0))
    act(hub, mod, m.BreakoutAssign(participant=bob.id, room=1))
    act(hub, mod, m.BreakoutOpen(duration=600))
    assert ada.room.name == "room~1" and cy.room is ada.room and bob.room.name == "room~2"
    assert plane.sessions[ada.id] is session  # the same media session: nothing republished
    assert _receives(plane, ada) == {cy.id} and _receives(plane, bob) == set()
    assert _receives(plane, mod) == set()
    joined = ada_peer.of("joined")[-1]
    assert joined["room"] == "room~1"
    assert joined["breakout"] == {"main": "room", "index": 0, "name": "Salle A"}
    assert {p["id"] for p in cy_peer.of("joined")[-1]["participants"]} == {ada.id}
    assert ada_peer.of("participant_joined")[-1]["participant"]["id"] == cy.id
    plan = ada_peer.of("breakouts")[-1]["breakouts"]
    assert plan["opened"] and plan["yourRoom"] == 0 and plan["endsAt"] > 0
    assert [r["present"] for r in plan["rooms"]] == [[ada.id, cy.id], [bob.id]]
    # A breakout room's chat is its own.
    collab(hub, ada, m.Chat(text="entre nous"))
    assert [c["message"]["text"] for c in ada_peer.of("chat")] == ["entre nous"]
    assert not bob_peer.of("chat")


def test_only_moderators_plan_open_broadcast_and_close() -> None:
    hub, _, _, seats = _meeting("Mod", "Ada")
    (mod, _), (ada, ada_peer) = seats
    for request in (
        m.BreakoutCreate(names=["a"]),
        m.BreakoutAssign(participant=ada.id, room=0),
        m.BreakoutShuffle(),
        m.BreakoutOpen(),
        m.BreakoutBroadcast(text="hello"),
        m.BreakoutClose(),
    ):
        with pytest.raises(ProtocolError) as refused:
            act(hub, ada, request)
        assert refused.value.code == "forbidden", request
    assert not ada_peer.of("breakouts")
    act(hub, mod, m.BreakoutCreate(names=["a", "b"]))
    act(hub, mod, m.BreakoutAssign(participant=ada.id, room=0))
    act(hub, mod, m.BreakoutOpen(allow_return=False))
    with pytest.raises(ProtocolError) as refused:
        act(hub, ada, m.BreakoutJoin(room=1))  # not its room
    assert refused.value.code == "forbidden"
    with pytest.raises(ProtocolError) as refused:
        act(hub, ada, m.BreakoutReturn())  # not allowed back
    assert refused.value.code == "forbidden"
    assert ada.room.name == "room~1"


def test_participants_go_back_and_in_again_when_allowed() -> None:
    hub, plane, _, seats = _meeting("Mod", "Ada", "Bob")
    (mod, _), (ada, _), (bob, _) = seats
    _open_two_rooms(hub, mod, ada, bob)
    act(hub, ada, m.BreakoutReturn())
    assert ada.room.name == "room" and _receives(plane, ada) == {mod.id}
    act(hub, ada, m.BreakoutJoin(room=0))
    assert ada.room.name == "room~1" and _receives(plane, mod) == set()


def test_a_moderator_visits_rooms_and_speaks_to_all_of_them() -> None:
    hub, plane, _, seats = _meeting("Mod", "Ada", "Bob")
    (mod, _), (ada, ada_peer), (bob, bob_peer) = seats
    _open_two_rooms(hub, mod, ada, bob)
    act(hub, mod, m.BreakoutJoin(room=1))
    assert mod.room is bob.room and _receives(plane, bob) == {mod.id}
    act(hub, mod, m.BreakoutBroadcast(text="Plus que 2 minutes"))
    for peer in (ada_peer, bob_peer):
        (said,) = peer.of("breakout_message")
        assert said["text"] == "Plus que 2 minutes" and said["fromName"] == "Mod"
    act(hub, mod, m.BreakoutReturn())
    assert mod.room.name == "room"


def test_closing_and_the_timer_bring_everyone_back() -> None:
    hub, plane, _, seats = _meeting("Mod", "Ada", "Bob")
    (mod, mod_peer), (ada, ada_peer), (bob, _) = seats
    _open_two_rooms(hub, mod, ada, bob)
    act(hub, mod, m.BreakoutClose())
    assert ada.room.name == bob.room.name == "room"
    assert _receives(plane, mod) == {ada.id, bob.id}
    assert ada_peer.of("breakouts")[-1]["breakouts"] is None
    assert "breakout" not in ada_peer.of("joined")[-1]
    assert [room.name for room in hub.rooms] == ["room"]
    _open_two_rooms(hub, mod, ada, bob, duration=60)
    ends_at = ada_peer.of("breakouts")[-1]["breakouts"]["endsAt"]
    hub.close_due_breakouts(ends_at - 1)
    assert ada.room.name == "room~1"
    hub.close_due_breakouts(ends_at)
    assert ada.room.name == bob.room.name == "room"
    assert mod_peer.of("breakouts")[-1]["breakouts"] is None


def test_a_meeting_lives_on_in_its_breakout_rooms_and_ends_with_them() -> None:
    hub, _, observer, seats = _meeting("Mod", "Ada", "Bob")
    (mod, _), (ada, _), (bob, _) = seats
    act(hub, mod, m.BreakoutCreate(names=["a", "b"]))
    act(hub, mod, m.BreakoutShuffle())
    act(hub, mod, m.BreakoutAssign(participant=mod.id, room=0))
    act(hub, mod, m.BreakoutOpen())
    assert not hub.rooms.get("room").participants  # type: ignore[union-attr]
    assert sorted(observer.rosters[-1][1]) == ["Ada", "Bob", "Mod"]
    # Someone joining the main room now is not its first: the moderator is in a breakout.
    late_peer = FakePeer()
    late = hub.join(late_peer, "room", "Late", JoinRights())
    assert isinstance(late, Member) and late.participant.role == "participant"
    assert late_peer.of("breakouts")[-1]["breakouts"]["opened"]
    hub.leave(mod)  # the last moderator leaves: someone present takes over
    assert any(s.participant.moderator for s in (ada, bob, late))
    for member in (ada, bob, late):
        hub.leave(member)
    assert len(observer.ended) == 1 and observer.ended[0].room == "room"
    assert len(hub.rooms) == 0


def test_a_dropped_participant_resumes_in_its_breakout_room() -> None:
    hub, _, _, seats = _meeting("Mod", "Ada", "Bob")
    (mod, _), (ada, ada_peer), (bob, _) = seats
    _open_two_rooms(hub, mod, ada, bob)
    token = ada_peer.of("joined")[-1]["resume"]
    hub.suspend(ada)
    again = FakePeer()
    back = hub.join(again, "room", "Ada", JoinRights(), resume=token)
    assert isinstance(back, Member) and back.id == ada.id and back.room.name == "room~1"
    assert again.of("joined")[-1]["breakout"]["main"] == "room"


def test_reassigning_once_open_moves_at_once() -> None:
    hub, _, _, seats = _meeting("Mod", "Ada", "Bob")
    (mod, _), (ada, _), (bob, _) = seats
    _open_two_rooms(hub, mod, ada, bob)
    act(hub, mod, m.BreakoutAssign(participant=ada.id, room=1))
    assert ada.room is bob.room
    act(hub, mod, m.BreakoutAssign(participant=ada.id, room=None))
    assert ada.room.name == "room"
    with pytest.raises(ProtocolError) as refused:
        act(hub, mod, m.BreakoutAssign(participant="nobody", room=0))
    assert refused.value.code == "not_found"
    with pytest.raises(ProtocolError) as refused:
        act(hub, mod, m.BreakoutCreate(names=["x"]))
    assert refused.value.code == "invalid" and "close them first" in refused.value.message


def test_a_moderator_in_a_breakout_room_still_keeps_the_door_and_ends_the_meeting() -> None:
    hub, _, _, seats = _meeting("Mod", "Ada", "Bob")
    (mod, mod_peer), (ada, ada_peer), (bob, _) = seats
    _open_two_rooms(hub, mod, ada, bob)
    act(hub, mod, m.BreakoutJoin(room=0))
    moderate(hub, mod, m.SetLobby(enabled=True))
    assert hub.rooms.get("room").lobby_enabled  # type: ignore[union-attr]
    assert mod_peer.of("room_updated")[-1]["settings"]["lobby"] is True
    knocking = FakePeer()
    waiter = hub.join(knocking, "room", "Dan", JoinRights())
    (knock,) = mod_peer.of("lobby_knock")  # the knock reaches the visiting moderator
    moderate(hub, mod, m.Admit(participant=knock["knocker"]["id"]))
    assert waiter.id in hub.rooms.get("room").participants  # type: ignore[union-attr]
    moderate(hub, mod, m.EndMeeting())
    assert ada_peer.of("bye")[-1]["reason"] == "ended"
    assert len(hub.rooms) == 0


def test_the_meeting_counts_everyone_in_its_breakout_rooms() -> None:
    hub, _, _, seats = _meeting("Mod", "Ada", "Bob")
    (mod, _), (ada, _), (bob, _) = seats
    _open_two_rooms(hub, mod, ada, bob)
    assert sorted(p.name for p in hub.present("room")) == ["Ada", "Bob", "Mod"]
    assert hub.present("nowhere") == []
