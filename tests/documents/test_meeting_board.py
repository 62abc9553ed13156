"""A meeting's whiteboard (issue 14 item 7): a moderator opens it for everyone, the
participants' updates are merged and relayed, it is destroyed with the meeting unless a
moderator of a space's meeting asked to keep it, and then it becomes a board of the space."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from pycrdt import Array, Doc, Map

from palabre.documents import content, log
from palabre.documents.models import Document
from palabre.media.sfu import Sfu
from palabre.meeting.admission import JoinRights
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.collab import act as collab
from palabre.signaling.hub import Hub, Member
from palabre.signaling.moderation import act
from palabre.signaling.observer import MeetingEnded
from palabre.signaling.protocol import client as m
from palabre.signaling.protocol.client import ProtocolError
from palabre.web.api.meeting import keep_meeting
from signaling.fake_media import FakePeer
from space_kit import count
from workspace import Workspace

from .test_meeting_notes import MEMBER, Recorder


def sticky(doc: Doc[Any], shape_id: str, text: str) -> bytes:
    """A board client's drawing (client/src/board/model.ts): one update."""
    before = doc.get_state()
    with doc.transaction():
        doc.get("shapes", type=Map)[shape_id] = Map({"kind": "sticky", "x": 0, "y": 0, "w": 160,
                                                     "h": 120, "text": text})  # fmt: skip
        doc.get("order", type=Array).append(shape_id)
    return doc.get_update(before)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_a_moderator_opens_the_board_and_the_participants_draw() -> None:
    seen = Recorder()
    hub = Hub(Sfu(["127.0.0.1"]), MeetingCodes(b"k" * 32), observer=seen)
    bob_peer = FakePeer()
    alice = hub.join(FakePeer(), "space-x", "Alice", MEMBER)
    bob = hub.join(bob_peer, "space-x", "Bob", JoinRights(space_room=True, space_member=True))
    assert isinstance(alice, Member) and isinstance(bob, Member)
    drawing: Doc[Any] = Doc()
    with pytest.raises(ProtocolError):  # no board yet
        collab(hub, bob, m.BoardUpdate(update=b64(sticky(drawing, "s0", "trop tôt"))))
    with pytest.raises(ProtocolError):  # not a moderator
        act(hub, bob, m.OpenBoard())
    with pytest.raises(ProtocolError):  # nothing to save yet
        act(hub, alice, m.SaveBoard(save=True))
    act(hub, alice, m.OpenBoard())
    assert [s for s in bob_peer.of("room_updated") if s["settings"].get("boardOpen")]
    collab(hub, alice, m.BoardUpdate(update=b64(sticky(drawing, "s1", "Idée d'Alice"))))
    relayed = bob_peer.of("board_update")
    assert relayed and relayed[-1]["from"] == alice.id
    collab(hub, bob, m.BoardSync())
    (state,) = bob_peer.of("board_state")
    late: Doc[Any] = Doc()
    late.apply_update(base64.b64decode(state["update"]))
    assert str(late.get("shapes", type=Map)["s1"]["text"]) == "Idée d'Alice"
    with pytest.raises(ProtocolError):
        collab(hub, bob, m.BoardUpdate(update=b64(b"not yjs")))
    act(hub, alice, m.SaveBoard(save=True))
    told = [s for s in bob_peer.of("room_updated") if s["settings"].get("boardSaved")]
    assert told, bob_peer.sent
    hub.leave(bob)
    hub.leave(alice)
    (ended,) = seen.ended
    assert ended.save_board_by == "alice" and ended.board


def test_unsaved_the_board_is_destroyed_with_the_meeting() -> None:
    seen = Recorder()
    hub = Hub(Sfu(["127.0.0.1"]), MeetingCodes(b"k" * 32), observer=seen)
    alice = hub.join(FakePeer(), "space-x", "Alice", MEMBER)
    assert isinstance(alice, Member)
    act(hub, alice, m.OpenBoard())
    collab(hub, alice, m.BoardUpdate(update=b64(sticky(Doc(), "s1", "éphémère"))))
    act(hub, alice, m.SaveBoard(save=True))
    act(hub, alice, m.SaveBoard(save=False))  # taken back
    hub.leave(alice)
    (ended,) = seen.ended
    assert ended.save_board_by is None and ended.board == b""
    # In an ordinary room nobody may keep it.
    zoe = hub.join(FakePeer(), "ordinary", "Zoe", JoinRights())
    assert isinstance(zoe, Member)
    act(hub, zoe, m.OpenBoard())
    with pytest.raises(ProtocolError):
        act(hub, zoe, m.SaveBoard(save=True))


def test_a_kept_board_becomes_a_board_of_the_space(workspace: Workspace) -> None:
    alice = workspace.person("alice")
    space = alice.post("/api/spaces", json={"name": "Équipe"}).json()
    drawing: Doc[Any] = Doc()
    sticky(drawing, "s1", "Planning du trimestre")
    summary = MeetingEnded(
        room=space["room"], opened_at=1_700_000_000.0, ended_at=1_700_001_800.0,
        person_seconds=60.0, save_chat_by=None, chat=(), save_board_by="alice",
        board=drawing.get_update(),
    )  # fmt: skip
    with workspace.db.session() as session:
        events = keep_meeting(session, summary)
    assert [event["type"] for _, event in events] == ["document.created"]
    (listed,) = alice.get(f"/api/spaces/{space['id']}/documents").json()
    assert listed["kind"] == "board"
    assert listed["title"].startswith("Tableau de réunion du 14/11/2023")
    with workspace.db.session() as session:
        doc = content.load(log.current_state(session, listed["id"]))
    assert content.plain_text(doc, "board") == "Planning du trimestre"
    assert list(doc.get("order", type=Array)) == ["s1"]
    found = alice.get("/api/search/documents", params={"q": "trimestre"}).json()
    assert [hit["document"]["id"] for hit in found] == [listed["id"]]
    assert count(workspace, Document) == 1
