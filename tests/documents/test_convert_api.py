"""Export and import through the API, on SQLite and PostgreSQL: a document with an image
exported in each format and imported back as a new page of the space (its image a file of
the new page), a document with its sub-pages, and what a bad request gets."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from palabre.documents import log
from space_kit import published
from workspace import Workspace

from .convert_kit import EXPECTED, PNG, image_srcs, outline, sample
from .test_api import create, people  # noqa: F401 (the fixture)

pytestmark = pytest.mark.skipif(shutil.which("pandoc") is None, reason="needs pandoc")


def fill(ws: Workspace, client: Any, document_id: str) -> None:
    """The sample's content in the document, with an image uploaded to it."""
    up = client.post(f"/api/documents/{document_id}/images", content=PNG,
                     headers={"content-type": "image/png"})  # fmt: skip
    assert up.status_code == 201, up.text
    with ws.db.session() as session:
        log.append(session, document_id, sample(up.json()["src"]), None)
        log.compact(session, document_id)


def state_of(ws: Workspace, document_id: str) -> bytes:
    with ws.db.session() as session:
        return log.current_state(session, document_id)


@pytest.mark.parametrize("fmt", ["md", "odt", "docx"])
def test_export_then_import(workspace: Workspace, people: dict[str, Any], fmt: str) -> None:  # noqa: F811
    member, reader, space = people["member"], people["reader"], people["space"]
    doc = create(member, space, "Réunion du bureau")["id"]
    fill(workspace, member, doc)
    exported = reader.get(f"/api/documents/{doc}/export", params={"format": fmt})
    assert exported.status_code == 200, exported.text
    assert f'filename="Reunion du bureau.{fmt}"' in exported.headers["content-disposition"]
    seen = published(workspace)
    imported = member.post(f"/api/spaces/{space}/documents/import",
                           params={"name": f"Réunion du bureau.{fmt}"},
                           content=exported.content)  # fmt: skip
    assert imported.status_code == 201, imported.text
    new = imported.json()
    assert new["title"] == "Réunion du bureau" and new["kind"] == "text" and new["id"] != doc
    assert seen[-1][1]["type"] == "document.created"
    state = state_of(workspace, new["id"])
    assert outline(state) == EXPECTED
    [src] = image_srcs(state)
    assert src.startswith(f"/api/documents/{new['id']}/images/")
    got = reader.get(src)
    assert got.status_code == 200 and got.content == PNG
    # The new page is found by search like any other.
    hits = member.get("/api/search/documents", params={"q": "Trésorier"}).json()
    assert new["id"] in {h["document"]["id"] for h in hits}


def test_export_formats_and_sub_pages(workspace: Workspace, people: dict[str, Any]) -> None:  # noqa: F811
    member, guest, space = people["member"], people["guest"], people["space"]
    top = create(member, space, "Projet")["id"]
    fill(workspace, member, top)
    child = create(member, space, "Annexe budgétaire", parent=top)["id"]
    fill(workspace, member, child)
    create(member, space, "Tableau", kind="board", parent=child)
    html = guest.get(f"/api/documents/{top}/export", params={"format": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Annexe budgétaire" not in html.text and "data:image/png;base64," in html.text
    both = guest.get(f"/api/documents/{top}/export",
                     params={"format": "html", "subpages": "1"}).text  # fmt: skip
    assert "<h1>Projet</h1>" in both and "<h2>Annexe budgétaire</h2>" in both
    assert "<h3>Tableau</h3>" in both and both.count("Trésorier") == 2
    pdf = guest.get(f"/api/documents/{top}/export", params={"format": "pdf", "subpages": "1"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf"
    md = guest.get(f"/api/documents/{top}/export", params={"format": "md"})
    assert md.headers["content-type"].startswith("text/markdown") and "## Ordre du jour" in md.text
    assert guest.get(f"/api/documents/{top}/export", params={"format": "rtf"}).status_code == 400
    # A trashed sub-page is left out.
    member.post(f"/api/documents/{child}/trash")
    left = guest.get(f"/api/documents/{top}/export", params={"format": "html", "subpages": "1"})
    assert "Annexe" not in left.text


def test_import_requests(workspace: Workspace, people: dict[str, Any]) -> None:  # noqa: F811
    member, space = people["member"], people["space"]
    url = f"/api/spaces/{space}/documents/import"
    top = create(member, space, "Dossier")["id"]
    made = member.post(url, params={"format": "md", "parent": top, "title": "Notes"},
                       content=b"# Notes\n\n- un\n- deux\n")  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json()["parent"] == top and made.json()["title"] == "Notes"
    named = member.post(url, params={"name": "Compte rendu.md"}, content=b"du texte")
    assert named.json()["title"] == "Compte rendu"
    for params, body in (({"name": "x.pages"}, b"x"), ({"format": "md"}, b""),
                         ({"format": "docx"}, b"not a zip"), ({"format": "md"}, b"\xff\xfe"),
                         ({"format": "md", "parent": "f" * 32}, b"x")):  # fmt: skip
        refused = member.post(url, params=params, content=body)
        assert refused.status_code == 400, (params, refused.text)
    listed = {d["title"] for d in member.get(f"/api/spaces/{space}/documents").json()}
    assert listed == {"Dossier", "Notes", "Compte rendu"}
