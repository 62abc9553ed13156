"""What the API and WebDAV see of files, folders, versions and a space's usage."""

from __future__ import annotations

from datetime import datetime

import msgspec

from .models import FileNode, FileVersion
from .previews import preview_kind


class FileView(msgspec.Struct, kw_only=True):
    id: str
    space: int
    parent: str | None
    kind: str  # "folder" or "file"
    name: str
    size: int  # a file's current version's bytes (0 for a folder)
    content_type: str  # sniffed ("" for a folder)
    sha256: str
    version: int | None  # the current version
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    trashed_at: datetime | None
    preview: str = "none"  # "image", "pdf" (a thumbnail), "text" (its first KB) or "none"
    # The virus scanner's word: "clean", "unscanned" (no scanner configured), "too_large"
    # (past the scanner's limit), "" (stored before scans were recorded: not scanned).
    scan: str = ""


class Crumb(msgspec.Struct, kw_only=True):
    id: str
    name: str


class FolderListing(msgspec.Struct, kw_only=True):
    folder: FileView | None  # None: the space's top
    path: list[Crumb]  # from the top down to the folder, itself included
    items: list[FileView]  # folders first, then files, by name
    writable: bool  # the caller may upload and change here
    scanner: bool = False  # uploads are passed to a virus scanner (clamd_socket is set)


class VersionView(msgspec.Struct, kw_only=True):
    id: int
    file: str
    size: int
    sha256: str
    content_type: str
    created_by: int | None
    created_at: datetime
    current: bool


class Usage(msgspec.Struct, kw_only=True):
    used: int  # bytes of every version of every file, the trash included
    quota: int
    files: int


def file_view(node: FileNode) -> FileView:
    return FileView(
        id=node.id,
        space=node.space_id,
        parent=node.parent_id,
        kind=node.kind,
        name=node.name,
        size=node.size,
        content_type=node.content_type,
        sha256=node.sha256,
        version=node.version_id,
        created_by=node.created_by,
        created_at=node.created_at,
        updated_at=node.updated_at,
        trashed_at=node.trashed_at,
        preview=preview_kind(node.content_type) if node.kind == "file" else "none",
        scan=node.scan,
    )


def version_view(version: FileVersion, current: int | None) -> VersionView:
    return VersionView(
        id=version.id,
        file=version.node_id,
        size=version.size,
        sha256=version.sha256,
        content_type=version.content_type,
        created_by=version.created_by,
        created_at=version.created_at,
        current=version.id == current,
    )
