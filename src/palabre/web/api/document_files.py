"""Export and import of documents (docs/documents.md, "Export and import"):
GET /api/documents/{id}/export?format=...&subpages=1 (whoever may read the document) and
POST /api/spaces/{id}/documents/import?format=...&name=...&parent=... (whoever may write in
the space's documents; the body is the file). The conversions run in a thread, outside any
transaction. documents.py lists these endpoints with its own."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.responses import Response

from ...documents import export, importing
from ...documents.policy import space_documents
from ...documents.views import DocumentView
from ...errors import Invalid
from .endpoints import Call, Endpoint


async def export_document(call: Call) -> Response:
    fmt = export.check_format(call.query("format"))
    subpages = call.query("subpages") in ("1", "true")
    bundle = await call.ctx.run(export.gather, call.me.user_id, call.param("document_id"),
                                subpages)  # fmt: skip
    data = await asyncio.to_thread(export.render, bundle, fmt)
    name = export.file_name(bundle.title, fmt)
    return Response(
        data,
        media_type=export.MEDIA_TYPES[fmt],
        headers={
            "content-disposition": f'attachment; filename="{name}"; '
            f"filename*=UTF-8''{quote(bundle.title[:80] or 'document')}.{fmt}",
            "cache-control": "private, no-store",
        },
    )


async def import_document(call: Call) -> DocumentView:
    name = call.query("name") or ""
    fmt = importing.format_of(call.query("format"), name)
    data = bytearray()
    async for chunk in call.request.stream():
        data += chunk
        if len(data) > importing.MAX_IMPORT:
            raise Invalid(f"a file to import has at most {importing.MAX_IMPORT} bytes")
    space_id = call.param("space_id")
    # Refused before pandoc runs if the caller may not write there.
    await call.ctx.run(space_documents, call.me.user_id, space_id, "write")
    parsed = await asyncio.to_thread(importing.read, bytes(data), fmt, name)
    return await call.ctx.apply(
        importing.store, call.me.user_id, space_id, call.query("parent"),
        call.query("title") or "", parsed,
    )  # fmt: skip


ENDPOINTS = [
    Endpoint("GET", "/api/documents/{document_id}/export",
             "The document (?subpages=1: with its sub-pages) as a file: ?format=html, md, "
             "odt, docx or pdf", export_document, tags=("documents",),
             media_type="application/octet-stream"),
    Endpoint("POST", "/api/spaces/{space_id:int}/documents/import",
             "A new document from a Markdown, ODT or DOCX file (the body; ?name=the file's "
             "name, ?format=md|odt|docx if the name does not say, ?parent=, ?title=)",
             import_document, response=DocumentView, status=201, tags=("documents",)),
]  # fmt: skip
