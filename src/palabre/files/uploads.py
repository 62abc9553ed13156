"""Resumable uploads under way (tus): made where an upload may go, their bytes appended to
uploads/<id> in the data directory and counted in the database only once flushed and
checked (so a server killed mid-chunk resumes from the last acknowledged byte), and turned
into a file (or a new version) once complete. Only their creator sees them."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import NotFound
from .blobs import Blob, BlobStore
from .content import Target, add_content, upload_target
from .models import FileUpload
from .quota import QuotaExceeded
from .tree import Events
from .views import FileView

KEEP = timedelta(days=7)  # an upload not finished by then may be purged


def upload_path(root: Path, upload_id: str) -> Path:
    return root / f"{upload_id}.part"


def create_upload(
    session: Session, user_id: int, space_id: int, parent_id: str | None, name: str, length: int
) -> str:
    target = upload_target(session, user_id, space_id, parent_id, name)
    if length > target.room:
        raise QuotaExceeded("this file is larger than the room left in the space's quota")
    upload = FileUpload(id=uuid.uuid4().hex, space_id=space_id, parent_id=parent_id,
                        name=target.name, length=length, created_by=user_id,
                        expires_at=utcnow() + KEEP)  # fmt: skip
    session.add(upload)
    return upload.id


def get_upload(session: Session, user_id: int, upload_id: str) -> FileUpload:
    upload = session.get(FileUpload, upload_id) if len(upload_id) <= 32 else None
    if upload is None or upload.created_by != user_id:
        raise NotFound("no such upload")
    session.expunge(upload)
    return upload


def set_received(session: Session, upload_id: str, received: int) -> None:
    upload = session.get(FileUpload, upload_id)
    if upload is None:
        raise NotFound("no such upload (terminated?)")
    upload.received = received


def append(path: Path, start: int, chunks: Iterable[bytes], hashing: Any, limit: int) -> int:
    """Write the chunks at `start` (what lies past it was never acknowledged: cut), flushed to
    disk; the new end. At most `limit` bytes in all."""
    with path.open("r+b" if path.exists() else "w+b") as out:
        out.truncate(start)
        out.seek(start)
        end = start
        for chunk in chunks:
            end += len(chunk)
            if end > limit:
                raise ValueError("past Upload-Length")
            if hashing is not None:
                hashing.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return end


def finish(session: Session, user_id: int, upload_id: str, blob: Blob) -> tuple[FileView, Events]:
    """The complete upload becomes its file (or a new version of it)."""
    upload = session.get(FileUpload, upload_id)
    if upload is None or upload.created_by != user_id:
        raise NotFound("no such upload")
    target = Target(upload.space_id, upload.parent_id, upload.name, 0)
    view, events = add_content(session, user_id, target, blob)
    upload.node_id = view.id
    return view, events


def store_upload(store: BlobStore, path: Path) -> Blob:
    """The complete upload's bytes into the blob store (the local store takes the file)."""
    return store.put_file(path)


def terminate(session: Session, user_id: int, upload_id: str) -> None:
    upload = get_upload(session, user_id, upload_id)
    found = session.get(FileUpload, upload.id)
    session.delete(found)
