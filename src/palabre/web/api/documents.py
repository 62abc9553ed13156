"""/api/spaces/{id}/documents, /api/documents, /api/search/documents and the WebSocket
/api/yjs/{document_id}: documents, their tree, versions, comments, images, search, and live
co-editing over the y-websocket protocol (docs/workspace-api.md, "Documents")."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

import msgspec
from sqlalchemy.orm import Session
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from ...accounts.principal import Principal, principal_for_token
from ...documents import comments, store, versions
from ...documents.models import DocumentImage
from ...documents.policy import document_access
from ...documents.protocol import ProtocolError
from ...documents.search import search_documents
from ...documents.sync import CLOSE_GONE, CLOSE_PROTOCOL
from ...documents.views import (
    CommentView,
    DiffLine,
    DocumentHit,
    DocumentPage,
    DocumentView,
    VersionContent,
    VersionView,
)
from ...errors import Forbidden, Invalid, NotFound, Refusal, Unauthenticated
from . import document_files
from .endpoints import ApiContext, Call, Endpoint, Id, identify_caller
from .live import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED

logger = logging.getLogger(__name__)

MAX_IMAGE = 10 << 20  # bytes
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")  # no SVG: it runs script
MAX_FRAME = (4 << 20) + 64  # bytes of one WebSocket message (rules.MAX_UPDATE and framing)


class NewDocument(msgspec.Struct, forbid_unknown_fields=True):
    title: str = ""
    kind: str = "text"
    parent: str | None = None


class DocumentEdit(msgspec.Struct, forbid_unknown_fields=True):
    title: str | None = None
    # Move: under `parent` (None: the top), after the sibling `after` (None: first).
    parent: str | msgspec.UnsetType | None = msgspec.UNSET
    after: str | None = None


class NewVersion(msgspec.Struct, forbid_unknown_fields=True):
    name: str


class NewComment(msgspec.Struct, forbid_unknown_fields=True):
    body: str
    anchor_start: str = ""
    anchor_end: str = ""
    quote: str = ""
    thread: Id | None = None


class CommentEdit(msgspec.Struct, forbid_unknown_fields=True):
    body: str | None = None
    resolved: bool | None = None


class ImageRef(msgspec.Struct, kw_only=True):
    id: str
    src: str  # the path to put in the document's image node


# The tree


async def list_documents(call: Call) -> list[DocumentView]:
    trashed = call.query("trash") in ("1", "true")
    return await call.ctx.run(
        store.list_documents, call.me.user_id, call.param("space_id"), trashed
    )


async def create_document(call: Call) -> DocumentView:
    body: NewDocument = call.body
    return await call.ctx.apply(
        store.create_document, call.me.user_id, call.param("space_id"), body.title, body.kind,
        body.parent,
    )  # fmt: skip


async def get_document(call: Call) -> DocumentPage:
    return await call.ctx.run(store.get_document, call.me.user_id, call.param("document_id"))


async def edit_document(call: Call) -> DocumentView:
    body: DocumentEdit = call.body
    move = body.parent is not msgspec.UNSET
    parent = None if isinstance(body.parent, msgspec.UnsetType) else body.parent
    return await call.ctx.apply(
        store.edit_document, call.me.user_id, call.param("document_id"), body.title, parent,
        move, body.after,
    )  # fmt: skip


async def duplicate_document(call: Call) -> DocumentView:
    return await call.ctx.apply(
        store.duplicate_document, call.me.user_id, call.param("document_id")
    )


async def trash_document(call: Call) -> DocumentView:
    return await call.ctx.apply(store.trash_document, call.me.user_id, call.param("document_id"))


async def restore_document(call: Call) -> DocumentView:
    return await call.ctx.apply(store.restore_document, call.me.user_id, call.param("document_id"))


async def delete_document(call: Call) -> None:
    await call.ctx.apply(store.delete_document, call.me.user_id, call.param("document_id"))


# Versions


async def list_versions(call: Call) -> list[VersionView]:
    return await call.ctx.run(versions.list_versions, call.me.user_id, call.param("document_id"))


async def name_version(call: Call) -> VersionView:
    body: NewVersion = call.body
    return await call.ctx.apply(
        versions.take_named, call.me.user_id, call.param("document_id"), body.name
    )


async def get_version(call: Call) -> VersionContent:
    return await call.ctx.run(
        versions.get_version, call.me.user_id, call.param("document_id"), call.param("version_id")
    )


async def diff_version(call: Call) -> list[DiffLine]:
    return await call.ctx.run(
        versions.diff_version, call.me.user_id, call.param("document_id"),
        call.param("version_id"),
    )  # fmt: skip


async def restore_version(call: Call) -> None:
    document_id = call.param("document_id")
    update, events = await call.ctx.run(
        versions.restore_change, call.me.user_id, document_id, call.param("version_id")
    )
    await call.ctx.rooms.change(document_id, update, call.me.user_id)
    await call.ctx.publish(events)


# Comments


async def list_comments(call: Call) -> list[CommentView]:
    return await call.ctx.run(comments.list_comments, call.me.user_id, call.param("document_id"))


async def add_comment(call: Call) -> CommentView:
    body: NewComment = call.body
    return await call.ctx.apply(
        comments.add_comment, call.me.user_id, call.param("document_id"), body.body,
        body.anchor_start, body.anchor_end, body.quote, body.thread,
    )  # fmt: skip


async def edit_comment(call: Call) -> CommentView:
    body: CommentEdit = call.body
    if body.body is None and body.resolved is None:
        raise Invalid("give the body, or resolved")
    me, document_id, comment_id = call.me.user_id, call.param("document_id"), call.param("id")
    view: CommentView | None = None
    if body.body is not None:
        view = await call.ctx.apply(comments.edit_comment, me, document_id, comment_id, body.body)
    if body.resolved is not None:
        view = await call.ctx.apply(
            comments.resolve_comment, me, document_id, comment_id, body.resolved
        )
    assert view is not None
    return view


async def delete_comment(call: Call) -> None:
    await call.ctx.apply(
        comments.delete_comment, call.me.user_id, call.param("document_id"), call.param("id")
    )


# Images


def _add_image(
    session: Session, user_id: int, document_id: str, content_type: str, data: bytes
) -> ImageRef:
    document_access(session, user_id, document_id, "write")
    image = DocumentImage(
        id=uuid.uuid4().hex,
        document_id=document_id,
        content_type=content_type,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=user_id,
    )
    session.add(image)
    return ImageRef(id=image.id, src=f"/api/documents/{document_id}/images/{image.id}")


def _get_image(session: Session, user_id: int, document_id: str, image_id: str) -> DocumentImage:
    document_access(session, user_id, document_id, "read")
    image = session.get(DocumentImage, image_id) if len(image_id) <= 32 else None
    if image is None or image.document_id != document_id:
        raise NotFound("no such image")
    return image


async def upload_image(call: Call) -> ImageRef:
    content_type = call.request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in IMAGE_TYPES:
        raise Invalid("an image is PNG, JPEG, GIF or WebP (send it as the body, typed)")
    data = bytearray()
    async for chunk in call.request.stream():
        data += chunk
        if len(data) > MAX_IMAGE:
            raise Invalid(f"an image has at most {MAX_IMAGE} bytes")
    if not data:
        raise Invalid("the body holds the image")
    return await call.ctx.run(
        _add_image, call.me.user_id, call.param("document_id"), content_type, bytes(data)
    )


async def get_image(call: Call) -> Any:
    from starlette.responses import Response

    image = await call.ctx.run(
        _get_image, call.me.user_id, call.param("document_id"), call.param("image_id")
    )
    return Response(
        image.data,
        media_type=image.content_type,
        headers={"cache-control": "private, max-age=86400", "etag": f'"{image.sha256}"'},
    )


# Search


async def search(call: Call) -> list[DocumentHit]:
    space = call.query("space")
    space_id = None
    if space is not None:
        try:
            space_id = int(space)
        except ValueError:
            raise Invalid("space is a space's id") from None
    limit = call.int_query("limit", 20, 1, 50)
    return await call.ctx.run(
        search_documents, call.me.user_id, call.query("q") or "", space_id, limit
    )


D = "/api/documents/{document_id}"
ENDPOINTS = [
    Endpoint("GET", "/api/spaces/{space_id:int}/documents",
             "The space's documents (?trash=1: those in its trash)", list_documents,
             response=list[DocumentView], tags=("documents",)),
    Endpoint("POST", "/api/spaces/{space_id:int}/documents", "Create a document or a board",
             create_document, body=NewDocument, response=DocumentView, status=201,
             tags=("documents",)),
    Endpoint("GET", "/api/search/documents",
             "Search the titles and text of the documents the caller may read", search,
             response=list[DocumentHit], tags=("documents",)),
    Endpoint("GET", D, "A document and the caller's rights on it", get_document,
             response=DocumentPage, tags=("documents",)),
    Endpoint("PATCH", D, "Rename and/or move a document", edit_document, body=DocumentEdit,
             response=DocumentView, tags=("documents",)),
    Endpoint("DELETE", D, "Delete a trashed document forever, with its sub-pages",
             delete_document, tags=("documents",)),
    Endpoint("POST", D + "/duplicate", "Copy a document's content into a new one",
             duplicate_document, response=DocumentView, status=201, tags=("documents",)),
    Endpoint("POST", D + "/trash", "Put a document and its sub-pages in the trash",
             trash_document, response=DocumentView, tags=("documents",)),
    Endpoint("POST", D + "/restore", "Take a document out of the trash", restore_document,
             response=DocumentView, tags=("documents",)),
    Endpoint("GET", D + "/versions", "A document's versions, newest first", list_versions,
             response=list[VersionView], tags=("documents",)),
    Endpoint("POST", D + "/versions", "Keep the current content as a named version",
             name_version, body=NewVersion, response=VersionView, status=201,
             tags=("documents",)),
    Endpoint("GET", D + "/versions/{version_id:int}", "A version's content", get_version,
             response=VersionContent, tags=("documents",)),
    Endpoint("GET", D + "/versions/{version_id:int}/diff",
             "A version's text against the current text", diff_version,
             response=list[DiffLine], tags=("documents",)),
    Endpoint("POST", D + "/versions/{version_id:int}/restore",
             "Bring a version's content back, as a new change", restore_version,
             tags=("documents",)),
    Endpoint("GET", D + "/comments", "A document's comments", list_comments,
             response=list[CommentView], tags=("documents",)),
    Endpoint("POST", D + "/comments", "Comment on a selection, or reply to a thread",
             add_comment, body=NewComment, response=CommentView, status=201,
             tags=("documents",)),
    Endpoint("PATCH", D + "/comments/{id:int}", "Edit a comment; resolve or reopen a thread",
             edit_comment, body=CommentEdit, response=CommentView, tags=("documents",)),
    Endpoint("DELETE", D + "/comments/{id:int}", "Delete a comment", delete_comment,
             tags=("documents",)),
    Endpoint("POST", D + "/images", "Upload an image (the body, typed image/png, jpeg, gif "
             "or webp)", upload_image, response=ImageRef, status=201, tags=("documents",)),
    Endpoint("GET", D + "/images/{image_id}", "An image of a document", get_image,
             tags=("documents",), media_type="image/*"),
    *document_files.ENDPOINTS,  # export and import
]  # fmt: skip


# Live co-editing: /api/yjs/{document_id}


class SocketPeer:
    """A WebSocket as the sync room sees it (documents/sync.py's Peer)."""

    def __init__(self, websocket: WebSocket, principal: Principal) -> None:
        self.websocket = websocket
        self.user_id = principal.user_id
        self.wants_saved = websocket.query_params.get("saved") == "1"
        self.sending = asyncio.Lock()
        self.closed = False

    async def send(self, data: bytes) -> None:
        if self.closed:
            return
        async with self.sending:
            await self.websocket.send_bytes(data)

    async def refuse(self, code: int, message: str) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(Exception):
            async with self.sending:
                await self.websocket.close(code, _reason(message))


def _reason(message: str) -> str:
    """A close frame's reason: at most 123 bytes of UTF-8."""
    return message.encode()[:123].decode(errors="ignore")


async def _refuse(websocket: WebSocket, code: int, message: str) -> None:
    """Why, in the close frame only: a y-websocket client decodes every data frame as a
    binary message (a text frame would throw in it)."""
    await websocket.accept()
    await websocket.close(code, _reason(message))


async def _caller(websocket: WebSocket, ctx: ApiContext) -> Principal | None:
    token = websocket.query_params.get("token")
    if token:
        principal = await ctx.run(principal_for_token, token)
        if principal is None:
            raise Unauthenticated("this access token is not valid (revoked or expired?)")
        return principal
    return await identify_caller(websocket, ctx)


def endpoint(ctx: ApiContext) -> Callable[[WebSocket], Coroutine[Any, Any, None]]:
    async def yjs(websocket: WebSocket) -> None:
        document_id = websocket.path_params["document_id"]
        try:
            principal = await _caller(websocket, ctx)
            if principal is None:
                raise Unauthenticated("sign in first")
            if principal.via_token and not principal.can("read"):
                raise Forbidden("this token may not read")
            access = await ctx.run(document_access, principal.user_id, document_id, "read")
        except Unauthenticated as exc:
            await _refuse(websocket, CLOSE_UNAUTHENTICATED, str(exc))
            return
        except Forbidden as exc:
            await _refuse(websocket, CLOSE_FORBIDDEN, str(exc))
            return
        except Refusal as exc:
            await _refuse(websocket, CLOSE_GONE, str(exc))
            return
        writable = access.writable and (not principal.via_token or principal.can("write"))
        await websocket.accept()
        peer = SocketPeer(websocket, principal)
        room = await ctx.rooms.join(document_id, peer)
        try:
            while not peer.closed:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                data = message.get("bytes")
                if data is None or len(data) > MAX_FRAME:
                    await peer.refuse(CLOSE_PROTOCOL, "binary y-protocols messages only")
                    break
                try:
                    await room.receive(peer, writable, data)
                except ProtocolError as exc:
                    await peer.refuse(CLOSE_PROTOCOL, str(exc))
                    break
        except WebSocketDisconnect:
            pass
        finally:
            peer.closed = True
            await ctx.rooms.leave(room, peer)

    return yjs


def routes(ctx: ApiContext) -> list[WebSocketRoute]:
    return [WebSocketRoute("/api/yjs/{document_id}", endpoint(ctx))]
