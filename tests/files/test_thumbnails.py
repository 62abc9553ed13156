"""Thumbnails (files/thumbnails.py), without a server: each raster format and a PDF's first
page give a small WebP with none of the original's metadata; hostile input (dimensions
past the limit, a truncated or mislabelled file, a damaged PDF, a PDF that takes too long)
is refused with a clear reason, never a crash, and the refusal is kept."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from palabre.files import thumbnails
from palabre.files.thumbnails import NoPreview, Thumbnails, cache_key, image_thumbnail

SECRET = "Secret-GPS-48.8566N"


def picture(fmt: str, size: tuple[int, int] = (640, 480), **save: object) -> bytes:
    image = Image.new("RGB", size, (200, 30, 40))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def webp_of(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    return image


def write(tmp_path: Path, data: bytes, name: str = "source") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_each_format_gives_a_bounded_webp(tmp_path: Path, fmt: str) -> None:
    out = webp_of(image_thumbnail(write(tmp_path, picture(fmt)), 256, fmt))
    assert out.size == (256, 192)
    red, green, blue = out.convert("RGB").getpixel((128, 96))  # type: ignore[misc]
    assert red > 150 and green < 80 and blue < 90


def test_metadata_is_stripped(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010E] = SECRET  # ImageDescription
    exif[0x0112] = 6  # Orientation: rotated 90°, so the thumbnail stands upright
    jpeg = picture("JPEG", (400, 200), exif=exif.tobytes(), comment=SECRET.encode())
    made = image_thumbnail(write(tmp_path, jpeg), 256, "JPEG")
    assert SECRET.encode() not in made and b"Exif" not in made
    out = webp_of(made)
    assert out.size == (128, 256)  # turned as its orientation said
    assert "exif" not in out.info and "icc_profile" not in out.info
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)
    png = picture("PNG", pnginfo=info, icc_profile=b"\0" * 128 + SECRET.encode())
    made = image_thumbnail(write(tmp_path, png, "p"), 256, "PNG")
    assert SECRET.encode() not in made and "icc_profile" not in webp_of(made).info


def test_the_first_frame_of_an_animation(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (64, 64), c) for c in ((0, 0, 255), (255, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100)
    thumb = webp_of(image_thumbnail(write(tmp_path, out.getvalue()), 256, "GIF"))
    assert thumb.size == (64, 64)  # never enlarged
    red, _, blue = thumb.convert("RGB").getpixel((32, 32))  # type: ignore[misc]
    assert blue > 200 and red < 50


def png_header_only(width: int, height: int) -> bytes:
    """A PNG claiming width x height pixels, with one tiny IDAT: a decompression bomb's
    shape, never decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))  # fmt: skip


@pytest.mark.parametrize("side", [7000, 10_000, 100_000])
def test_huge_dimensions_are_refused_before_decoding(tmp_path: Path, side: int) -> None:
    with pytest.raises(NoPreview, match="too large to preview") as refused:
        image_thumbnail(write(tmp_path, png_header_only(side, side)), 256, "PNG")
    if side == 7000:  # under Pillow's own bomb limit: ours says the dimensions
        assert "7000 x 7000" in str(refused.value)


def test_truncated_and_mislabelled_images_are_refused(tmp_path: Path) -> None:
    jpeg = picture("JPEG", (800, 600), quality=95)
    with pytest.raises(NoPreview, match="damaged or truncated"):
        image_thumbnail(write(tmp_path, jpeg[: len(jpeg) // 2]), 256, "JPEG")
    with pytest.raises(NoPreview, match="damaged or truncated"):
        image_thumbnail(write(tmp_path, b"\x89PNG\r\n\x1a\nnot really", "x"), 256, "PNG")
    with pytest.raises(NoPreview, match="not the image its type says"):
        image_thumbnail(write(tmp_path, picture("GIF"), "g"), 256, "PNG")


def one_page_pdf() -> bytes:
    """A PDF of one 200x100 pt page filled in red, its cross-reference table exact."""
    stream = b"1 0 0 rg 0 0 200 100 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)  # fmt: skip
    return bytes(out)


PDF = one_page_pdf()


def test_a_pdf_first_page(tmp_path: Path) -> None:
    thumbs = Thumbnails(tmp_path / "thumbs")
    key = cache_key("ab" * 32, "small")
    path = thumbs.make(key, "application/pdf", [PDF], len(PDF))
    page = webp_of(path.read_bytes())
    assert page.size == (256, 128)
    red, green, _ = page.convert("RGB").getpixel((128, 64))  # type: ignore[misc]
    assert red > 200 and green < 60
    assert thumbs.cached(key) == path  # kept: not drawn again


def test_a_damaged_or_slow_pdf_is_refused_and_the_refusal_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    thumbs = Thumbnails(tmp_path / "thumbs")
    key = cache_key("cd" * 32, "small")
    with pytest.raises(NoPreview, match="cannot be read"):
        thumbs.make(key, "application/pdf", [b"%PDF-1.4\nnothing here"], 20)
    with pytest.raises(NoPreview, match="cannot be read"):
        thumbs.cached(key)  # said again without running pdftoppm
    # A pdftoppm that never finishes: a real one given 0.1 ms could still finish first on a
    # loaded machine (the clock starts once it runs), and the test failed so.
    slow = tmp_path / "bin" / "pdftoppm"
    slow.parent.mkdir()
    slow.write_text("#!/bin/sh\nexec sleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setenv("PATH", f"{slow.parent}:{os.environ['PATH']}")
    monkeypatch.setattr(thumbnails, "PDF_SECONDS", 0.5)
    with pytest.raises(NoPreview, match="too long"):
        thumbs.make(cache_key("ef" * 32, "small"), "application/pdf", [PDF], len(PDF))


def test_no_thumbnail_for_other_types_nor_odd_keys(tmp_path: Path) -> None:
    thumbs = Thumbnails(tmp_path / "thumbs")
    with pytest.raises(NoPreview, match="no preview"):
        thumbs.make(cache_key("12" * 32, "small"), "image/svg+xml", [b"<svg/>"], 6)
    with pytest.raises(NoPreview):
        cache_key("../etc/passwd", "small")
    with pytest.raises(NoPreview):
        cache_key("12" * 32, "huge")


def test_forget_keeps_only_named_contents(tmp_path: Path) -> None:
    thumbs = Thumbnails(tmp_path / "thumbs")
    png = picture("PNG")
    kept, gone = "aa" * 32, "bb" * 32
    for sha in (kept, gone):
        thumbs.make(cache_key(sha, "small"), "image/png", [png], len(png))
    assert thumbs.forget({kept}) == 1
    assert thumbs.cached(cache_key(kept, "small")) is not None
    assert thumbs.cached(cache_key(gone, "small")) is None
