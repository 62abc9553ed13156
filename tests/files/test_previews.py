"""Previews through the API: an image's and a PDF's thumbnails (WebP, made once and kept by
content, sent with safe headers), a text's first KB as text, nothing for HTML or SVG (still
downloaded as attachments), and a hostile image answered 422 with its reason, the server
going on."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image

from files.test_api import uploaded
from files.test_thumbnails import PDF, picture, png_header_only


def thumbs_dir(people: dict[str, Any]) -> Path:
    return Path(people["ws"].settings.data_dir) / "thumbs"


def test_image_and_pdf_thumbnails(people: dict[str, Any]) -> None:
    member, guest, space = people["member"], people["guest"], people["space"]
    photo = uploaded(member, space, "photo.jpg", picture("JPEG", (1600, 1200)))
    assert photo["preview"] == "image"
    got = guest.get(f"/api/files/{photo['id']}/thumbnail")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "image/webp"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-security-policy"].startswith("sandbox")
    assert got.headers["cache-control"] == "private, no-cache"
    assert Image.open(io.BytesIO(got.content)).size == (256, 192)
    large = guest.get(f"/api/files/{photo['id']}/thumbnail",
                      params={"size": "large", "v": photo["sha256"]})  # fmt: skip
    assert Image.open(io.BytesIO(large.content)).size == (1024, 768)
    assert "max-age" in large.headers["cache-control"]  # the address names the content
    made = sorted(p.name for p in thumbs_dir(people).rglob("*.webp"))
    assert made == sorted(f"{photo['sha256']}-{px}.webp" for px in (256, 1024))
    # The same content elsewhere reuses the thumbnail made.
    again = uploaded(member, space, "copie.jpg", picture("JPEG", (1600, 1200)))
    assert member.get(f"/api/files/{again['id']}/thumbnail").content == got.content
    assert len(list(thumbs_dir(people).rglob("*.webp"))) == 2
    preview = member.get(f"/api/files/{photo['id']}/preview").json()
    assert preview == {"kind": "image", "thumbnail": True, "inline": True, "text": None,
                       "truncated": False}  # fmt: skip
    pdf = uploaded(member, space, "rapport.pdf", PDF)
    assert pdf["preview"] == "pdf"
    page = member.get(f"/api/files/{pdf['id']}/thumbnail")
    assert page.status_code == 200 and Image.open(io.BytesIO(page.content)).size == (256, 128)
    assert member.get(f"/api/files/{pdf['id']}/preview").json()["inline"] is False


def test_a_hostile_image_is_refused_clearly(people: dict[str, Any]) -> None:
    member, space = people["member"], people["space"]
    bomb = uploaded(member, space, "bombe.png", png_header_only(7000, 7000))
    for _ in range(2):  # the second answer comes from the refusal kept
        got = member.get(f"/api/files/{bomb['id']}/thumbnail")
        assert got.status_code == 422, got.text
        assert got.json()["error"]["code"] == "no_preview"
        assert "too large to preview (7000 x 7000 pixels)" in got.json()["error"]["message"]
    jpeg = picture("JPEG", (800, 600), quality=95)
    cut = uploaded(member, space, "coupée.jpg", jpeg[: len(jpeg) // 2])
    got = member.get(f"/api/files/{cut['id']}/thumbnail")
    assert got.status_code == 422 and "truncated" in got.json()["error"]["message"]
    # The server goes on: a good image still previews, the bomb still downloads as it is.
    fine = uploaded(member, space, "bien.png", picture("PNG"))
    assert member.get(f"/api/files/{fine['id']}/thumbnail").status_code == 200
    assert member.get(f"/api/files/{bomb['id']}/content").content == png_header_only(7000, 7000)


def test_text_previews_and_unsafe_types(people: dict[str, Any]) -> None:
    member, space = people["member"], people["space"]
    text = "<b>Réunion</b> " + "é" * 600  # 1215 bytes: cut within a character
    note = uploaded(member, space, "note.txt", text.encode())
    assert note["preview"] == "text"
    preview = member.get(f"/api/files/{note['id']}/preview").json()
    assert preview["kind"] == "text" and preview["truncated"] is True
    assert preview["text"].startswith("<b>Réunion</b> éé") and "\ufffd" not in preview["text"]
    assert len(preview["text"].encode()) in (1023, 1024)
    assert member.get(f"/api/files/{note['id']}/thumbnail").status_code == 422
    short = uploaded(member, space, "court.txt", b"deux mots")
    assert member.get(f"/api/files/{short['id']}/preview").json()["truncated"] is False
    for name, data in (("page.html", b"<!doctype html><script>alert(1)</script>"),
                       ("dessin.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")):  # fmt: skip
        item = uploaded(member, space, name, data)
        assert item["preview"] == "none"
        assert member.get(f"/api/files/{item['id']}/preview").json()["kind"] == "none"
        refused = member.get(f"/api/files/{item['id']}/thumbnail")
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "no_preview"
        got = member.get(f"/api/files/{item['id']}/content")
        assert got.headers["content-disposition"].startswith("attachment")
        assert got.headers["content-type"] == "application/octet-stream"
