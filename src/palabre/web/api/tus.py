"""tus resumable uploads into a space's files (files/tus.py, files/uploads.py):
OPTIONS/POST /api/spaces/{id}/files/tus makes an upload (Upload-Length, Upload-Metadata
`filename` and optionally `parent`), HEAD/PATCH/DELETE /api/tus/{upload_id} resume, append
and terminate it. Callers are identified as on the JSON API (session cookie with
X-CSRF-Token, or a Bearer token with the "write" scope). Each PATCH streams its body to disk
in bounded memory, flushes it and checks its Upload-Checksum before counting its bytes; the
last one makes the file, so a complete upload is never seen half-written."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio.from_thread
import anyio.to_thread
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from ...accounts.principal import Principal
from ...errors import Forbidden, Refusal
from ...files import tus, uploads
from ...files.models import FileUpload
from ...files.sweep import sweep
from ..auth import csrf_ok
from .endpoints import ApiContext, Unauthenticated, error_response, identify_caller
from .jobs import JOBS, Job

logger = logging.getLogger(__name__)
BATCH = 1 << 20  # bytes handed to the writing thread at a time


def _answer(status: int = 204, **headers: str) -> Response:
    return Response(status_code=status, headers={**tus.base_headers(), **headers})


def _refused(refusal: Refusal) -> Response:
    response = error_response(refusal)
    response.headers.update(tus.base_headers())
    return response


def options() -> Response:
    return _answer(
        204, **{"tus-version": tus.VERSION, "tus-extension": tus.EXTENSIONS,
                "tus-max-size": str(tus.MAX_SIZE),
                "tus-checksum-algorithm": ",".join(tus.ALGORITHMS)},
    )  # fmt: skip


async def _writer(request: Request, ctx: ApiContext) -> Principal:
    principal = await identify_caller(request, ctx)
    if principal is None:
        raise Unauthenticated("sign in first")
    if principal.via_token and not principal.can("write"):
        raise Forbidden("this access token may only read")
    if not principal.via_token and not csrf_ok(
        request.session, request.headers.get("x-csrf-token")
    ):
        raise Forbidden("missing or wrong X-CSRF-Token (see /api/me)")
    return principal


async def _batches(request: Request) -> AsyncIterator[bytes]:
    buffer = bytearray()
    async for chunk in request.stream():
        buffer += chunk
        if len(buffer) >= BATCH:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


class Tus:
    def __init__(self, ctx: ApiContext) -> None:
        self.ctx = ctx
        self.root = Path(ctx.settings.data_dir) / "uploads"
        self.busy: dict[str, asyncio.Lock] = {}

    async def create(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return options()
        try:
            tus.check_version(request.headers)
            me = await _writer(request, self.ctx)
            length = tus.parse_length(request.headers.get("upload-length"))
            metadata = tus.parse_metadata(request.headers.get("upload-metadata"))
            name = metadata.get("filename") or metadata.get("name")
            if not name:
                raise tus.TusError(400, "give the file's name: Upload-Metadata filename")
            upload_id = await self.ctx.run(
                uploads.create_upload, me.user_id, request.path_params["space_id"],
                metadata.get("parent") or None, name, length,
            )  # fmt: skip
        except Refusal as refusal:
            return _refused(refusal)
        self.root.mkdir(parents=True, exist_ok=True)
        await anyio.to_thread.run_sync(uploads.upload_path(self.root, upload_id).touch)
        return _answer(201, location=f"/api/tus/{upload_id}", **{"upload-offset": "0"})

    async def upload(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return options()
        upload_id = request.path_params["upload_id"]
        try:
            tus.check_version(request.headers)
            me = await _writer(request, self.ctx)
            lock = self.busy.setdefault(upload_id, asyncio.Lock())
            if lock.locked():
                raise tus.TusError(423, "another request is writing this upload", "locked")
            async with lock:
                found = await self.ctx.run(uploads.get_upload, me.user_id, upload_id)
                if request.method == "HEAD":
                    if found.received == found.length and found.node_id is None:
                        await self._finish(me, found)
                    return _answer(200, **{"upload-offset": str(found.received),
                                           "upload-length": str(found.length)})  # fmt: skip
                if request.method == "DELETE":
                    await self.ctx.run(uploads.terminate, me.user_id, upload_id)
                    with contextlib.suppress(FileNotFoundError):
                        await anyio.to_thread.run_sync(self._path(upload_id).unlink)
                    return _answer(204)
                return await self._patch(request, me, found)
        except Refusal as refusal:
            return _refused(refusal)
        finally:
            held = self.busy.get(upload_id)
            if held is not None and not held.locked():
                self.busy.pop(upload_id, None)

    def _path(self, upload_id: str) -> Path:
        return uploads.upload_path(self.root, upload_id)

    async def _patch(self, request: Request, me: Principal, found: FileUpload) -> Response:
        if request.headers.get("content-type", "").split(";")[0].strip() != tus.OFFSET_TYPE:
            raise tus.TusError(415, f"a PATCH's body is {tus.OFFSET_TYPE}", "bad_type")
        if tus.parse_offset(request.headers.get("upload-offset")) != found.received:
            raise tus.TusError(409, f"this upload is at offset {found.received}", "offset")
        if found.node_id is not None:
            raise tus.TusError(409, "this upload is complete", "offset")
        checksum = tus.parse_checksum(request.headers.get("upload-checksum"))
        hashing = tus.hasher(checksum)
        path = self._path(found.id)
        body = _batches(request)

        async def following() -> bytes:
            return await body.__anext__()

        def pull() -> Iterator[bytes]:
            while True:
                try:
                    yield anyio.from_thread.run(following)
                except StopAsyncIteration:
                    return

        try:
            end = await anyio.to_thread.run_sync(
                uploads.append, path, found.received, pull(), hashing, found.length
            )
        except ValueError:
            raise tus.TusError(413, "more bytes than Upload-Length", "too_large") from None
        except (OSError, ClientDisconnect) as exc:  # gone mid-chunk: none of it counts
            logger.info("upload %s broke off: %s", found.id, exc)
            raise tus.TusError(400, "the request broke off", "broken") from None
        if hashing is not None and checksum is not None and hashing.digest() != checksum[1]:
            raise tus.TusError(460, "Upload-Checksum does not match this chunk", "checksum")
        await self.ctx.run(uploads.set_received, found.id, end)
        found.received = end
        if end == found.length:
            await self._finish(me, found)
        return _answer(204, **{"upload-offset": str(end)})

    async def _finish(self, me: Principal, found: FileUpload) -> None:
        path = self._path(found.id)
        blob = await anyio.to_thread.run_sync(uploads.store_upload, self.ctx.blobs, path)
        try:
            view, events = await self.ctx.run(uploads.finish, me.user_id, found.id, blob)
        except BaseException:
            await anyio.to_thread.run_sync(self.ctx.blobs.delete, blob.key)
            raise
        found.node_id = view.id
        with contextlib.suppress(FileNotFoundError):
            await anyio.to_thread.run_sync(path.unlink)
        await self.ctx.publish(events)


def routes(ctx: ApiContext) -> list[Route]:
    server = Tus(ctx)
    return [
        Route("/api/spaces/{space_id:int}/files/tus", server.create, methods=["POST", "OPTIONS"]),
        Route("/api/tus/{upload_id}", server.upload,
              methods=["HEAD", "PATCH", "DELETE", "OPTIONS"]),
    ]  # fmt: skip


async def sweep_files(ctx: ApiContext) -> None:
    """Expired uploads and blobs no version names (files/sweep.py), in a thread."""
    uploads_dir = Path(ctx.settings.data_dir) / "uploads"
    removed = await anyio.to_thread.run_sync(sweep, ctx.db, ctx.blobs, uploads_dir)
    if removed:
        logger.info("files: %d blobs no file names any more were removed", removed)


SWEEP = Job("files.sweep", 3600.0, sweep_files)
JOBS.append(SWEEP)
