"""The pure rules of files: names, content types, ranges."""

from __future__ import annotations

import pytest

from palabre.files.names import BadName, clean_name, copy_name
from palabre.files.ranges import ByteRange, Unsatisfiable, parse_range
from palabre.files.sniff import inline, sniff


def test_names_are_normalised() -> None:
    assert clean_name("Cafe\u0301.txt") == "Café.txt"  # NFD in, NFC out
    assert clean_name("rapport final (v2).pdf") == "rapport final (v2).pdf"
    assert clean_name(".bashrc") == ".bashrc"


@pytest.mark.parametrize("name", [
    "", "  ", ".", "..", "a/b", "..\\x", "../etc", "a\x00b", "tab\tname", "line\nbreak",
    "\u202eexe.txt", "CON", "con.txt", "Lpt1.log", "nul", "trailing.", "trailing ",
    " leading", "what?", "a:b", "<x>", "é" * 200,
])  # fmt: skip
def test_bad_names_are_refused_clearly(name: str) -> None:
    with pytest.raises(BadName) as refused:
        clean_name(name)
    assert refused.value.status == 400 and str(refused.value)


def test_copy_names() -> None:
    assert copy_name("a.txt", set()) == "a.txt"
    assert copy_name("a.txt", {"a.txt"}) == "a (2).txt"
    assert copy_name("a.txt", {"a.txt", "a (2).txt"}) == "a (3).txt"
    assert copy_name("dossier", {"dossier"}) == "dossier (2)"
    assert copy_name(".env", {".env"}) == ".env (2)"


def test_sniffing() -> None:
    assert sniff(b"\x89PNG\r\n\x1a\n....", "x.bin") == "image/png"
    assert sniff(b"%PDF-1.7", "notes.txt") == "application/pdf"
    assert sniff(b"<html><script>", "photo.png") == "text/html"  # the bytes win
    assert sniff(b"<svg xmlns=...", "logo.svg") == "image/svg+xml"
    assert sniff(b"hello, world", "notes") == "text/plain"
    assert sniff(b"\x00\x01\x02", "blob") == "application/octet-stream"
    assert sniff(b"a,b\n1,2", "t.csv") == "text/csv"
    assert inline("image/png") and inline("text/plain") and inline("application/pdf")
    assert not inline("text/html") and not inline("image/svg+xml") and not inline("text/csv")


def test_ranges() -> None:
    assert parse_range(None, 100) is None
    assert parse_range("bytes=0-9", 100) == ByteRange(0, 9)
    assert parse_range("bytes=90-", 100) == ByteRange(90, 99)
    assert parse_range("bytes=-5", 100) == ByteRange(95, 99)
    assert parse_range("bytes=50-1000", 100) == ByteRange(50, 99)
    assert parse_range("bytes=0-1,5-6", 100) is None  # several: the whole file
    assert parse_range("items=0-1", 100) is None
    assert parse_range("bytes=9-3", 100) is None
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=100-", 100)
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=-1", 0)
    assert ByteRange(0, 9).content_range(100) == "bytes 0-9/100"
