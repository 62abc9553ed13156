"""bench/documents.py runs end to end: a server, 3 editors and a watcher on one document."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "documents.py"


def test_documents_benchmark_measures_saves_and_latency() -> None:
    command = [sys.executable, str(SCRIPT), "--editors", "3", "--warmup", "1",
               "--duration", "2", "--json"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "updates saved per second" in done.stdout, done.stdout
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["editors"] == 3
    assert result["updates_per_s"] > 0
    # The watcher saw the keystrokes the editors made (a latency was measured for them).
    assert result["keystrokes_in_window"] > 0
    assert result["not_seen_by_watcher"] < result["keystrokes_in_window"]
    assert result["latency_ms"]["p99"] > 0
