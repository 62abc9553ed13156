"""What the API and the pages see of documents, versions and comments: msgspec structs."""

from __future__ import annotations

from datetime import datetime

import msgspec

from .models import Document, DocumentComment, DocumentVersion


class DocumentView(msgspec.Struct, kw_only=True):
    id: str
    space: int
    parent: str | None
    kind: str
    title: str
    position: float
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    trashed_at: datetime | None


class DocumentPage(msgspec.Struct, kw_only=True):
    """One document as its editor opens it: the caller's rights with it."""

    document: DocumentView
    writable: bool  # the sync server applies their updates
    admin: bool  # may delete it forever


class VersionView(msgspec.Struct, kw_only=True):
    id: int
    document: str
    name: str | None  # None: taken automatically after a quiet period
    authors: list[int]  # who edited since the version before
    created_by: int | None
    created_at: datetime


class VersionContent(msgspec.Struct, kw_only=True):
    version: VersionView
    text: str  # its plain text
    state: str  # its Yjs content, one update, base64


class DiffLine(msgspec.Struct, kw_only=True):
    op: str  # "same", "added" (in the current text), "removed" (only in the version)
    text: str


class CommentView(msgspec.Struct, kw_only=True):
    id: int
    document: str
    thread: int | None  # the first comment, for a reply
    author: int | None
    body: str
    anchor_start: str  # Yjs relative positions, base64 ("" on a reply)
    anchor_end: str
    quote: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: int | None


class DocumentHit(msgspec.Struct, kw_only=True):
    document: DocumentView
    excerpt: str


def document_view(document: Document) -> DocumentView:
    return DocumentView(
        id=document.id,
        space=document.space_id,
        parent=document.parent_id,
        kind=document.kind,
        title=document.title,
        position=document.position,
        created_by=document.created_by,
        created_at=document.created_at,
        updated_at=document.updated_at,
        trashed_at=document.trashed_at,
    )


def version_view(version: DocumentVersion) -> VersionView:
    return VersionView(
        id=version.id,
        document=version.document_id,
        name=version.name,
        authors=[int(a) for a in version.authors],
        created_by=version.created_by,
        created_at=version.created_at,
    )


def comment_view(comment: DocumentComment) -> CommentView:
    return CommentView(
        id=comment.id,
        document=comment.document_id,
        thread=comment.thread_id,
        author=comment.author_id,
        body=comment.body,
        anchor_start=comment.anchor_start,
        anchor_end=comment.anchor_end,
        quote=comment.quote,
        created_at=comment.created_at,
        resolved_at=comment.resolved_at,
        resolved_by=comment.resolved_by,
    )
