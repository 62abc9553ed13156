"""Resumable uploads under way (tus): made where an upload may go, their bytes appended to
uploads/<id> in the data directory and counted in the database only once flushed and
checked (so a server killed mid-chunk resumes from the last acknowledged byte), and turned
into a file (or a new version) once complete. Only their creator sees them."""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass
class Pending:
    """An upload under way as the tus endpoints see it, whatever it becomes (a space's file,
    a transfer's)."""

    id: str
    name: str
    length: int
    received: int  # bytes received, flushed and checked
    done: bool  # complete and turned into what it becomes


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


def get_upload(session: Session, user_id: int, upload_id: str) -> Pending:
    upload = session.get(FileUpload, upload_id) if len(upload_id) <= 32 else None
    if upload is None or upload.created_by != user_id:
        raise NotFound("no such upload")
    return Pending(upload.id, upload.name, upload.length, upload.received,
                   upload.node_id is not None)  # fmt: skip


def set_received(
    session: Session, upload_id: str, received: int, model: type[Any] = FileUpload
) -> None:
    """Count the bytes received of an upload (a FileUpload, or another package's `model` of
    uploads with a `received` column: transfers')."""
    upload = session.get(model, upload_id)
    if upload is None:
        raise NotFound("no such upload (terminated?)")
    upload.received = received


class Digests:
    """The SHA-256 of each upload's bytes so far, carried from one PATCH to the next in this
    process, so that a complete upload is not read a second time to hash it (5 GiB: 20 s of
    its last PATCH on a loaded machine, past a proxy's read timeout for tens of GB). A chunk
    counts once flushed and past its checksum, like its offset. An upload whose earlier bytes
    this process did not see (after a restart, or with several processes) has no digest here
    and is hashed when complete, as before. The `keep` most recently appended are kept."""

    def __init__(self, keep: int = 1024) -> None:
        self.keep = keep
        self.lock = threading.Lock()
        self.known: OrderedDict[str, tuple[int, Any]] = OrderedDict()  # path -> (end, hash)

    def at(self, path: Path, start: int) -> Any:
        """A copy of the running hash of the bytes before `start`, or None if not known."""
        if start == 0:
            return hashlib.sha256()
        with self.lock:
            found = self.known.get(str(path))
        return found[1].copy() if found is not None and found[0] == start else None

    def advance(self, path: Path, end: int, running: Any) -> None:
        with self.lock:
            self.known[str(path)] = (end, running)
            self.known.move_to_end(str(path))
            while len(self.known) > self.keep:
                self.known.popitem(last=False)

    def complete(self, path: Path, size: int) -> str | None:
        """The hex SHA-256 of the `size` bytes of a complete upload, if known; forgotten."""
        with self.lock:
            found = self.known.pop(str(path), None)
        return found[1].hexdigest() if found is not None and found[0] == size else None


DIGESTS = Digests()


def append(
    path: Path,
    start: int,
    chunks: Iterable[bytes],
    hashing: Any,
    limit: int,
    expected: bytes | None = None,
    digests: Digests = DIGESTS,
) -> int:
    """Write the chunks at `start` (what lies past it was never acknowledged: cut), flushed to
    disk; the new end. At most `limit` bytes in all. `hashing` hashes the chunk for its
    Upload-Checksum, `expected` is that checksum: only a chunk that matches it (or that has
    none) goes into the upload's running SHA-256 (`digests`)."""
    running = digests.at(path, start)
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
            if running is not None:
                running.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if running is not None and (hashing is None or hashing.digest() == expected):
        digests.advance(path, end, running)
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


def store_upload(store: BlobStore, path: Path, digests: Digests = DIGESTS) -> Blob:
    """The complete upload's bytes into the blob store (the local store takes the file, with
    its SHA-256 as appended if known, else hashed now)."""
    return store.put_file(path, digests.complete(path, path.stat().st_size))


def terminate(session: Session, user_id: int, upload_id: str) -> None:
    upload = get_upload(session, user_id, upload_id)
    found = session.get(FileUpload, upload.id)
    session.delete(found)
