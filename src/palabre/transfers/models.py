"""The tables of transfers: the transfer, its files (one blob each), its resumable (tus)
uploads under way, its recipients (a personal link each, only its SHA-256 kept), their
receipts, and guest vouchers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Moment, utcnow


class Transfer(Base):
    """Files sent by `sender_id` (an account), or by an outsider through a voucher (then
    `sender_id` is None and the recipient is the voucher's agent)."""

    __tablename__ = "transfers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None, index=True
    )
    voucher_id: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    sender_name: Mapped[str] = mapped_column(String(128), default="")
    sender_email: Mapped[str] = mapped_column(String(320), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    days: Mapped[int] = mapped_column(Integer, default=7)
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    expires_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    purged_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    # Encrypted in the sender's browser (the key never reaches the server): its files' bytes
    # and names are ciphertext, so the virus scanner is not asked.
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)


class TransferFile(Base):
    __tablename__ = "transfer_files"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    transfer_id: Mapped[str] = mapped_column(
        ForeignKey("transfers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    blob_key: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    # files/antivirus.py's "clean", "too_large", "unscanned" (no scanner), or "encrypted"
    scan: Mapped[str] = mapped_column(String(16), default="")


class TransferUpload(Base):
    """A resumable (tus) upload of a file into a draft under way: its bytes so far in the data
    directory's uploads/<id>.part, the file it becomes once complete (or "infected" in
    `scan` if the scanner refused it, for the sender to see)."""

    __tablename__ = "transfer_uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    transfer_id: Mapped[str] = mapped_column(
        ForeignKey("transfers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    length: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)  # bytes received and checked
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(Moment)
    file_id: Mapped[str | None] = mapped_column(String(32), default=None)  # once complete
    scan: Mapped[str] = mapped_column(String(16), default="")


class TransferRecipient(Base):
    __tablename__ = "transfer_recipients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transfer_id: Mapped[str] = mapped_column(
        ForeignKey("transfers.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    first_download_at: Mapped[datetime | None] = mapped_column(Moment, default=None)


class TransferReceipt(Base):
    """One open of a recipient's page or one download of a file, for the sender to see."""

    __tablename__ = "transfer_receipts"
    __table_args__ = (Index("ix_transfer_receipts_recipient_id_id", "recipient_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("transfer_recipients.id", ondelete="CASCADE")
    )
    action: Mapped[str] = mapped_column(String(16))  # "open" or "download"
    file_id: Mapped[str | None] = mapped_column(String(32), default=None)
    name: Mapped[str] = mapped_column(String(255), default="")
    at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class TransferVoucher(Base):
    """A link an agent gives one outsider to send them files: used once."""

    __tablename__ = "transfer_vouchers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(Moment)
    transfer_id: Mapped[str | None] = mapped_column(String(32), default=None)
    used_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
