"""The tables of documents: the page (its place in the space's tree, its last snapshot),
the log of Yjs updates not yet folded into the snapshot, versions, comments, images."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Moment, utcnow


class Document(Base):
    """A text document or a board in a space. Its Yjs content is `snapshot` (one update
    holding everything up to the compaction) plus the rows of DocumentUpdate after it."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_space_id_parent_id", "space_id", "parent_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), default=None
    )
    kind: Mapped[str] = mapped_column(String(8))  # rules.KINDS
    title: Mapped[str] = mapped_column(String(256), default="")
    position: Mapped[float] = mapped_column(Float, default=1.0)  # among its siblings
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    trashed_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    snapshot: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    # The plain text of the content at the last compaction, for search.
    text: Mapped[str] = mapped_column(Text, default="")


class DocumentUpdate(Base):
    """One Yjs update as a client sent it, written before anyone else sees it."""

    __tablename__ = "document_updates"
    __table_args__ = (Index("ix_document_updates_document_id_id", "document_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class DocumentVersion(Base):
    """The whole content at one moment: automatic (name None) or named on demand."""

    __tablename__ = "document_versions"
    __table_args__ = (Index("ix_document_versions_document_id_id", "document_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    name: Mapped[str | None] = mapped_column(String(128), default=None)
    state: Mapped[bytes] = mapped_column(LargeBinary)  # the full Yjs update
    authors: Mapped[list[Any]] = mapped_column(JSON, default=list)  # user ids since the last
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class DocumentComment(Base):
    """A comment on a selection (a thread's first comment: anchors set) or a reply."""

    __tablename__ = "document_comments"
    __table_args__ = (Index("ix_document_comments_document_id_id", "document_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_comments.id", ondelete="CASCADE"), default=None
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    body: Mapped[str] = mapped_column(Text)
    # Yjs relative positions (Y.encodeRelativePosition), base64, of the selection's ends.
    anchor_start: Mapped[str] = mapped_column(Text, default="")
    anchor_end: Mapped[str] = mapped_column(Text, default="")
    quote: Mapped[str] = mapped_column(Text, default="")  # the selected text, as it was
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    resolved_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class DocumentImage(Base):
    """An image of a text document (blobs.py keeps its bytes until the files store comes)."""

    __tablename__ = "document_images"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
