"""What the API shows of share links: to the space's people, and to the link's visitors."""

from __future__ import annotations

from datetime import datetime

import msgspec

from .models import FileNode, FileShare


class ShareView(msgspec.Struct, kw_only=True):
    id: str
    file: str
    mode: str  # "read" or "upload"
    password: bool  # whether it needs one
    expires_at: datetime | None
    max_downloads: int | None
    downloads: int
    uses: int
    created_by: int | None
    created_at: datetime
    revoked_at: datetime | None


class ShareCreated(msgspec.Struct, kw_only=True):
    share: ShareView
    token: str  # the secret, in this answer only
    path: str  # the page to give: /s/<token>


class ShareUseView(msgspec.Struct, kw_only=True):
    action: str  # "open", "download", "upload"
    name: str
    at: datetime


class SharedItem(msgspec.Struct, kw_only=True):
    id: str
    kind: str
    name: str
    size: int
    content_type: str
    updated_at: datetime


class ShareInfo(msgspec.Struct, kw_only=True):
    """What a visitor of the link sees (no id of the space, no person)."""

    name: str
    kind: str
    mode: str
    size: int
    items: list[SharedItem]  # a read link to a folder: what the folder (or ?folder=) holds
    downloads_left: int | None
    expires_at: datetime | None


def shared_item(node: FileNode) -> SharedItem:
    return SharedItem(id=node.id, kind=node.kind, name=node.name, size=node.size,
                      content_type=node.content_type, updated_at=node.updated_at)  # fmt: skip


def share_view(share: FileShare, uses: int) -> ShareView:
    return ShareView(
        id=share.id, file=share.node_id, mode=share.mode,
        password=share.password_hash is not None, expires_at=share.expires_at,
        max_downloads=share.max_downloads, downloads=share.downloads, uses=uses,
        created_by=share.created_by, created_at=share.created_at, revoked_at=share.revoked_at,
    )  # fmt: skip
