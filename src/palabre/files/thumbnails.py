"""Thumbnails of raster images (PNG, JPEG, WebP, GIF) and of a PDF's first page, made on the
server and cached in the data directory's thumbs/ by the content's SHA-256 and size, so one
content is decoded once whatever the number of files, versions or spaces naming it.

Hostile input is expected: an image's dimensions are read from its header and refused past
MAX_PIXELS before any pixel is decoded (a decompression bomb), a truncated or malformed file
is refused with a clear reason, a PDF is rasterised by poppler's pdftoppm in a subprocess
with a time limit (and an address-space limit where `prlimit` exists). What comes out is a
new WebP image made from the pixels alone: no EXIF, ICC profile, comment or other metadata
of the original goes along. A refusal is cached too (thumbs/<key>.err), so a bomb is looked
at once. Calls block: the web layer runs them in a thread; at most WORKERS at once."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Iterable
from pathlib import Path

from PIL import Image, ImageFile, ImageOps

from ..errors import Refusal

SIZES = {"small": 256, "large": 1024}  # the longest side, in pixels
MAX_PIXELS = 40_000_000  # an image with more is not decoded (about 160 MB of RGBA)
MAX_SOURCE = 256 << 20  # bytes of a source file looked at for a thumbnail
PDF_SECONDS = 15.0  # pdftoppm's time for one first page
PDF_MEMORY = 1 << 30  # pdftoppm's address space, where prlimit can set it
WORKERS = 2  # thumbnails made at once (each decodes one image)
IMAGES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif"})
FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP", "image/gif": "GIF"}
MEDIA_TYPE = "image/webp"

_busy = threading.BoundedSemaphore(WORKERS)


class NoPreview(Refusal):
    """This content has no thumbnail (its type, or it is hostile or damaged): says why."""

    code = "no_preview"
    status = 422


def can_thumbnail(content_type: str) -> bool:
    return content_type in IMAGES or content_type == "application/pdf"


def cache_key(sha256: str, size: str) -> str:
    if size not in SIZES or not sha256.isalnum():
        raise NoPreview("no such thumbnail size: small or large")
    return f"{sha256}-{SIZES[size]}"


class Thumbnails:
    """The cache: thumbs/<sha256>-<px>.webp, or .err holding why there is none."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.webp"

    def cached(self, key: str) -> Path | None:
        """The thumbnail's file if made; NoPreview if it was refused before."""
        path = self.path(key)
        if path.exists():
            return path
        failed = path.with_suffix(".err")
        if failed.exists():
            raise NoPreview(failed.read_text("utf-8", "replace")[:300])
        return None

    def make(self, key: str, content_type: str, chunks: Iterable[bytes], length: int) -> Path:
        """Make (or find) the thumbnail of the content `chunks` yields; its file."""
        found = self.cached(key)
        if found is not None:
            return found
        if not can_thumbnail(content_type):
            raise NoPreview("this kind of file has no preview")
        if length > MAX_SOURCE:
            raise NoPreview("this file is too large to preview")
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with _busy, tempfile.TemporaryDirectory(dir=path.parent) as work:
            source = Path(work) / "source"
            with source.open("wb") as out:
                for chunk in chunks:
                    out.write(chunk)
            side = int(key.rsplit("-", 1)[1])
            try:
                if content_type == "application/pdf":
                    data = pdf_thumbnail(source, side, Path(work))
                else:
                    data = image_thumbnail(source, side, FORMATS[content_type])
            except NoPreview as refusal:
                _write(path.with_suffix(".err"), str(refusal).encode())
                raise
            _write(path, data)
        return path

    def forget(self, keep: set[str]) -> int:
        """Remove the thumbnails of contents whose SHA-256 is not in `keep`; how many."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.suffix in (".webp", ".err") and path.stem.split("-")[0] not in keep:
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                        removed += 1
        return removed


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a temporary file renamed into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def image_thumbnail(source: Path, side: int, expected: str | None = None) -> bytes:
    """A WebP of at most side x side pixels of the image in `source`, with no metadata.
    NoPreview if it is not an image of the `expected` format, has more than MAX_PIXELS, or
    is truncated or damaged."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                if expected is not None and image.format != expected:
                    raise NoPreview("this file's content is not the image its type says")
                width, height = image.size
                if width * height > MAX_PIXELS or width <= 0 or height <= 0:
                    raise NoPreview(f"this image is too large to preview ({width} x {height} "
                                    "pixels)")  # fmt: skip
                image.draft("RGB", (side, side))  # JPEG: decoded at a fraction of its size
                image.seek(0)  # a GIF or WebP animation: its first frame
                # WeasyPrint (the documents' PDF export) sets this for the whole process when
                # it is imported, which made a truncated image load padded instead of refused.
                ImageFile.LOAD_TRUNCATED_IMAGES = False
                image.load()
                upright = ImageOps.exif_transpose(image)
                mode = "RGBA" if "A" in upright.getbands() or "transparency" in upright.info \
                    else "RGB"  # fmt: skip
                picture = upright.convert(mode)
                picture.thumbnail((side, side), Image.Resampling.LANCZOS)
    except NoPreview:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise NoPreview("this image is too large to preview") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
        raise NoPreview(f"this image cannot be read (damaged or truncated): {_reason(exc)}") \
            from None  # fmt: skip
    # Only the pixels: a new image has none of the original's metadata.
    clean = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    out = io.BytesIO()
    clean.save(out, "WEBP", quality=80, method=4)
    return out.getvalue()


def _reason(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:200]


def pdf_thumbnail(source: Path, side: int, work: Path) -> bytes:
    """The first page of the PDF in `source` rasterised by pdftoppm (a subprocess, its time
    and memory bounded), then made a clean thumbnail like an image."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise NoPreview("PDF previews need poppler-utils (pdftoppm) on the server")
    prefix = work / "page"
    command = [pdftoppm, "-q", "-f", "1", "-l", "1", "-singlefile", "-png",
               "-scale-to", str(side), str(source), str(prefix)]  # fmt: skip
    limiter = shutil.which("prlimit")
    if limiter is not None:
        command = [limiter, f"--as={PDF_MEMORY}", "--", *command]
    try:
        subprocess.run(command, check=True, timeout=PDF_SECONDS, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    except subprocess.TimeoutExpired:
        raise NoPreview("this PDF took too long to draw") from None
    except subprocess.CalledProcessError:
        raise NoPreview("this PDF cannot be read (damaged or not a PDF)") from None
    page = prefix.with_suffix(".png")
    if not page.exists():
        raise NoPreview("this PDF has no page to show")
    return image_thumbnail(page, side, "PNG")
