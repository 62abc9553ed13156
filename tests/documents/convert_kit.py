"""Helpers of the export/import tests: a sample text document in the editor's layout (a
heading, a link and bold text, a bullet, an ordered and a task list, a table, an image) and
its outline, the structure a round trip must keep."""

from __future__ import annotations

from typing import Any

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _block(parent: XmlFragment | XmlElement, tag: str, text: str | None = None,
           **attrs: Any) -> XmlElement:  # fmt: skip
    node = parent.children.append(XmlElement(tag))
    for key, value in attrs.items():
        node.attributes[key] = value
    if text is not None:
        node.children.append(XmlText(text))
    return node


def sample(image_src: str) -> bytes:
    """The sample's content, one update; its image node's src is `image_src`."""
    doc: Doc[Any] = Doc()
    root = doc.get("default", type=XmlFragment)
    with doc.transaction():
        _block(root, "heading", "Ordre du jour", level=2)
        paragraph = _block(root, "paragraph")
        text = paragraph.children.append(XmlText())
        # Appended at len(text): pycrdt's offsets are UTF-8 bytes.
        for chunk, marks in (
            ("Voir déjà ", None),
            ("le site", {"link": {"href": "https://example.org/ordre"}}),
            (" et ", None),
            ("le budget prévu", {"bold": {}}),
            (".", None),
        ):
            text.insert(len(text), chunk, marks)  # fmt: skip
        bullets = _block(root, "bulletList")
        for word in ("Accueil", "Élections"):
            _block(_block(bullets, "listItem"), "paragraph", word)
        ordered = _block(root, "orderedList")
        for word in ("Premier point", "Second point"):
            _block(_block(ordered, "listItem"), "paragraph", word)
        tasks = _block(root, "taskList")
        _block(_block(tasks, "taskItem", checked=True), "paragraph", "Envoyer la convocation")
        _block(_block(tasks, "taskItem", checked=False), "paragraph", "Réserver la salle")
        table = _block(root, "table")
        for number, cells in enumerate((("Nom", "Rôle"), ("Alice", "Présidente"),
                                        ("Bruno", "Trésorier"))):  # fmt: skip
            row = _block(table, "tableRow")
            for value in cells:
                cell = _block(row, "tableHeader" if number == 0 else "tableCell",
                              colspan=1, rowspan=1)  # fmt: skip
                _block(cell, "paragraph", value)
        _block(root, "image", src=image_src, alt="Logo de l'association")
        _block(root, "paragraph", "Fin de la séance")
    return doc.get_update()


def _text(node: XmlElement) -> str:
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, XmlText):
            parts.extend(chunk for chunk, _ in child.diff() if isinstance(chunk, str))
        elif isinstance(child, XmlElement):
            parts.append(_text(child))
    return "".join(parts)


def outline(state: bytes) -> list[Any]:
    """The structure: per top block its kind and what it holds (texts, rows, marks)."""
    doc: Doc[Any] = Doc()
    doc.apply_update(state)
    out: list[Any] = []
    for node in doc.get("default", type=XmlFragment).children:
        assert isinstance(node, XmlElement)
        attrs = dict(node.attributes)
        if node.tag == "heading":
            out.append(("heading", int(attrs["level"]), _text(node)))
        elif node.tag == "paragraph":
            marks = []
            for child in node.children:
                if isinstance(child, XmlText):
                    for chunk, found in child.diff():
                        for name, value in (found or {}).items():
                            href = value.get("href") if isinstance(value, dict) else None
                            marks.append((name, chunk, href))
            out.append(("paragraph", _text(node), sorted(marks)))
        elif node.tag in ("bulletList", "orderedList"):
            out.append((node.tag, [_text(item) for item in node.children]))  # type: ignore[arg-type]
        elif node.tag == "taskList":
            out.append(
                (
                    "taskList",
                    [
                        (_text(i), dict(i.attributes).get("checked") in (True, "true"))
                        for i in node.children
                    ],
                )
            )  # type: ignore[union-attr]
        elif node.tag == "table":
            out.append(("table", [[(cell.tag, _text(cell)) for cell in row.children]  # type: ignore[union-attr]
                                  for row in node.children]))  # fmt: skip
        elif node.tag == "image":
            out.append(("image", attrs.get("alt")))
        else:
            out.append((node.tag, _text(node)))
    return out


EXPECTED = [
    ("heading", 2, "Ordre du jour"),
    ("paragraph", "Voir déjà le site et le budget prévu.",
     [("bold", "le budget prévu", None), ("link", "le site", "https://example.org/ordre")]),
    ("bulletList", ["Accueil", "Élections"]),
    ("orderedList", ["Premier point", "Second point"]),
    ("taskList", [("Envoyer la convocation", True), ("Réserver la salle", False)]),
    ("table", [[("tableHeader", "Nom"), ("tableHeader", "Rôle")],
               [("tableCell", "Alice"), ("tableCell", "Présidente")],
               [("tableCell", "Bruno"), ("tableCell", "Trésorier")]]),
    ("image", "Logo de l'association"),
    ("paragraph", "Fin de la séance", []),
]  # fmt: skip


def image_srcs(state: bytes) -> list[str]:
    doc: Doc[Any] = Doc()
    doc.apply_update(state)
    found: list[str] = []

    def walk(node: XmlFragment | XmlElement) -> None:
        for child in node.children:
            if isinstance(child, XmlElement):
                if child.tag == "image":
                    found.append(str(dict(child.attributes).get("src")))
                walk(child)

    walk(doc.get("default", type=XmlFragment))
    return found
