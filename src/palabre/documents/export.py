"""Export a text document, or a document and its sub-pages, as HTML, Markdown, ODT, DOCX or
PDF, from its Yjs content (the database's: every acknowledged update is there).

`gather` reads what the export needs in the caller's session (the pages the caller may
read, their content and images); `render` converts it, outside any transaction (pandoc and
WeasyPrint take their time: the web layer runs it in a thread). One page: its content, its
title as the file's metadata. With sub-pages: each page's title as a heading, its content's
headings moved under it. Boards in the tree give their shapes' text."""

from __future__ import annotations

import base64
import re
import unicodedata
from dataclasses import dataclass, field
from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Invalid
from . import log, pandoc, pdf, rules
from .content import load, plain_text
from .models import Document, DocumentImage
from .policy import document_access
from .to_html import body_html, page

FORMATS = ("html", "md", "odt", "docx", "pdf")
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
               **{key: value[2] for key, value in pandoc.WRITERS.items()}}  # fmt: skip
_IMAGE_PATH = re.compile(r"^/api/documents/([0-9a-f]{32})/images/([0-9a-f]{32})$")


@dataclass
class Page:
    title: str
    kind: str
    depth: int  # 0: the exported document
    state: bytes


@dataclass
class Bundle:
    title: str
    pages: list[Page]
    subpages: bool
    images: dict[str, str] = field(default_factory=dict)  # src path -> data: URI


def check_format(fmt: str | None) -> str:
    if fmt not in FORMATS:
        raise Invalid(f"format is one of {', '.join(FORMATS)}")
    return fmt


def gather(session: Session, user_id: int, document_id: str, subpages: bool) -> Bundle:
    """NotFound unless the caller may read the document."""
    top = document_access(session, user_id, document_id, "read").document
    documents = [(top, 0)]
    if subpages:
        rows = session.execute(
            select(Document.id, Document.parent_id).where(
                Document.space_id == top.space_id, Document.trashed_at.is_(None)
            )
        )
        parents = {row[0]: row[1] for row in rows}
        parents.setdefault(top.id, top.parent_id)
        ids = rules.subtree(parents, top.id)[1:]
        found = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
        for page_id in ids:
            child = found[page_id]
            depth, node = 0, child.parent_id
            while node is not None and node != top.id:
                depth, node = depth + 1, parents.get(node)
            documents.append((child, depth + 1))
    pages = [Page(d.title or rules.DEFAULT_TITLE[d.kind], d.kind, depth,
                  log.current_state(session, d.id)) for d, depth in documents]  # fmt: skip
    images = {}
    ids = [d.id for d, _ in documents]
    for image in session.scalars(select(DocumentImage).where(DocumentImage.document_id.in_(ids))):
        data = base64.b64encode(image.data).decode()
        images[f"/api/documents/{image.document_id}/images/{image.id}"] = (
            f"data:{image.content_type};base64,{data}"
        )
    return Bundle(pages[0].title, pages, subpages, images)


def html_of(bundle: Bundle) -> str:
    def image_src(src: str) -> str | None:
        found = _IMAGE_PATH.match(src)
        return bundle.images.get(src) if found else None

    parts: list[str] = []
    for one in bundle.pages:
        shift = one.depth + 1 if bundle.subpages else 0
        if bundle.subpages:
            level = min(6, one.depth + 1)
            parts.append(f"<h{level}>{escape(one.title, quote=False)}</h{level}>\n")
        doc = load(one.state)
        if one.kind == "text":
            parts.append(body_html(doc, image_src, shift))
        else:
            parts.extend(f"<p>{escape(line, quote=False)}</p>\n"
                         for line in plain_text(doc, "board").split("\n") if line)  # fmt: skip
    return page(bundle.title, "".join(parts))


def file_name(title: str, fmt: str) -> str:
    """An ASCII file name for the download (the title's letters, accents dropped)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "", ascii_title).strip(" .")[:80] or "document"
    return f"{stem}.{fmt}"


def render(bundle: Bundle, fmt: str) -> bytes:
    html = html_of(bundle)
    if fmt == "html":
        return html.encode()
    if fmt == "pdf":
        return pdf.from_html(html)
    return pandoc.from_html(html, fmt, bundle.title)
