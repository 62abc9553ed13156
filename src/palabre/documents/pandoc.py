"""Running pandoc (the Debian package, `make deps-system`): HTML to Markdown, ODT and DOCX on
export; Markdown, ODT and DOCX to pandoc's JSON tree on import, with the files' images.

Blocking (a subprocess): the web layer calls these in a thread. pandoc reads only what it
is given. Reading a person's file runs in `--sandbox` (pandoc 2.15 and later): without it a
Markdown file's `![](/etc/passwd)` is read from the server's disk into the extracted media.
Writing runs without it (pandoc 2.17's sandbox cannot even read its own ODT and DOCX
templates): its input is Palabre's own HTML, whose images are data: URIs only (export.py)."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from html import unescape
from pathlib import Path
from typing import Any

from ..errors import Invalid, Unavailable
from . import odt

TIMEOUT = 60.0  # seconds one conversion may take
# Export: the format asked for -> pandoc's writer, file extension, media type.
WRITERS = {
    "md": ("gfm", "md", "text/markdown; charset=utf-8"),
    "odt": ("odt", "odt", "application/vnd.oasis.opendocument.text"),
    "docx": ("docx", "docx",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}  # fmt: skip
# Import: the format a file is in -> pandoc's reader.
# (Markdown: no "smart" typography, a ' stays a ' as typed.)
READERS = {"md": "markdown-smart", "odt": "odt", "docx": "docx"}
MAX_MEDIA = 50 << 20  # bytes of images one imported file may carry
_ALT = re.compile(r'<img src="[^"]*" alt="([^"]*)"')  # to_html.py's images, in order


def binary() -> str:
    found = shutil.which("pandoc")
    if found is None:
        raise Unavailable("pandoc is not installed on the server (make deps-system)")
    return found


@functools.cache
def _version(path: str) -> tuple[int, ...]:
    out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=TIMEOUT)
    first = out.stdout.split("\n", 1)[0].split()[-1]
    return tuple(int(p) for p in first.split(".") if p.isdigit())


def _run(args: list[str], data: bytes, cwd: str, sandbox: bool) -> bytes:
    path = binary()
    command = [path, *args]
    if sandbox:
        if _version(path) < (2, 15):
            raise Unavailable("importing needs pandoc 2.15 or later (its --sandbox)")
        command.append("--sandbox")
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=TIMEOUT, cwd=cwd,
            env={"PATH": os.environ.get("PATH", ""), "HOME": cwd, "LANG": "C.UTF-8"},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise Invalid("this document took too long to convert") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise Invalid(f"pandoc could not convert it: {message[-1] if message else 'failed'}")
    return done.stdout


def from_html(html: str, fmt: str, title: str) -> bytes:
    """`html` (a standalone page, images as data: URIs) converted to `fmt` (WRITERS)."""
    writer = WRITERS[fmt][0]
    with tempfile.TemporaryDirectory(prefix="palabre-pandoc-") as work:
        args = ["--from=html", f"--to={writer}", "--output=-", f"--metadata=title:{title}"]
        if writer == "gfm":
            args.append("--wrap=none")
        else:
            args.append("--standalone")
        out = _run(args, html.encode(), work, sandbox=False)
    if writer == "odt":
        alts = [unescape(alt) for alt in _ALT.findall(html)]
        out = odt.add_alt_texts(out, alts)
    return out


def to_tree(data: bytes, fmt: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The file read as pandoc's JSON tree, and the images it carries (by the path the tree's
    Image nodes name)."""
    reader = READERS[fmt]
    with tempfile.TemporaryDirectory(prefix="palabre-pandoc-") as work:
        source = Path(work) / f"input.{fmt}"
        source.write_bytes(data)
        media = Path(work) / "media"
        out = _run([f"--from={reader}", "--to=json", f"--extract-media={media}", source.name],
                   b"", work, sandbox=True)  # fmt: skip
        try:
            tree = json.loads(out)
        except ValueError:
            raise Invalid("pandoc's answer could not be read") from None
        files: dict[str, bytes] = {}
        total = 0
        if media.is_dir():
            for path in sorted(media.rglob("*")):
                if path.is_file():
                    content = path.read_bytes()
                    total += len(content)
                    if total > MAX_MEDIA:
                        raise Invalid(f"the file's images weigh over {MAX_MEDIA} bytes")
                    files[str(path)] = content
                    files[str(path.relative_to(work))] = content
    if not isinstance(tree, dict) or not isinstance(tree.get("blocks"), list):
        raise Invalid("pandoc's answer is not a document")
    return tree, files
