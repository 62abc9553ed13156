"""The tables of space files: the tree of folders and files (FileNode), each file's versions
(FileVersion: one blob each), a space's quota if an admin set one (FileQuota), and resumable
uploads under way (FileUpload, tus)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Moment, utcnow


class FileNode(Base):
    """A folder or a file of a space; a file's content is its current version's blob."""

    __tablename__ = "file_nodes"
    __table_args__ = (Index("ix_file_nodes_space_id_parent_id", "space_id", "parent_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("file_nodes.id", ondelete="CASCADE"), default=None
    )
    kind: Mapped[str] = mapped_column(String(8))  # "folder" or "file"
    name: Mapped[str] = mapped_column(String(255))  # names.clean_name
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    trashed_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    # A file's current version (None for a folder), and that version's figures, copied here.
    version_id: Mapped[int | None] = mapped_column(Integer, default=None)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    content_type: Mapped[str] = mapped_column(String(128), default="")
    scan: Mapped[str] = mapped_column(String(16), default="")  # antivirus.py's status


class FileVersion(Base):
    """One content a file had: kept when a new one is uploaded under the same name."""

    __tablename__ = "file_versions"
    __table_args__ = (Index("ix_file_versions_node_id_id", "node_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[str] = mapped_column(ForeignKey("file_nodes.id", ondelete="CASCADE"))
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    blob_key: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(128))
    # What the virus scanner said (antivirus.py): "clean", "unscanned", "too_large"; ""
    # for content stored before scanning was recorded (not scanned).
    scan: Mapped[str] = mapped_column(String(16), default="")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)


class FileQuota(Base):
    """The bytes a space's files may hold, when an admin set other than the default."""

    __tablename__ = "file_quotas"

    space_id: Mapped[int] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    quota: Mapped[int] = mapped_column(BigInteger)


class FileUpload(Base):
    """A resumable (tus) upload under way: its bytes so far in the data directory's
    uploads/<id>, the file it becomes once complete."""

    __tablename__ = "file_uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("file_nodes.id", ondelete="CASCADE"), default=None
    )
    name: Mapped[str] = mapped_column(String(255))
    length: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)  # bytes received and checked
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(Moment)
    node_id: Mapped[str | None] = mapped_column(String(32), default=None)  # once complete


class FileShare(Base):
    """A link to a file or folder for people without an account: read-only, or upload-only
    into a folder (a drop box); an optional password, expiry and download limit."""

    __tablename__ = "file_shares"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the secret
    node_id: Mapped[str] = mapped_column(ForeignKey("file_nodes.id", ondelete="CASCADE"),
                                         index=True)  # fmt: skip
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(8))  # "read" or "upload"
    password_hash: Mapped[str | None] = mapped_column(String(256), default=None)
    expires_at: Mapped[datetime | None] = mapped_column(Moment, default=None)
    max_downloads: Mapped[int | None] = mapped_column(Integer, default=None)
    downloads: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(Moment, default=None)


class FileShareUse(Base):
    """One use of a share link, for its owner to see: opened, downloaded, uploaded."""

    __tablename__ = "file_share_uses"
    __table_args__ = (Index("ix_file_share_uses_share_id_id", "share_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    share_id: Mapped[str] = mapped_column(ForeignKey("file_shares.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))  # "open", "download", "upload"
    name: Mapped[str] = mapped_column(String(255), default="")  # the file concerned
    at: Mapped[datetime] = mapped_column(Moment, default=utcnow)
