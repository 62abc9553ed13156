"""Space files attached to messages: posted with a message (references, the name and size
as attached), on the bus with it, downloaded through the files API; what may not be attached
(another space's file, a folder, a trashed file, in a direct conversation, too many); a
reader who may not read the space's files sees the attachment but not its content; a file
trashed or deleted forever shows as removed (trashing or restoring it changes the message, on
the bus); taking one off a message; deleting the message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from files.test_api import uploaded as upload
from messaging.conftest import Team, make_team, post
from palabre.spaces.models import Member
from workspace import Workspace


@pytest.fixture
def files_team(database_url: str, tmp_path: Path) -> Iterator[Team]:
    ws = Workspace(database_url, data_dir=str(tmp_path / "data"))
    yield make_team(ws)
    ws.close()


def test_post_with_files_read_them_and_see_them_removed(files_team: Team) -> None:
    team = files_team
    assert team.bus is not None
    report = upload(team.olga, team.space, "rapport.txt", b"le rapport")
    notes = upload(team.olga, team.space, "notes.txt", b"des notes")
    sent = post(team.olga, team.general, "voir", attachments=[report["id"], notes["id"],
                                                              report["id"]])  # fmt: skip
    got = [(a["file"], a["name"], a["size"], a["state"]) for a in sent["attachments"]]
    assert got == [(report["id"], "rapport.txt", 10, "ok"), (notes["id"], "notes.txt", 9, "ok")]
    (_, event), = team.bus.of("message.posted")  # fmt: skip
    assert [a["name"] for a in event["message"]["attachments"]] == ["rapport.txt", "notes.txt"]
    # A file alone is a message: no text needed.
    alone = post(team.bob, team.general, "", attachments=[notes["id"]])
    assert alone["body"] == "" and len(alone["attachments"]) == 1
    # Another member (and a guest who reads the files, their default) downloads it.
    history = team.bob.get(f"/api/channels/{team.general}/messages").json()["messages"]
    link = next(m for m in history if m["id"] == sent["id"])["attachments"][0]["url"]
    assert team.bob.get(link).content == b"le rapport"
    assert team.gwen.get(link).content == b"le rapport"
    # A guest kept out of the files sees the attachment, never its content.
    with team.ws.db.session() as session:
        row = session.scalar(select(Member).where(Member.space_id == team.space,
                                                  Member.user_id == team.ids["gwen"]))  # fmt: skip
        assert row is not None
        row.access = {"files": "none"}
    history = team.gwen.get(f"/api/channels/{team.general}/messages").json()["messages"]
    assert [a["name"] for a in next(m for m in history if m["id"] == sent["id"])["attachments"]]
    answer = team.gwen.get(link)
    assert answer.status_code == 404 and b"le rapport" not in answer.content
    # Trashed: removed (no link); deleted forever: removed, the name kept.
    assert team.olga.post(f"/api/files/{report['id']}/trash").status_code == 200
    changes = team.bob.get(f"/api/channels/{team.general}/changes?after=0").json()["messages"]
    first = next(m for m in changes if m["id"] == sent["id"])["attachments"][0]
    assert first["state"] == "removed" and first["url"] is None and first["name"] == "rapport.txt"

    # The pages hear of it, and of the file coming back, as the message's change.
    def told() -> list[str]:
        return [e["message"]["attachments"][0]["state"] for _, e in team.bus.of("message.changed")
                if e["message"]["id"] == sent["id"]]  # fmt: skip

    assert told() == ["removed"]
    assert team.olga.post(f"/api/files/{report['id']}/restore").status_code == 200
    assert told() == ["removed", "ok"]
    assert team.olga.post(f"/api/files/{report['id']}/trash").status_code == 200
    assert team.olga.delete(f"/api/files/{report['id']}").status_code == 204
    pins = team.olga.get(f"/api/channels/{team.general}/messages").json()["messages"]
    first = next(m for m in pins if m["id"] == sent["id"])["attachments"][0]
    assert (first["file"], first["state"], first["name"]) == (None, "removed", "rapport.txt")


def test_what_may_not_be_attached(files_team: Team) -> None:
    team = files_team
    mine = upload(team.olga, team.space, "a.txt", b"a")
    theirs = upload(team.otto, team.other_space, "b.txt", b"b")
    box = team.olga.post(f"/api/spaces/{team.space}/files/folders", json={"name": "Dossier"})
    trashed = upload(team.olga, team.space, "c.txt", b"c")
    team.olga.post(f"/api/files/{trashed['id']}/trash")
    direct = team.olga.post("/api/direct", json={"users": [team.ids["bob"]]}).json()["id"]
    many = [upload(team.olga, team.space, f"f{i}.txt", b"x")["id"] for i in range(11)]
    for channel, files in ((team.general, [theirs["id"]]), (team.general, [box.json()["id"]]),
                           (team.general, [trashed["id"]]), (team.general, ["nope"]),
                           (direct, [mine["id"]]), (team.general, many)):  # fmt: skip
        refused = team.olga.post(f"/api/channels/{channel}/messages",
                                 json={"body": "x", "client_id": f"c-{len(files)}-{channel}-"
                                       f"{files[0][:8]}", "attachments": files})  # fmt: skip
        assert refused.status_code == 400, (files, refused.text)
        assert "b.txt" not in refused.text
    assert team.olga.post(f"/api/channels/{team.general}/messages",
                          json={"body": " ", "client_id": "empty"}).status_code == 400  # fmt: skip


def test_take_a_file_off_and_delete_the_message(files_team: Team) -> None:
    team = files_team
    assert team.bus is not None
    one = upload(team.bob, team.space, "un.txt", b"1")
    two = upload(team.bob, team.space, "deux.txt", b"2")
    sent = post(team.bob, team.general, "", attachments=[one["id"], two["id"]])
    path = f"/api/messages/{sent['id']}/attachments"
    assert team.gwen.delete(f"{path}/{one['id']}").status_code == 403
    taken = team.bob.delete(f"{path}/{one['id']}")
    assert taken.status_code == 200, taken.text
    assert [a["name"] for a in taken.json()["attachments"]] == ["deux.txt"]
    assert team.bus.of("message.changed")[-1][1]["message"]["changed_seq"] > sent["changed_seq"]
    assert team.bob.delete(f"{path}/{one['id']}").status_code == 404
    # The last one of a message without text: delete the message instead.
    assert team.bob.delete(f"{path}/{two['id']}").status_code == 400
    gone = team.adam.delete(f"/api/messages/{sent['id']}").json()
    assert gone["deleted"] and gone["attachments"] == []
    # The file itself stays in the space's files.
    assert team.bob.get(f"/api/files/{two['id']}").status_code == 200
