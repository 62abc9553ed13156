"""content.py's copies (restore, duplicate) keep formatted text that is not ASCII: pycrdt
counts offsets in UTF-8 bytes, so a copy that counted characters garbled it. A link to a file
of the space reads as its name."""

from __future__ import annotations

from typing import Any

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from palabre.documents import content
from palabre.documents.to_html import body_html

from .convert_kit import outline, sample


def test_a_copy_keeps_accented_formatted_text() -> None:
    original = sample("/x")
    assert outline(content.copy_update(original)) == outline(original)
    emptied = content.copy_update(content.load(b"").get_update())
    assert outline(content.restore_update(emptied, original)) == outline(original)
    assert "Voir déjà le site et le budget prévu." in content.plain_text(content.load(original))


def test_a_linked_file_of_the_space_is_its_name_in_text_and_exports() -> None:
    """A `spaceFile` node (a link to a file of the space) reads as its name; an image of the
    space's files (not one of the document's own) is left out of an export."""
    doc: Doc[Any] = Doc()
    root = doc.get("default", type=XmlFragment)
    with doc.transaction():
        paragraph = root.children.append(XmlElement("paragraph"))
        paragraph.children.append(XmlText("Voir "))
        link = paragraph.children.append(XmlElement("spaceFile"))
        link.attributes["file"] = "f" * 32
        link.attributes["name"] = "budget <2026>.ods"
        image = root.children.append(XmlElement("image"))
        image.attributes["src"] = f"/api/files/{'f' * 32}/content"
        image.attributes["file"] = "f" * 32
    assert "Voir budget <2026>.ods" in content.plain_text(doc)
    html = body_html(doc, lambda src: None)
    assert "Voir budget &lt;2026&gt;.ods" in html and "<img" not in html
