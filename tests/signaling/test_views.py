"""The meeting state as the protocol shows it (what the meeting package used to say itself)."""

from __future__ import annotations

from typing import Any

import msgspec

from palabre.meeting.room import MODERATOR, Room
from palabre.signaling import views


def wire(value: object) -> Any:
    return msgspec.json.decode(msgspec.json.encode(value))


def test_public_view() -> None:
    room = Room("r")
    ada = room.join("Ada")
    assert wire(views.participant(ada)) == {
        "id": ada.id,
        "name": "Ada",
        "role": "participant",
        "e2ee": False,
        "audioMuted": False,
        "videoMuted": False,
    }
    room.set_muted(ada.id, "video", True)
    assert views.participant(ada).video_muted is True


def test_the_view_keeps_the_resume_token_secret() -> None:
    room = Room("r")
    ada = room.join("Ada")
    shown = msgspec.json.encode(views.participant(ada)).decode()
    assert "resume" not in shown and ada.resume_token not in shown


def test_reconnecting_is_said_only_while_away() -> None:
    room = Room("r")
    ada = room.join("Ada", MODERATOR)
    room.suspend(ada.id, now=100.0)
    assert wire(views.participant(ada))["reconnecting"] is True
    room.resume(ada.resume_token)
    assert "reconnecting" not in wire(views.participant(ada))


def test_settings_and_chat() -> None:
    room = Room("r")
    room.locked = True
    assert wire(views.settings(room)) == {
        "locked": True,
        "lobby": False,
        "passwordSet": False,
        "startMuted": {"audio": False, "video": False},
        "e2ee": False,
        "chatSaved": False,
    }
    ada, bob = room.join("Ada"), room.join("Bob")
    public = room.chat.post(ada.id, "Ada", "bonjour")
    private = room.chat.post(ada.id, "Ada", "psst", bob.id)
    assert wire(views.chat(public)) == {
        "id": public.id,
        "from": ada.id,
        "fromName": "Ada",
        "text": "bonjour",
        "time": public.time,
    }
    assert wire(views.chat(private))["to"] == bob.id


def test_talk_times_most_talkative_first() -> None:
    room = Room("r")
    room.speakers.talk_time.update({"a": 1.26, "b": 7.0})
    stats = views.talk_times(room.speakers, {"a": "Ada"})
    assert wire(stats) == [
        {"participant": "b", "name": "", "talkTime": 7.0},
        {"participant": "a", "name": "Ada", "talkTime": 1.3},
    ]
