"""A document's Yjs content held by pycrdt: built from its snapshot and log, read as plain
text (for search and diffs), and replaced by an older version's content as a new change.

The layout (docs/documents.md): a text document is one XmlFragment "default" of TipTap
nodes; a board is a Map "shapes" and an Array "order"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from pycrdt import Array, Doc, Map, Text, XmlElement, XmlFragment, XmlText

FIELD = "default"  # TipTap's Collaboration extension `field`
# ProseMirror nodes whose text ends a line in the plain text.
_BLOCKS = frozenset(
    {
        "paragraph",
        "heading",
        "blockquote",
        "codeBlock",
        "listItem",
        "taskItem",
        "tableRow",
        "horizontalRule",
    }
)


def attributes(element: XmlElement) -> dict[str, Any]:
    pairs: Iterable[tuple[str, Any]] = element.attributes  # type: ignore[assignment]
    return dict(pairs)


def load(snapshot: bytes, updates: Iterable[bytes] = ()) -> Doc[Any]:
    doc: Doc[Any] = Doc()
    if snapshot:
        doc.apply_update(snapshot)
    for update in updates:
        doc.apply_update(update)
    return doc


def state(doc: Doc[Any]) -> bytes:
    """Everything in the document, as one update."""
    return doc.get_update()


def fragment(doc: Doc[Any]) -> XmlFragment:
    return cast(XmlFragment, doc.get(FIELD, type=XmlFragment))


def plain_text(doc: Doc[Any], kind: str = "text") -> str:
    """The text a person reads, one block a line (a board: its shapes' texts)."""
    if kind == "board":
        shapes = doc.get("shapes", type=Map)
        texts = []
        for shape in shapes.values():
            if isinstance(shape, Map):
                value = shape.get("text")
                if isinstance(value, str) and value.strip():
                    texts.append(value.strip())
        return "\n".join(texts)
    lines: list[str] = []
    current: list[str] = []

    def walk(node: XmlFragment | XmlElement) -> None:
        for child in node.children:
            if isinstance(child, XmlText):
                current.extend(chunk for chunk, _ in child.diff() if isinstance(chunk, str))
            elif isinstance(child, XmlElement):
                if child.tag == "hardBreak":
                    current.append("\n")
                elif child.tag == "mention":
                    label = attributes(child).get("label")
                    current.append(f"@{label}" if label else "")
                elif child.tag == "spaceFile":  # a link to a file of the space: its name
                    name = attributes(child).get("name")
                    current.append(name if isinstance(name, str) else "")
                walk(child)
                if child.tag in _BLOCKS:
                    flush()
                elif child.tag in ("tableCell", "tableHeader"):
                    current.append("\t")

    def flush() -> None:
        line = "".join(current).strip("\t")
        current.clear()
        lines.append(line)

    walk(fragment(doc))
    if current:
        flush()
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _copy_children(source: XmlFragment | XmlElement, target: XmlFragment | XmlElement) -> None:
    for child in source.children:
        if isinstance(child, XmlText):
            text = target.children.append(XmlText())
            for chunk, attrs in child.diff():
                if isinstance(chunk, str):
                    # At the end: len() counts pycrdt's offsets (UTF-8 bytes), not characters.
                    text.insert(len(text), chunk, dict(attrs) if attrs else None)
        elif isinstance(child, XmlElement):
            element = target.children.append(XmlElement(child.tag, attributes(child)))
            _copy_children(child, element)


def _plain(value: Any) -> Any:
    if isinstance(value, Map):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Array):
        return [_plain(item) for item in value]
    return value


def replace_content(doc: Doc[Any], old: Doc[Any]) -> None:
    """Make `doc` hold what `old` holds, as one transaction of deletions and insertions on
    `doc`: its history stays, the restore is a change like any other."""
    with doc.transaction():
        target = fragment(doc)
        while len(target.children):
            del target.children[0]
        _copy_children(fragment(old), target)
        old_shapes = old.get("shapes", type=Map)
        shapes = doc.get("shapes", type=Map)
        if len(old_shapes) or len(shapes):
            shapes.clear()
            for key, shape in old_shapes.items():
                value = _plain(shape)
                shapes[key] = Map(value) if isinstance(value, dict) else value
            order = doc.get("order", type=Array)
            order.clear()
            order.extend(_plain(old.get("order", type=Array)))


def restore_update(current: bytes, old: bytes) -> bytes:
    """The update that, applied to the content `current`, makes it read as `old`."""
    doc = load(current)
    before = doc.get_state()
    replace_content(doc, load(old))
    return doc.get_update(before)


def copy_update(source: bytes) -> bytes:
    """A fresh document's content equal to `source`'s, written by a new client (a duplicate
    must not share Yjs item ids with its original: it lives its own life)."""
    doc: Doc[Any] = Doc()
    replace_content(doc, load(source))
    return doc.get_update()


def from_meeting_notes(notes_state: bytes) -> bytes:
    """A text document's content from a meeting's shared notes (meeting/notes.py: one Y.Text
    "notes", the meeting client's textarea): a paragraph per line, in the TipTap layout."""
    notes = load(notes_state).get("notes", type=Text)
    doc: Doc[Any] = Doc()
    target = fragment(doc)
    with doc.transaction():
        for line in str(notes).split("\n"):
            paragraph = target.children.append(XmlElement("paragraph"))
            if line:
                paragraph.children.append(XmlText(line))
    return doc.get_update()
