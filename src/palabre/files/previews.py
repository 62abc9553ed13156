"""What a file's preview is: a thumbnail (raster images, a PDF's first page: thumbnails.py),
the first KB of a text (sent as JSON and shown as text, never as markup), or nothing (HTML,
SVG and every other type are only downloaded, as attachments). Pure but for the text's head,
which the caller reads from the blob store."""

from __future__ import annotations

import msgspec

from .thumbnails import IMAGES

TEXT_HEAD = 1024  # bytes of a text shown


class Preview(msgspec.Struct, kw_only=True):
    kind: str  # "image", "pdf", "text" or "none"
    thumbnail: bool  # GET /api/files/{id}/thumbnail gives one
    inline: bool  # the content itself may be shown by the browser (a raster image)
    text: str | None = None  # a text's first KB
    truncated: bool = False  # the text goes on past what is shown


def preview_kind(content_type: str) -> str:
    if content_type in IMAGES:
        return "image"
    if content_type == "application/pdf":
        return "pdf"
    if content_type == "text/plain":
        return "text"
    return "none"


def text_head(head: bytes, size: int) -> tuple[str, bool]:
    """The first TEXT_HEAD bytes as text (a character cut at the end dropped, anything not
    UTF-8 replaced), and whether the file goes on."""
    data = head[:TEXT_HEAD]
    for cut in range(4):  # a multibyte character cut by the limit: dropped, not shown as ?
        try:
            return data[: len(data) - cut].decode("utf-8"), size > len(data)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace"), size > len(data)


def preview_of(content_type: str, head: bytes | None = None, size: int = 0) -> Preview:
    kind = preview_kind(content_type)
    if kind == "text":
        text, truncated = text_head(head or b"", size)
        return Preview(kind=kind, thumbnail=False, inline=False, text=text, truncated=truncated)
    return Preview(kind=kind, thumbnail=kind in ("image", "pdf"), inline=kind == "image")
