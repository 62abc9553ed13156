"""A file's content: what an upload may write, the file or new version it makes once its
blob is stored, what a download reads, versions and their restoring, a folder's entries for
a ZIP. The blob itself is written and read outside the transaction (web/api/files.py,
tus.py, dav.py), in a thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..spaces.store import record
from .blobs import Blob
from .models import FileNode, FileVersion
from .names import clean_name
from .policy import node_access, space_files
from .quota import check_room, room_left
from .sniff import sniff
from .tree import Events, child_named, folder_in_space, new_id, node_event
from .views import FileView, VersionView, file_view, version_view


@dataclass(frozen=True)
class Target:
    """Where an upload goes, checked before its bytes are read."""

    space_id: int
    parent_id: str | None
    name: str
    room: int  # bytes the space's quota still allows


@dataclass(frozen=True)
class Readable:
    """What a download needs, read in one transaction."""

    name: str
    blob_key: str
    size: int
    sha256: str
    content_type: str
    updated_at: datetime
    scan: str = ""


def upload_target(
    session: Session, user_id: int, space_id: int, parent_id: str | None, name: str
) -> Target:
    space_files(session, user_id, space_id, "write")
    folder_in_space(session, space_id, parent_id)
    clean = clean_name(name)
    existing = child_named(session, space_id, parent_id, clean)
    if existing is not None and existing.kind == "folder":
        raise Conflict(f"“{clean}” is a folder here")
    return Target(space_id, parent_id, clean, room_left(session, space_id))


def add_content(
    session: Session, user_id: int, target: Target, blob: Blob
) -> tuple[FileView, Events]:
    """The file `target` names gets `blob` as its new current version (the old ones stay),
    or is made with it. Checked again: the caller may have lost the right meanwhile."""
    upload_target(session, user_id, target.space_id, target.parent_id, target.name)
    check_room(session, target.space_id, blob.size)
    node = child_named(session, target.space_id, target.parent_id, target.name)
    created = node is None
    if node is None:
        node = FileNode(id=new_id(), space_id=target.space_id, parent_id=target.parent_id,
                        kind="file", name=target.name, created_by=user_id)  # fmt: skip
        session.add(node)
        session.flush()
    kind = sniff(blob.head, target.name)
    version = FileVersion(node_id=node.id, space_id=node.space_id, blob_key=blob.key,
                          size=blob.size, sha256=blob.sha256, content_type=kind,
                          scan=blob.scan, created_by=user_id)  # fmt: skip
    session.add(version)
    session.flush()
    _make_current(node, version)
    record(session, node.space_id, user_id, "file.created" if created else "file.changed",
           node.name)  # fmt: skip
    return file_view(node), node_event(node, "file.created" if created else "file.changed")


def _make_current(node: FileNode, version: FileVersion) -> None:
    node.version_id = version.id
    node.size, node.sha256, node.content_type = version.size, version.sha256, version.content_type
    node.scan = version.scan
    node.updated_at = utcnow()


def readable(
    session: Session, user_id: int, node_id: str, version_id: int | None = None
) -> Readable:
    node = node_access(session, user_id, node_id, "read").node
    if node.kind != "file":
        raise Invalid("a folder has no content: download it as a ZIP")
    version = session.get(FileVersion, version_id if version_id is not None else node.version_id)
    if version is None or version.node_id != node.id:
        raise NotFound("no such version")
    return Readable(node.name, version.blob_key, version.size, version.sha256,
                    version.content_type, node.updated_at, version.scan)  # fmt: skip


def list_versions(session: Session, user_id: int, node_id: str) -> list[VersionView]:
    node = node_access(session, user_id, node_id, "read").node
    rows = session.scalars(
        select(FileVersion).where(FileVersion.node_id == node.id).order_by(FileVersion.id.desc())
    )
    return [version_view(v, node.version_id) for v in rows]


def restore_version(
    session: Session, user_id: int, node_id: str, version_id: int
) -> tuple[VersionView, Events]:
    """The old content becomes the current version again, as a new version (nothing lost)."""
    node = node_access(session, user_id, node_id, "write").node
    if node.trashed_at is not None:
        raise Invalid("this is in the trash: restore it first")
    old = session.get(FileVersion, version_id)
    if old is None or old.node_id != node.id:
        raise NotFound("no such version")
    again = FileVersion(node_id=node.id, space_id=node.space_id, blob_key=old.blob_key,
                        size=old.size, sha256=old.sha256, content_type=old.content_type,
                        scan=old.scan, created_by=user_id)  # fmt: skip
    session.add(again)
    session.flush()
    _make_current(node, again)
    record(session, node.space_id, user_id, "file.changed", node.name)
    return version_view(again, node.version_id), node_event(node, "file.changed")


@dataclass(frozen=True)
class Entry:
    """One member of a folder's ZIP: a folder (blob_key None) or a file."""

    path: str
    blob_key: str | None
    sha256: str
    modified: datetime


def zip_entries(session: Session, user_id: int, node_id: str) -> tuple[str, list[Entry]]:
    """The folder's name and every live folder and file below it, paths relative to it."""
    folder = node_access(session, user_id, node_id, "read").node
    if folder.kind != "folder":
        raise Invalid("only a folder is downloaded as a ZIP")
    if folder.trashed_at is not None:
        raise Invalid("this folder is in the trash")
    entries: list[Entry] = []
    _below(session, folder, "", entries)
    return folder.name, entries


MAX_SELECTED = 1000  # items of one selection's ZIP


def selection_entries(
    session: Session, user_id: int, space_id: int, node_ids: list[str]
) -> list[Entry]:
    """Several items of one space's files (a selection on the files page) as one ZIP's
    entries: each file by its name, each folder with all it holds. NotFound for an item the
    person may not read or of another space."""
    space_files(session, user_id, space_id, "read")
    if not node_ids:
        raise Invalid("select at least one file or folder")
    if len(node_ids) > MAX_SELECTED:
        raise Invalid(f"select at most {MAX_SELECTED} items")
    entries: list[Entry] = []
    taken: set[str] = set()
    for node_id in dict.fromkeys(node_ids):
        node = node_access(session, user_id, node_id, "read").node
        if node.space_id != space_id or node.trashed_at is not None:
            raise NotFound("no such file")
        name = node.name
        while name in taken:  # two items of the same name from different folders
            stem, dot, ext = name.rpartition(".")
            name = f"{stem} (2).{ext}" if dot and stem else f"{name} (2)"
        taken.add(name)
        if node.kind == "folder":
            entries.append(Entry(name + "/", None, "", node.updated_at))
            _below(session, node, name + "/", entries)
        else:
            _add_file(session, node, name, entries)
    return entries


def _add_file(session: Session, node: FileNode, path: str, entries: list[Entry]) -> None:
    version = session.get(FileVersion, node.version_id)
    if version is not None:
        entries.append(Entry(path, version.blob_key, version.sha256, node.updated_at))


def _below(session: Session, folder: FileNode, prefix: str, entries: list[Entry]) -> None:
    """Every live folder and file below `folder`, breadth first, paths under `prefix`."""
    queue: list[tuple[FileNode, str]] = [(folder, prefix)]
    while queue:
        current, base = queue.pop(0)
        for child in session.scalars(
            select(FileNode).where(FileNode.parent_id == current.id, FileNode.trashed_at.is_(None))
            .order_by(FileNode.name)
        ):  # fmt: skip
            path = f"{base}{child.name}"
            if child.kind == "folder":
                entries.append(Entry(path + "/", None, "", child.updated_at))
                queue.append((child, path + "/"))
            else:
                _add_file(session, child, path, entries)
