"""content.py's copies (restore, duplicate) keep formatted text that is not ASCII: pycrdt
counts offsets in UTF-8 bytes, so a copy that counted characters garbled it."""

from __future__ import annotations

from palabre.documents import content

from .convert_kit import outline, sample


def test_a_copy_keeps_accented_formatted_text() -> None:
    original = sample("/x")
    assert outline(content.copy_update(original)) == outline(original)
    emptied = content.copy_update(content.load(b"").get_update())
    assert outline(content.restore_update(emptied, original)) == outline(original)
    assert "Voir déjà le site et le budget prévu." in content.plain_text(content.load(original))
