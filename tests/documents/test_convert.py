"""Export and import without a server: a document in the editor's layout goes to Markdown,
ODT and DOCX through pandoc and comes back with its headings, marks, lists, task lists,
tables, links and images; PDF export holds the text (pdftotext); what an import makes opens
in the TipTap editor unchanged (Node, the editor's own schema); an imported file cannot read
the server's files."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from palabre.documents import export, from_pandoc, importing
from palabre.errors import Invalid

from .convert_kit import EXPECTED, PNG, image_srcs, outline, sample

SRC = "/api/documents/" + "a" * 32 + "/images/" + "b" * 32
CLIENT = Path(__file__).resolve().parents[2] / "client"
NODE = shutil.which("node")
needs_pandoc = pytest.mark.skipif(shutil.which("pandoc") is None, reason="needs pandoc")


def bundle(state: bytes, title: str = "Réunion du bureau") -> export.Bundle:
    data_uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    return export.Bundle(title, [export.Page(title, "text", 0, state)], False, {SRC: data_uri})


def reimport(data: bytes, fmt: str) -> tuple[bytes, importing.Parsed, list[bytes]]:
    parsed = importing.read(data, fmt, f"reunion.{fmt}")
    images: list[bytes] = []

    def keep(src: str) -> str | None:
        found = importing._data_uri(src) if src.startswith("data:") else parsed.media.get(src)
        if found is None:
            return None
        images.append(found)
        return f"/kept/{len(images)}"

    return from_pandoc.tree_to_update(parsed.tree, keep), parsed, images


@needs_pandoc
@pytest.mark.parametrize("fmt", ["md", "odt", "docx"])
def test_round_trip_keeps_the_structure(fmt: str) -> None:
    state = sample(SRC)
    assert outline(state) == EXPECTED  # the sample is what the test thinks
    data = export.render(bundle(state), fmt)
    back, _parsed, images = reimport(data, fmt)
    assert outline(back) == EXPECTED
    assert images == [PNG]
    assert image_srcs(back) == ["/kept/1"]


@needs_pandoc
def test_markdown_export_reads_as_markdown() -> None:
    text = export.render(bundle(sample(SRC)), "md").decode()
    assert "## Ordre du jour" in text
    assert "[le site](https://example.org/ordre)" in text and "**le budget prévu**" in text
    assert "- [x] Envoyer la convocation" in text.replace("-   ", "- ")
    assert "| Alice | Présidente |" in text.replace("  ", " ").replace("  ", " ")
    assert "![Logo de l'association](data:image/png;base64," in text


def test_html_export_is_a_page_with_its_images() -> None:
    html = export.render(bundle(sample(SRC)), "html").decode()
    assert "<title>Réunion du bureau</title>" in html
    assert "<h2>Ordre du jour</h2>" in html and "<th><p>Rôle</p>" in html
    assert 'src="data:image/png;base64,' in html and SRC not in html
    # An image of another document, or a src elsewhere, is not fetched nor kept.
    other = sample("https://tracker.example/pixel.png")
    assert "tracker" not in export.render(bundle(other), "html").decode()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_pdf_export_holds_the_text(tmp_path: Path) -> None:
    pdf = export.render(bundle(sample(SRC)), "pdf")
    assert pdf.startswith(b"%PDF-")
    (tmp_path / "out.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "out.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    for expected in ("Ordre du jour", "le site", "Élections", "Second point",
                     "Présidente", "Trésorier", "Fin de la séance"):  # fmt: skip
        assert expected in text, (expected, text)


def test_sub_pages_go_under_their_titles() -> None:
    pages = [export.Page("Projet", "text", 0, sample(SRC)),
             export.Page("Annexe", "text", 1, sample(SRC))]  # fmt: skip
    html = export.html_of(export.Bundle("Projet", pages, True))
    assert "<h1>Projet</h1>" in html and "<h2>Annexe</h2>" in html
    # The top page's h2 becomes an h3, the sub-page's an h4.
    assert html.count("<h3>Ordre du jour</h3>") == 1 and html.count("<h4>Ordre du jour</h4>") == 1


@needs_pandoc
def test_an_imported_file_cannot_read_the_servers_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    markdown = f"# Titre\n\n![vol]({secret})\n\n![passwd](/etc/passwd)\n".encode()
    back, parsed, images = reimport(markdown, "md")
    assert images == [] and parsed.media == {}
    assert outline(back)[0] == ("heading", 1, "Titre")


@needs_pandoc
def test_bad_files_are_refused() -> None:
    with pytest.raises(Invalid):
        importing.read(b"not a zip", "docx", "x.docx")
    with pytest.raises(Invalid):
        importing.read(b"\xff\xfe\x00bad", "md", "x.md")
    with pytest.raises(Invalid):
        importing.format_of(None, "notes.pages")
    assert importing.format_of(None, "Compte rendu.ODT") == "odt"


@needs_pandoc
@pytest.mark.skipif(
    NODE is None or not (CLIENT / "node_modules" / "@tiptap" / "y-tiptap").is_dir(),
    reason="needs node and client/node_modules",
)
@pytest.mark.parametrize("fmt", ["md", "odt", "docx"])
def test_an_import_opens_in_the_editor_unchanged(fmt: str, tmp_path: Path) -> None:
    (tmp_path / "node_modules").symlink_to(CLIENT / "node_modules")
    script = tmp_path / "tiptap_check.mjs"
    shutil.copy(Path(__file__).with_name("tiptap_check.mjs"), script)
    # Nested lists, a quote, code, a figure inside a list: what an editor refuses is moved.
    source = (
        "# Titre\n\n- un\n  - sous-point\n- ![dans une liste](data:image/png;base64,"
        + base64.b64encode(PNG).decode()
        + ")\n\n> cité\n\n```python\nprint(1)\n```\n\n| a | b |\n|---|---|\n| 1 | |\n"
    ).encode()
    data = export.render(bundle(sample(SRC)), fmt) if fmt != "md" else source
    update, _parsed, _images = reimport(data, fmt)
    done = subprocess.run([NODE, str(script)], input=base64.b64encode(update).decode(),
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    assert result["deleted"] is False
    kinds = [node["type"] for node in result["doc"]["content"]]
    if fmt == "md":
        assert kinds == ["heading", "bulletList", "blockquote", "codeBlock", "table"]
        item = result["doc"]["content"][1]["content"][1]
        assert [n["type"] for n in item["content"]] == ["paragraph", "image"]
    else:
        assert kinds == ["heading", "paragraph", "bulletList", "orderedList", "taskList",
                         "table", "image", "paragraph"]  # fmt: skip


def test_the_schema_check_uses_the_editors_extensions() -> None:
    """tiptap_check.mjs builds the editor's schema: the same TipTap packages as editor.ts
    (the collaboration ones aside: they add no node), or an import could pass the check and
    still be refused by the editor."""
    import re

    def schema_packages(text: str) -> set[str]:
        found = set(re.findall(r"""from ['"](@tiptap/(?:starter-kit|extension-[a-z-]+))['"]""",
                               text))  # fmt: skip
        return {p for p in found if "collaboration" not in p}

    editor = (CLIENT / "src" / "workspace" / "documents" / "editor.ts").read_text()
    check = Path(__file__).with_name("tiptap_check.mjs").read_text()
    assert schema_packages(editor) == schema_packages(check)
    assert len(schema_packages(editor)) >= 5
    # And the same configuration of what changes the schema.
    for setting in ("TaskItem.configure({ nested: true })", "undoRedo: false"):
        assert setting in editor and setting in check
