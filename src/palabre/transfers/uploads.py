"""Resumable (tus) uploads into a transfer's draft (blocking: run in a transaction through
ApiContext.run): made where there is room, their received bytes counted once flushed and
checked (web/api/tus.py writes them), turned into the transfer's file once complete, or
marked refused when the virus scanner found one infected (the sender sees it)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Invalid, NotFound
from ..files.blobs import Blob
from ..files.names import clean_name
from ..files.uploads import Pending
from .models import Transfer, TransferUpload
from .store import FileView, add_file, room_left

KEEP = timedelta(days=7)  # an upload not finished by then is forgotten
INFECTED = "infected"


def create_upload(session: Session, transfer_id: str, name: str, length: int, limit: int) -> str:
    """A new upload into the draft (the caller checked it may add to it); its id."""
    clean = clean_name(name)
    if length > room_left(session, transfer_id, limit):
        raise Invalid("this transfer's files would pass its size limit")
    upload = TransferUpload(id=uuid.uuid4().hex, transfer_id=transfer_id, name=clean,
                            length=length, expires_at=utcnow() + KEEP)  # fmt: skip
    session.add(upload)
    return upload.id


def _row(session: Session, transfer_id: str, upload_id: str) -> TransferUpload:
    upload = session.get(TransferUpload, upload_id) if len(upload_id) <= 32 else None
    if upload is None or upload.transfer_id != transfer_id:
        raise NotFound("no such upload")
    return upload


def get_upload(session: Session, transfer_id: str, upload_id: str) -> Pending:
    upload = _row(session, transfer_id, upload_id)
    if upload.scan == INFECTED:
        raise Invalid("the virus scanner refused this file")
    return Pending(upload.id, upload.name, upload.length, upload.received,
                   upload.file_id is not None)  # fmt: skip


def finish(session: Session, transfer_id: str, upload_id: str, blob: Blob, limit: int) -> FileView:
    """The complete upload becomes the draft's file (if it still fits: uploads side by side
    may have filled it meanwhile)."""
    upload = _row(session, transfer_id, upload_id)
    if blob.size > room_left(session, transfer_id, limit):
        raise Invalid("this transfer's files would pass its size limit")
    made = add_file(session, transfer_id, upload.name, blob)
    upload.file_id = made.id
    return made


def refuse(session: Session, transfer_id: str, upload_id: str) -> None:
    _row(session, transfer_id, upload_id).scan = INFECTED


def terminate(session: Session, transfer_id: str, upload_id: str) -> None:
    session.delete(_row(session, transfer_id, upload_id))


def stale(session: Session) -> list[str]:
    """Forget the uploads finished, past their expiry, or of a transfer sent or gone (those
    refused stay, for the sender to see, until their transfer is purged); their ids (their
    bytes on disk are to be removed)."""
    now = utcnow()
    unfinished = (
        (TransferUpload.expires_at < now)
        | TransferUpload.file_id.is_not(None)
        | (Transfer.sent_at.is_not(None) | Transfer.revoked_at.is_not(None))
    )
    ids = list(session.scalars(select(TransferUpload.id).join(
        Transfer, Transfer.id == TransferUpload.transfer_id).where(
        ((TransferUpload.scan != INFECTED) & unfinished)
        | Transfer.purged_at.is_not(None))))  # fmt: skip
    if ids:
        session.execute(delete(TransferUpload).where(TransferUpload.id.in_(ids)))
    return ids
