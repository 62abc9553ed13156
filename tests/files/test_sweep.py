"""The files' housekeeping job: expired tus uploads and blobs that no version names go;
the blobs of files stay, on the local store and on S3."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from palabre.db import utcnow
from palabre.files.models import FileUpload
from palabre.files.sweep import sweep
from space_kit import count, user_id
from workspace import Workspace


def test_sweep(any_store_ws: Workspace) -> None:
    ws = any_store_ws
    owner = ws.person("owner")
    space = owner.post("/api/spaces", json={"name": "P"}).json()["id"]
    made = owner.post(f"/api/spaces/{space}/files/upload", params={"name": "a.txt"},
                      content=b"garde-moi")  # fmt: skip
    assert made.status_code == 201
    store = ws.app.state.api.blobs
    orphan = store.put([b"plus personne"]).key
    uploads = Path(ws.settings.data_dir) / "uploads"
    uploads.mkdir(parents=True)
    owner_id = user_id(ws, "owner")
    with ws.db.session() as session:
        for upload_id, name, expiry in (("e" * 32, "vieux", timedelta(hours=-1)),
                                        ("f" * 32, "frais", timedelta(days=1))):  # fmt: skip
            session.add(FileUpload(id=upload_id, space_id=space, name=name, length=10,
                                   created_by=owner_id, expires_at=utcnow() + expiry))  # fmt: skip
    (uploads / f"{'e' * 32}.part").write_bytes(b"12345")
    assert sweep(ws.db, store, uploads) == 0  # the orphan is too young to go
    assert store.exists(orphan)
    assert count(ws, FileUpload) == 1 and not (uploads / f"{'e' * 32}.part").exists()
    assert sweep(ws.db, store, uploads, grace=timedelta(seconds=-60)) == 1
    assert not store.exists(orphan)
    got = owner.get(f"/api/files/{made.json()['id']}/content")
    assert got.content == b"garde-moi"
