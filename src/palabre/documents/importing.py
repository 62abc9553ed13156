"""Import a Markdown, ODT or DOCX file as a new text document: pandoc reads it (`read`, in
a thread, outside any transaction), then `store` makes the page, keeps the file's images as
the page's (PNG, JPEG, GIF, WebP: others, SVG included, leave their alt text) and writes its
content as a first update (from_pandoc.py: the editor's exact layout)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy.orm import Session

from ..errors import Invalid
from . import log, odt, pandoc
from .from_pandoc import title_of, tree_to_update
from .models import DocumentImage
from .policy import space_documents
from .store import Events, create_document
from .views import DocumentView

MAX_IMPORT = 20 << 20  # bytes of one imported file
FORMATS = tuple(pandoc.READERS)
_EXTENSIONS = {".md": "md", ".markdown": "md", ".txt": "md", ".odt": "odt", ".docx": "docx"}


@dataclass
class Parsed:
    tree: dict[str, Any]
    media: dict[str, bytes]  # the tree's image paths -> their bytes
    title: str  # from the file's metadata, else its name


def format_of(fmt: str | None, filename: str) -> str:
    """The format asked for, else the one the file name says."""
    if fmt:
        if fmt not in FORMATS:
            raise Invalid(f"format is one of {', '.join(FORMATS)}")
        return fmt
    found = _EXTENSIONS.get(PurePosixPath(filename.lower()).suffix)
    if found is None:
        raise Invalid("say the format (md, odt or docx), or give a file name ending so")
    return found


def image_type(data: bytes) -> str | None:
    """The image's media type from its first bytes, for the types a document may hold."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def read(data: bytes, fmt: str, filename: str) -> Parsed:
    if not data:
        raise Invalid("the body holds the file")
    if len(data) > MAX_IMPORT:
        raise Invalid(f"a file to import has at most {MAX_IMPORT} bytes")
    if fmt == "md":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid("a Markdown file is UTF-8 text") from None
    if fmt == "odt":
        fixed, header_rows = odt.header_rows(data)
        tree, media = pandoc.to_tree(fixed, fmt)
        odt.apply_fixes(data, tree, header_rows)
    else:
        tree, media = pandoc.to_tree(data, fmt)
    title = title_of(tree)
    return Parsed(tree, media, title or PurePosixPath(filename).stem or "")


def _data_uri(src: str) -> bytes | None:
    head, _, payload = src.partition(",")
    if not head.startswith("data:") or not head.endswith(";base64"):
        return None
    try:
        return base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError):
        return None


def store(
    session: Session, user_id: int, space_id: int, parent_id: str | None, title: str,
    parsed: Parsed,
) -> tuple[DocumentView, Events]:  # fmt: skip
    space_documents(session, user_id, space_id, "write")
    view, events = create_document(session, user_id, space_id, title or parsed.title, "text",
                                   parent_id)  # fmt: skip
    kept: dict[str, str] = {}

    def image_for(src: str) -> str | None:
        if src in kept:
            return kept[src]
        data = _data_uri(src) if src.startswith("data:") else parsed.media.get(src)
        if data is None:
            return None  # a link elsewhere: the page shows only its own images
        content_type = image_type(data)
        if content_type is None:
            return None
        image = DocumentImage(
            id=uuid.uuid4().hex, document_id=view.id, content_type=content_type, data=data,
            sha256=hashlib.sha256(data).hexdigest(), created_by=user_id,
        )  # fmt: skip
        session.add(image)
        kept[src] = f"/api/documents/{view.id}/images/{image.id}"
        return kept[src]

    log.append(session, view.id, tree_to_update(parsed.tree, image_for), user_id)
    log.compact(session, view.id)
    return view, events
