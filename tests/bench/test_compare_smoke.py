"""bench/compare.py runs each scenario end to end for a few seconds, at a small size.

Palabre always; Janus too when /usr/bin/janus is installed and a network namespace can be
made (`make bench` installs it; `make test` does not need it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from janus_adapter import janus_available  # noqa: E402


def _netns_possible() -> bool:
    import compare

    return compare.netns_possible()


def _run(server: str, tmp_path: Path) -> list[dict[str, object]]:
    output = tmp_path / f"{server}.json"
    command = [
        sys.executable,
        str(BENCH / "compare.py"),
        "--servers",
        server,
        "--meeting",
        "3",
        "--audio",
        "3",
        "--webinar",
        "3",
        "--warmup",
        "0.5",
        "--duration",
        "2",
        "--join-probes",
        "1",
        "--json",
        str(output),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    assert "| server CPU µs per forwarded packet |" in done.stdout
    results: list[dict[str, object]] = json.loads(output.read_text())["results"]
    return results


def _check(results: list[dict[str, object]], server: str) -> None:
    assert [r["scenario"] for r in results] == ["meeting", "audio", "webinar"]
    for result in results:
        assert result["server"] == server
        assert result["error"] is None
        assert float(result["forwarded_per_s"]) > 0  # type: ignore[arg-type]
        assert float(result["us_per_packet"]) > 0  # type: ignore[arg-type]
        assert result["latency_samples"]
        assert float(result["latency_p50_ms"]) >= 0  # type: ignore[arg-type]
        assert result["join_ms"]


@pytest.mark.slow
def test_compare_smoke_palabre(tmp_path: Path) -> None:
    _check(_run("palabre", tmp_path), "palabre")


@pytest.mark.slow
@pytest.mark.skipif(not janus_available(), reason="janus is not installed (make bench installs it)")
def test_compare_smoke_janus(tmp_path: Path) -> None:
    if not _netns_possible():
        pytest.skip("no network namespace for Janus's media (needs root)")
    _check(_run("janus", tmp_path), "janus")
