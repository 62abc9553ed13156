"""The tus resumable-upload protocol 1.0.0 (tus.io/protocols/resumable-upload), core,
creation, termination and checksum: its headers parsed and made. Pure: no I/O."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from ..errors import Refusal

VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum"
ALGORITHMS = ("sha1", "sha256", "md5")  # the spec asks for sha1 at least
OFFSET_TYPE = "application/offset+octet-stream"
MAX_SIZE = 1 << 40  # bytes one upload may declare (the quota decides for real)


class TusError(Refusal):
    """A protocol refusal with its tus status (412, 415, 409, 460...)."""

    def __init__(self, status: int, message: str, code: str = "tus") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def base_headers() -> dict[str, str]:
    return {"tus-resumable": VERSION, "cache-control": "no-store"}


def check_version(headers: Any) -> None:
    if headers.get("tus-resumable") != VERSION:
        raise TusError(412, f"this server speaks tus {VERSION} (Tus-Resumable)", "tus_version")


def parse_metadata(header: str | None) -> dict[str, str]:
    """`Upload-Metadata`: comma-separated "key base64value" pairs (a value may be absent)."""
    found: dict[str, str] = {}
    for pair in (header or "").split(","):
        pair = pair.strip()
        if not pair:
            continue
        key, _, encoded = pair.partition(" ")
        try:
            found[key] = base64.b64decode(encoded.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise TusError(400, f"Upload-Metadata: {key} is not base64 UTF-8") from None
    return found


def parse_length(header: str | None) -> int:
    if header is None:
        raise TusError(400, "give Upload-Length (deferred lengths are not supported)")
    if not header.isdigit():
        raise TusError(400, "Upload-Length is a number of bytes")
    length = int(header)
    if length > MAX_SIZE:
        raise TusError(413, f"an upload has at most {MAX_SIZE} bytes", "too_large")
    return length


def parse_offset(header: str | None) -> int:
    if header is None or not header.isdigit():
        raise TusError(400, "Upload-Offset is a number of bytes")
    return int(header)


def parse_checksum(header: str | None) -> tuple[str, bytes] | None:
    """`Upload-Checksum: <algorithm> <base64 digest>`, or None if absent."""
    if header is None:
        return None
    algorithm, _, encoded = header.strip().partition(" ")
    if algorithm not in ALGORITHMS:
        raise TusError(400, f"checksum algorithms: {', '.join(ALGORITHMS)}", "bad_checksum")
    try:
        return algorithm, base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        raise TusError(400, "Upload-Checksum: the digest is not base64", "bad_checksum") from None


def hasher(checksum: tuple[str, bytes] | None) -> Any:
    return hashlib.new(checksum[0]) if checksum else None
