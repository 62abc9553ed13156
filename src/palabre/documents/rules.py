"""The pure rules of documents: what a title, a kind, a comment may be; where a page may
move in the tree; when a version is due. No I/O: tested without a server."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from ..errors import Invalid

KINDS = ("text", "board")
MAX_TITLE = 200
MAX_COMMENT = 10_000
MAX_VERSION_NAME = 120
MAX_DEPTH = 20  # levels of sub-pages
MAX_UPDATE = 4 << 20  # bytes of one Yjs update a client may send
# The log of updates is folded into the snapshot once it holds this many updates, and
# whenever the document is quiet.
COMPACT_AFTER = 200
QUIET_SECONDS = 30.0  # no edit for this long: the room compacts and takes a version
DEFAULT_TITLE = {"text": "Untitled document", "board": "Untitled board"}


def clean_title(text: str) -> str:
    """One line, spaces folded, 0 to MAX_TITLE characters (empty: untitled)."""
    title = " ".join(unicodedata.normalize("NFC", text).split())
    if len(title) > MAX_TITLE:
        raise Invalid(f"a title has at most {MAX_TITLE} characters")
    if any(unicodedata.category(ch) == "Cc" for ch in title):
        raise Invalid("a title cannot hold control characters")
    return title


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise Invalid("a document's kind is text or board")
    return kind


def clean_comment(text: str) -> str:
    body = text.strip()
    if not body:
        raise Invalid("a comment cannot be empty")
    if len(body) > MAX_COMMENT:
        raise Invalid(f"a comment has at most {MAX_COMMENT} characters")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in body):
        raise Invalid("a comment cannot hold control characters")
    return body


def clean_version_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise Invalid("a named version needs a name")
    if len(name) > MAX_VERSION_NAME:
        raise Invalid(f"a version's name has at most {MAX_VERSION_NAME} characters")
    return name


def check_move(parents: Mapping[str, str | None], moving: str, new_parent: str | None) -> None:
    """Invalid if putting `moving` under `new_parent` would make a cycle or a tree deeper
    than MAX_DEPTH. `parents`: each page's parent in the space (None at the top)."""
    depth = 1
    node = new_parent
    while node is not None:
        if node == moving:
            raise Invalid("a page cannot move under itself or one of its sub-pages")
        depth += 1
        if depth > MAX_DEPTH:
            raise Invalid(f"sub-pages go at most {MAX_DEPTH} levels deep")
        node = parents.get(node)
    # The moved page's own sub-pages go down with it.
    below = _height(parents, moving)
    if depth + below > MAX_DEPTH:
        raise Invalid(f"sub-pages go at most {MAX_DEPTH} levels deep")


def _height(parents: Mapping[str, str | None], root: str) -> int:
    children: dict[str, list[str]] = {}
    for page, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(page)
    best, stack = 0, [(root, 0)]
    seen = set()
    while stack:
        page, level = stack.pop()
        if page in seen:
            continue
        seen.add(page)
        best = max(best, level)
        stack.extend((child, level + 1) for child in children.get(page, []))
    return best


def subtree(parents: Mapping[str, str | None], root: str) -> list[str]:
    """`root` and every page below it, parents before children."""
    children: dict[str, list[str]] = {}
    for page, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(page)
    order, queue, seen = [], [root], set()
    while queue:
        page = queue.pop(0)
        if page in seen:
            continue
        seen.add(page)
        order.append(page)
        queue.extend(sorted(children.get(page, [])))
    return order


def version_due(
    changed_since_version: bool, quiet_for: float, quiet: float = QUIET_SECONDS
) -> bool:
    """An automatic version is taken once edits stopped for `quiet` seconds."""
    return changed_since_version and quiet_for >= quiet
