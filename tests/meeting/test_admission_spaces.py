"""A space's meeting (meeting/admission.py): members in directly, others through the lobby,
and no one but a member opens it."""

from __future__ import annotations

from palabre.meeting.admission import JoinRights, Outcome, decide
from palabre.meeting.room import MODERATOR, PARTICIPANT, Room

ORG_MEMBER = JoinRights(host=True, space_room=True, space_member=True, account="alice")
GUEST_MEMBER = JoinRights(host=False, space_room=True, space_member=True, account="gwen")
OTHER_HOST = JoinRights(host=True, space_room=True, account="mallory")  # signed in, not a member
STRANGER = JoinRights(space_room=True)


def occupied() -> Room:
    room = Room("space-x")
    room.join("Alice", MODERATOR)
    return room


def test_only_a_member_opens_it() -> None:
    for rights in (OTHER_HOST, STRANGER):
        decision = decide(Room("space-x"), rights, secure_domain=False)
        assert decision.outcome is Outcome.REFUSE and decision.code == "space_meeting_closed"
    assert decide(Room("space-x"), GUEST_MEMBER, secure_domain=False).outcome is Outcome.ADMIT


def test_members_enter_directly_and_others_wait_even_without_a_lobby() -> None:
    room = occupied()
    assert not room.lobby_enabled
    assert decide(room, ORG_MEMBER, secure_domain=False).role == MODERATOR
    guest = decide(room, GUEST_MEMBER, secure_domain=False)
    assert guest.outcome is Outcome.ADMIT and guest.role == PARTICIPANT
    for rights in (OTHER_HOST, STRANGER):
        assert decide(room, rights, secure_domain=False).outcome is Outcome.WAIT


def test_members_skip_the_password_but_a_lock_holds_guests() -> None:
    room = occupied()
    room.password_hash = "not-a-hash"
    assert decide(room, GUEST_MEMBER, secure_domain=False).outcome is Outcome.ADMIT
    room.locked = True
    assert decide(room, GUEST_MEMBER, secure_domain=False).code == "room_locked"
    assert decide(room, ORG_MEMBER, secure_domain=False).outcome is Outcome.ADMIT


def test_ordinary_rooms_are_unchanged() -> None:
    room = occupied()
    assert decide(room, JoinRights(), secure_domain=False).outcome is Outcome.ADMIT
    assert decide(Room("r"), JoinRights(), secure_domain=False).role == MODERATOR
