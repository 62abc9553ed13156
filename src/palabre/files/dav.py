"""WebDAV over the space files: a WsgiDAV provider whose resources are Palabre's folders and
files, every call going through files/policy.py like the JSON API's. The root lists the
spaces whose files the person may read (one collection each, named for the space); below a
space, its folders and files. PUT streams to a file on disk then into the blob store (a new
version if the file exists); DELETE puts in the trash (restorable from the web page); MOVE
within a space renames and moves in one step; COPY and moves between spaces copy the blobs.
WsgiDAV itself does the protocol: PROPFIND/PROPPATCH (dead properties in its property
manager), LOCK/UNLOCK (class 2), If headers, Depth, ranges."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from wsgidav.dav_error import (
    HTTP_BAD_REQUEST,
    HTTP_CONFLICT,
    HTTP_FORBIDDEN,
    HTTP_INSUFFICIENT_STORAGE,
    HTTP_NOT_FOUND,
    DAVError,
)
from wsgidav.dav_provider import DAVCollection, DAVNonCollection, DAVProvider

from ..db import Database
from ..errors import Conflict, Forbidden, Invalid, NotFound, Refusal
from ..spaces.models import Member, Space
from ..spaces.policy import Access
from . import content, tree
from .antivirus import Clamd, Infected, ScannerDown, scanned
from .blobs import Blob, BlobStore
from .models import FileNode, FileVersion
from .names import clean_name
from .quota import QuotaExceeded, with_default_quota
from .sniff import HEAD
from .tree import Events

Publish = Callable[[Events], None]


@dataclass(frozen=True)
class DavUser:
    """Who the HTTP Basic credentials (an app password) proved."""

    user_id: int
    writable: bool  # the token has the "write" scope


def refusal_to_dav(refusal: Refusal) -> DAVError:
    status = {NotFound: HTTP_NOT_FOUND, Forbidden: HTTP_FORBIDDEN, Conflict: HTTP_CONFLICT,
              QuotaExceeded: HTTP_INSUFFICIENT_STORAGE, Invalid: HTTP_BAD_REQUEST,
              Infected: HTTP_FORBIDDEN, ScannerDown: 503}  # fmt: skip
    for kind, code in status.items():
        if isinstance(refusal, kind):
            return DAVError(code, str(refusal))
    return DAVError(HTTP_BAD_REQUEST, str(refusal))


def space_names(session: Session, user_id: int) -> dict[str, int]:
    """The collection name of each space whose files the person may read: its name, or
    "name (id)" when two would be the same or the name is not a safe file name."""
    rows = session.execute(
        select(Space, Member).join(Member, Member.space_id == Space.id)
        .where(Member.user_id == user_id, Space.delete_at.is_(None))
        .order_by(Space.id)
    ).all()  # fmt: skip
    readable = [space for space, member in rows if Access(space, member).may("files.read")]
    counts: dict[str, int] = {}
    for space in readable:
        counts[space.name] = counts.get(space.name, 0) + 1
    names: dict[str, int] = {}
    for space in readable:
        try:
            name = clean_name(space.name)
        except Invalid:
            name = ""
        if not name or counts[space.name] > 1:
            name = f"{clean_name(space.name.replace('/', '-')) if name else 'space'} ({space.id})"
        names[name] = space.id
    return names


class FilesProvider(DAVProvider):  # type: ignore[misc]
    def __init__(self, db: Database, store: BlobStore, spool: Path, publish: Publish,
                 quota: int, scanner: Clamd | None = None) -> None:  # fmt: skip
        super().__init__()
        self.db = db
        self.scanner = scanner  # uploads are passed to clamd (antivirus.py) when set
        self.quota = quota  # the server's default quota of a space's files
        self.store = store
        self.spool = spool
        self.publish = publish

    def is_readonly(self) -> bool:
        return False

    def run(self, operation: Callable[..., Any], *args: Any) -> Any:
        """`operation(session, *args)` in one transaction; a refusal as its DAV error."""
        try:
            with self.db.session() as session:
                result = operation(with_default_quota(session, self.quota), *args)
        except Refusal as refusal:
            raise refusal_to_dav(refusal) from None
        return result

    def change(self, operation: Callable[..., tuple[Any, Events]], *args: Any) -> Any:
        result, events = self.run(operation, *args)
        self.publish(events)
        return result

    def get_resource_inst(self, path: str, environ: dict[str, Any]) -> Any:
        user: DavUser = environ["palabre.dav"]
        parts = [p for p in path.split("/") if p]
        if not parts:
            return Root(path, environ, self, user)
        space_id = self.run(space_names, user.user_id).get(parts[0])
        if space_id is None:
            return None
        node = self.run(_walk, space_id, parts[1:])
        if node is False:
            return None
        if node is None:
            return Folder(path, environ, self, user, space_id, None)
        if node.kind == "folder":
            return Folder(path, environ, self, user, space_id, node)
        return File(path, environ, self, user, space_id, node)

    def where(self, environ: dict[str, Any], path: str) -> tuple[int, str | None, str] | None:
        """(space, parent folder, name) of a destination path, None if its folder is not
        there."""
        user: DavUser = environ["palabre.dav"]
        parts = [p for p in path.split("/") if p]
        if len(parts) < 2:
            return None
        space_id = self.run(space_names, user.user_id).get(parts[0])
        if space_id is None:
            return None
        parent = self.run(_walk, space_id, parts[1:-1])
        if parent is False or (parent is not None and parent.kind != "folder"):
            return None
        return space_id, parent.id if parent is not None else None, parts[-1]


def _walk(session: Session, space_id: int, parts: list[str]) -> FileNode | bool | None:
    """The node at `parts` below the space's top (None: the top itself; False: none)."""
    node: FileNode | None = None
    for part in parts:
        found = tree.child_named(session, space_id, node.id if node else None, part)
        if found is None or (node is not None and node.kind != "folder"):
            return False
        node = found
    if node is not None:
        session.expunge(node)
    return node


class _Mixin:
    provider: FilesProvider
    user: DavUser

    def need_write(self) -> None:
        if not self.user.writable:
            raise DAVError(HTTP_FORBIDDEN, "this app password may only read")


class Root(DAVCollection, _Mixin):  # type: ignore[misc]
    def __init__(self, path: str, environ: dict[str, Any], provider: FilesProvider,
                 user: DavUser) -> None:  # fmt: skip
        super().__init__(path, environ)
        self.provider, self.user = provider, user

    def get_member_names(self) -> list[str]:
        return list(self.provider.run(space_names, self.user.user_id))

    def get_display_name(self) -> str:
        return "Palabre"

    def create_empty_resource(self, name: str) -> Any:
        raise DAVError(HTTP_FORBIDDEN, "files go in a space")

    def create_collection(self, name: str) -> None:
        raise DAVError(HTTP_FORBIDDEN, "spaces are made in Palabre, not here")

    def delete(self) -> None:
        raise DAVError(HTTP_FORBIDDEN)

    def support_recursive_delete(self) -> bool:
        return False


class _Node(_Mixin):
    def __init__(self, provider: FilesProvider, user: DavUser, space_id: int,
                 node: FileNode | None) -> None:  # fmt: skip
        self.provider, self.user, self.space_id, self.node = provider, user, space_id, node

    @property
    def node_id(self) -> str:
        assert self.node is not None
        return self.node.id

    def get_creation_date(self) -> float | None:
        return self.node.created_at.timestamp() if self.node else None

    def get_last_modified(self) -> float | None:
        return self.node.updated_at.timestamp() if self.node else None

    def delete(self) -> None:
        self.need_write()
        if self.node is None:
            raise DAVError(HTTP_FORBIDDEN, "a space's top cannot be deleted")
        self.provider.change(tree.trash_node, self.user.user_id, self.node_id)
        self.remove_all_properties(recursive=True)  # type: ignore[attr-defined]
        self.remove_all_locks(recursive=True)  # type: ignore[attr-defined]

    def support_recursive_delete(self) -> bool:
        return True

    def support_recursive_move(self, dest_path: str) -> bool:
        target = self.provider.where(self.environ, dest_path)  # type: ignore[attr-defined]
        return self.node is not None and target is not None and target[0] == self.space_id

    def move_recursive(self, dest_path: str) -> list[Any]:
        self.need_write()
        target = self.provider.where(self.environ, dest_path)  # type: ignore[attr-defined]
        if target is None:
            raise DAVError(HTTP_CONFLICT, "no such destination folder")
        _, parent, name = target
        self.provider.change(tree.edit_node, self.user.user_id, self.node_id, name, parent, True)
        manager = self.provider.prop_manager
        if manager is not None:
            manager.move_properties(self.get_ref_url(), _ref(self, dest_path),  # type: ignore[attr-defined]
                                    with_children=True)  # fmt: skip
        return []


def _ref(resource: Any, path: str) -> str:
    return quote(resource.provider.share_path + path)


class Folder(_Node, DAVCollection):  # type: ignore[misc]
    def __init__(self, path: str, environ: dict[str, Any], provider: FilesProvider,
                 user: DavUser, space_id: int, node: FileNode | None) -> None:  # fmt: skip
        DAVCollection.__init__(self, path, environ)
        _Node.__init__(self, provider, user, space_id, node)

    def get_member_names(self) -> list[str]:
        parent = self.node.id if self.node else None
        return [n.name for n in self.provider.run(tree.children, self.space_id, parent)]

    def get_display_name(self) -> str:
        return self.node.name if self.node else super().get_display_name()

    def create_collection(self, name: str) -> None:
        self.need_write()
        parent = self.node.id if self.node else None
        self.provider.change(tree.make_folder, self.user.user_id, self.space_id, parent, name)

    def create_empty_resource(self, name: str) -> File:
        """A new, empty file (PUT then writes its content; LOCK keeps it empty)."""
        self.need_write()
        parent = self.node.id if self.node else None
        target = self.provider.run(content.upload_target, self.user.user_id, self.space_id,
                                   parent, name)  # fmt: skip
        blob = self.provider.store.put([])
        view = self.provider.change(content.add_content, self.user.user_id, target, blob)
        node = self.provider.run(_get, view.id)
        made = File(self.path.rstrip("/") + "/" + target.name, self.environ, self.provider,
                    self.user, self.space_id, node)  # fmt: skip
        made.fresh = True
        return made

    def copy_move_single(self, dest_path: str, *, is_move: bool) -> None:
        self.need_write()
        target = self.provider.where(self.environ, dest_path)
        if target is None:
            raise DAVError(HTTP_CONFLICT, "no such destination folder")
        space, parent, name = target
        existing = self.provider.run(_walk, space, [p for p in dest_path.split("/") if p][1:])
        if existing is False:
            self.provider.change(tree.make_folder, self.user.user_id, space, parent, name)


def _get(session: Session, node_id: str) -> FileNode:
    node = session.get(FileNode, node_id)
    assert node is not None
    session.expunge(node)
    return node


class File(_Node, DAVNonCollection):  # type: ignore[misc]
    def __init__(self, path: str, environ: dict[str, Any], provider: FilesProvider,
                 user: DavUser, space_id: int, node: FileNode) -> None:  # fmt: skip
        DAVNonCollection.__init__(self, path, environ)
        _Node.__init__(self, provider, user, space_id, node)
        self.fresh = False  # made empty by this request (a PUT's content replaces it)
        self.spooled: Any = None

    @property
    def file(self) -> FileNode:
        assert self.node is not None
        return self.node

    def get_content_length(self) -> int:
        return self.file.size

    def get_content_type(self) -> str:
        return self.file.content_type or "application/octet-stream"

    def get_display_name(self) -> str:
        return self.file.name

    def get_etag(self) -> str:
        return f"{self.file.sha256}-{self.file.version_id}"

    def support_etag(self) -> bool:
        return True

    def support_ranges(self) -> bool:
        return True

    def get_content(self) -> io.RawIOBase:
        item = self.provider.run(content.readable, self.user.user_id, self.file.id, None)
        return BlobReader(self.provider.store, item.blob_key, item.size)

    def begin_write(self, *, content_type: str | None = None) -> Any:
        self.need_write()
        self.provider.spool.mkdir(parents=True, exist_ok=True)
        self.spooled = tempfile.NamedTemporaryFile(dir=self.provider.spool, delete=False)  # noqa: SIM115 (end_write closes it)
        return self.spooled

    def end_write(self, *, with_errors: bool) -> None:
        """The PUT's body is in the spool file (WsgiDAV closed it): flushed to disk, it
        becomes the file's new version."""
        spooled, self.spooled = self.spooled, None
        if spooled is None:  # begin_write refused
            return
        path = Path(spooled.name)
        try:
            if not spooled.closed:
                spooled.close()
            if with_errors:
                return
            with path.open("rb+") as handle:
                os.fsync(handle.fileno())
            blob = self.provider.store.put_file(path)
            try:
                blob = scanned(self.provider.scanner, self.provider.store, blob, self.file.name)
            except Refusal as refusal:  # deleted: infected, or no scanner to say
                if self.fresh:  # the empty file the PUT made goes too
                    for key in self.provider.run(_drop_file, self.file.id):
                        self.provider.store.delete(key)
                    self.fresh = False
                raise refusal_to_dav(refusal) from None
            self._commit(blob)
        finally:
            path.unlink(missing_ok=True)

    def _commit(self, blob: Blob) -> None:
        target = content.Target(self.space_id, self.file.parent_id, self.file.name, 0)
        try:
            if self.fresh:  # the empty version LOCK or create_empty_resource made goes
                for key in self.provider.run(_drop_versions, self.file.id):
                    self.provider.store.delete(key)
                self.fresh = False
            self.provider.change(content.add_content, self.user.user_id, target, blob)
        except BaseException:
            self.provider.store.delete(blob.key)
            raise

    def copy_move_single(self, dest_path: str, *, is_move: bool) -> None:
        self.need_write()
        target = self.provider.where(self.environ, dest_path)
        if target is None:
            raise DAVError(HTTP_CONFLICT, "no such destination folder")
        space, parent, name = target
        item = self.provider.run(content.readable, self.user.user_id, self.file.id, None)
        where = self.provider.run(content.upload_target, self.user.user_id, space, parent, name)
        key = self.provider.store.copy(item.blob_key)
        blob = Blob(key, item.size, item.sha256, _head(self.provider.store, key), item.scan)
        try:
            self.provider.change(content.add_content, self.user.user_id, where, blob)
        except BaseException:
            self.provider.store.delete(key)
            raise
        manager = self.provider.prop_manager
        if manager is not None:
            manager.copy_properties(self.get_ref_url(), _ref(self, dest_path))


def _head(store: BlobStore, key: str) -> bytes:
    return b"".join(store.read(key, 0, HEAD - 1)) if store.size(key) else b""


def _drop_versions(session: Session, node_id: str) -> list[str]:
    """Forget a file's versions (its empty first one); their blobs, to delete."""
    keys = list(session.scalars(select(FileVersion.blob_key).where(FileVersion.node_id == node_id)))
    session.execute(delete(FileVersion).where(FileVersion.node_id == node_id))
    return keys


def _drop_file(session: Session, node_id: str) -> list[str]:
    """Forget a file made empty by this PUT, whose content was refused; its blobs."""
    keys = _drop_versions(session, node_id)
    node = session.get(FileNode, node_id)
    if node is not None:
        session.delete(node)
    return keys


class BlobReader(io.RawIOBase):
    """A blob as a seekable file (WsgiDAV serves ranges by seeking), read in chunks."""

    def __init__(self, store: BlobStore, key: str, size: int) -> None:
        self.store, self.key, self.length = store, key, size
        self.position = 0
        self.chunks: Iterator[bytes] | None = None
        self.pending = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.position, 2: self.length}[whence]
        self.position = max(0, base + offset)
        self.chunks, self.pending = None, b""
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: Any) -> int:
        if self.position >= self.length:
            return 0
        if not self.pending:
            if self.chunks is None:
                self.chunks = self.store.read(self.key, self.position)
            self.pending = next(self.chunks, b"")
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        self.position += n
        return n
