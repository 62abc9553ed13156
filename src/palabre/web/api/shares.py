"""Share links (files/shares.py): made, listed, their uses seen and revoked by the space's
people under /api/files/{id}/shares and /api/shares/{id}; used by anyone holding the link
under /api/s/{token} (public: no account), the password in the X-Share-Password header."""

from __future__ import annotations

import contextlib
from typing import Any

import msgspec
from starlette.concurrency import iterate_in_threadpool
from starlette.responses import Response, StreamingResponse

from ...errors import Invalid
from ...files import content, shares
from ...files.blobs import TooLarge
from ...files.quota import QuotaExceeded
from ...files.share_views import ShareCreated, ShareInfo, ShareUseView, ShareView
from ...files.zipstream import zip_stream
from .endpoints import Call, Endpoint
from .file_transfer import Interrupted, disposition, download, scan, store_stream


class NewShare(msgspec.Struct, forbid_unknown_fields=True):
    mode: str = "read"  # "read" or "upload"
    password: str | None = None
    expires_in: int | None = None  # seconds
    max_downloads: int | None = None


class Dropped(msgspec.Struct, kw_only=True):
    name: str
    size: int


def _password(call: Call) -> str | None:
    return call.request.headers.get("x-share-password")


async def create_share(call: Call) -> ShareCreated:
    body: NewShare = call.body
    return await call.ctx.run(
        shares.create_share, call.me.user_id, call.param("file_id"), body.mode, body.password,
        body.expires_in, body.max_downloads,
    )  # fmt: skip


async def list_shares(call: Call) -> list[ShareView]:
    return await call.ctx.run(shares.list_shares, call.me.user_id, call.param("file_id"))


async def share_uses(call: Call) -> list[ShareUseView]:
    return await call.ctx.run(shares.share_uses, call.me.user_id, call.param("share_id"))


async def revoke_share(call: Call) -> None:
    await call.ctx.run(shares.revoke_share, call.me.user_id, call.param("share_id"))


async def shared(call: Call) -> ShareInfo:
    return await call.ctx.run(
        shares.share_info, call.param("token"), _password(call), call.query("folder")
    )


async def shared_content(call: Call) -> Response:
    asked = call.request.headers.get("range")
    counted = asked is None or asked.replace(" ", "").startswith("bytes=0-")
    item = await call.ctx.run(
        shares.shared_file, call.param("token"), _password(call), call.query("file"), counted
    )
    return download(call.ctx.blobs, item, asked, force_attachment=call.query("download") == "1")


async def shared_zip(call: Call) -> Response:
    folder, creator, name = await call.ctx.run(
        shares.shared_folder, call.param("token"), _password(call)
    )
    _, entries = await call.ctx.run(content.zip_entries, creator, folder)
    body = iterate_in_threadpool(zip_stream(call.ctx.blobs, entries))
    headers = {"content-disposition": disposition(f"{name}.zip", True),
               "cache-control": "no-store", "content-encoding": "identity"}  # fmt: skip
    return StreamingResponse(body, media_type="application/zip", headers=headers)


async def shared_upload(call: Call) -> Response:
    name = call.query("name")
    if not name:
        raise Invalid("give the file's name: ?name=")
    token = call.param("token")
    creator, target = await call.ctx.run(shares.drop_target, token, _password(call), name)
    try:
        blob = await store_stream(call.ctx.blobs, call.request.stream(), target.room)
    except TooLarge:
        raise QuotaExceeded("this file is larger than the room left for this folder") from None
    except Interrupted:
        raise Invalid("the upload broke off before its end") from None
    blob = await scan(call.ctx, blob, target.name)
    try:
        view, events = await call.ctx.run(content.add_content, creator, target, blob)
    except BaseException:
        with contextlib.suppress(OSError):
            await call.ctx.run_blocking(call.ctx.blobs.delete, blob.key)
        raise
    await call.ctx.run(shares.record_drop, token, view.name)
    await call.ctx.publish(events)
    answer = Dropped(name=view.name, size=view.size)
    return Response(msgspec.json.encode(answer), status_code=201, media_type="application/json")


T: Any = ("shares",)
P = "/api/s/{token}"
ENDPOINTS = [
    Endpoint("POST", "/api/files/{file_id}/shares", "Make a share link to a file or folder "
             "(read, or upload into a folder)", create_share, body=NewShare,
             response=ShareCreated, status=201, tags=T),
    Endpoint("GET", "/api/files/{file_id}/shares", "The share links of a file or folder",
             list_shares, response=list[ShareView], tags=T),
    Endpoint("GET", "/api/shares/{share_id}/uses", "Each use of a share link", share_uses,
             response=list[ShareUseView], tags=T),
    Endpoint("DELETE", "/api/shares/{share_id}", "Revoke a share link", revoke_share, tags=T),
    Endpoint("GET", P, "What a share link shows (?folder=ID inside a shared folder)", shared,
             response=ShareInfo, public=True, tags=T),
    Endpoint("GET", P + "/content", "A shared file's content (?file=ID inside a shared "
             "folder)", shared_content, public=True, tags=T,
             media_type="application/octet-stream"),
    Endpoint("GET", P + "/zip", "A shared folder as a ZIP", shared_zip, public=True, tags=T,
             media_type="application/zip"),
    Endpoint("POST", P + "/upload", "Upload into an upload link's folder (?name=)",
             shared_upload, public=True, status=201, tags=T),
]  # fmt: skip
