"""/api/spaces/{id}/files and /api/files: a space's folders and files, uploads, downloads
(Range), ZIP of a folder, versions, the trash and the quota (docs/files.md). The tus
endpoints of resumable uploads are in tus.py; WebDAV at /dav/ in web/dav.py."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy.orm import Session
from starlette.concurrency import iterate_in_threadpool
from starlette.responses import Response, StreamingResponse

from ...errors import Invalid
from ...files import content, quota, tree
from ...files.blobs import BlobStore, TooLarge
from ...files.previews import TEXT_HEAD, Preview, preview_kind, preview_of
from ...files.thumbnails import MEDIA_TYPE, NoPreview, Thumbnails, cache_key, can_thumbnail
from ...files.views import FileView, FolderListing, Usage, VersionView
from ...files.zipstream import zip_stream
from ...messaging import store as messaging_store
from ...messaging.store import Events
from .endpoints import Call, Endpoint
from .file_transfer import Interrupted, disposition, download, scan, store_stream


class NewFolder(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    parent: str | None = None


class FileEdit(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    # Move: under `parent` (None: the space's top).
    parent: str | msgspec.UnsetType | None = msgspec.UNSET


class CopyTo(msgspec.Struct, forbid_unknown_fields=True):
    # Into `parent` (None: the top); absent: beside the original, named "x (2)".
    parent: str | msgspec.UnsetType | None = msgspec.UNSET
    name: str | None = None


class QuotaChange(msgspec.Struct, forbid_unknown_fields=True):
    quota: int | None  # bytes; None: the server's default


def _folder_param(call: Call) -> str | None:
    return call.query("folder") or call.query("parent") or None


async def list_folder(call: Call) -> FolderListing:
    listing = await call.ctx.run(
        tree.list_folder, call.me.user_id, call.param("space_id"), _folder_param(call)
    )
    listing.scanner = call.ctx.settings.clamd_socket is not None
    return listing


async def list_trash(call: Call) -> list[FileView]:
    return await call.ctx.run(tree.list_trash, call.me.user_id, call.param("space_id"))


async def make_folder(call: Call) -> FileView:
    body: NewFolder = call.body
    return await call.ctx.apply(
        tree.make_folder, call.me.user_id, call.param("space_id"), body.parent, body.name
    )


async def upload(call: Call) -> Response:
    """The body is the file; ?name= its name, ?parent= its folder. A file of that name there
    gets a new version (the old one kept)."""
    name = call.query("name")
    if not name:
        raise Invalid("give the file's name: ?name=")
    target = await call.ctx.run(
        content.upload_target, call.me.user_id, call.param("space_id"), _folder_param(call), name
    )
    declared = call.request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > target.room:
        raise quota.QuotaExceeded("this file is larger than the room left in the space's quota")
    try:
        blob = await store_stream(call.ctx.blobs, call.request.stream(), target.room)
    except TooLarge:
        raise quota.QuotaExceeded(
            "this file is larger than the room left in the space's quota"
        ) from None
    except Interrupted:
        raise Invalid("the upload broke off before its end") from None
    blob = await scan(call.ctx, blob, target.name)
    try:
        view, events = await call.ctx.run(content.add_content, call.me.user_id, target, blob)
    except BaseException:
        await call.ctx.run_blocking(call.ctx.blobs.delete, blob.key)
        raise
    await call.ctx.publish(events)
    return Response(msgspec.json.encode(view), status_code=201, media_type="application/json")


async def get_file(call: Call) -> FileView:
    return await call.ctx.run(tree.get_node, call.me.user_id, call.param("file_id"))


async def edit_file(call: Call) -> FileView:
    body: FileEdit = call.body
    move = body.parent is not msgspec.UNSET
    parent = None if isinstance(body.parent, msgspec.UnsetType) else body.parent
    if body.name is None and not move:
        raise Invalid("give a new name, or a parent to move to")
    return await call.ctx.apply(
        tree.edit_node, call.me.user_id, call.param("file_id"), body.name, parent, move
    )


async def copy_file(call: Call) -> FileView:
    body: CopyTo = call.body
    same = body.parent is msgspec.UNSET
    parent = None if isinstance(body.parent, msgspec.UnsetType) else body.parent
    return await call.ctx.apply(
        tree.copy_node, call.ctx.blobs, call.me.user_id, call.param("file_id"), parent,
        body.name, same,
    )  # fmt: skip


def _telling_messages(
    change: Callable[[Session, int, str], tuple[FileView, Events]],
) -> Callable[[Session, int, str], tuple[FileView, Events]]:
    """The change, and the messages its files are attached to changed with it (on the bus
    as `message.changed`, so that their pages say "removed" or show the file again)."""

    def run(session: Session, user_id: int, node_id: str) -> tuple[FileView, Events]:
        view, events = change(session, user_id, node_id)
        files = [str(event["file"]) for _, event in events if event.get("file")]
        return view, [*events, *messaging_store.files_changed(session, files)]

    return run


async def trash_file(call: Call) -> FileView:
    trash = _telling_messages(tree.trash_node)
    return await call.ctx.apply(trash, call.me.user_id, call.param("file_id"))


async def restore_file(call: Call) -> FileView:
    restore = _telling_messages(tree.restore_node)
    return await call.ctx.apply(restore, call.me.user_id, call.param("file_id"))


async def delete_file(call: Call) -> None:
    keys = await call.ctx.apply(tree.purge_node, call.me.user_id, call.param("file_id"))
    for key in keys:
        with contextlib.suppress(OSError):
            await call.ctx.run_blocking(call.ctx.blobs.delete, key)


async def get_content(call: Call) -> Response:
    version = call.query("version")
    version_id = None
    if version is not None:
        if not version.isdigit():
            raise Invalid("version is a version's id")
        version_id = int(version)
    item = await call.ctx.run(content.readable, call.me.user_id, call.param("file_id"), version_id)
    forced = call.query("download") in ("1", "true")
    return download(call.ctx.blobs, item, call.request.headers.get("range"), forced)


def _thumbnails(call: Call) -> Thumbnails:
    return Thumbnails(Path(call.ctx.settings.data_dir) / "thumbs")


async def get_thumbnail(call: Call) -> Response:
    """A WebP thumbnail of an image or a PDF's first page, made on the first ask and kept
    (files/thumbnails.py); 422 no_preview, saying why, for a file that has none."""
    item = await call.ctx.run(content.readable, call.me.user_id, call.param("file_id"))
    if not can_thumbnail(item.content_type):
        raise NoPreview("this kind of file has no preview")
    key = cache_key(item.sha256, call.query("size") or "small")
    thumbs = _thumbnails(call)
    path = await call.ctx.run_blocking(thumbs.cached, key)
    if path is None:
        chunks = call.ctx.blobs.checked(item.blob_key, item.sha256)
        path = await call.ctx.run_blocking(thumbs.make, key, item.content_type, chunks, item.size)
    # The address names the content (?v=its SHA-256): then the browser may keep it.
    fixed = call.query("v") == item.sha256
    headers = {
        "etag": f'"{key}"',
        "cache-control": "private, max-age=86400, immutable" if fixed else "private, no-cache",
        "content-disposition": disposition(f"{item.name}.webp", False),
        "content-security-policy": "sandbox; default-src 'none'",
    }
    data = await call.ctx.run_blocking(path.read_bytes)
    return Response(data, media_type=MEDIA_TYPE, headers=headers)


async def get_preview(call: Call) -> Preview:
    """What the file's preview is; a text's first KB (as text: the page shows it escaped)."""
    item = await call.ctx.run(content.readable, call.me.user_id, call.param("file_id"))
    if preview_kind(item.content_type) != "text":
        return preview_of(item.content_type)
    head = b""
    if item.size:
        end = min(item.size, TEXT_HEAD) - 1
        head = await call.ctx.run_blocking(_read_all, call.ctx.blobs, item.blob_key, end)
    return preview_of(item.content_type, head, item.size)


def _read_all(store: BlobStore, key: str, end: int) -> bytes:
    return b"".join(store.read(key, 0, end))


async def get_zip(call: Call) -> Response:
    name, entries = await call.ctx.run(content.zip_entries, call.me.user_id, call.param("file_id"))
    body = iterate_in_threadpool(zip_stream(call.ctx.blobs, entries))
    headers = {"content-disposition": disposition(f"{name}.zip", True),
               "cache-control": "no-store", "content-encoding": "identity"}  # fmt: skip
    return StreamingResponse(body, media_type="application/zip", headers=headers)


async def get_selection_zip(call: Call) -> Response:
    """Several items of the space (?ids=a,b,c) as one ZIP, streamed like a folder's."""
    ids = [i for i in (call.query("ids") or "").split(",") if i]
    entries = await call.ctx.run(
        content.selection_entries, call.me.user_id, call.param("space_id"), ids
    )
    body = iterate_in_threadpool(zip_stream(call.ctx.blobs, entries))
    headers = {"content-disposition": disposition("files.zip", True),
               "cache-control": "no-store", "content-encoding": "identity"}  # fmt: skip
    return StreamingResponse(body, media_type="application/zip", headers=headers)


async def list_versions(call: Call) -> list[VersionView]:
    return await call.ctx.run(content.list_versions, call.me.user_id, call.param("file_id"))


async def restore_version(call: Call) -> VersionView:
    return await call.ctx.apply(
        content.restore_version, call.me.user_id, call.param("file_id"), call.param("version_id")
    )


async def get_usage(call: Call) -> Usage:
    return await call.ctx.run(quota.usage, call.me.user_id, call.param("space_id"))


async def set_quota(call: Call) -> Usage:
    body: QuotaChange = call.body
    return await call.ctx.run(quota.set_quota, call.me.user_id, call.param("space_id"), body.quota)


S = "/api/spaces/{space_id:int}/files"
F = "/api/files/{file_id}"
T: Any = ("files",)
ENDPOINTS = [
    Endpoint("GET", S, "A folder of the space's files (?folder=ID; none: the top), with its "
             "path", list_folder, response=FolderListing, tags=T),
    Endpoint("GET", S + "/trash", "What is in the space's files' trash", list_trash,
             response=list[FileView], tags=T),
    Endpoint("POST", S + "/folders", "Make a folder", make_folder, body=NewFolder,
             response=FileView, status=201, tags=T),
    Endpoint("POST", S + "/upload", "Upload a file: the body is its content, ?name= its name, "
             "?parent= its folder; the same name makes a new version", upload,
             response=FileView, status=201, tags=T),
    Endpoint("GET", S + "/zip", "Several files and folders (?ids=a,b,c) as one ZIP, streamed",
             get_selection_zip, tags=T, media_type="application/zip"),
    Endpoint("GET", S + "/usage", "The bytes the space's files hold and may hold", get_usage,
             response=Usage, tags=T),
    Endpoint("PUT", S + "/quota", "Set the space's files quota (admins)", set_quota,
             body=QuotaChange, response=Usage, tags=T),
    Endpoint("GET", F, "A file or folder", get_file, response=FileView, tags=T),
    Endpoint("PATCH", F, "Rename and/or move a file or folder", edit_file, body=FileEdit,
             response=FileView, tags=T),
    Endpoint("DELETE", F, "Delete forever what is in the trash, with every version",
             delete_file, tags=T),
    Endpoint("POST", F + "/copy", "Copy a file or a folder and all it holds", copy_file,
             body=CopyTo, response=FileView, status=201, tags=T),
    Endpoint("POST", F + "/trash", "Put a file or folder in the trash", trash_file,
             response=FileView, tags=T),
    Endpoint("POST", F + "/restore", "Take a file or folder out of the trash", restore_file,
             response=FileView, tags=T),
    Endpoint("GET", F + "/content", "A file's content (Range honoured; ?version=ID an older "
             "one; ?download=1 as an attachment)", get_content, tags=T,
             media_type="application/octet-stream"),
    Endpoint("GET", F + "/thumbnail", "A WebP thumbnail of an image or a PDF's first page "
             "(?size=small: 256 px, large: 1024 px; ?v=SHA-256 lets the browser keep it)",
             get_thumbnail, tags=T, media_type="image/webp"),
    Endpoint("GET", F + "/preview", "What the file's preview is: a thumbnail, or a text's "
             "first KB", get_preview, response=Preview, tags=T),
    Endpoint("GET", F + "/zip", "A folder and all it holds as a ZIP, streamed", get_zip,
             tags=T, media_type="application/zip"),
    Endpoint("GET", F + "/versions", "A file's versions, newest first", list_versions,
             response=list[VersionView], tags=T),
    Endpoint("POST", F + "/versions/{version_id:int}/restore", "Make an older version current "
             "again (as a new version)", restore_version, response=VersionView, tags=T),
]  # fmt: skip
