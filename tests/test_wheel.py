"""A wheel carries the web client: the Python build builds client/ into the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.slow
def test_wheel_contains_the_built_client(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("palabre-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "palabre/web/static/index.html" in names
    assert any(n.startswith("palabre/web/static/assets/") and n.endswith(".js") for n in names)
