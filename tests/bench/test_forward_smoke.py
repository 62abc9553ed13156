"""bench/forward.py runs end to end: a server, 2 publishers and 1 subscriber, a short window."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "forward.py"


def run_forward(*options: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """bench/forward.py with 2 publishers, 1 subscriber and a short window, as JSON too."""
    short = ["--publishers", "2", "--subscribers", "1", "--warmup", "1", "--duration", "3"]
    command = [sys.executable, str(SCRIPT), *options, *short, "--json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.mark.slow
def test_forward_benchmark_prints_cpu_per_packet() -> None:
    done = run_forward(timeout=180)
    figure = re.search(r"server CPU per forwarded packet\s+([0-9.]+) µs", done.stdout)
    assert figure is not None, done.stdout
    assert float(figure.group(1)) > 0
    # 2 publishers and 1 subscriber: each publisher's packets go to the 2 other participants.
    forwarded = re.search(r"packets forwarded\s+([0-9,]+) /s", done.stdout)
    assert forwarded is not None and int(forwarded.group(1).replace(",", "")) > 0
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["participants"] == 3
    assert result["server_cpu_us_per_forwarded_packet"] > 0


@pytest.mark.slow
def test_forward_benchmark_with_simulcast() -> None:
    done = run_forward("--simulcast", timeout=240)
    assert "all simulcast layers" in done.stdout, done.stdout
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["simulcast"] is True
    streams = result["packets_in_per_s_by_stream"]
    assert {"video:q", "video:h", "video:f", "audio"} <= set(streams), streams
    # 2 publishers, each received by 2 participants: 4 video pairs, each on one layer.
    assert sum(result["simulcast_layers_received"].values()) == 4
    assert result["server_cpu_us_per_forwarded_packet"] > 0
