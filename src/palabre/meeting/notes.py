"""The meeting's shared notes: one Yjs document per room, held by pycrdt.

Clients exchange Yjs updates through the server, which merges them so that a late joiner
receives the current document in one update. The document is destroyed with the room.
"""

from __future__ import annotations

from typing import Any

import pycrdt

MAX_DOCUMENT = 2 * 1024 * 1024  # bytes of encoded state: a meeting's notes, not a book


class InvalidUpdate(ValueError):
    pass


class SharedNotes:
    def __init__(self) -> None:
        self._doc: pycrdt.Doc[Any] = pycrdt.Doc()
        self.size = 0

    def apply(self, update: bytes) -> None:
        """Merge a client's Yjs update; InvalidUpdate if it is not one or the notes grow too big."""
        if self.size + len(update) > MAX_DOCUMENT:
            # The running sum over-counts (updates overlap once merged): measure before refusing.
            self.size = len(self._doc.get_update())
            if self.size + len(update) > MAX_DOCUMENT:
                raise InvalidUpdate(f"the notes are limited to {MAX_DOCUMENT // 1024} KiB")
        try:
            self._doc.apply_update(update)
        except Exception as exc:  # pycrdt raises ValueError and others on malformed input
            raise InvalidUpdate(f"not a Yjs update: {exc}") from None
        # Re-encoding the document at each keystroke would cost milliseconds on big notes.
        self.size += len(update)

    def state(self) -> bytes:
        """The whole document as one update."""
        update: bytes = self._doc.get_update()
        return update
