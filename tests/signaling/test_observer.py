"""What the hub tells its observer: who is present, and the end of a meeting with its chat
only when a moderator asked to keep it."""

from __future__ import annotations

import pytest

from palabre.media.sfu import Sfu
from palabre.meeting.admission import JoinRights
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.hub import Hub, Member
from palabre.signaling.moderation import act
from palabre.signaling.observer import MeetingEnded
from palabre.signaling.protocol import client as m
from palabre.signaling.protocol.client import ProtocolError
from palabre.signaling.views import settings

from .fake_media import FakePeer


class Recorder:
    def __init__(self) -> None:
        self.rosters: list[tuple[str, list[str]]] = []
        self.ended: list[MeetingEnded] = []

    def roster_changed(self, room: str, names: list[str]) -> None:
        self.rosters.append((room, names))

    def meeting_ended(self, summary: MeetingEnded) -> None:
        self.ended.append(summary)


@pytest.fixture
def hub() -> tuple[Hub, Recorder]:
    recorder = Recorder()
    return Hub(Sfu(["127.0.0.1"]), MeetingCodes(b"k" * 32), observer=recorder), recorder


MEMBER = JoinRights(host=True, space_room=True, space_member=True, account="alice")


def test_roster_and_end_without_saving(hub: tuple[Hub, Recorder]) -> None:
    hub_, seen = hub
    alice = hub_.join(FakePeer(), "space-x", "Alice", MEMBER)
    bob = hub_.join(FakePeer(), "space-x", "Bob", JoinRights(space_room=True, space_member=True))
    assert isinstance(alice, Member) and isinstance(bob, Member)
    hub_.rooms.get("space-x").chat.post(alice.id, "Alice", "hello")  # type: ignore[union-attr]
    hub_.leave(bob)
    hub_.leave(alice)
    assert seen.rosters == [
        ("space-x", ["Alice"]),
        ("space-x", ["Alice", "Bob"]),
        ("space-x", ["Alice"]),
        ("space-x", []),
    ]
    (ended,) = seen.ended
    assert ended.room == "space-x" and ended.save_chat_by is None and ended.chat == ()
    assert ended.person_seconds >= 0 and ended.ended_at >= ended.opened_at


def test_a_moderator_keeps_the_chat(hub: tuple[Hub, Recorder]) -> None:
    hub_, seen = hub
    alice = hub_.join(FakePeer(), "space-x", "Alice", MEMBER)
    assert isinstance(alice, Member)
    act(hub_, alice, m.SaveChat(save=True))
    assert settings(alice.room).chat_saved is True
    alice.room.chat.post(alice.id, "Alice", "decided: ship it")
    hub_.leave(alice)
    (ended,) = seen.ended
    assert ended.save_chat_by == "alice"
    assert [(line.name, line.text) for line in ended.chat] == [("Alice", "decided: ship it")]


def test_only_signed_in_moderators_of_a_space_meeting_keep_a_chat(
    hub: tuple[Hub, Recorder],
) -> None:
    hub_, _ = hub
    anonymous = hub_.join(FakePeer(), "ordinary", "Zoe", JoinRights())
    assert isinstance(anonymous, Member)
    with pytest.raises(ProtocolError):
        act(hub_, anonymous, m.SaveChat(save=True))
    alice = hub_.join(FakePeer(), "space-x", "Alice", MEMBER)
    assert isinstance(alice, Member)
    alice.room.e2ee = True
    with pytest.raises(ProtocolError):
        act(hub_, alice, m.SaveChat(save=True))
    assert alice.room.save_chat_by is None
