"""bench/workspace.py runs end to end, tiny: a server, three live pages, two writers, SQLite."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from palabre.web.api import ENDPOINTS

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "workspace.py"
POSTING = any(
    e.method == "POST" and re.fullmatch(r"/api/channels/\{\w+(:int)?\}/messages", e.path)
    for e in ENDPOINTS
)


@pytest.mark.slow
@pytest.mark.skipif(not POSTING, reason="no POST /api/channels/{cid}/messages yet (messaging)")
def test_workspace_benchmark_measures_posts_and_their_fan_out() -> None:
    command = [
        sys.executable, str(SCRIPT), "--databases", "sqlite", "--pages", "3", "--writers", "2",
        "--warmup", "0.5", "--duration", "2", "--json",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (result,) = json.loads(done.stdout.strip().splitlines()[-1])["results"]
    assert result["pages"] == 3 and result["messages"] > 0
    assert result["messages_per_s"] > 0 and result["errors"] == 0
    # Every acknowledged message reached every page, and the figures say how fast.
    assert result["delivered_share"] == 1.0
    assert 0 < result["delivery_p50_ms"] <= result["delivery_p99_ms"]
    assert "delivery p50 / p99 / max" in done.stdout
