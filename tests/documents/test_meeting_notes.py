"""A meeting's shared notes saved into its space as a document: a moderator asks (everyone
hears it in the room's settings), the meeting ends, the notes' Y.Text becomes paragraphs of a
text document made by that moderator. Without asking, nothing is kept."""

from __future__ import annotations

from typing import Any

import pytest
from pycrdt import Doc, Text

from palabre.documents import content, log
from palabre.documents.models import Document
from palabre.media.sfu import Sfu
from palabre.meeting.admission import JoinRights
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.hub import Hub, Member
from palabre.signaling.moderation import act
from palabre.signaling.observer import MeetingEnded
from palabre.signaling.protocol import client as m
from palabre.signaling.protocol.client import ProtocolError
from palabre.web.api.meeting import keep_meeting
from signaling.fake_media import FakePeer
from space_kit import count, user_id
from workspace import Workspace

MEMBER = JoinRights(host=True, space_room=True, space_member=True, account="alice")


class Recorder:
    def __init__(self) -> None:
        self.ended: list[MeetingEnded] = []

    def roster_changed(self, room: str, names: list[str]) -> None:
        pass

    def meeting_ended(self, summary: MeetingEnded) -> None:
        self.ended.append(summary)


def notes_update(text: str) -> bytes:
    """A meeting client's edit: its Y.Text "notes" (client/src/extras/notes-editor.ts)."""
    doc: Doc[Any] = Doc()
    doc.get("notes", type=Text).insert(0, text)
    return doc.get_update()


def test_a_moderator_asks_and_everyone_is_told() -> None:
    seen = Recorder()
    hub = Hub(Sfu(["127.0.0.1"]), MeetingCodes(b"k" * 32), observer=seen)
    bob_peer = FakePeer()
    alice = hub.join(FakePeer(), "space-x", "Alice", MEMBER)
    bob = hub.join(bob_peer, "space-x", "Bob", JoinRights(space_room=True, space_member=True))
    assert isinstance(alice, Member) and isinstance(bob, Member)
    with pytest.raises(ProtocolError):  # not a moderator
        act(hub, bob, m.SaveNotes(save=True))
    act(hub, alice, m.SaveNotes(save=True))
    told = [s for s in bob_peer.of("room_updated") if s["settings"].get("notesSaved")]
    assert told, bob_peer.sent
    alice.room.notes.apply(notes_update("Décision : livrer lundi"))
    hub.leave(bob)
    hub.leave(alice)
    (ended,) = seen.ended
    assert ended.save_notes_by == "alice" and ended.notes


def test_an_ordinary_room_keeps_no_notes() -> None:
    hub = Hub(Sfu(["127.0.0.1"]), MeetingCodes(b"k" * 32))
    zoe = hub.join(FakePeer(), "ordinary", "Zoe", JoinRights())
    assert isinstance(zoe, Member)
    with pytest.raises(ProtocolError):
        act(hub, zoe, m.SaveNotes(save=True))


def test_the_notes_become_a_document_of_the_space(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    space = alice.post("/api/spaces", json={"name": "Équipe"}).json()
    summary = MeetingEnded(
        room=space["room"], opened_at=1_700_000_000.0, ended_at=1_700_001_800.0,
        person_seconds=60.0, save_chat_by=None, chat=(), save_notes_by="alice",
        notes=notes_update("Ordre du jour\n\n- budget\n- planning"),
    )  # fmt: skip
    with workspace.db.session() as session:
        events = keep_meeting(session, summary)
    assert [event["type"] for _, event in events] == ["document.created"]
    (listed,) = alice.get(f"/api/spaces/{space['id']}/documents").json()
    assert listed["title"].startswith("Notes de réunion du 14/11/2023")
    assert listed["created_by"] == user_id(workspace, "alice")
    with workspace.db.session() as session:
        doc = content.load(log.current_state(session, listed["id"]))
    assert content.plain_text(doc) == "Ordre du jour\n\n- budget\n- planning"
    assert str(content.fragment(doc)).startswith("<paragraph>Ordre du jour</paragraph>")
    found = alice.get("/api/search/documents", params={"q": "budget"}).json()
    assert [hit["document"]["id"] for hit in found] == [listed["id"]]


def test_without_asking_the_notes_are_not_kept(sqlite_workspace: Workspace) -> None:
    alice = sqlite_workspace.person("alice")
    space = alice.post("/api/spaces", json={"name": "Équipe"}).json()
    summary = MeetingEnded(space["room"], 0.0, 60.0, 60.0, None, (), None, b"")
    with sqlite_workspace.db.session() as session:
        assert keep_meeting(session, summary) == []
    assert count(sqlite_workspace, Document) == 0
