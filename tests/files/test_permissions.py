"""Who may call what of the files API: every endpoint as a stranger, a guest, a member who may
only read files, members, an admin; an id from another space is 404, never its content."""

from __future__ import annotations

from typing import Any

from files.test_api import folder, uploaded
from files.test_thumbnails import picture as image_bytes
from space_kit import new_space

ROLES = ("stranger", "guest", "reader", "member", "other", "admin", "owner")
READ = {"stranger": 404}
WRITE = {"stranger": 404, "guest": 403, "reader": 403}


def test_permission_matrix(people: dict[str, Any]) -> None:
    space, member = people["space"], people["member"]
    box = folder(member, space, "Boîte")
    doc = uploaded(member, space, "doc.txt", b"un", box)
    version = doc["version"]
    uploaded(member, space, "doc.txt", b"deux", box)
    picture = uploaded(member, space, "image.png", image_bytes("PNG"), box)
    reads = [
        ("GET", f"/api/spaces/{space}/files", None),
        ("GET", f"/api/spaces/{space}/files?folder={box}", None),
        ("GET", f"/api/spaces/{space}/files/trash", None),
        ("GET", f"/api/spaces/{space}/files/usage", None),
        ("GET", f"/api/files/{doc['id']}", None),
        ("GET", f"/api/files/{doc['id']}/content", None),
        ("GET", f"/api/files/{doc['id']}/content?version={version}", None),
        ("GET", f"/api/files/{box}/zip", None),
        ("GET", f"/api/files/{doc['id']}/versions", None),
        ("GET", f"/api/files/{doc['id']}/preview", None),
        ("GET", f"/api/spaces/{space}/files/zip?ids={doc['id']},{box}", None),
        ("GET", f"/api/files/{picture['id']}/thumbnail", None),
    ]
    wrong: list[str] = []
    for name in ROLES:
        client = people[name]
        for method, path, body in reads:
            status = client.request(method, path, json=body).status_code
            if status != READ.get(name, 200):
                wrong.append(f"{name} {method} {path}: {status}")
            if name == "stranger" and "doc" in client.request(method, path).text:
                wrong.append(f"{name} {method} {path}: says something")
        # Each writer's own changes, so that every call has something to act on.
        mine = f"{name}.txt"
        writes = [
            ("POST", f"/api/spaces/{space}/files/folders", {"name": f"d-{name}"}, None),
            ("POST", f"/api/spaces/{space}/files/upload?name={mine}", None, b"contenu"),
            ("PATCH", f"/api/files/{doc['id']}", {"name": f"doc-{name}.txt"}, None),
            ("POST", f"/api/files/{doc['id']}/copy", {}, None),
            ("POST", f"/api/files/{doc['id']}/versions/{version}/restore", None, None),
            ("POST", f"/api/files/{doc['id']}/trash", None, None),
            ("POST", f"/api/files/{doc['id']}/restore", None, None),
        ]
        for method, path, body, raw in writes:
            kw: dict[str, Any] = {"content": raw} if raw is not None else {"json": body}
            status = client.request(method, path, **kw).status_code
            want = WRITE.get(name)
            if (status != want) if want else status not in (200, 201, 204):
                wrong.append(f"{name} {method} {path}: {status}")
    # Setting the quota is for admins; deleting forever for admins and the creator.
    for name, want in (("stranger", 404), ("guest", 403), ("reader", 403), ("member", 403),
                       ("admin", 200), ("owner", 200)):  # fmt: skip
        status = people[name].put(f"/api/spaces/{space}/files/quota",
                                  json={"quota": 1 << 30}).status_code  # fmt: skip
        if status != want:
            wrong.append(f"{name} PUT quota: {status}")
    member.post(f"/api/files/{doc['id']}/trash")
    for name, want in (("stranger", 404), ("guest", 403), ("reader", 403), ("other", 403)):
        status = people[name].delete(f"/api/files/{doc['id']}").status_code
        if status != want:
            wrong.append(f"{name} DELETE: {status}")
    assert member.delete(f"/api/files/{doc['id']}").status_code == 204  # its creator
    other_box = folder(member, space, "Autre")
    member.post(f"/api/files/{other_box}/trash")
    assert people["admin"].delete(f"/api/files/{other_box}").status_code == 204
    assert wrong == []
    # An id from another space is 404 (never its content), and no place to move or copy to.
    elsewhere = new_space(people["stranger"], "Ailleurs")["id"]
    secret = uploaded(people["stranger"], elsewhere, "secret.txt", b"confidentiel")
    theirs = folder(people["stranger"], elsewhere, "Leur dossier")
    for name in ("member", "admin", "owner"):
        s = secret["id"]
        for path in (f"/api/files/{s}", f"/api/files/{s}/content", f"/api/files/{s}/versions",
                     f"/api/files/{theirs}/zip", f"/api/files/{s}/preview",
                     f"/api/files/{s}/thumbnail"):  # fmt: skip
            got = people[name].get(path)
            assert got.status_code == 404 and "confidentiel" not in got.text, (name, path)
        assert people[name].get(f"/api/spaces/{space}/files?folder={theirs}").status_code == 404
        mixed = f"/api/spaces/{space}/files/zip?ids={box},{s}"
        got = people[name].get(mixed)
        assert got.status_code == 404 and b"confidentiel" not in got.content, (name, mixed)
    mine = uploaded(member, space, "à moi.txt", b"x")
    assert member.patch(f"/api/files/{mine['id']}", json={"parent": theirs}).status_code == 404
    assert member.post(f"/api/files/{mine['id']}/copy", json={"parent": theirs}).status_code == 404
    assert member.post(f"/api/spaces/{space}/files/upload?name=x&parent={theirs}",
                       content=b"x").status_code == 404  # fmt: skip


# The endpoints test_permission_matrix calls, as the API table names them: a new files
# endpoint fails here until the matrix tries it.
S, F = "/api/spaces/{space_id:int}/files", "/api/files/{file_id}"
TRIED = {
    ("GET", S), ("GET", S + "/trash"), ("GET", S + "/usage"), ("POST", S + "/folders"),
    ("POST", S + "/upload"), ("PUT", S + "/quota"), ("GET", S + "/zip"),
    ("GET", F), ("PATCH", F), ("DELETE", F),
    ("POST", F + "/copy"), ("POST", F + "/trash"), ("POST", F + "/restore"),
    ("GET", F + "/content"), ("GET", F + "/zip"), ("GET", F + "/versions"),
    ("GET", F + "/thumbnail"), ("GET", F + "/preview"),
    ("POST", F + "/versions/{version_id:int}/restore"),
}  # fmt: skip


def test_every_files_endpoint_is_in_the_matrix() -> None:
    from palabre.web.api.files import ENDPOINTS

    assert {(e.method, e.path) for e in ENDPOINTS} == TRIED
