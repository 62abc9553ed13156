"""Freed heap goes back to the system."""

from __future__ import annotations

import psutil

from palabre.media.heap import release_freed_heap


def test_release_returns_freed_pages() -> None:
    process = psutil.Process()
    # Many small blocks (as DTLS and SRTP contexts are), freed all but one in 64 so that
    # the heap's top stays in use and only a trim, not free(), can hand the pages back.
    blocks = [bytearray(1000) for _ in range(64 * 1024)]
    kept = blocks[::64]
    del blocks
    before = process.memory_info().rss
    release_freed_heap()
    after = process.memory_info().rss
    assert kept
    assert after < before - 16 * 2**20, (before, after)
