"""What pandoc 2 (Debian 12's 2.17) loses in ODT, put back around it:
- on export, an image's alt text (its writer drops it): written as the frame's svg:title;
- on import, the cells of a table's header rows (its reader empties them), the images' alt
  texts (svg:title or svg:desc, which it does not read), the file's title (meta.xml's
  dc:title; its Title paragraph is taken out of the content).
The fixes leave a file pandoc already reads well as it is."""

from __future__ import annotations

import io
import re
import zipfile
from html import escape
from typing import Any
from xml.etree import ElementTree

from .from_pandoc import HEADER_ROWS, IMAGE_ALTS, stringify

_DC = "{http://purl.org/dc/elements/1.1/}"
_SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_TABLE_PARTS = re.compile(
    rb"<table:table[ >]|<table:table-header-rows>(.*?)</table:table-header-rows>", re.DOTALL
)
_FRAME_END = re.compile(rb"(<draw:frame\b[^>]*>.*?)(</draw:frame>)", re.DOTALL)
_MAX_XML = 64 << 20  # bytes of content.xml looked at


def _entries(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > 4 * _MAX_XML:
                return None
            return [(info, archive.read(info)) for info in infos]
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return None  # pandoc says what is wrong with it


def _rewrite(entries: list[tuple[zipfile.ZipInfo, bytes]], name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info, old in entries:
            archive.writestr(info, content if info.filename == name else old)
    return out.getvalue()


def _read(data: bytes, name: str) -> bytes | None:
    entries = _entries(data)
    found = [content for info, content in entries or [] if info.filename == name]
    return found[0] if found and len(found[0]) <= _MAX_XML else None


def add_alt_texts(data: bytes, alts: list[str]) -> bytes:
    """The exported file with each image frame's alt text (in document order)."""
    entries = _entries(data)
    if entries is None or not any(alts):
        return data
    content = dict((i.filename, c) for i, c in entries).get("content.xml", b"")
    texts = iter(alts)

    def titled(found: re.Match[bytes]) -> bytes:
        alt = next(texts, "")
        if not alt:
            return found.group(0)
        title = f"<svg:title>{escape(alt, quote=False)}</svg:title>".encode()
        return found.group(1) + title + found.group(2)

    return _rewrite(entries, "content.xml", _FRAME_END.sub(titled, content))


def header_rows(data: bytes) -> tuple[bytes, list[int]]:
    """The file with its tables' header rows made ordinary rows, and how many each table had
    (in document order, as the tree's tables come: from_pandoc makes them headers again)."""
    entries = _entries(data)
    if entries is None:
        return data, []
    counts: list[int] = []

    def unwrap(found: re.Match[bytes]) -> bytes:
        if found.group(1) is None:
            counts.append(0)
            return found.group(0)
        if counts:
            counts[-1] = found.group(1).count(b"<table:table-row")
        return bytes(found.group(1))

    content = dict((i.filename, c) for i, c in entries).get("content.xml", b"")
    fixed = _TABLE_PARTS.sub(unwrap, content)
    return (_rewrite(entries, "content.xml", fixed), counts) if any(counts) else (data, [])


def _xml(data: bytes | None) -> ElementTree.Element | None:
    if data is None:
        return None
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None


def apply_fixes(data: bytes, tree: dict[str, Any], header_counts: list[int]) -> None:
    """Put into pandoc's tree of `data` what its reader left out."""
    if any(header_counts):
        tree[HEADER_ROWS] = header_counts
    content = _xml(_read(data, "content.xml"))
    if content is not None:
        alts = []
        for frame in content.iter(f"{_DRAW}frame"):
            if frame.find(f"{_DRAW}image") is None:
                continue
            text = frame.find(f"{_SVG}title")
            if text is None:
                text = frame.find(f"{_SVG}desc")
            alts.append(" ".join((text.text or "").split()) if text is not None else "")
        if any(alts):
            tree[IMAGE_ALTS] = alts
    meta = _xml(_read(data, "meta.xml"))
    found = meta.find(f".//{_DC}title") if meta is not None else None
    title = " ".join((found.text or "").split()) if found is not None else ""
    blocks = tree.get("blocks")
    if title and not tree.get("meta", {}).get("title"):
        tree.setdefault("meta", {})["title"] = {"t": "MetaString", "c": title}
        if isinstance(blocks, list) and blocks and isinstance(blocks[0], dict):
            first = blocks[0]
            if first.get("t") in ("Para", "Plain") and stringify(first.get("c", [])) == title:
                del blocks[0]
