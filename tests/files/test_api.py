"""The files API: folders, uploads and downloads (Range, types, attachment), versions,
rename, move, copy, trash, quota, ZIP, on SQLite and PostgreSQL; the content path on the
local store and on S3 (SeaweedFS)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import pytest
from starlette.testclient import TestClient

from files.conftest import team
from palabre.files.models import FileVersion
from space_kit import count, published
from workspace import Workspace

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def upload(client: TestClient, space: int, name: str, data: bytes,
           parent: str | None = None) -> Any:  # fmt: skip
    params = {"name": name, **({"parent": parent} if parent else {})}
    return client.post(f"/api/spaces/{space}/files/upload", params=params, content=data)


def uploaded(client: TestClient, space: int, name: str, data: bytes,
             parent: str | None = None) -> dict[str, Any]:  # fmt: skip
    response = upload(client, space, name, data, parent)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def folder(client: TestClient, space: int, name: str, parent: str | None = None) -> str:
    response = client.post(f"/api/spaces/{space}/files/folders",
                           json={"name": name, "parent": parent})  # fmt: skip
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def listing(client: TestClient, space: int, folder_id: str | None = None) -> dict[str, Any]:
    params = {"folder": folder_id} if folder_id else {}
    response = client.get(f"/api/spaces/{space}/files", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def names(client: TestClient, space: int, folder_id: str | None = None) -> list[str]:
    return [i["name"] for i in listing(client, space, folder_id)["items"]]


def test_folders_uploads_and_downloads(people: dict[str, Any]) -> None:
    member, guest, space = people["member"], people["guest"], people["space"]
    seen = published(people["ws"])
    reports = folder(member, space, "Rapports")
    year = folder(member, space, "2026", reports)
    data = b"colonne,valeur\n" + b"a,1\n" * 5000
    made = uploaded(member, space, "chiffres.csv", data, year)
    assert made["size"] == len(data) and made["sha256"] == hashlib.sha256(data).hexdigest()
    assert made["content_type"] == "text/csv" and made["parent"] == year
    assert seen[-1] == (f"space:{space}", {"type": "file.created", "space": space,
                                           "file": made["id"]})  # fmt: skip
    here = listing(guest, space, year)
    assert [c["name"] for c in here["path"]] == ["Rapports", "2026"] and not here["writable"]
    assert [i["name"] for i in here["items"]] == ["chiffres.csv"]
    assert names(member, space) == ["Rapports"]
    got = guest.get(f"/api/files/{made['id']}/content")
    assert got.status_code == 200 and got.content == data
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["content-type"] == "application/octet-stream"  # never rendered
    assert "sandbox" in got.headers["content-security-policy"]
    part = guest.get(f"/api/files/{made['id']}/content", headers={"range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == data[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(data)}"
    tail = guest.get(f"/api/files/{made['id']}/content", headers={"range": "bytes=-4"})
    assert tail.status_code == 206 and tail.content == data[-4:]
    past = guest.get(f"/api/files/{made['id']}/content", headers={"range": "bytes=99999999-"})
    assert past.status_code == 416
    # Safe previews are shown inline; the rest, even named .png, is an attachment.
    image = uploaded(member, space, "photo.png", PNG)
    shown = guest.get(f"/api/files/{image['id']}/content")
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["content-disposition"].startswith("inline;")
    forced = guest.get(f"/api/files/{image['id']}/content", params={"download": "1"})
    assert forced.headers["content-disposition"].startswith("attachment;")
    fake = uploaded(member, space, "fausse.png", b"<html><script>alert(1)</script>")
    assert fake["content_type"] == "text/html"
    served = guest.get(f"/api/files/{fake['id']}/content")
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["content-type"] == "application/octet-stream"
    text = uploaded(member, space, "lisez-moi", "Été\n".encode())
    assert guest.get(f"/api/files/{text['id']}/content").headers["content-type"] == (
        "text/plain; charset=utf-8"
    )
    # A folder is no file; a file is no folder.
    assert member.get(f"/api/files/{reports}/content").status_code == 400
    assert upload(member, space, "x", b"", made["id"]).status_code == 404
    assert upload(member, space, "Rapports", b"x").status_code == 409


UNSAFE = ["../evil", "a/b", "CON", "nul.txt", "x\x01y", "fin.", "\u202efdp.exe", ".."]


def test_unsafe_names_are_refused_and_names_are_nfc(people: dict[str, Any]) -> None:
    member, space = people["member"], people["space"]
    for name in UNSAFE:
        response = upload(member, space, name, b"x")
        assert response.status_code == 400, (name, response.text)
        assert response.json()["error"]["code"] == "bad_name"
        assert response.json()["error"]["message"]
        made = member.post(f"/api/spaces/{space}/files/folders", json={"name": name})
        assert made.status_code == 400, name
    assert names(member, space) == []
    made = uploaded(member, space, "Cafe\u0301.txt", b"x")
    assert made["name"] == "Café.txt"
    again = uploaded(member, space, "Café.txt", b"y")  # the same name: a new version
    assert again["id"] == made["id"]


def test_versions(people: dict[str, Any]) -> None:
    member, space, ws = people["member"], people["space"], people["ws"]
    first = uploaded(member, space, "plan.txt", b"version une")
    second = uploaded(member, space, "plan.txt", b"version deux")
    assert second["id"] == first["id"] and second["version"] != first["version"]
    assert names(member, space) == ["plan.txt"]
    versions = member.get(f"/api/files/{first['id']}/versions").json()
    assert [v["size"] for v in versions] == [12, 11] and versions[0]["current"]
    old = member.get(f"/api/files/{first['id']}/content", params={"version": first["version"]})
    assert old.content == b"version une"
    assert member.get(f"/api/files/{first['id']}/content").content == b"version deux"
    back = member.post(f"/api/files/{first['id']}/versions/{first['version']}/restore")
    assert back.status_code == 200 and back.json()["current"]
    assert member.get(f"/api/files/{first['id']}/content").content == b"version une"
    assert len(member.get(f"/api/files/{first['id']}/versions").json()) == 3  # nothing lost
    usage = member.get(f"/api/spaces/{space}/files/usage").json()
    assert usage["used"] == 23 and usage["files"] == 1  # a restored blob counts once
    assert count(ws, FileVersion) == 3
    assert member.post(f"/api/files/{first['id']}/versions/999999/restore").status_code == 404


def test_rename_move_copy(people: dict[str, Any]) -> None:
    member, space = people["member"], people["space"]
    a = folder(member, space, "A")
    b = folder(member, space, "B", a)
    doc = uploaded(member, space, "note.txt", b"contenu", b)
    uploaded(member, space, "autre.txt", b"x", a)
    renamed = member.patch(f"/api/files/{doc['id']}", json={"name": "mémo.txt"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "mémo.txt"
    clash = member.patch(f"/api/files/{doc['id']}", json={"name": "autre.txt", "parent": a})
    assert clash.status_code == 409
    assert member.patch(f"/api/files/{a}", json={"parent": b}).status_code == 400  # a cycle
    assert member.patch(f"/api/files/{a}", json={"parent": a}).status_code == 400
    moved = member.patch(f"/api/files/{doc['id']}", json={"parent": None})
    assert moved.json()["parent"] is None and "mémo.txt" in names(member, space)
    copy = member.post(f"/api/files/{doc['id']}/copy", json={})
    assert copy.status_code == 201 and copy.json()["name"] == "mémo (2).txt"
    assert member.get(f"/api/files/{copy.json()['id']}/content").content == b"contenu"
    tree = member.post(f"/api/files/{a}/copy", json={"parent": None, "name": "A bis"})
    assert tree.status_code == 201
    inside = listing(member, space, tree.json()["id"])["items"]
    assert [i["name"] for i in inside] == ["B", "autre.txt"]
    assert member.post(f"/api/files/{a}/copy", json={"parent": b}).status_code == 400
    assert member.post(f"/api/files/{a}/copy", json={"name": "A bis"}).status_code == 409
    assert member.patch(f"/api/files/{a}", json={"name": "a/b"}).status_code == 400


def test_trash_restore_and_delete_forever(people: dict[str, Any]) -> None:
    member, other, admin = people["member"], people["other"], people["admin"]
    space, ws = people["space"], people["ws"]
    top = folder(member, space, "Archives")
    inner = uploaded(member, space, "vieux.txt", b"ancien", top)
    assert member.post(f"/api/files/{top}/trash").status_code == 200
    assert names(member, space) == []
    trash = member.get(f"/api/spaces/{space}/files/trash").json()
    assert [t["name"] for t in trash] == ["Archives"]  # not what went with it
    assert member.get(f"/api/files/{inner['id']}/content").status_code == 200  # still there
    assert member.patch(f"/api/files/{top}", json={"name": "x"}).status_code == 400
    folder(member, space, "Archives")  # its name is taken meanwhile
    assert member.post(f"/api/files/{top}/restore").json()["name"] == "Archives (2)"
    assert names(member, space, top) == ["vieux.txt"]
    assert member.delete(f"/api/files/{top}").status_code == 400  # not in the trash
    member.post(f"/api/files/{top}/trash")
    assert other.delete(f"/api/files/{top}").status_code == 403  # not its creator
    blobs = ws.app.state.api.blobs
    key = next(iter(blob_keys(ws)))
    assert blobs.exists(key)
    assert admin.delete(f"/api/files/{top}").status_code == 204
    assert member.get(f"/api/files/{inner['id']}").status_code == 404
    assert not blobs.exists(key) and count(ws, FileVersion) == 0


def blob_keys(ws: Workspace) -> set[str]:
    from sqlalchemy import select

    with ws.db.session() as session:
        return set(session.scalars(select(FileVersion.blob_key)))


def test_quota(people: dict[str, Any]) -> None:
    member, admin, space, ws = people["member"], people["admin"], people["space"], people["ws"]
    assert member.put(f"/api/spaces/{space}/files/quota", json={"quota": 10}).status_code == 403
    set_to = admin.put(f"/api/spaces/{space}/files/quota", json={"quota": 100})
    assert set_to.status_code == 200 and set_to.json()["quota"] == 100
    uploaded(member, space, "a.bin", b"x" * 60)
    refused = upload(member, space, "b.bin", b"y" * 50)
    assert refused.status_code == 413 and refused.json()["error"]["code"] == "quota_exceeded"
    streamed = member.post(f"/api/spaces/{space}/files/upload", params={"name": "c.bin"},
                           content=iter([b"z" * 30, b"z" * 30]))  # no Content-Length  # fmt: skip
    assert streamed.status_code == 413
    assert names(member, space) == ["a.bin"] and len(blob_keys(ws)) == 1
    assert stored_blobs(ws) == 1  # nothing of the refused uploads kept
    usage = member.get(f"/api/spaces/{space}/files/usage").json()
    assert usage == {"used": 60, "quota": 100, "files": 1}
    copy = member.post(f"/api/files/{listing(member, space)['items'][0]['id']}/copy", json={})
    assert copy.status_code == 413
    default = admin.put(f"/api/spaces/{space}/files/quota", json={"quota": None}).json()
    assert default["quota"] == 10 << 30


def stored_blobs(ws: Workspace) -> int:
    root = ws.app.state.api.blobs.root
    return sum(1 for p in root.rglob("*") if p.is_file())


def test_zip_of_a_folder(people: dict[str, Any]) -> None:
    member, guest, space = people["member"], people["guest"], people["space"]
    top = folder(member, space, "Projet")
    sub = folder(member, space, "Images", top)
    folder(member, space, "Vide", top)
    uploaded(member, space, "lisez-moi.txt", b"bonjour", top)
    big = bytes(range(256)) * 8192  # 2 MiB
    uploaded(member, space, "données.bin", big, sub)
    trashed = uploaded(member, space, "jeté.txt", b"non", top)
    member.post(f"/api/files/{trashed['id']}/trash")
    got = guest.get(f"/api/files/{top}/zip")
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    assert "Projet.zip" in got.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(got.content))
    assert sorted(archive.namelist()) == ["Images/", "Images/données.bin", "Vide/",
                                          "lisez-moi.txt"]  # fmt: skip
    assert archive.read("Images/données.bin") == big
    assert archive.read("lisez-moi.txt") == b"bonjour"
    assert archive.testzip() is None
    assert guest.get(f"/api/files/{trashed['id']}/zip").status_code == 400
    # A selection: a folder with what it holds, and files, two of one name kept apart.
    other = uploaded(member, space, "lisez-moi.txt", b"ailleurs")
    ids = ",".join([sub, other["id"], top_file(member, space, top)])
    chosen = guest.get(f"/api/spaces/{space}/files/zip", params={"ids": ids})
    assert chosen.status_code == 200 and "files.zip" in chosen.headers["content-disposition"]
    picked = zipfile.ZipFile(io.BytesIO(chosen.content))
    assert sorted(picked.namelist()) == ["Images/", "Images/données.bin", "lisez-moi (2).txt",
                                         "lisez-moi.txt"]  # fmt: skip
    assert picked.read("lisez-moi.txt") == b"ailleurs"
    assert picked.read("lisez-moi (2).txt") == b"bonjour"
    for bad in ("", trashed["id"]):
        assert guest.get(f"/api/spaces/{space}/files/zip", params={"ids": bad}).status_code \
            in (400, 404)  # fmt: skip


def top_file(client: TestClient, space: int, folder_id: str) -> str:
    items = listing(client, space, folder_id)["items"]
    return str(next(i["id"] for i in items if i["name"] == "lisez-moi.txt"))


def test_damaged_content_never_downloads_whole(people: dict[str, Any]) -> None:
    member, space, ws = people["member"], people["space"], people["ws"]
    data = bytes(range(256)) * 16384  # 4 MiB
    made = uploaded(member, space, "a.bin", data)
    path = ws.app.state.api.blobs.path(next(iter(blob_keys(ws))))
    damaged = bytearray(path.read_bytes())
    damaged[-100] ^= 0xFF
    path.write_bytes(bytes(damaged))
    with pytest.raises(Exception, match="SHA-256"):
        got = member.get(f"/api/files/{made['id']}/content")
        assert len(got.content) < len(data)


def test_the_content_path_on_each_store(any_store_ws: Workspace) -> None:
    """Upload, download, ranges, a new version, copy and delete forever, on local and S3."""
    people = team(any_store_ws)
    member, admin, space = people["member"], people["admin"], people["space"]
    data = bytes(range(256)) * 40000  # 10 MB: two parts on S3
    made = uploaded(member, space, "gros.bin", data)
    assert made["sha256"] == hashlib.sha256(data).hexdigest()
    assert member.get(f"/api/files/{made['id']}/content").content == data
    part = member.get(f"/api/files/{made['id']}/content", headers={"range": "bytes=9000000-"})
    assert part.status_code == 206 and part.content == data[9000000:]
    uploaded(member, space, "gros.bin", b"petit")
    copy = member.post(f"/api/files/{made['id']}/copy", json={}).json()
    assert member.get(f"/api/files/{copy['id']}/content").content == b"petit"
    keys = blob_keys(any_store_ws)
    assert len(keys) == 3
    member.post(f"/api/files/{made['id']}/trash")
    assert admin.delete(f"/api/files/{made['id']}").status_code == 204
    blobs = any_store_ws.app.state.api.blobs
    assert [k for k in keys if blobs.exists(k)] == list(blob_keys(any_store_ws))


def test_the_default_quota_is_the_servers(tmp_path: Any) -> None:
    small = Workspace(f"sqlite:///{tmp_path / 'a.db'}", data_dir=str(tmp_path / "a"),
                      files_quota=10)  # fmt: skip
    large = Workspace(f"sqlite:///{tmp_path / 'b.db'}", data_dir=str(tmp_path / "b"))
    try:
        for ws, want in ((small, 413), (large, 201)):
            owner = ws.person("owner")
            space = owner.post("/api/spaces", json={"name": "P"}).json()["id"]
            assert upload(owner, space, "a.bin", b"x" * 20).status_code == want
    finally:
        small.close()
        large.close()
