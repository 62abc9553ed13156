"""May this person read, comment, write or administer this document? A document follows its
space's `documents` module (spaces/rules.py): level "read" (a guest's default, or any member
an admin set so) reads and follows the document live but changes nothing, its updates refused
by the sync server; "write" edits, comments, makes and moves pages. "admin" (delete forever,
remove another's comment) is for the space's admins and the document's creator. A trashed
document is read-only until restored. A document of a space the person does not see is
NotFound, whatever it is."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..errors import Forbidden, NotFound
from ..spaces.policy import Access, membership
from .models import Document

ACTIONS = ("read", "comment", "write", "admin")


@dataclass(frozen=True)
class DocumentAccess:
    document: Document
    space: Access

    @property
    def writable(self) -> bool:
        return self.space.may("documents.write") and self.document.trashed_at is None


def space_documents(session: Session, user_id: int, space_id: int, action: str) -> Access:
    """The person's access to a space's documents: NotFound unless they may read them,
    Forbidden if they may not `action` ("read" or "write": make and move pages)."""
    try:
        access = membership(session, user_id, space_id)
    except NotFound:
        raise NotFound("no such space") from None
    if not access.may("documents.read"):
        raise NotFound("no such space")
    if action == "write" and not access.may("documents.write"):
        raise Forbidden("you may read this space's documents but not change them")
    return access


def document_access(
    session: Session, user_id: int, document_id: str, action: str
) -> DocumentAccess:
    """NotFound unless the person may read the document; Forbidden if they may read it but
    not do `action`."""
    if action not in ACTIONS:
        raise ValueError(action)
    document = session.get(Document, document_id) if len(document_id) <= 32 else None
    if document is None:
        raise NotFound("no such document")
    try:
        access = membership(session, user_id, document.space_id)
    except NotFound:
        raise NotFound("no such document") from None
    if not access.may("documents.read"):
        raise NotFound("no such document")
    found = DocumentAccess(document, access)
    if action == "read":
        return found
    if not access.may("documents.write"):
        raise Forbidden("you may read this document but not change it")
    if action in ("write", "comment") and document.trashed_at is not None:
        raise Forbidden("this document is in the trash: restore it first")
    if action == "admin" and not (access.may("manage_members") or document.created_by == user_id):
        raise Forbidden("only the document's creator and the space's admins may do this")
    return found


def may_write(access: DocumentAccess) -> bool:
    """Whether the sync server applies this person's updates (asked again on each one)."""
    return access.writable
