"""tus resumable uploads (files/tus.py, files/uploads.py), the protocol's endpoints over a
Place (where a kind of upload goes: transfer_tus.py has the transfers'), and the space
files' place:
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
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import anyio.from_thread
import anyio.to_thread
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from ...accounts.principal import Principal
from ...errors import Forbidden, Refusal, Unauthenticated
from ...files import tus, uploads
from ...files.blobs import Blob
from ...files.sweep import sweep
from ...files.thumbnails import Thumbnails
from ...files.tree import Events
from ..auth import csrf_ok
from .endpoints import ApiContext, error_response, identify_caller
from .file_transfer import scan
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


async def writer(request: Request, ctx: ApiContext) -> Principal:
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


class Place(Protocol):
    """Where one kind of tus upload goes (a space's files, a transfer's): who may reach its
    uploads, how they are recorded, and what a complete one becomes. The protocol itself
    (Tus below) is the same for all of them."""

    async def reach(self, request: Request) -> Any:
        """The caller's standing (a principal, a transfer...), or a Refusal."""

    async def open(self, who: Any, request: Request, metadata: dict[str, str],
                   length: int) -> str:  # fmt: skip
        """A new upload's id."""

    async def pending(self, who: Any, upload_id: str) -> uploads.Pending: ...

    async def advance(self, upload_id: str, received: int) -> None:
        """Count the bytes received (flushed and checked)."""

    async def check(self, who: Any, found: uploads.Pending, blob: Blob) -> Blob:
        """The complete content's blob, scanned (or a Refusal: it is not kept)."""

    async def refused(self, who: Any, found: uploads.Pending) -> None:
        """The check refused the content: the upload ends."""

    async def commit(self, who: Any, found: uploads.Pending, blob: Blob) -> Events:
        """The complete upload becomes what it is for; the events to publish."""

    async def terminate(self, who: Any, upload_id: str) -> None: ...

    def location(self, request: Request, upload_id: str) -> str: ...


class Tus:
    """The tus protocol's endpoints over a Place: creation, HEAD, PATCH, DELETE."""

    def __init__(self, ctx: ApiContext, place: Place) -> None:
        self.ctx = ctx
        self.place = place
        self.root = Path(ctx.settings.data_dir) / "uploads"
        self.busy: dict[str, asyncio.Lock] = {}

    async def create(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return options()
        try:
            tus.check_version(request.headers)
            who = await self.place.reach(request)
            length = tus.parse_length(request.headers.get("upload-length"))
            metadata = tus.parse_metadata(request.headers.get("upload-metadata"))
            upload_id = await self.place.open(who, request, metadata, length)
        except Refusal as refusal:
            return _refused(refusal)
        self.root.mkdir(parents=True, exist_ok=True)
        await anyio.to_thread.run_sync(self._path(upload_id).touch)
        location = self.place.location(request, upload_id)
        return _answer(201, location=location, **{"upload-offset": "0"})

    async def upload(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return options()
        upload_id = request.path_params["upload_id"]
        try:
            tus.check_version(request.headers)
            who = await self.place.reach(request)
            lock = self.busy.setdefault(upload_id, asyncio.Lock())
            if lock.locked():
                raise tus.TusError(423, "another request is writing this upload", "locked")
            async with lock:
                found = await self.place.pending(who, upload_id)
                if request.method == "HEAD":
                    if found.received == found.length and not found.done:
                        await self._finish(who, found)
                    return _answer(200, **{"upload-offset": str(found.received),
                                           "upload-length": str(found.length)})  # fmt: skip
                if request.method == "DELETE":
                    await self.place.terminate(who, upload_id)
                    await self._forget(upload_id)
                    return _answer(204)
                return await self._patch(request, who, found)
        except Refusal as refusal:
            return _refused(refusal)
        finally:
            held = self.busy.get(upload_id)
            if held is not None and not held.locked():
                self.busy.pop(upload_id, None)

    def _path(self, upload_id: str) -> Path:
        return uploads.upload_path(self.root, upload_id)

    async def _forget(self, upload_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await anyio.to_thread.run_sync(self._path(upload_id).unlink)

    async def _patch(self, request: Request, who: Any, found: uploads.Pending) -> Response:
        if request.headers.get("content-type", "").split(";")[0].strip() != tus.OFFSET_TYPE:
            raise tus.TusError(415, f"a PATCH's body is {tus.OFFSET_TYPE}", "bad_type")
        if tus.parse_offset(request.headers.get("upload-offset")) != found.received:
            raise tus.TusError(409, f"this upload is at offset {found.received}", "offset")
        if found.done:
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
                uploads.append, path, found.received, pull(), hashing, found.length,
                checksum[1] if checksum is not None else None,
            )  # fmt: skip
        except ValueError:
            raise tus.TusError(413, "more bytes than Upload-Length", "too_large") from None
        except (OSError, ClientDisconnect) as exc:  # gone mid-chunk: none of it counts
            logger.info("upload %s broke off: %s", found.id, exc)
            raise tus.TusError(400, "the request broke off", "broken") from None
        if hashing is not None and checksum is not None and hashing.digest() != checksum[1]:
            raise tus.TusError(460, "Upload-Checksum does not match this chunk", "checksum")
        await self.place.advance(found.id, end)
        found.received = end
        if end == found.length:
            await self._finish(who, found)
        return _answer(204, **{"upload-offset": str(end)})

    async def _finish(self, who: Any, found: uploads.Pending) -> None:
        path = self._path(found.id)
        blob = await anyio.to_thread.run_sync(uploads.store_upload, self.ctx.blobs, path)
        try:
            blob = await self.place.check(who, found, blob)
        except Refusal:  # infected, or no scanner to say: the upload ends, nothing kept
            await self.place.refused(who, found)
            await self._forget(found.id)
            raise
        try:
            events = await self.place.commit(who, found, blob)
        except BaseException:
            await anyio.to_thread.run_sync(self.ctx.blobs.delete, blob.key)
            raise
        found.done = True
        await self._forget(found.id)
        await self.ctx.publish(events)


class SpaceFiles:
    """Uploads into a space's files (a new file, or a new version of one)."""

    def __init__(self, ctx: ApiContext) -> None:
        self.ctx = ctx

    async def reach(self, request: Request) -> Principal:
        return await writer(request, self.ctx)

    async def open(self, who: Principal, request: Request, metadata: dict[str, str],
                   length: int) -> str:  # fmt: skip
        name = metadata.get("filename") or metadata.get("name")
        if not name:
            raise tus.TusError(400, "give the file's name: Upload-Metadata filename")
        return await self.ctx.run(
            uploads.create_upload, who.user_id, request.path_params["space_id"],
            metadata.get("parent") or None, name, length,
        )  # fmt: skip

    async def pending(self, who: Principal, upload_id: str) -> uploads.Pending:
        return await self.ctx.run(uploads.get_upload, who.user_id, upload_id)

    async def advance(self, upload_id: str, received: int) -> None:
        await self.ctx.run(uploads.set_received, upload_id, received)

    async def check(self, who: Principal, found: uploads.Pending, blob: Blob) -> Blob:
        return await scan(self.ctx, blob, found.name)

    async def refused(self, who: Principal, found: uploads.Pending) -> None:
        await self.terminate(who, found.id)

    async def commit(self, who: Principal, found: uploads.Pending, blob: Blob) -> Events:
        _, events = await self.ctx.run(uploads.finish, who.user_id, found.id, blob)
        return events

    async def terminate(self, who: Principal, upload_id: str) -> None:
        await self.ctx.run(uploads.terminate, who.user_id, upload_id)

    def location(self, request: Request, upload_id: str) -> str:
        return f"/api/tus/{upload_id}"


def routes(ctx: ApiContext) -> list[Route]:
    server = Tus(ctx, SpaceFiles(ctx))
    return [
        Route("/api/spaces/{space_id:int}/files/tus", server.create, methods=["POST", "OPTIONS"]),
        Route("/api/tus/{upload_id}", server.upload,
              methods=["HEAD", "PATCH", "DELETE", "OPTIONS"]),
    ]  # fmt: skip


async def sweep_files(ctx: ApiContext) -> None:
    """Expired uploads and blobs no version names (files/sweep.py), in a thread."""
    uploads_dir = Path(ctx.settings.data_dir) / "uploads"
    thumbs = Thumbnails(Path(ctx.settings.data_dir) / "thumbs")
    removed = await anyio.to_thread.run_sync(
        partial(sweep, ctx.db, ctx.blobs, uploads_dir, thumbs=thumbs)
    )
    if removed:
        logger.info("files: %d blobs no file names any more were removed", removed)


SWEEP = Job("files.sweep", 3600.0, sweep_files)
JOBS.append(SWEEP)
