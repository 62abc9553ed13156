"""Share links: a file or folder for people without an account, read-only or upload-only
(a drop box), with a password, an expiry and a download limit; every use seen by the space's
people; revocable; and who may make, see and revoke them."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

from files.test_api import folder, uploaded
from palabre.db import utcnow
from palabre.files.models import FileShare
from space_kit import new_space


def share(client: Any, file_id: str, **options: Any) -> dict[str, Any]:
    made = client.post(f"/api/files/{file_id}/shares", json=options)
    assert made.status_code == 201, made.text
    return made.json()  # type: ignore[no-any-return]


def test_a_read_link_with_a_password_and_a_limit(people: dict[str, Any]) -> None:
    member, space, ws = people["member"], people["space"], people["ws"]
    doc = uploaded(member, space, "rapport.pdf", b"%PDF-1.7 contenu")
    made = share(member, doc["id"], password="ouvre-toi", max_downloads=2)
    token = made["token"]
    assert made["path"] == f"/s/{token}" and made["share"]["password"]
    visitor = ws.anonymous()
    assert visitor.get(f"/api/s/{token}").status_code == 403  # the password first
    wrong = visitor.get(f"/api/s/{token}", headers={"x-share-password": "non"})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "password"
    key = {"x-share-password": "ouvre-toi"}
    info = visitor.get(f"/api/s/{token}", headers=key).json()
    assert info["name"] == "rapport.pdf" and info["downloads_left"] == 2
    assert "space" not in info and "created_by" not in str(info)
    for _ in range(2):
        got = visitor.get(f"/api/s/{token}/content", headers=key)
        assert got.status_code == 200 and got.content == b"%PDF-1.7 contenu"
    assert visitor.get(f"/api/s/{token}/content", headers=key).status_code == 410  # used up
    uses = member.get(f"/api/shares/{made['share']['id']}/uses").json()
    assert [u["action"] for u in uses] == ["open", "download", "download"]
    listed = member.get(f"/api/files/{doc['id']}/shares").json()
    assert listed[0]["downloads"] == 2 and listed[0]["uses"] == 3
    assert visitor.get("/api/s/pls_nope").status_code == 404


def test_a_folder_link_expiry_and_revocation(people: dict[str, Any]) -> None:
    member, other, space, ws = people["member"], people["other"], people["space"], people["ws"]
    top = folder(member, space, "Partagé")
    inner = folder(member, space, "Dedans", top)
    uploaded(member, space, "a.txt", b"A", top)
    b = uploaded(member, space, "b.txt", b"B", inner)
    secret = uploaded(member, space, "secret.txt", b"S")
    link = share(member, top)
    token, visitor = link["token"], ws.anonymous()
    info = visitor.get(f"/api/s/{token}").json()
    assert [i["name"] for i in info["items"]] == ["Dedans", "a.txt"]
    deeper = visitor.get(f"/api/s/{token}", params={"folder": inner}).json()
    assert [i["name"] for i in deeper["items"]] == ["b.txt"]
    got = visitor.get(f"/api/s/{token}/content", params={"file": b["id"]})
    assert got.content == b"B"
    # Nothing outside the shared folder.
    assert visitor.get(f"/api/s/{token}/content", params={"file": secret["id"]}).status_code == 404
    assert visitor.get(f"/api/s/{token}", params={"folder": "0" * 32}).status_code == 404
    archive = zipfile.ZipFile(io.BytesIO(visitor.get(f"/api/s/{token}/zip").content))
    assert sorted(archive.namelist()) == ["Dedans/", "Dedans/b.txt", "a.txt"]
    # Only its creator or an admin revokes it; then it is gone.
    assert other.delete(f"/api/shares/{link['share']['id']}").status_code == 403
    assert member.delete(f"/api/shares/{link['share']['id']}").status_code == 204
    assert visitor.get(f"/api/s/{token}").status_code == 410
    # An expired link is gone too.
    late = share(member, top, expires_in=3600)
    with ws.db.session() as session:
        session.get(FileShare, late["share"]["id"]).expires_at = utcnow() - timedelta(seconds=1)
    assert visitor.get(f"/api/s/{late['token']}").status_code == 410
    # A trashed item's links stop working.
    live = share(member, top)
    member.post(f"/api/files/{top}/trash")
    assert visitor.get(f"/api/s/{live['token']}").status_code == 410


def test_a_drop_box(people: dict[str, Any]) -> None:
    member, space, ws = people["member"], people["space"], people["ws"]
    box = folder(member, space, "Dépôt")
    doc = uploaded(member, space, "x.txt", b"x")
    assert member.post(f"/api/files/{doc['id']}/shares", json={"mode": "upload"}).status_code == 400
    link = share(member, box, mode="upload")
    token, visitor = link["token"], ws.anonymous()
    dropped = visitor.post(f"/api/s/{token}/upload", params={"name": "pièce.txt"}, content=b"ok")
    assert dropped.status_code == 201 and dropped.json() == {"name": "pièce.txt", "size": 2}
    again = visitor.post(f"/api/s/{token}/upload", params={"name": "pièce.txt"}, content=b"2")
    assert again.status_code == 201  # a new version, the first kept
    bad = visitor.post(f"/api/s/{token}/upload", params={"name": "../x"}, content=b"x")
    assert bad.status_code == 400
    listed = member.get(f"/api/spaces/{space}/files", params={"folder": box}).json()["items"]
    assert [i["name"] for i in listed] == ["pièce.txt"]
    # A drop box shows nothing of what it holds, and gives nothing out.
    info = visitor.get(f"/api/s/{token}").json()
    assert info["items"] == [] and info["mode"] == "upload"
    assert (
        visitor.get(f"/api/s/{token}/content", params={"file": listed[0]["id"]}).status_code == 403
    )
    assert visitor.get(f"/api/s/{token}/zip").status_code == 400
    uses = member.get(f"/api/shares/{link['share']['id']}/uses").json()
    assert [u["action"] for u in uses] == ["upload", "upload", "open"]


def test_who_may(people: dict[str, Any]) -> None:
    member, space = people["member"], people["space"]
    doc = uploaded(member, space, "d.txt", b"d")
    link = share(member, doc["id"])
    sid = link["share"]["id"]
    for name, want in (("stranger", 404), ("guest", 403), ("reader", 403)):
        client = people[name]
        assert client.post(f"/api/files/{doc['id']}/shares", json={}).status_code == want, name
        assert client.get(f"/api/files/{doc['id']}/shares").status_code == want, name
        assert client.get(f"/api/shares/{sid}/uses").status_code == want, name
        assert client.delete(f"/api/shares/{sid}").status_code == want, name
    for name in ("other", "admin", "owner"):
        assert people[name].get(f"/api/files/{doc['id']}/shares").status_code == 200
        assert people[name].get(f"/api/shares/{sid}/uses").status_code == 200
    assert people["admin"].delete(f"/api/shares/{sid}").status_code == 204
    # A link's creator who leaves the space takes the link's power along.
    kept = share(member, doc["id"])
    owner = people["owner"]
    from space_kit import user_id

    gone = owner.delete(f"/api/spaces/{space}/members/{user_id(people['ws'], 'member')}")
    assert gone.status_code == 204, gone.text
    assert people["ws"].anonymous().get(f"/api/s/{kept['token']}").status_code == 410
    elsewhere = new_space(people["stranger"], "Ailleurs")["id"]
    theirs = uploaded(people["stranger"], elsewhere, "t.txt", b"t")
    assert owner.post(f"/api/files/{theirs['id']}/shares", json={}).status_code == 404


# The endpoints these tests try (test_who_may as each kind of person, the others as a visitor
# without an account): a new share endpoint fails here until it is tried.
TRIED = {
    ("POST", "/api/files/{file_id}/shares"), ("GET", "/api/files/{file_id}/shares"),
    ("GET", "/api/shares/{share_id}/uses"), ("DELETE", "/api/shares/{share_id}"),
    ("GET", "/api/s/{token}"), ("GET", "/api/s/{token}/content"), ("GET", "/api/s/{token}/zip"),
    ("POST", "/api/s/{token}/upload"),
}  # fmt: skip


def test_every_share_endpoint_is_tried() -> None:
    from palabre.web.api.shares import ENDPOINTS

    assert {(e.method, e.path) for e in ENDPOINTS} == TRIED
