"""The files' housekeeping, run as a periodic job: tus uploads past their expiry go (their
rows and their bytes on disk), and blobs no version names any more (a space deleted with
its files, a write cut between the blob and its row) are removed once older than a day, so
nothing being written right now is touched; so are the thumbnails of contents no version
holds. Other packages keeping blobs in the same store (transfers) add to KEEPERS a function
naming which of some keys they still hold."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db import Database, utcnow
from .blobs import BlobStore
from .models import FileUpload, FileVersion
from .thumbnails import Thumbnails
from .uploads import upload_path

GRACE = timedelta(days=1)

# (session, keys) -> the keys of those a package still holds (beside the files' versions).
KEEPERS: list[Callable[[Session, list[str]], set[str]]] = []


def expired_uploads(session: Session) -> list[str]:
    """Forget the uploads past their expiry (or finished); their ids."""
    now = utcnow()
    ids = list(session.scalars(select(FileUpload.id).where(
        (FileUpload.expires_at < now) | FileUpload.node_id.is_not(None))))  # fmt: skip
    if ids:
        session.execute(delete(FileUpload).where(FileUpload.id.in_(ids)))
    return ids


def sweep(
    db: Database,
    store: BlobStore,
    uploads: Path,
    grace: timedelta = GRACE,
    thumbs: Thumbnails | None = None,
) -> int:
    """Run the housekeeping once (blocking: call it in a thread); how many blobs went.
    Thumbnails of contents no version holds any more go too."""
    with db.session() as session:
        gone = expired_uploads(session)
        kept = set(session.scalars(select(FileVersion.sha256).distinct())) if thumbs else set()
    if thumbs is not None:
        thumbs.forget(kept)
    for upload_id in gone:
        with contextlib.suppress(FileNotFoundError):
            upload_path(uploads, upload_id).unlink()
    before = utcnow() - grace
    old = [key for key, written in store.listing() if written < before]
    if not old:
        return 0
    with db.session() as session:
        named = set(session.scalars(select(FileVersion.blob_key).where(
            FileVersion.blob_key.in_(old))))  # fmt: skip
        for keeper in KEEPERS:
            named |= keeper(session, old)
    removed = 0
    for key in old:
        if key not in named:
            store.delete(key)
            removed += 1
    return removed
