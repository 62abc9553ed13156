"""Giving freed C heap back to the operating system after participants leave.

Each participant's DTLS sessions, SRTP contexts and packet caches are allocated by OpenSSL,
libsrtp and CPython in glibc's heap. When they are freed, glibc keeps the pages for reuse
(measured: RSS +3 to +10 MiB over 200 join/leave cycles, none of it reachable, and back to
+0.1 MiB after a trim), so a server whose meetings come and go looks as if it leaked.
`malloc_trim` returns those pages; no library wraps it, hence ctypes. Elsewhere than glibc
this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable


def _trimmer() -> Callable[[], None]:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        malloc_trim = libc.malloc_trim
    except (OSError, AttributeError, TypeError):
        return lambda: None
    malloc_trim.argtypes = [ctypes.c_size_t]
    malloc_trim.restype = ctypes.c_int

    def trim() -> None:
        malloc_trim(0)

    return trim


release_freed_heap = _trimmer()
"""Return the heap's free pages to the system (a few ms on a 100 MiB heap)."""
