"""A participant whose connection drops keeps its seat for a grace period, then leaves."""

from __future__ import annotations

from palabre.meeting.room import MODERATOR, RESUME_GRACE, Room, TrackInfo


def test_each_participant_gets_its_own_unguessable_token() -> None:
    room = Room("r")
    ada, bob = room.join("Ada"), room.join("Bob")
    assert ada.resume_token != bob.resume_token
    assert len(ada.resume_token) >= 32  # 24 random bytes, URL-safe base64


def test_suspended_participant_keeps_role_hand_and_mutes() -> None:
    room = Room("r")
    ada = room.join("Ada", MODERATOR)
    room.set_muted(ada.id, "audio", True)
    room.hands.raise_hand(ada.id)
    room.set_tracks(ada.id, (TrackInfo("t1", "video", "camera"),))
    assert room.suspend(ada.id, now=100.0)
    assert not room.suspend(ada.id, now=101.0)  # once only
    assert ada.reconnecting is True
    assert ada.tracks == ()  # it publishes nothing while away
    assert room.moderators() == [ada]
    back = room.resume(ada.resume_token)
    assert back is ada
    assert back.role == MODERATOR and back.audio_muted
    assert ada.id in room.hands.order
    assert not ada.reconnecting


def test_unknown_token_resumes_no_one() -> None:
    room = Room("r")
    ada = room.join("Ada")
    room.suspend(ada.id, now=0.0)
    assert room.resume("not-" + ada.resume_token) is None
    assert room.resume("") is None
    assert ada.reconnecting


def test_grace_period_expires() -> None:
    room = Room("r")
    ada, bob = room.join("Ada"), room.join("Bob")
    room.suspend(ada.id, now=10.0)
    assert room.expired(now=10.0 + RESUME_GRACE - 1) == []
    assert room.expired(now=10.0 + RESUME_GRACE) == [ada.id]
    assert bob.id not in room.expired(now=1e9)  # connected participants never expire
