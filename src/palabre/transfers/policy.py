"""Who may do what with a transfer. Its sender (the account that made it) sees, sends,
extends, revokes it and exports its receipts; nobody else reaches it by id (NotFound, so a
transfer's existence is not told). A recipient reaches it only with their personal link,
an outsider a voucher's draft only with the voucher's link. Guests of a space (accounts that
came in through an invitation) may not send transfers: they are for the organisation's
agents. Expired or revoked transfers answer Gone."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.users import User
from ..db import utcnow
from ..errors import Forbidden, Gone, NotFound
from .models import Transfer, TransferRecipient, TransferVoucher


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_send(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.guest:
        raise Forbidden("guests may not send transfers")
    return user


def own_transfer(session: Session, user_id: int, transfer_id: str) -> Transfer:
    transfer = session.get(Transfer, transfer_id) if len(transfer_id) <= 32 else None
    if transfer is None or transfer.sender_id != user_id:
        raise NotFound("no such transfer")
    return transfer


def live(transfer: Transfer) -> Transfer:
    if transfer.revoked_at is not None or transfer.purged_at is not None:
        raise Gone("this transfer was revoked")
    if transfer.expires_at is not None and transfer.expires_at <= utcnow():
        raise Gone("this transfer has expired")
    return transfer


def recipient_for(session: Session, token: str) -> tuple[TransferRecipient, Transfer]:
    """A recipient's link: their row and the live, sent transfer; NotFound or Gone."""
    found = session.scalar(
        select(TransferRecipient).where(TransferRecipient.token_hash == token_hash(token))
    )
    if found is None:
        raise NotFound("no such link")
    transfer = session.get(Transfer, found.transfer_id)
    if transfer is None or transfer.sent_at is None:
        raise NotFound("no such link")
    return found, live(transfer)


def voucher_for(session: Session, token: str) -> TransferVoucher:
    voucher = session.scalar(
        select(TransferVoucher).where(TransferVoucher.token_hash == token_hash(token))
    )
    if voucher is None:
        raise NotFound("no such voucher")
    if voucher.used_at is not None:
        raise Gone("this voucher was used")
    if voucher.expires_at <= utcnow():
        raise Gone("this voucher has expired")
    return voucher
