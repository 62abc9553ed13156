"""Rooms and participants: the pure state the signaling layer drives."""

from __future__ import annotations

import pytest

from palabre.meeting import room as room_module
from palabre.meeting.names import InvalidName
from palabre.meeting.room import Room, RoomFull, Rooms, TrackInfo


def test_join_and_leave() -> None:
    room = Room("conseil")
    ada = room.join("  Ada  ")
    bob = room.join("Bob")
    assert ada.name == "Ada"
    assert ada.id != bob.id
    assert ada.id.startswith("p") and len(ada.id) == 9
    assert set(room.participants) == {ada.id, bob.id}
    assert room.others(ada.id) == [bob]
    assert not room.empty
    assert room.leave(ada.id) is ada
    assert room.leave(ada.id) is None
    assert room.others(bob.id) == []
    room.leave(bob.id)
    assert room.empty


def test_join_refuses_bad_display_names() -> None:
    room = Room("r")
    with pytest.raises(InvalidName):
        room.join("   ")
    assert room.empty


def test_room_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(room_module, "MAX_PARTICIPANTS", 3)
    room = Room("r")
    for name in ("a", "b", "c"):
        room.join(name)
    with pytest.raises(RoomFull, match="full"):
        room.join("d")
    assert len(room.participants) == 3


def test_set_muted_reports_changes() -> None:
    room = Room("r")
    ada = room.join("Ada")
    assert room.set_muted(ada.id, "audio", True) is True
    assert room.set_muted(ada.id, "audio", True) is False
    assert (ada.audio_muted, ada.video_muted) == (True, False)
    assert room.set_muted(ada.id, "video", True) is True
    assert ada.video_muted is True
    assert room.set_muted(ada.id, "audio", False) is True
    assert (ada.audio_muted, ada.video_muted) == (False, True)
    with pytest.raises(KeyError):
        room.set_muted("nobody", "audio", True)


def test_set_tracks_reports_changes() -> None:
    room = Room("r")
    ada = room.join("Ada")
    tracks = (TrackInfo("a-0", "audio", "microphone"), TrackInfo("a-1", "video", "camera"))
    assert room.set_tracks(ada.id, tracks) is True
    assert room.set_tracks(ada.id, tuple(tracks)) is False
    assert ada.tracks == tracks
    assert room.set_tracks(ada.id, tracks[:1]) is True
    assert ada.tracks == tracks[:1]


def test_rooms_by_normalized_name() -> None:
    rooms = Rooms()
    first = rooms.get_or_create("Conseil Municipal", "123456789")
    again = rooms.get_or_create("  conseil   MUNICIPAL ")
    assert first is again
    assert first.name == "conseil-municipal"
    assert first.code == "123456789"
    assert rooms.get("conseil-municipal") is first
    assert rooms.get("Conseil Municipal") is None  # get takes normalized names
    assert len(rooms) == 1
    other = rooms.get_or_create("autre")
    assert list(rooms) == [first, other]
    with pytest.raises(InvalidName):
        rooms.get_or_create("a/b")
    assert len(rooms) == 2


def test_discard_if_empty() -> None:
    rooms = Rooms()
    room = rooms.get_or_create("r")
    ada = room.join("Ada")
    rooms.discard_if_empty(room)
    assert rooms.get("r") is room
    room.leave(ada.id)
    rooms.discard_if_empty(room)
    assert rooms.get("r") is None and len(rooms) == 0
    # A stale room object does not remove its newer namesake.
    newer = rooms.get_or_create("r")
    rooms.discard_if_empty(room)
    assert rooms.get("r") is newer


def test_iteration_is_a_snapshot() -> None:
    rooms = Rooms()
    for name in ("a", "b", "c"):
        rooms.get_or_create(name)
    for room in rooms:
        rooms.discard_if_empty(room)  # removing while iterating is safe
    assert len(rooms) == 0
