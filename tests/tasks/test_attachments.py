"""Card attachments: a file of the card's space attached by its id, listed in the card's
view with a download link, detached; the card's activity and the live event; what may not
be attached (another space's file, a folder, a trashed file, twice); and who sees them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from calendars.kit import add_member
from palabre.bus import space_topic
from space_kit import new_space, published, user_id
from workspace import Workspace

from .kit import board_with_lists, card


@pytest.fixture
def files_workspace(database_url: str, tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace(database_url, data_dir=str(tmp_path / "data"))
    yield ws
    ws.close()


def upload(client: TestClient, space: int, name: str, data: bytes) -> dict[str, Any]:
    sent = client.post(f"/api/spaces/{space}/files/upload", params={"name": name}, content=data)
    assert sent.status_code == 201, sent.text
    return dict(sent.json())


def test_attach_list_download_and_detach(files_workspace: Workspace) -> None:
    workspace = files_workspace
    olga = workspace.person("olga")
    space = new_space(olga, "Projet")["id"]
    board, (todo,) = board_with_lists(olga, space, "To do")
    first = card(olga, todo, "Rapport")
    report = upload(olga, space, "rapport.pdf", b"%PDF-1.4 rapport")
    notes = upload(olga, space, "notes.txt", b"des notes")
    seen = published(workspace)
    for f in (report, notes):
        sent = olga.post(f"/api/cards/{first}/attachments", json={"file": f["id"]})
        assert sent.status_code == 201, sent.text
    assert sent.json()["name"] == "notes.txt" and sent.json()["size"] == len(b"des notes")
    assert olga.post(f"/api/cards/{first}/attachments",
                     json={"file": notes["id"]}).status_code == 409  # fmt: skip
    detail = olga.get(f"/api/cards/{first}").json()
    listed = [(a["name"], a["size"]) for a in detail["attachments"]]
    assert sorted(listed) == [("notes.txt", 9), ("rapport.pdf", 16)]
    link = next(a["url"] for a in detail["attachments"] if a["name"] == "notes.txt")
    assert olga.get(link).content == b"des notes"
    assert [(e["type"], e.get("card")) for _, e in seen] == [("board.changed", first)] * 2
    assert {topic for topic, _ in seen} == {space_topic(space)}
    gone = olga.delete(f"/api/cards/{first}/attachments/{report['id']}")
    assert gone.status_code == 204, gone.text
    assert olga.delete(f"/api/cards/{first}/attachments/{report['id']}").status_code == 404
    detail = olga.get(f"/api/cards/{first}").json()
    assert [a["name"] for a in detail["attachments"]] == ["notes.txt"]
    activity = [(a["verb"], a["detail"]) for a in detail["activity"]]
    assert activity[1:] == [("attached", "rapport.pdf"), ("attached", "notes.txt"),
                            ("detached", "rapport.pdf")]  # fmt: skip
    # A trashed file leaves the card's view; the file itself is still in the space.
    assert olga.post(f"/api/files/{notes['id']}/trash").status_code == 200
    assert olga.get(f"/api/cards/{first}").json()["attachments"] == []
    assert board


def test_what_may_not_be_attached(files_workspace: Workspace) -> None:
    workspace = files_workspace
    olga, sam = workspace.person("olga"), workspace.person("sam")
    space, elsewhere = new_space(olga, "Projet")["id"], new_space(olga, "Autre")["id"]
    theirs = new_space(sam, "Secret")["id"]
    _, (todo,) = board_with_lists(olga, space, "To do")
    first = card(olga, todo, "Rapport")
    other_space = upload(olga, elsewhere, "ailleurs.txt", b"x")["id"]
    strangers = upload(sam, theirs, "secret.txt", b"x")["id"]
    made = olga.post(f"/api/spaces/{space}/files/folders", json={"name": "Dossier"})
    assert made.status_code == 201, made.text
    trashed = upload(olga, space, "vieux.txt", b"x")["id"]
    assert olga.post(f"/api/files/{trashed}/trash").status_code == 200
    for file_id in (other_space, strangers, made.json()["id"], trashed, "nope", "x" * 40):
        sent = olga.post(f"/api/cards/{first}/attachments", json={"file": file_id})
        assert sent.status_code == 400, (file_id, sent.text)
        assert "secret" not in sent.text
    assert olga.get(f"/api/cards/{first}").json()["attachments"] == []


def test_one_who_may_not_read_the_files_sees_no_attachments(
    files_workspace: Workspace,
) -> None:
    workspace = files_workspace
    olga, mia = workspace.person("olga"), workspace.person("mia")
    space = new_space(olga, "Projet")["id"]
    add_member(workspace, space, "mia", "member")
    _, (todo,) = board_with_lists(olga, space, "To do")
    first = card(olga, todo, "Rapport")
    report = upload(olga, space, "rapport.pdf", b"%PDF")
    assert olga.post(f"/api/cards/{first}/attachments",
                     json={"file": report["id"]}).status_code == 201  # fmt: skip
    assert [a["name"] for a in mia.get(f"/api/cards/{first}").json()["attachments"]] == [
        "rapport.pdf"
    ]
    limited = olga.patch(f"/api/spaces/{space}/members/{user_id(workspace, 'mia')}",
                         json={"access": {"files": "none"}})  # fmt: skip
    assert limited.status_code == 200, limited.text
    assert mia.get(f"/api/cards/{first}").json()["attachments"] == []
    other = upload(olga, space, "autre.txt", b"x")["id"]
    refused = mia.post(f"/api/cards/{first}/attachments", json={"file": other})
    assert refused.status_code == 400, refused.text
