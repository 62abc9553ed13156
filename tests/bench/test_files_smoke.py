"""bench/files.py runs end to end, tiny (8 MiB): a real server, a tus upload with tuspy, the
download, and nginx's ceiling when it is installed (`make deps-bench`). Every figure is there
and every checksum matched; no speed is asserted (a loaded machine says nothing of it)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "files.py"
FIGURES = ("seconds", "mb_s", "server_cpu_s_per_gb", "client_cpu_s_per_gb", "rss_before_mb",
           "rss_peak_mb", "rss_growth_mb")  # fmt: skip
NGINX = shutil.which("nginx") or (Path("/usr/sbin/nginx").exists() and "/usr/sbin/nginx")


@pytest.mark.slow
def test_files_benchmark_measures_a_tus_upload_and_its_download(tmp_path: Path) -> None:
    out = tmp_path / "files.json"
    command = [sys.executable, str(SCRIPT), "--size", "8MiB", "--chunk-mib", "2",
               "--sample", "0.1", "--workdir", str(tmp_path), "--json", str(out)]  # fmt: skip
    if not NGINX:
        command.append("--no-nginx")
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "server RSS growth during upload, MB" in done.stdout
    result = json.loads(out.read_text())
    assert result["size_bytes"] == 8 << 20 and len(result["sha256"]) == 64
    palabre = result["palabre"]
    assert palabre["sha256_recorded_ok"] and palabre["sha256_download_ok"]
    assert palabre["upload"]["chunks"] == 4  # 8 MiB in 2 MiB PATCHes
    assert palabre["download"]["bytes"] == 8 << 20
    for phase in ("upload", "download"):
        assert all(name in palabre[phase] for name in FIGURES), palabre[phase]
        assert palabre[phase]["mb_s"] > 0 and palabre[phase]["rss_before_mb"] > 0
        assert palabre[phase]["rss_peak_mb"] >= palabre[phase]["rss_before_mb"]
    assert palabre["upload"]["server_cpu_s_per_gb"] > 0  # the server's CPU was counted
    assert len(palabre["samples"]) >= 2
    if NGINX:
        nginx = result["nginx"]
        assert nginx["sha256_upload_ok"] and nginx["sha256_download_ok"]
        assert all(name in nginx[p] for p in ("upload", "download") for name in FIGURES)
        assert "| download, MB/s |" in done.stdout
    # Nothing left behind in the work directory but the figures.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["files.json"]
