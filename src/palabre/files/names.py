"""What a file or folder may be called: one path segment, NFC, no traversal, no control or
bidirectional-override characters, nothing Windows or a sync client would choke on (its
reserved device names, a trailing dot or space, <>:"|?*). Pure: tested without a server."""

from __future__ import annotations

import unicodedata

from ..errors import Invalid

MAX_NAME_BYTES = 255  # UTF-8 bytes, as most file systems allow
FORBIDDEN = set('/\\<>:"|?*')
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
            *(f"LPT{i}" for i in range(10))}  # fmt: skip
# Invisible characters that change how a name reads (an .exe that looks like a .txt).
BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class BadName(Invalid):
    code = "bad_name"


def clean_name(text: str) -> str:
    """The name normalised to NFC, or BadName saying what is wrong with it."""
    name = unicodedata.normalize("NFC", text)
    if not name.strip():
        raise BadName("a name cannot be empty")
    if name in (".", ".."):
        raise BadName("“.” and “..” are not names")
    if any(unicodedata.category(ch) in ("Cc", "Cs") or ch in BIDI_CONTROLS for ch in name):
        raise BadName("a name cannot hold control characters")
    bad = sorted(FORBIDDEN.intersection(name))
    if bad:
        raise BadName(f"a name cannot hold {' '.join(bad)}")
    if name[-1] in ". " or name[0] == " ":
        raise BadName("a name cannot start with a space or end with a space or a dot")
    if name.split(".")[0].rstrip().upper() in RESERVED:
        raise BadName(f"“{name}” is a reserved name on Windows: choose another")
    if len(name.encode()) > MAX_NAME_BYTES:
        raise BadName(f"a name has at most {MAX_NAME_BYTES} bytes")
    return name


def copy_name(name: str, taken: set[str]) -> str:
    """`name` if free, else "stem (2).ext", "stem (3).ext", ... the first free one."""
    if name not in taken:
        return name
    stem, dot, ext = name.rpartition(".")
    if not stem:  # no extension, or a dot file
        stem, dot, ext = name, "", ""
    n = 2
    while True:
        candidate = f"{stem} ({n}){dot}{ext}"
        if candidate not in taken:
            return candidate
        n += 1
