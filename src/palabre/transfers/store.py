"""Transfers made, filled, sent, read, extended, revoked and purged (blocking: run in a
transaction through ApiContext.run). Links are secrets: only their SHA-256 is stored; the
link itself is returned once, to be e-mailed."""

from __future__ import annotations

import csv
import io
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..accounts.emails import clean_email
from ..accounts.users import User
from ..db import utcnow
from ..errors import Invalid, NotFound
from ..files.blobs import Blob
from ..files.content import Readable
from ..files.names import clean_name
from ..files.sniff import sniff
from .models import (
    Transfer,
    TransferFile,
    TransferReceipt,
    TransferRecipient,
    TransferUpload,
    TransferVoucher,
)
from .policy import live, may_send, own_transfer, recipient_for, token_hash, voucher_for

DAYS = (1, 7, 30)
MAX_RECIPIENTS = 50
LINK = "plt_"
VOUCHER = "plv_"


class FileView(msgspec.Struct, kw_only=True):
    id: str
    name: str
    size: int
    sha256: str
    content_type: str
    scan: str  # files/antivirus.py's clean, too_large, unscanned; or "encrypted" (not scanned)


class ReceiptView(msgspec.Struct, kw_only=True):
    action: str
    file_id: str | None
    name: str
    at: datetime


class RecipientView(msgspec.Struct, kw_only=True):
    id: int
    email: str
    first_download_at: datetime | None
    receipts: list[ReceiptView]


class LinkView(msgspec.Struct, kw_only=True):
    email: str
    path: str  # /t/<token>, without the key


class TransferView(msgspec.Struct, kw_only=True):
    id: str
    message: str
    days: int
    sender_name: str
    created_at: datetime
    sent_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    state: str  # draft, sent, expired, revoked
    encrypted: bool  # end to end, in the sender's browser
    files: list[FileView]
    recipients: list[RecipientView]
    refused: list[str]  # the names of files the virus scanner refused (not kept)
    # Each recipient's link, only in the answer to sending an encrypted transfer: the key is
    # not in the e-mail, so the sender's page shows each link with its key to give out.
    links: list[LinkView] = []


class Received(msgspec.Struct, kw_only=True):
    """What a recipient's page shows."""

    sender_name: str
    message: str
    expires_at: datetime | None
    encrypted: bool  # the page decrypts the files (and their names) with the link's key
    files: list[FileView]


class VoucherView(msgspec.Struct, kw_only=True):
    id: str
    label: str
    expires_at: datetime
    used_at: datetime | None
    transfer_id: str | None


class VoucherMade(msgspec.Struct, kw_only=True):
    voucher: VoucherView
    token: str
    path: str


@dataclass(frozen=True)
class Link:
    email: str
    token: str


@dataclass(frozen=True)
class Sent:
    view: TransferView
    links: list[Link]


def _state(transfer: Transfer) -> str:
    if transfer.revoked_at is not None:
        return "revoked"
    if transfer.expires_at is not None and transfer.expires_at <= utcnow():
        return "expired"
    return "draft" if transfer.sent_at is None else "sent"


def _files(session: Session, transfer_id: str) -> list[TransferFile]:
    return list(session.scalars(select(TransferFile).where(
        TransferFile.transfer_id == transfer_id).order_by(TransferFile.created_at,
                                                          TransferFile.id)))  # fmt: skip


def _file_view(f: TransferFile) -> FileView:
    return FileView(id=f.id, name=f.name, size=f.size, sha256=f.sha256,
                    content_type=f.content_type, scan=f.scan)  # fmt: skip


def _recipient_view(session: Session, r: TransferRecipient) -> RecipientView:
    rows = session.scalars(select(TransferReceipt).where(
        TransferReceipt.recipient_id == r.id).order_by(TransferReceipt.id))  # fmt: skip
    receipts = [ReceiptView(action=x.action, file_id=x.file_id, name=x.name, at=x.at)
                for x in rows]  # fmt: skip
    return RecipientView(id=r.id, email=r.email, first_download_at=r.first_download_at,
                         receipts=receipts)  # fmt: skip


def view(session: Session, transfer: Transfer) -> TransferView:
    recipients = session.scalars(select(TransferRecipient).where(
        TransferRecipient.transfer_id == transfer.id).order_by(TransferRecipient.id))  # fmt: skip
    return TransferView(
        id=transfer.id, message=transfer.message, days=transfer.days,
        sender_name=transfer.sender_name, created_at=transfer.created_at,
        sent_at=transfer.sent_at, expires_at=transfer.expires_at,
        revoked_at=transfer.revoked_at, state=_state(transfer), encrypted=transfer.encrypted,
        files=[_file_view(f) for f in _files(session, transfer.id)],
        recipients=[_recipient_view(session, r) for r in recipients],
        refused=list(session.scalars(select(TransferUpload.name).where(
            TransferUpload.transfer_id == transfer.id, TransferUpload.scan == "infected"))),
    )  # fmt: skip


def _days(days: int) -> int:
    if days not in DAYS:
        raise Invalid("a transfer expires in 1, 7 or 30 days")
    return days


def create(
    session: Session, user_id: int, message: str, days: int, encrypted: bool = False
) -> TransferView:
    user = may_send(session, user_id)
    transfer = Transfer(id=uuid.uuid4().hex, sender_id=user_id, message=message[:10_000],
                        days=_days(days), sender_name=user.display_name,
                        sender_email=user.email or "", encrypted=encrypted)  # fmt: skip
    session.add(transfer)
    session.flush()
    return view(session, transfer)


def get(session: Session, user_id: int, transfer_id: str) -> TransferView:
    return view(session, own_transfer(session, user_id, transfer_id))


def mine(session: Session, user_id: int) -> list[TransferView]:
    rows = session.scalars(select(Transfer).where(Transfer.sender_id == user_id).order_by(
        Transfer.created_at.desc()))  # fmt: skip
    return [view(session, t) for t in rows]


def _draft(transfer: Transfer) -> Transfer:
    live(transfer)
    if transfer.sent_at is not None:
        raise Invalid("this transfer was sent: its files are fixed")
    return transfer


def room_left(session: Session, transfer_id: str, limit: int) -> int:
    used = session.scalar(select(func.coalesce(func.sum(TransferFile.size), 0)).where(
        TransferFile.transfer_id == transfer_id))  # fmt: skip
    return max(0, limit - int(used or 0))


def upload_room(
    session: Session, user_id: int, transfer_id: str, name: str, limit: int
) -> tuple[str, int]:
    """(the clean name, the bytes left) for a file added to the sender's draft."""
    _draft(own_transfer(session, user_id, transfer_id))
    return clean_name(name), room_left(session, transfer_id, limit)


def own_draft(session: Session, user_id: int, transfer_id: str) -> bool:
    """The sender's draft may take files: whether it is encrypted (NotFound, Gone, Invalid)."""
    return _draft(own_transfer(session, user_id, transfer_id)).encrypted


def add_file(session: Session, transfer_id: str, name: str, blob: Blob) -> FileView:
    transfer = session.get(Transfer, transfer_id)
    if transfer is None:
        raise NotFound("no such transfer")
    _draft(transfer)
    taken = {f.name for f in _files(session, transfer_id)}
    if name in taken:
        raise Invalid(f"this transfer already holds a file named {name}")
    row = TransferFile(id=uuid.uuid4().hex, transfer_id=transfer_id, name=name,
                       blob_key=blob.key, size=blob.size, sha256=blob.sha256,
                       content_type=sniff(blob.head, name), scan=blob.scan)  # fmt: skip
    session.add(row)
    session.flush()
    return _file_view(row)


def remove_file(session: Session, user_id: int, transfer_id: str, file_id: str) -> str:
    """Take a file out of the draft; its blob key, to delete."""
    _draft(own_transfer(session, user_id, transfer_id))
    row = session.get(TransferFile, file_id) if len(file_id) <= 32 else None
    if row is None or row.transfer_id != transfer_id:
        raise NotFound("no such file in this transfer")
    session.delete(row)
    return row.blob_key


def _start(session: Session, transfer: Transfer, emails: list[str]) -> list[Link]:
    _draft(transfer)
    if not _files(session, transfer.id):
        raise Invalid("add a file first")
    clean = list(dict.fromkeys(clean_email(e) for e in emails))
    if not 1 <= len(clean) <= MAX_RECIPIENTS:
        raise Invalid(f"send to 1 to {MAX_RECIPIENTS} recipients")
    links = []
    for address in clean:
        token = LINK + secrets.token_urlsafe(24)
        session.add(TransferRecipient(transfer_id=transfer.id, email=address,
                                      token_hash=token_hash(token)))  # fmt: skip
        links.append(Link(address, token))
    transfer.sent_at = utcnow()
    transfer.expires_at = transfer.sent_at + timedelta(days=transfer.days)
    session.flush()
    return links


def send(session: Session, user_id: int, transfer_id: str, emails: list[str]) -> Sent:
    transfer = own_transfer(session, user_id, transfer_id)
    links = _start(session, transfer, emails)
    shown = view(session, transfer)
    if transfer.encrypted:
        shown.links = [LinkView(email=x.email, path=f"/t/{x.token}") for x in links]
    return Sent(shown, links)


def extend(session: Session, user_id: int, transfer_id: str, days: int) -> TransferView:
    """The expiry moved to `days` days from now (a live, sent transfer)."""
    transfer = live(own_transfer(session, user_id, transfer_id))
    if transfer.sent_at is None:
        raise Invalid("send it first")
    transfer.expires_at = utcnow() + timedelta(days=_days(days))
    return view(session, transfer)


def revoke(session: Session, user_id: int, transfer_id: str) -> TransferView:
    transfer = own_transfer(session, user_id, transfer_id)
    transfer.revoked_at = transfer.revoked_at or utcnow()
    return view(session, transfer)


def audit_csv(session: Session, user_id: int, transfer_id: str) -> tuple[str, str]:
    """(a file name, the CSV): one line per receipt."""
    transfer = own_transfer(session, user_id, transfer_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["recipient", "action", "file", "at"])
    for r in view(session, transfer).recipients:
        for x in r.receipts:
            writer.writerow([r.email, x.action, x.name, x.at.isoformat()])
    return f"transfer-{transfer.id[:8]}.csv", out.getvalue()


# The recipient's side.


def received(session: Session, token: str) -> Received:
    recipient, transfer = recipient_for(session, token)
    session.add(TransferReceipt(recipient_id=recipient.id, action="open"))
    return Received(sender_name=transfer.sender_name, message=transfer.message,
                    expires_at=transfer.expires_at, encrypted=transfer.encrypted,
                    files=[_file_view(f) for f in _files(session, transfer.id)])  # fmt: skip


@dataclass(frozen=True)
class Download:
    item: Readable
    first: bool  # the recipient's first download: tell the sender
    sender_email: str
    recipient_email: str
    sender_name: str
    encrypted: bool = False


def download(session: Session, token: str, file_id: str, counted: bool) -> Download:
    recipient, transfer = recipient_for(session, token)
    row = session.get(TransferFile, file_id) if len(file_id) <= 32 else None
    if row is None or row.transfer_id != transfer.id:
        raise NotFound("no such file in this transfer")
    first = False
    if counted:
        session.add(TransferReceipt(recipient_id=recipient.id, action="download",
                                    file_id=row.id, name=row.name))  # fmt: skip
        first = recipient.first_download_at is None
        recipient.first_download_at = recipient.first_download_at or utcnow()
    item = Readable(name=row.name, blob_key=row.blob_key, size=row.size, sha256=row.sha256,
                    content_type=row.content_type, updated_at=row.created_at)  # fmt: skip
    return Download(item, first, transfer.sender_email, recipient.email, transfer.sender_name,
                    transfer.encrypted)  # fmt: skip


# Housekeeping.


def purge(session: Session) -> list[str]:
    """Transfers expired or revoked (and drafts a day past their expiry days) lose their
    files: the blob keys to delete."""
    now = utcnow()
    stale = list(session.scalars(select(Transfer).where(
        Transfer.purged_at.is_(None),
        (Transfer.revoked_at.is_not(None)) | (Transfer.expires_at <= now)
        | (Transfer.sent_at.is_(None) & (Transfer.created_at <= now - timedelta(days=31))),
    )))  # fmt: skip
    keys: list[str] = []
    for transfer in stale:
        keys += [f.blob_key for f in _files(session, transfer.id)]
        session.execute(delete(TransferFile).where(TransferFile.transfer_id == transfer.id))
        transfer.purged_at = now
    return keys


def held(session: Session, keys: list[str]) -> set[str]:
    """Those of `keys` a transfer's file holds (so that the files' sweep leaves them)."""
    return set(session.scalars(select(TransferFile.blob_key).where(
        TransferFile.blob_key.in_(keys))))  # fmt: skip


# Guest vouchers.


def _voucher_view(v: TransferVoucher) -> VoucherView:
    return VoucherView(id=v.id, label=v.label, expires_at=v.expires_at, used_at=v.used_at,
                       transfer_id=v.transfer_id)  # fmt: skip


def make_voucher(session: Session, user_id: int, label: str, days: int) -> VoucherMade:
    may_send(session, user_id)
    token = VOUCHER + secrets.token_urlsafe(24)
    voucher = TransferVoucher(id=uuid.uuid4().hex, agent_id=user_id, label=label[:255],
                              token_hash=token_hash(token),
                              expires_at=utcnow() + timedelta(days=_days(days)))  # fmt: skip
    session.add(voucher)
    session.flush()
    return VoucherMade(voucher=_voucher_view(voucher), token=token, path=f"/v/{token}")


def my_vouchers(session: Session, user_id: int) -> list[VoucherView]:
    rows = session.scalars(select(TransferVoucher).where(
        TransferVoucher.agent_id == user_id).order_by(TransferVoucher.created_at))  # fmt: skip
    return [_voucher_view(v) for v in rows]


def voucher_transfer(session: Session, token: str) -> str:
    """The voucher's draft (made on its first file): its id."""
    voucher = voucher_for(session, token)
    if voucher.transfer_id is None:
        voucher.transfer_id = uuid.uuid4().hex
        session.add(Transfer(id=voucher.transfer_id, voucher_id=voucher.id, days=7))
        session.flush()
    return voucher.transfer_id


def voucher_draft(session: Session, token: str, name: str, limit: int) -> tuple[str, str, int]:
    """(the draft's id, the clean name, the bytes left) for a file an outsider adds."""
    transfer_id = voucher_transfer(session, token)
    return transfer_id, clean_name(name), room_left(session, transfer_id, limit)


def voucher_send(
    session: Session, token: str, sender_name: str, sender_email: str, message: str
) -> tuple[str, Link]:
    """Send the voucher's draft to its agent; (the agent's name, their link)."""
    voucher = voucher_for(session, token)
    transfer = session.get(Transfer, voucher.transfer_id or "")
    agent = session.get(User, voucher.agent_id)
    if transfer is None or agent is None:
        raise Invalid("add a file first")
    if not agent.email:
        raise Invalid("the person of this voucher has no e-mail address")
    transfer.sender_name = sender_name.strip()[:128] or "?"
    transfer.sender_email = clean_email(sender_email) if sender_email else ""
    transfer.message = message[:10_000]
    (link,) = _start(session, transfer, [agent.email])
    voucher.used_at = utcnow()
    return agent.display_name, link
