"""Recording, as the hub rules it: moderators only, never an encrypted meeting, everyone
told, every participant's media handed to the recorder, the download link to moderators."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from palabre.meeting.admission import JoinRights
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.hub import Hub, Member
from palabre.signaling.moderation import act
from palabre.signaling.protocol import client as m
from palabre.signaling.protocol.client import ProtocolError

from .fake_media import FakeMediaPlane, FakePeer


@dataclass
class FakeOutcome:
    id: str
    key: str
    state: str
    duration: float
    reason: str | None = None


@dataclass
class FakeRecorder:
    id: str
    speakers: list[str] = field(default_factory=list)
    stopped: bool = False

    def attach(self, track: object) -> None: ...

    def detach(self, track: object) -> None: ...

    def speaker(self, participant_id: str) -> None:
        self.speakers.append(participant_id)

    def tick(self) -> None: ...

    def stop(self) -> None:
        self.stopped = True


class FakeRecordings:
    def __init__(self) -> None:
        self.started: list[tuple[str, str | None, FakeRecorder, object]] = []

    def start(self, room, by, done):
        recorder = FakeRecorder(f"rec{len(self.started)}")
        self.started.append((room, by, recorder, done))
        return recorder


def _hub(recordings=None) -> tuple[Hub, FakeMediaPlane]:
    plane = FakeMediaPlane()
    return Hub(plane, MeetingCodes(b"k" * 32), recordings=recordings), plane


def _seat(hub: Hub, name: str, account: str | None = None) -> tuple[Member, FakePeer]:
    peer = FakePeer()
    member = hub.join(peer, "room", name, JoinRights(account=account))
    assert isinstance(member, Member)
    return member, peer


def test_a_moderator_records_everyone_is_told_and_every_media_is_handed_over():
    recordings = FakeRecordings()
    hub, plane = _hub(recordings)
    ada, ada_peer = _seat(hub, "Ada", account="ada")
    bob, bob_peer = _seat(hub, "Bob")
    with pytest.raises(ProtocolError) as refused:
        act(hub, bob, m.SetRecording(enabled=True))
    assert refused.value.code == "forbidden" and not recordings.started
    act(hub, ada, m.SetRecording(enabled=True))
    ((room, by, recorder, _),) = recordings.started
    assert (room, by) == ("room", "ada")
    for peer in (ada_peer, bob_peer):  # the consent notice: every page hears it
        (update,) = peer.of("room_updated")
        assert update["settings"]["recording"] is True and update["by"] == ada.id
    assert plane.sessions[ada.id].recorder is recorder is plane.sessions[bob.id].recorder
    carol, carol_peer = _seat(hub, "Carol")  # a latecomer is recorded, and told on joining
    assert plane.sessions[carol.id].recorder is recorder
    assert carol_peer.of("joined")[0]["settings"]["recording"] is True
    act(hub, ada, m.SetRecording(enabled=True))  # already: nothing changes
    assert len(recordings.started) == 1


def test_stopping_composes_and_only_moderators_get_the_link():
    recordings = FakeRecordings()
    hub, plane = _hub(recordings)
    ada, ada_peer = _seat(hub, "Ada")
    bob, bob_peer = _seat(hub, "Bob")
    act(hub, ada, m.SetRecording(enabled=True))
    ((_, _, recorder, done),) = recordings.started
    act(hub, ada, m.SetRecording(enabled=False))
    assert recorder.stopped and plane.sessions[ada.id].recorder is None
    assert ada_peer.of("recording_status")[-1]["state"] == "composing"
    done(FakeOutcome(recorder.id, "s3cret", "ready", 12.34))
    ready = ada_peer.of("recording_status")[-1]
    assert ready == {"type": "recording_status", "recording": recorder.id, "state": "ready",
                     "url": f"/api/recordings/{recorder.id}/s3cret/recording.webm",
                     "duration": 12.3}  # fmt: skip
    assert not bob_peer.of("recording_status")  # a participant never sees the link
    assert not any("s3cret" in str(message) for message in bob_peer.sent)
    act(hub, ada, m.GrantModerator(participant=bob.id))  # a new moderator is told
    assert bob_peer.of("recording_status")[-1]["url"] == ready["url"]


def test_an_encrypted_meeting_is_not_recorded_nor_encrypted_while_recording():
    recordings = FakeRecordings()
    hub, _ = _hub(recordings)
    ada, _ = _seat(hub, "Ada")
    ada.participant.e2ee = True
    act(hub, ada, m.SetE2ee(enabled=True))
    with pytest.raises(ProtocolError) as refused:
        act(hub, ada, m.SetRecording(enabled=True))
    assert refused.value.code == "invalid" and "encrypted" in refused.value.message
    assert not recordings.started and not ada.room.recording
    act(hub, ada, m.SetE2ee(enabled=False))
    act(hub, ada, m.SetRecording(enabled=True))
    with pytest.raises(ProtocolError) as refused:
        act(hub, ada, m.SetE2ee(enabled=True))
    assert "stop the recording" in refused.value.message and not ada.room.e2ee


def test_the_meetings_end_stops_its_recording_and_a_server_may_not_record():
    recordings = FakeRecordings()
    hub, _ = _hub(recordings)
    ada, _ = _seat(hub, "Ada")
    act(hub, ada, m.SetRecording(enabled=True))
    hub.leave(ada)
    ((_, _, recorder, done),) = recordings.started
    assert recorder.stopped and not hub.recorders
    done(FakeOutcome(recorder.id, "k", "ready", 1.0))  # nobody is left to tell: nothing breaks
    hub, _ = _hub(None)
    ada, _ = _seat(hub, "Ada")
    with pytest.raises(ProtocolError) as refused:
        act(hub, ada, m.SetRecording(enabled=True))
    assert refused.value.code == "unavailable"


def test_recording_ends_peer_to_peer_and_its_end_lets_the_two_meet_directly_again():
    """The recorder writes what the SFU forwards: a pair meeting directly sends to it again."""
    hub, _ = _hub(FakeRecordings())
    ada_peer, bob_peer = FakePeer(), FakePeer()
    ada = hub.join(ada_peer, "room", "Ada", JoinRights(account="ada", p2p=True))
    assert isinstance(ada, Member)
    hub.join(bob_peer, "room", "Bob", JoinRights(p2p=True))
    assert ada_peer.of("p2p")[-1].get("p2p") is not None  # they meet directly
    act(hub, ada, m.SetRecording(enabled=True))
    assert ada_peer.of("p2p")[-1].get("p2p") is None and bob_peer.of("p2p")[-1].get("p2p") is None
    act(hub, ada, m.SetRecording(enabled=False))
    assert ada_peer.of("p2p")[-1]["p2p"]["session"] == 2
