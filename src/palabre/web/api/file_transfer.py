"""File bytes over HTTP: an async request body streamed into a (blocking) blob store from a
worker thread with a few chunks in flight, and downloads streamed out of it: HTTP Range,
the SHA-256 checked on a whole download before its last bytes, the content type sniffed and
`Content-Disposition: attachment` unless a preview is safe."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import anyio
import anyio.from_thread
import anyio.to_thread
from starlette.concurrency import iterate_in_threadpool
from starlette.responses import Response, StreamingResponse

from ...files.antivirus import scanned, scanner_for
from ...files.blobs import Blob, BlobStore
from ...files.content import Readable
from ...files.ranges import Unsatisfiable, parse_range
from ...files.sniff import inline

if TYPE_CHECKING:
    from .endpoints import ApiContext

IN_FLIGHT = 4  # request chunks queued between the event loop and the writing thread


class Interrupted(ConnectionError):
    """The body ended before it was complete (the client went away)."""


async def store_stream(
    store: BlobStore, chunks: AsyncIterator[bytes], limit: int | None = None
) -> Blob:
    """Write the chunks as a new blob, in a thread, reading the body meanwhile. Nothing is
    stored if the body breaks off or passes `limit` bytes (TooLarge)."""
    send, receive = anyio.create_memory_object_stream[bytes | None](IN_FLIGHT)

    def pull() -> Iterator[bytes]:
        while True:
            try:
                chunk = anyio.from_thread.run(receive.receive)
            except anyio.EndOfStream:
                raise Interrupted("the upload broke off") from None
            if chunk is None:
                return
            yield chunk

    async def feed() -> None:
        async with send:
            async for chunk in chunks:
                await send.send(chunk)
            await send.send(None)

    result: list[Blob] = []

    async def write() -> None:
        try:
            result.append(await anyio.to_thread.run_sync(store.put, pull(), limit))
        finally:
            receive.close()

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(write)
            try:
                await feed()
            except anyio.BrokenResourceError:
                pass  # the writer stopped first (too large, store error): it says why
            except BaseException:
                await send.aclose()
                raise
    except BaseExceptionGroup as group_error:
        raise group_error.exceptions[0] from None
    return result[0]


async def scan(ctx: ApiContext, blob: Blob, name: str) -> Blob:
    """The stored blob passed to the virus scanner, if one is configured (in a thread): the
    blob with its verdict, or Infected / ScannerDown with the blob deleted."""
    scanner = scanner_for(ctx.settings.clamd_socket)
    return await ctx.run_blocking(scanned, scanner, ctx.blobs, blob, name)


def disposition(name: str, attachment: bool) -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name)
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(
    store: BlobStore, item: Readable, range_header: str | None, force_attachment: bool = False
) -> Response:
    preview = inline(item.content_type) and not force_attachment
    headers: dict[str, Any] = {
        "accept-ranges": "bytes",
        "etag": f'"{item.sha256}"',
        "last-modified": item.updated_at.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "content-disposition": disposition(item.name, not preview),
        "cache-control": "private, no-cache",
        # Nothing it holds may run, even if a browser were made to render it.
        "content-security-policy": "sandbox; default-src 'none'; img-src 'self'; style-src "
        "'unsafe-inline'",
        "content-encoding": "identity",  # not compressed again on the way (ranges stay valid)
    }
    media_type = item.content_type if preview else _attachment_type(item.content_type)
    if media_type == "text/plain":
        media_type = "text/plain; charset=utf-8"
    try:
        asked = parse_range(range_header, item.size)
    except Unsatisfiable:
        return Response(status_code=416, headers={"content-range": f"bytes */{item.size}"})
    if asked is None:
        headers["content-length"] = str(item.size)
        body = iterate_in_threadpool(store.checked(item.blob_key, item.sha256))
        return StreamingResponse(body, media_type=media_type, headers=headers)
    headers["content-range"] = asked.content_range(item.size)
    headers["content-length"] = str(asked.length)
    body = iterate_in_threadpool(_lazy(store, item.blob_key, asked.start, asked.end))
    return StreamingResponse(body, status_code=206, media_type=media_type, headers=headers)


def _lazy(store: BlobStore, key: str, start: int, end: int) -> Iterator[bytes]:
    """The range, opened on the first chunk asked (in the thread pool, not on the loop)."""
    yield from store.read(key, start, end)


def _attachment_type(content_type: str) -> str:
    """What an attachment is labelled: its type, but nothing a browser would render."""
    if (
        content_type.startswith(("text/", "image/svg"))
        or "html" in content_type
        or ("xml" in content_type or "javascript" in content_type)
    ):
        return "application/octet-stream"
    return content_type or "application/octet-stream"
