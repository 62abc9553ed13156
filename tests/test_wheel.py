"""A wheel carries the web client: the Python build builds client/ into the package.

The build runs on a copy of the tracked files: its `npm ci` then empties and refills the
copy's node_modules, not the one the other tests use, and the test can share the machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def tracked_copy(destination: Path) -> Path:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z"], check=True, capture_output=True
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@pytest.mark.slow
def test_wheel_contains_the_built_client(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("the wheel is built from the tracked files, which needs a git checkout")
    tree = tracked_copy(tmp_path / "tree")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(tree)],
        check=True,
        timeout=900,
        # The client's build makes the protocol's types with a Python that has msgspec (the
        # copy has no .venv of its own).
        env={**os.environ, "PYTHON": sys.executable},
    )
    (wheel,) = tmp_path.glob("palabre-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "palabre/web/static/index.html" in names
    assert any(n.startswith("palabre/web/static/assets/") and n.endswith(".js") for n in names)
    # The media socket's batched I/O, compiled where a C compiler is (optional otherwise).
    if sys.platform.startswith("linux") and shutil.which("cc"):
        assert any(n.startswith("palabre/media/mmsg.") and n.endswith(".so") for n in names)
    assert "palabre/media/mmsg.pyi" in names
