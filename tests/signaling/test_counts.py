"""The hub's counts for the operator's statistics: joins, resumes, the lobby, refusals and
the meetings that ended, as numbers only."""

from __future__ import annotations

import pytest

from palabre.meeting.admission import JoinRights
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.counts import SignalingCounts
from palabre.signaling.hub import Hub, JoinRefused, Member

from .fake_media import FakeMediaPlane, FakePeer


def _seat(hub: Hub, room: str, name: str) -> Member:
    member = hub.join(FakePeer(), room, name, JoinRights())
    assert isinstance(member, Member)
    return member


def test_joins_resumes_and_an_ended_meeting_are_counted() -> None:
    hub = Hub(FakeMediaPlane(), MeetingCodes(b"k" * 32), resume_grace=60)
    ada = _seat(hub, "salle", "Ada")
    bob = _seat(hub, "salle", "Bob")
    hub.suspend(bob, now=0.0)
    back = hub.join(FakePeer(), "salle", "Bob", JoinRights(), resume=bob.participant.resume_token)
    assert isinstance(back, Member)
    assert (hub.counts.joins, hub.counts.resumes, hub.counts.meetings_ended) == (2, 1, 0)
    hub.leave(ada)
    assert hub.counts.take_ended() == []  # Bob is still there
    hub.leave(back)
    (usage,) = hub.counts.take_ended()
    assert usage.participants == 2  # Bob came back: still two people
    assert usage.ended_at >= usage.opened_at and usage.person_seconds >= 0
    assert hub.counts.meetings_ended == 1
    assert hub.counts.take_ended() == []  # told once


def test_lobby_entries_are_counted_and_a_refusal_is_not_a_join() -> None:
    hub = Hub(FakeMediaPlane(), MeetingCodes(b"k" * 32))
    host = _seat(hub, "rdv-salle", "Host")
    hub.join(FakePeer(), "rdv-salle", "Knocker", JoinRights())
    assert (hub.counts.lobby_entries, hub.counts.joins) == (1, 1)
    host.room.locked = True
    with pytest.raises(JoinRefused):
        hub.join(FakePeer(), "rdv-salle", "Late", JoinRights())
    assert (hub.counts.lobby_entries, hub.counts.joins) == (1, 1)


def test_codes_outside_the_known_sets_are_counted_as_other() -> None:
    counts = SignalingCounts()
    counts.refused("room_full")
    counts.refused("Ada Lovelace")  # whatever a code may be, it never becomes a label
    counts.error("rate_limited")
    counts.error("127.0.0.1")
    assert dict(counts.refusals) == {"room_full": 1, "other": 1}
    assert dict(counts.errors) == {"rate_limited": 1, "other": 1}
