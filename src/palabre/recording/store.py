"""The recordings in the data directory (`recordings/<id>/`): found by id and key, listed,
claimed for keeping, and removed once their retention is over. Blocking file-system calls:
in a thread, never on the event loop."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import msgspec

from . import manifest as mf

ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}$")  # recorder.py's: nothing else is a path
CLAIM = "keep.claim"
LOCK = "compose.lock"  # the process id of who composes it (recorder.py, or the job)
STALE = 10.0  # seconds after its stop when a recording nobody composes is taken up
# A recording still "recording" this long after its start was left by a process that died.
ORPHAN_AFTER = 24 * 3600


def composed(root: Path, recording_id: str, key: str) -> tuple[Path, mf.Manifest] | None:
    """The composed file of a ready recording, if `key` is its download secret."""
    if not ID.match(recording_id):
        return None
    directory = root / recording_id
    try:
        manifest = mf.read(directory)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    if not secrets.compare_digest(manifest.key.encode(), key.encode()):
        return None
    path = directory / mf.COMPOSED
    if manifest.state != "ready" or not path.is_file():
        return None
    return path, manifest


def listing(root: Path) -> Iterator[tuple[Path, mf.Manifest]]:
    """Every recording with a readable manifest."""
    with contextlib.suppress(FileNotFoundError):
        for directory in sorted(root.iterdir()):
            if not ID.match(directory.name):
                continue
            try:
                yield directory, mf.read(directory)
            except (OSError, msgspec.DecodeError, msgspec.ValidationError):
                continue


def claim(directory: Path) -> bool:
    """Take a recording for keeping: one process only, whoever else tries."""
    try:
        os.close(os.open(directory / CLAIM, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return False
    return True


def release(directory: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (directory / CLAIM).unlink()


def expired(manifest: mf.Manifest, now: float, retention: int) -> bool:
    if manifest.state == "recording":
        return now - manifest.started_at > max(retention, ORPHAN_AFTER)
    ended = manifest.stopped_at or manifest.started_at
    return now - ended > retention


def purge(root: Path, now: float, retention: int) -> int:
    """Remove the recordings past their retention; how many."""
    removed = 0
    for directory, manifest in list(listing(root)):
        if expired(manifest, now, retention):
            shutil.rmtree(directory, ignore_errors=True)
            removed += 1
    return removed


def lock(directory: Path) -> None:
    """This process composes the recording (or is about to)."""
    (directory / LOCK).write_text(str(os.getpid()))


def unlock(directory: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (directory / LOCK).unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def orphaned(directory: Path, manifest: mf.Manifest, now: float) -> bool:
    """A stopped recording that no live process composes: its process stopped before."""
    if manifest.state != "stopped" or now - (manifest.stopped_at or 0) < STALE:
        return False
    try:
        pid = int((directory / LOCK).read_text() or 0)
    except (FileNotFoundError, ValueError):
        return True
    return not _alive(pid)
