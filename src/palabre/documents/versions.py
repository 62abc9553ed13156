"""Versions of a document: automatic (the room takes one after a quiet period), named on
demand; the history with authors, an old version's content, its diff against the current
text, and restore (a new change that makes the content read as the version: the history
before it stays, and the content just before the restore is kept as a version too)."""

from __future__ import annotations

import base64
import difflib

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..bus import Event, documents_topic
from ..errors import NotFound
from . import content, log, rules
from .models import Document, DocumentVersion
from .policy import document_access
from .views import DiffLine, VersionContent, VersionView, version_view

Events = list[tuple[str, Event]]
MAX_LISTED = 500


def _event(document: Document, version: DocumentVersion) -> Events:
    event: Event = {
        "type": "document.version",
        "space": document.space_id,
        "document": document.id,
        "version": version.id,
    }
    return [(documents_topic(document.space_id), event)]


def take_automatic(
    session: Session, document_id: str, state: bytes, authors: list[int]
) -> VersionView | None:
    """A version of `state` unless the last version holds the same content."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound("no such document")
    last = session.scalar(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document_id)
        .order_by(DocumentVersion.id.desc())
        .limit(1)
    )
    if last is not None and _same(last.state, state, document.kind):
        return None
    version = DocumentVersion(document_id=document_id, state=state, authors=authors)
    session.add(version)
    session.flush()
    return version_view(version)


def _same(a: bytes, b: bytes, kind: str) -> bool:
    left, right = content.load(a), content.load(b)
    if kind == "board":
        return bool(left.get_state() == right.get_state())
    return content.plain_text(left) == content.plain_text(right) and str(
        content.fragment(left)
    ) == str(content.fragment(right))


def take_named(
    session: Session, user_id: int, document_id: str, name: str
) -> tuple[VersionView, Events]:
    document = document_access(session, user_id, document_id, "write").document
    version = DocumentVersion(
        document_id=document_id,
        name=rules.clean_version_name(name),
        state=log.current_state(session, document_id),
        authors=[user_id],
        created_by=user_id,
    )
    session.add(version)
    session.flush()
    return version_view(version), _event(document, version)


def list_versions(session: Session, user_id: int, document_id: str) -> list[VersionView]:
    document_access(session, user_id, document_id, "read")
    rows = session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document_id)
        .order_by(DocumentVersion.id.desc())
        .limit(MAX_LISTED)
    )
    return [version_view(v) for v in rows]


def _version(session: Session, document_id: str, version_id: int) -> DocumentVersion:
    version = session.get(DocumentVersion, version_id)
    if version is None or version.document_id != document_id:
        raise NotFound("no such version")
    return version


def get_version(
    session: Session, user_id: int, document_id: str, version_id: int
) -> VersionContent:
    document = document_access(session, user_id, document_id, "read").document
    version = _version(session, document_id, version_id)
    return VersionContent(
        version=version_view(version),
        text=content.plain_text(content.load(version.state), document.kind),
        state=base64.b64encode(version.state).decode(),
    )


def diff_version(
    session: Session, user_id: int, document_id: str, version_id: int
) -> list[DiffLine]:
    """The version's plain text against the current one, line by line."""
    document = document_access(session, user_id, document_id, "read").document
    version = _version(session, document_id, version_id)
    old = content.plain_text(content.load(version.state), document.kind).splitlines()
    new = content.plain_text(
        content.load(log.current_state(session, document_id)), document.kind
    ).splitlines()
    lines = []
    for line in difflib.ndiff(old, new):
        code, text = line[:2], line[2:]
        if code == "  ":
            lines.append(DiffLine(op="same", text=text))
        elif code == "- ":
            lines.append(DiffLine(op="removed", text=text))
        elif code == "+ ":
            lines.append(DiffLine(op="added", text=text))
    return lines


def restore_change(
    session: Session, user_id: int, document_id: str, version_id: int
) -> tuple[bytes, Events]:
    """The update that brings the version's content back (to be applied through the room),
    after keeping the current content as a version."""
    document = document_access(session, user_id, document_id, "write").document
    version = _version(session, document_id, version_id)
    current = log.current_state(session, document_id)
    take_automatic(session, document_id, current, [])
    update = content.restore_update(current, version.state)
    return update, _event(document, version)
