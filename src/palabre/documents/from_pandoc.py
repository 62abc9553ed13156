"""Pandoc's JSON tree (pandoc.py's to_tree) written as a text document's Yjs content, in the
exact layout the TipTap editor reads (y-prosemirror's: content.py), and valid against its
schema (client/src/workspace/documents/editor.ts's extensions): an element the schema refuses
would be deleted by the first editor that opens the page.

What the schema asks for, and so what this module makes sure of:
- an image is a block (TipTap's Image, inline: false): an image inside a paragraph splits
  it; a heading's image is dropped (its alt text stays);
- a list item starts with a paragraph; a table cell, a quote hold at least one block;
- a code block holds plain text only; a heading level is 1 to 6;
- marks are the formatting attributes of an XmlText: {"bold": {}}, {"link": {"href": ...}}.

A bullet list whose items all start with a ballot box (pandoc's reading of GFM's "- [ ]")
becomes a task list. Pandoc 2 and 3 trees both (3's Figure holds its blocks).

`images(src)` gives the src an image node gets (the web layer stores the file's images as
the new document's and answers their path), or None to drop it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from ..errors import Invalid
from .content import fragment
from .to_html import safe_href

ImageFor = Callable[[str], str | None]
Marks = dict[str, Any]
LINK_DEFAULTS = {"target": "_blank", "rel": "noopener noreferrer nofollow", "class": None,
                 "title": None}  # fmt: skip
_BOXES = {"\u2610": False, "\u2612": True, "\u2611": True}
_MARK_OF = {"Strong": "bold", "Emph": "italic", "Underline": "underline",
            "Strikeout": "strike"}  # fmt: skip
# Keys odt.py adds to the tree: per table its header rows; per image (in order) its alt.
HEADER_ROWS = "palabre-header-rows"
IMAGE_ALTS = "palabre-image-alts"
MAX_DEPTH = 40  # nested blocks followed (a deeper file is flattened)


@dataclass
class Run:
    """An inline piece: text with marks, a line break, or an image (a block in TipTap)."""

    kind: str  # "text", "break", "image"
    text: str = ""
    marks: Marks = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)


def _attrs(node: XmlElement, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if value is not None:
            node.attributes[key] = value


def _element(parent: XmlFragment | XmlElement, tag: str, **attrs: Any) -> XmlElement:
    node = parent.children.append(XmlElement(tag))
    _attrs(node, attrs)
    return node


def stringify(inlines: list[Any]) -> str:
    """The text of pandoc inlines."""
    return "".join(r.text for r in _Reader(lambda _: None).inlines(inlines, {}) if r.kind == "text")


def _ints(value: Any) -> list[int]:
    return [int(v) for v in value if isinstance(v, int)] if isinstance(value, list) else []


class _Reader:
    def __init__(self, images: ImageFor, tree: dict[str, Any] | None = None) -> None:
        self.images = images
        more = tree or {}
        self.header_rows = _ints(more.get(HEADER_ROWS))  # per table: rows to make headers
        self.alts = [str(a) for a in more.get(IMAGE_ALTS) or [] if isinstance(a, str)]
        self.tables = 0
        self.pictures = 0

    # Inlines -> runs

    def inlines(self, items: list[Any], marks: Marks) -> list[Run]:
        runs: list[Run] = []
        for item in items:
            runs.extend(self.inline(item, marks))
        return runs

    def inline(self, item: Any, marks: Marks) -> list[Run]:
        if not isinstance(item, dict):
            return []
        kind, c = item.get("t"), cast(Any, item.get("c"))
        if kind == "Str":
            return [Run("text", str(c), marks)]
        if kind in ("Space", "SoftBreak"):
            return [Run("text", " ", marks)]
        if kind == "LineBreak":
            return [Run("break")]
        if kind in _MARK_OF:
            return self.inlines(c, {**marks, _MARK_OF[kind]: {}})
        if kind == "Code":
            return [Run("text", str(c[1]), {**marks, "code": {}})]
        if kind == "Link":
            href = safe_href(c[2][0])
            more = {"link": {"href": href, **LINK_DEFAULTS}} if href else {}
            return self.inlines(c[1], {**marks, **more})
        if kind == "Image":
            number, self.pictures = self.pictures, self.pictures + 1
            alt = stringify(c[1]) or (self.alts[number] if number < len(self.alts) else "")
            src = self.images(str(c[2][0]))
            if src is None:
                return [Run("text", alt, marks)] if alt else []
            title = str(c[2][1])
            if title.startswith("fig:"):  # pandoc 2's implicit figure
                title = title[4:]
            return [Run("image", attrs={"src": src, "alt": alt or None, "title": title or None})]
        if kind == "Quoted":
            quote = ("\u201c", "\u201d") if c[0].get("t") == "DoubleQuote" else ("\u2018", "\u2019")
            return [Run("text", quote[0], marks), *self.inlines(c[1], marks),
                    Run("text", quote[1], marks)]  # fmt: skip
        if kind in ("Span", "SmallCaps", "Superscript", "Subscript"):
            return self.inlines(c[1] if kind == "Span" else c, marks)
        if kind == "Cite":
            return self.inlines(c[1], marks)
        if kind == "Math":
            return [Run("text", str(c[1]), {**marks, "code": {}})]
        if kind == "RawInline":
            return []
        if kind == "Note":
            return []  # footnotes: not in the editor's schema
        return []

    # Runs -> the children of a textblock

    @staticmethod
    def write_runs(parent: XmlElement, runs: list[Run]) -> None:
        text: XmlText | None = None
        for run in runs:
            if run.kind == "break":
                _element(parent, "hardBreak")
                text = None
            elif run.kind == "text" and run.text:
                if text is None:
                    text = parent.children.append(XmlText())
                # At the end: len() counts pycrdt's offsets (UTF-8 bytes), not characters.
                text.insert(len(text), run.text, dict(run.marks) if run.marks else None)

    def paragraphs(self, parent: XmlFragment | XmlElement, runs: list[Run]) -> int:
        """Paragraphs and image blocks from runs; the number of blocks written."""
        written = 0
        pending: list[Run] = []

        def flush() -> None:
            nonlocal written
            if any(r.kind == "text" and r.text.strip() for r in pending):
                while pending and pending[-1].kind == "break":
                    pending.pop()
                self.write_runs(_element(parent, "paragraph"), pending)
                written += 1
            pending.clear()

        for run in runs:
            if run.kind == "image":
                flush()
                _element(parent, "image", **run.attrs)
                written += 1
            else:
                pending.append(run)
        flush()
        return written

    # Blocks

    def blocks(self, parent: XmlFragment | XmlElement, items: list[Any], depth: int = 0) -> int:
        written = 0
        for item in items:
            written += self.block(parent, item, depth)
        return written

    def block(self, parent: XmlFragment | XmlElement, item: Any, depth: int) -> int:
        if not isinstance(item, dict):
            return 0
        kind, c = item.get("t"), cast(Any, item.get("c"))
        if depth > MAX_DEPTH and kind not in ("Para", "Plain"):
            return 0
        if kind in ("Para", "Plain"):
            return self.paragraphs(parent, self.inlines(c, {}))
        if kind == "LineBlock":
            runs: list[Run] = []
            for number, line in enumerate(c):
                if number:
                    runs.append(Run("break"))
                runs.extend(self.inlines(line, {}))
            return self.paragraphs(parent, runs)
        if kind == "Header":
            heading = _element(parent, "heading", level=min(6, max(1, int(c[0]))))
            self.write_runs(heading, [r for r in self.inlines(c[2], {}) if r.kind != "image"])
            return 1
        if kind == "CodeBlock":
            classes = c[0][1]
            code = _element(parent, "codeBlock", language=classes[0] if classes else None)
            if c[1]:
                code.children.append(XmlText(str(c[1])))
            return 1
        if kind == "BlockQuote":
            quote = _element(parent, "blockquote")
            if not self.blocks(quote, c, depth + 1):
                _element(quote, "paragraph")
            return 1
        if kind == "HorizontalRule":
            _element(parent, "horizontalRule")
            return 1
        if kind == "BulletList":
            return self.bullet_list(parent, c, depth)
        if kind == "OrderedList":
            start = int(c[0][0]) if c[0] else 1
            ordered = _element(parent, "orderedList", start=start if start != 1 else None)
            for entry in c[1]:
                self.list_item(ordered, "listItem", entry, depth)
            return 1
        if kind == "DefinitionList":
            written = 0
            for term, definitions in c:
                written += self.paragraphs(parent, self.inlines([{"t": "Strong", "c": term}], {}))
                for definition in definitions:
                    quote = _element(parent, "blockquote")
                    if not self.blocks(quote, definition, depth + 1):
                        _element(quote, "paragraph")
                    written += 1
            return written
        if kind == "Table":
            return self.table(parent, c, depth)
        if kind == "Div":
            return self.blocks(parent, c[1], depth + 1)
        if kind == "Figure":  # pandoc 3
            return self.blocks(parent, c[2], depth + 1)
        return 0  # RawBlock, Null: nothing the editor shows

    def bullet_list(self, parent: XmlFragment | XmlElement, entries: list[Any], depth: int) -> int:
        checks = [self._box(entry) for entry in entries]
        if entries and all(check is not None for check in checks):
            tasks = _element(parent, "taskList")
            for entry, checked in zip(entries, checks, strict=True):
                item = self.list_item(tasks, "taskItem", self._unbox(entry), depth)
                item.attributes["checked"] = bool(checked)
            return 1
        bullets = _element(parent, "bulletList")
        for entry in entries:
            self.list_item(bullets, "listItem", entry, depth)
        return 1

    @staticmethod
    def _box(entry: list[Any]) -> bool | None:
        if not entry or not isinstance(entry[0], dict):
            return None
        if entry[0].get("t") not in ("Plain", "Para"):
            return None
        first = entry[0]["c"]
        if first and first[0].get("t") == "Str" and first[0]["c"][:1] in _BOXES:
            return _BOXES[first[0]["c"][:1]]
        return None

    @staticmethod
    def _unbox(entry: list[Any]) -> list[Any]:
        first = dict(entry[0])
        inlines = list(first["c"])
        rest = str(inlines[0]["c"])[1:]
        inlines = ([{"t": "Str", "c": rest}] if rest else []) + inlines[1:]
        while inlines and inlines[0].get("t") == "Space":
            inlines.pop(0)
        first["c"] = inlines
        return [first, *entry[1:]]

    def list_item(self, parent: XmlElement, tag: str, entry: list[Any], depth: int) -> XmlElement:
        item = _element(parent, tag)
        self.blocks(item, entry, depth + 1)
        first = next(iter(item.children), None)
        if not isinstance(first, XmlElement) or first.tag != "paragraph":
            item.children.insert(0, XmlElement("paragraph"))
        return item

    def table(self, parent: XmlFragment | XmlElement, c: list[Any], depth: int) -> int:
        rows: list[tuple[bool, list[Any]]] = []
        if isinstance(c[0], list) and len(c) == 5:
            # pandoc < 2.10: caption, aligns, widths, head, rows
            head, body = c[3], c[4]
            if any(cell for cell in head):
                rows.append((True, [[{}, None, 1, 1, cell] for cell in head]))
            rows.extend((False, [[{}, None, 1, 1, cell] for cell in row]) for row in body)
        else:
            _attr, _caption, _specs, thead, tbodies, tfoot = c
            rows.extend((True, row[1]) for row in thead[1])
            for tbody in tbodies:
                rows.extend((True, row[1]) for row in tbody[2])
                rows.extend((False, row[1]) for row in tbody[3])
            rows.extend((False, row[1]) for row in tfoot[1])
        number, self.tables = self.tables, self.tables + 1
        forced = self.header_rows[number] if number < len(self.header_rows) else 0
        if forced:  # pandoc 2's ODT reader: an empty head, the header rows in the body
            rows = [(h, cells) for h, cells in rows if not h or any(cell[4] for cell in cells)]
        if forced and not any(header for header, _ in rows):
            rows = [(index < forced, cells) for index, (_, cells) in enumerate(rows)]
        if not rows:
            return 0
        table = _element(parent, "table")
        for header, cells in rows:
            row = _element(table, "tableRow")
            for cell in cells:
                rowspan, colspan, content = int(cell[2]), int(cell[3]), cell[4]
                node = _element(row, "tableHeader" if header else "tableCell",
                                colspan=colspan, rowspan=rowspan)  # fmt: skip
                if not self.blocks(node, content, depth + 1):
                    _element(node, "paragraph")
        return 1


def tree_to_update(tree: dict[str, Any], images: ImageFor) -> bytes:
    """A first Yjs update holding the tree's content (a fresh document's)."""
    doc: Doc[Any] = Doc()
    target = fragment(doc)
    with doc.transaction():
        try:
            reader = _Reader(images, tree)
            written = reader.blocks(target, cast(list[Any], tree.get("blocks", [])))
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            raise Invalid("pandoc's tree of this file could not be read") from None
        if not written:
            _element(target, "paragraph")
    return doc.get_update()


def title_of(tree: dict[str, Any]) -> str:
    """The title in the file's metadata, if any."""
    meta = tree.get("meta")
    title = meta.get("title") if isinstance(meta, dict) else None
    if not isinstance(title, dict):
        return ""
    if title.get("t") == "MetaString":
        return str(title.get("c", ""))
    if title.get("t") == "MetaInlines":
        return stringify(title.get("c", []))
    return ""
