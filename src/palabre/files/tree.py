"""The tree of a space's files: list a folder, make folders, rename, move, copy, trash,
restore, delete forever. Each operation takes the caller's session and returns its result
and the bus events it makes (published by the web layer once committed); deleting forever
also returns the blobs to remove once committed."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..bus import Event, space_topic
from ..db import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..spaces.store import record
from .blobs import BlobStore
from .models import FileNode, FileVersion
from .names import clean_name, copy_name
from .policy import node_access, space_files
from .quota import check_room
from .views import Crumb, FileView, FolderListing, file_view

Events = list[tuple[str, Event]]
MAX_DEPTH = 64


def new_id() -> str:
    return uuid.uuid4().hex


def node_event(node: FileNode, kind: str) -> Events:
    """`file.created`, `file.changed` or `file.deleted`, to the space."""
    event: Event = {"type": kind, "space": node.space_id, "file": node.id}
    return [(space_topic(node.space_id), event)]


def children(session: Session, space_id: int, parent_id: str | None) -> list[FileNode]:
    """The live items of a folder (None: the top), folders first, then by name."""
    where = FileNode.parent_id.is_(None) if parent_id is None else FileNode.parent_id == parent_id
    rows = session.scalars(
        select(FileNode).where(FileNode.space_id == space_id, where, FileNode.trashed_at.is_(None))
    )
    return sorted(rows, key=lambda n: (n.kind != "folder", n.name.casefold(), n.name))


def child_named(
    session: Session, space_id: int, parent_id: str | None, name: str
) -> FileNode | None:
    return next((n for n in children(session, space_id, parent_id) if n.name == name), None)


def folder_in_space(session: Session, space_id: int, folder_id: str | None) -> FileNode | None:
    """The live folder `folder_id` of the space (None: the top), else Invalid."""
    if folder_id is None:
        return None
    folder = session.get(FileNode, folder_id) if len(folder_id) <= 32 else None
    if folder is None or folder.space_id != space_id or folder.kind != "folder":
        raise NotFound("no such folder in this space")
    if folder.trashed_at is not None:
        raise Invalid("this folder is in the trash")
    return folder


def path_of(session: Session, node: FileNode | None) -> list[Crumb]:
    crumbs: list[Crumb] = []
    while node is not None and len(crumbs) < MAX_DEPTH:
        crumbs.append(Crumb(id=node.id, name=node.name))
        node = session.get(FileNode, node.parent_id) if node.parent_id else None
    return crumbs[::-1]


def _free(session: Session, space_id: int, parent_id: str | None, name: str) -> None:
    if child_named(session, space_id, parent_id, name) is not None:
        raise Conflict(f"“{name}” already exists in this folder")


def list_folder(
    session: Session, user_id: int, space_id: int, folder_id: str | None = None
) -> FolderListing:
    access = space_files(session, user_id, space_id, "read")
    folder = folder_in_space(session, space_id, folder_id)
    return FolderListing(
        folder=file_view(folder) if folder else None,
        path=path_of(session, folder),
        items=[file_view(n) for n in children(session, space_id, folder_id)],
        writable=access.may("files.write"),
    )


def list_trash(session: Session, user_id: int, space_id: int) -> list[FileView]:
    """What was put in the trash (not what went with a trashed folder), newest first."""
    space_files(session, user_id, space_id, "read")
    trashed = list(
        session.scalars(
            select(FileNode).where(FileNode.space_id == space_id, FileNode.trashed_at.is_not(None))
        )
    )
    by_id = {n.id: n for n in trashed}
    tops = [n for n in trashed if n.parent_id not in by_id
            or by_id[n.parent_id].trashed_at != n.trashed_at]  # fmt: skip
    return [file_view(n) for n in sorted(tops, key=lambda n: n.trashed_at or n.created_at,
                                         reverse=True)]  # fmt: skip


def get_node(session: Session, user_id: int, node_id: str) -> FileView:
    return file_view(node_access(session, user_id, node_id, "read").node)


def make_folder(
    session: Session, user_id: int, space_id: int, parent_id: str | None, name: str
) -> tuple[FileView, Events]:
    space_files(session, user_id, space_id, "write")
    parent = folder_in_space(session, space_id, parent_id)
    if len(path_of(session, parent)) >= MAX_DEPTH:
        raise Invalid(f"folders go at most {MAX_DEPTH} levels deep")
    name = clean_name(name)
    _free(session, space_id, parent_id, name)
    folder = FileNode(id=new_id(), space_id=space_id, parent_id=parent_id, kind="folder",
                      name=name, created_by=user_id)  # fmt: skip
    session.add(folder)
    session.flush()
    record(session, space_id, user_id, "folder.created", name)
    return file_view(folder), node_event(folder, "file.created")


def _below(session: Session, node: FileNode) -> list[FileNode]:
    """`node` and everything under it (trashed or not), parents first."""
    found, queue = [], [node]
    while queue:
        current = queue.pop(0)
        found.append(current)
        if current.kind == "folder":
            queue.extend(session.scalars(select(FileNode).where(FileNode.parent_id == current.id)))
    return found


def edit_node(
    session: Session,
    user_id: int,
    node_id: str,
    name: str | None = None,
    parent_id: str | None = None,
    move: bool = False,
) -> tuple[FileView, Events]:
    """Rename, and/or move under `parent_id` (None: the top) when `move`."""
    found = node_access(session, user_id, node_id, "write")
    node = found.node
    if node.trashed_at is not None:
        raise Invalid("this is in the trash: restore it first")
    new_name = clean_name(name) if name is not None else node.name
    new_parent = parent_id if move else node.parent_id
    if move:
        target = folder_in_space(session, node.space_id, parent_id)
        if target is not None and any(c.id == node.id for c in path_of(session, target)):
            raise Invalid("a folder cannot move into itself or one of its sub-folders")
    if (new_name, new_parent) != (node.name, node.parent_id):
        _free(session, node.space_id, new_parent, new_name)
    node.name, node.parent_id, node.updated_at = new_name, new_parent, utcnow()
    record(session, node.space_id, user_id, "file.changed", new_name)
    return file_view(node), node_event(node, "file.changed")


def copy_node(
    session: Session,
    store: BlobStore,
    user_id: int,
    node_id: str,
    parent_id: str | None = None,
    name: str | None = None,
    same_folder: bool = True,
) -> tuple[FileView, Events]:
    """A copy (a folder with all it holds; a file's current version only) into `parent_id`
    (or its own folder when `same_folder`), named `name` or, in the same folder, "x (2)"."""
    original = node_access(session, user_id, node_id, "read").node
    space_files(session, user_id, original.space_id, "write")
    if original.trashed_at is not None:
        raise Invalid("this is in the trash: restore it first")
    target_id = original.parent_id if same_folder else parent_id
    target = folder_in_space(session, original.space_id, target_id)
    if target is not None and any(c.id == original.id for c in path_of(session, target)):
        raise Invalid("a folder cannot be copied into itself")
    taken = {n.name for n in children(session, original.space_id, target_id)}
    if name is not None:
        new_name = clean_name(name)
        if new_name in taken:
            raise Conflict(f"“{new_name}” already exists in this folder")
    else:
        new_name = copy_name(original.name, taken)
    sources = [n for n in _below(session, original) if n.trashed_at is None]
    check_room(session, original.space_id, sum(n.size for n in sources))
    made: list[str] = []
    try:
        top = _copy_tree(session, store, user_id, sources, target_id, new_name, made)
    except BaseException:
        for key in made:
            store.delete(key)
        raise
    record(session, original.space_id, user_id, "file.created", new_name)
    return file_view(top), node_event(top, "file.created")


def _copy_tree(
    session: Session, store: BlobStore, user_id: int, sources: list[FileNode],
    parent_id: str | None, name: str, made: list[str],
) -> FileNode:  # fmt: skip
    new_ids: dict[str, str] = {}
    top: FileNode | None = None
    for source in sources:  # parents first
        copy = FileNode(
            id=new_id(), space_id=source.space_id, kind=source.kind, created_by=user_id,
            parent_id=parent_id if top is None else new_ids[source.parent_id or ""],
            name=name if top is None else source.name,
            size=source.size, sha256=source.sha256, content_type=source.content_type,
            scan=source.scan,
        )  # fmt: skip
        new_ids[source.id] = copy.id
        session.add(copy)
        session.flush()
        if source.kind == "file" and source.version_id is not None:
            version = session.get(FileVersion, source.version_id)
            assert version is not None
            key = store.copy(version.blob_key)
            made.append(key)
            fresh = FileVersion(node_id=copy.id, space_id=copy.space_id, blob_key=key,
                                size=version.size, sha256=version.sha256,
                                content_type=version.content_type, scan=version.scan,
                                created_by=user_id)  # fmt: skip
            session.add(fresh)
            session.flush()
            copy.version_id = fresh.id
        top = top or copy
    assert top is not None
    return top


def trash_node(session: Session, user_id: int, node_id: str) -> tuple[FileView, Events]:
    """To the trash, with all a folder holds (restored together)."""
    node = node_access(session, user_id, node_id, "write").node
    if node.trashed_at is not None:
        raise Invalid("this is already in the trash")
    now = utcnow()
    events: Events = []
    for item in _below(session, node):
        if item.trashed_at is None:
            item.trashed_at = now
            events += node_event(item, "file.changed")
    record(session, node.space_id, user_id, "file.trashed", node.name)
    return file_view(node), events


def restore_node(session: Session, user_id: int, node_id: str) -> tuple[FileView, Events]:
    """Out of the trash with what was trashed with it; to the top if its folder is gone or
    still in the trash; renamed "x (2)" if its name was taken meanwhile."""
    node = node_access(session, user_id, node_id, "write").node
    if node.trashed_at is None:
        raise Invalid("this is not in the trash")
    when = node.trashed_at
    if node.parent_id is not None:
        parent = session.get(FileNode, node.parent_id)
        if parent is None or parent.trashed_at is not None:
            node.parent_id = None
    taken = {n.name for n in children(session, node.space_id, node.parent_id)}
    node.name = copy_name(node.name, taken)
    events: Events = []
    for item in _below(session, node):
        if item.trashed_at == when:
            item.trashed_at = None
            events += node_event(item, "file.changed")
    record(session, node.space_id, user_id, "file.restored", node.name)
    return file_view(node), events


def purge_node(
    session: Session, user_id: int, node_id: str, from_trash: bool = True
) -> tuple[list[str], Events]:
    """Gone for good with all it holds and every version; only from the trash unless
    `from_trash` is False (WebDAV's DELETE of a live item). The blobs to delete once
    committed."""
    node = node_access(session, user_id, node_id, "admin").node
    if from_trash and node.trashed_at is None:
        raise Invalid("only what is in the trash can be deleted forever")
    items = _below(session, node)
    ids = [n.id for n in items]
    keys = set(session.scalars(select(FileVersion.blob_key).where(FileVersion.node_id.in_(ids))))
    events: Events = []
    for item in reversed(items):
        events += node_event(item, "file.deleted")
    session.execute(
        delete(FileVersion).where(FileVersion.node_id.in_(ids)).execution_options(
            synchronize_session=False)
    )  # fmt: skip
    session.execute(
        delete(FileNode).where(FileNode.id.in_(ids)).execution_options(synchronize_session=False)
    )
    for item in items:
        session.expunge(item)
    # A blob another version still names (a restored version of the same file) stays.
    kept = set(session.scalars(select(FileVersion.blob_key).where(FileVersion.blob_key.in_(keys))))
    record(session, node.space_id, user_id, "file.deleted", node.name)
    return sorted(keys - kept), events
