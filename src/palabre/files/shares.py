"""Share links: a file or folder reached by people without an account through a secret
link, read-only (download; browse a folder, or take it as a ZIP) or upload-only into a folder
(a drop box); optional password, expiry and download limit; every use recorded for the
people of the space to see; revocable. Only the secret's SHA-256 is kept. A link acts with
its creator's rights: if they lose them, the link stops working."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.passwords import hash_password, verify_password
from ..db import utcnow
from ..errors import Forbidden, Gone, Invalid, NotFound
from ..spaces.store import record
from .content import Readable, Target, readable, upload_target
from .models import FileNode, FileShare, FileShareUse
from .policy import node_access, space_files
from .share_views import (
    ShareCreated,
    SharedItem,
    ShareInfo,
    ShareUseView,
    ShareView,
    share_view,
    shared_item,
)
from .tree import children, path_of

MODES = ("read", "upload")
PREFIX = "pls_"
MAX_EXPIRY = 365 * 24 * 3600


class PasswordNeeded(Forbidden):
    code = "password"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share(
    session: Session, user_id: int, node_id: str, mode: str, password: str | None,
    expires_in: int | None, max_downloads: int | None,
) -> ShareCreated:  # fmt: skip
    node = node_access(session, user_id, node_id, "write").node
    if node.trashed_at is not None:
        raise Invalid("this is in the trash: restore it first")
    if mode not in MODES:
        raise Invalid("a link is read (download) or upload (a drop box)")
    if mode == "upload" and node.kind != "folder":
        raise Invalid("an upload link is to a folder")
    if expires_in is not None and not 60 <= expires_in <= MAX_EXPIRY:
        raise Invalid(f"a link expires in 60 to {MAX_EXPIRY} seconds")
    if max_downloads is not None and not 1 <= max_downloads <= 1_000_000:
        raise Invalid("the download limit is between 1 and 1000000")
    if password is not None and not 4 <= len(password) <= 256:
        raise Invalid("a link's password has 4 to 256 characters")
    token = PREFIX + secrets.token_urlsafe(24)
    share = FileShare(
        id=uuid.uuid4().hex, token_hash=token_hash(token), node_id=node.id,
        space_id=node.space_id, mode=mode, created_by=user_id, max_downloads=max_downloads,
        password_hash=hash_password(password) if password else None,
        expires_at=utcnow() + timedelta(seconds=expires_in) if expires_in else None,
    )  # fmt: skip
    session.add(share)
    session.flush()
    record(session, node.space_id, user_id, "file.shared", node.name)
    return ShareCreated(share=share_view(share, 0), token=token, path=f"/s/{token}")


def _share_for(session: Session, user_id: int, share_id: str) -> FileShare:
    share = session.get(FileShare, share_id) if len(share_id) <= 32 else None
    if share is None:
        raise NotFound("no such link")
    node_access(session, user_id, share.node_id, "write")  # NotFound for strangers
    return share


def list_shares(session: Session, user_id: int, node_id: str) -> list[ShareView]:
    node_access(session, user_id, node_id, "write")
    rows = session.scalars(
        select(FileShare).where(FileShare.node_id == node_id).order_by(FileShare.created_at)
    )
    return [share_view(s, _uses(session, s.id)) for s in rows]


def _uses(session: Session, share_id: str) -> int:
    return len(list(session.scalars(select(FileShareUse.id).where(
        FileShareUse.share_id == share_id))))  # fmt: skip


def share_uses(session: Session, user_id: int, share_id: str) -> list[ShareUseView]:
    share = _share_for(session, user_id, share_id)
    rows = session.scalars(
        select(FileShareUse).where(FileShareUse.share_id == share.id).order_by(FileShareUse.id)
    )
    return [ShareUseView(action=u.action, name=u.name, at=u.at) for u in rows]


def revoke_share(session: Session, user_id: int, share_id: str) -> None:
    share = _share_for(session, user_id, share_id)
    access = space_files(session, user_id, share.space_id, "write")
    if share.created_by != user_id and not access.may("manage_members"):
        raise Forbidden("only the link's creator and the space's admins may revoke it")
    share.revoked_at = share.revoked_at or utcnow()
    record(session, share.space_id, user_id, "file.unshared", share.node_id)


# What people without an account reach with the link.


@dataclass(frozen=True)
class Opened:
    share: FileShare
    node: FileNode


def open_share(session: Session, token: str, password: str | None) -> Opened:
    """The link's share and item, or why not: NotFound (no such link), Gone (revoked,
    expired, used up, the item trashed), PasswordNeeded."""
    share = session.scalar(select(FileShare).where(FileShare.token_hash == token_hash(token)))
    if share is None:
        raise NotFound("no such link")
    if share.revoked_at is not None:
        raise Gone("this link was revoked")
    if share.expires_at is not None and share.expires_at <= utcnow():
        raise Gone("this link has expired")
    node = session.get(FileNode, share.node_id)
    if node is None or node.trashed_at is not None:
        raise Gone("what this link shared is no longer there")
    if share.password_hash is not None and not verify_password(share.password_hash, password or ""):
        raise PasswordNeeded("this link needs its password (X-Share-Password)")
    if share.created_by is None:
        raise Gone("the person who shared this is gone")
    try:
        node_access(session, share.created_by, node.id, "read")
    except (NotFound, Forbidden):
        raise Gone("the person who shared this may no longer do so") from None
    return Opened(share, node)


def _use(session: Session, share: FileShare, action: str, name: str) -> None:
    session.add(FileShareUse(share_id=share.id, action=action, name=name[:255]))


def share_info(
    session: Session, token: str, password: str | None, folder_id: str | None = None
) -> ShareInfo:
    opened = open_share(session, token, password)
    share, node = opened.share, opened.node
    items: list[SharedItem] = []
    if share.mode == "read" and node.kind == "folder":
        folder = _inside(session, node, folder_id)
        items = [shared_item(n) for n in children(session, node.space_id, folder.id)]
    if folder_id is None:
        _use(session, share, "open", node.name)
    left = None if share.max_downloads is None else share.max_downloads - share.downloads
    return ShareInfo(name=node.name, kind=node.kind, mode=share.mode, size=node.size,
                     items=items, downloads_left=left, expires_at=share.expires_at)  # fmt: skip


def _inside(session: Session, top: FileNode, folder_id: str | None) -> FileNode:
    """`folder_id` if it is `top` or a live folder below it, else NotFound."""
    if folder_id is None or folder_id == top.id:
        return top
    folder = session.get(FileNode, folder_id) if len(folder_id) <= 32 else None
    if (folder is None or folder.kind != "folder" or folder.trashed_at is not None
            or top.id not in {c.id for c in path_of(session, folder)}):  # fmt: skip
        raise NotFound("no such folder in this link")
    return folder


def _count_download(share: FileShare) -> None:
    if share.max_downloads is not None and share.downloads >= share.max_downloads:
        raise Gone("this link's downloads are used up")
    share.downloads += 1


def shared_file(
    session: Session, token: str, password: str | None, file_id: str | None, counted: bool
) -> Readable:
    """A file of a read link: the shared file, or one below the shared folder."""
    opened = open_share(session, token, password)
    share, node = opened.share, opened.node
    if share.mode != "read":
        raise Forbidden("this link only takes uploads")
    target = node
    if file_id is not None and file_id != node.id:
        found = session.get(FileNode, file_id) if len(file_id) <= 32 else None
        if (found is None or found.kind != "file" or found.trashed_at is not None
                or node.id not in {c.id for c in path_of(session, found)}):  # fmt: skip
            raise NotFound("no such file in this link")
        target = found
    assert share.created_by is not None
    item = readable(session, share.created_by, target.id)
    if counted:
        _count_download(share)
        _use(session, share, "download", item.name)
    return item


def shared_folder(session: Session, token: str, password: str | None) -> tuple[str, int, str]:
    """(folder id, creator, name) of a read link to a folder, its download counted."""
    opened = open_share(session, token, password)
    share, node = opened.share, opened.node
    if share.mode != "read" or node.kind != "folder":
        raise Invalid("only a read link to a folder is downloaded as a ZIP")
    _count_download(share)
    _use(session, share, "download", node.name + ".zip")
    assert share.created_by is not None
    return node.id, share.created_by, node.name


def drop_target(
    session: Session, token: str, password: str | None, name: str
) -> tuple[int, Target]:
    """(the creator, where) of an upload into an upload link's folder."""
    opened = open_share(session, token, password)
    share, node = opened.share, opened.node
    if share.mode != "upload":
        raise Forbidden("this link is for downloading, not uploading")
    assert share.created_by is not None
    return share.created_by, upload_target(session, share.created_by, node.space_id, node.id, name)


def record_drop(session: Session, token: str, name: str) -> None:
    share = session.scalar(select(FileShare).where(FileShare.token_hash == token_hash(token)))
    if share is not None:
        _use(session, share, "upload", name)
