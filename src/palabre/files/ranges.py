"""HTTP Range requests (RFC 9110 §14): one range of bytes, as downloads honour them. Pure."""

from __future__ import annotations

from dataclasses import dataclass


class Unsatisfiable(Exception):
    """A range that lies past the end (answered 416)."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range asked for in a `Range` header, or None for the whole file (no header, a
    syntax error or several ranges: a server may then send it all). Unsatisfiable if it starts
    past the end."""
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if first == "":  # the last N bytes
            suffix = int(last)
            if suffix <= 0:
                raise Unsatisfiable(spec)
            return ByteRange(max(0, size - suffix), size - 1) if size else _none(spec)
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size:
        raise Unsatisfiable(spec)
    if end < start:
        return None
    return ByteRange(start, min(end, size - 1))


def _none(spec: str) -> ByteRange:
    raise Unsatisfiable(spec)
