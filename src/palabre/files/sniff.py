"""What a file's bytes are, from its first bytes and then its name, and whether a browser may
show it inline: only types that run no script (raster images, PDF, plain text); everything
else is served as an attachment. Pure: tested without a server."""

from __future__ import annotations

import mimetypes

HEAD = 512  # bytes of the start of a file looked at
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
)
INLINE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
                    "text/plain"})  # fmt: skip
# Never trust a name for these: they run script when a browser opens them.
ACTIVE = frozenset({"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml",
                    "application/xml", "application/javascript", "text/javascript"})  # fmt: skip


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut by the end of the head
    return True


def sniff(head: bytes, name: str) -> str:
    """The content type of a file starting with `head` and called `name`."""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    guessed = mimetypes.guess_type(name, strict=False)[0]
    lowered = head[:256].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<svg", b"<?xml", b"<script")):
        return guessed if guessed in ACTIVE else "text/html"
    if guessed is not None and guessed not in INLINE:
        return guessed
    if _is_text(head):
        return "text/plain"
    return "application/octet-stream"


def inline(content_type: str) -> bool:
    """Whether the browser may show it rather than download it."""
    return content_type in INLINE
