"""tus upload benchmark: one large file (default 2 GiB) sent with tuspy to a fresh
`palabre serve` in 8 MiB checksummed chunks, the server's resident memory sampled the whole
time; then the file downloaded back. Reports MB/s both ways, the server's CPU seconds per GB,
and its RSS growth (the bar: under 50 MB whatever the size).

    .venv/bin/python bench/tus_upload.py                 # 2 GiB
    .venv/bin/python bench/tus_upload.py --gib 5 --json  # a JSON line at the end

The file is made sparse (zeros, no disk read cost on the client side) in a temporary
directory beside the server's data directory.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil
from tusclient.client import TusClient

from palabre.bot.harness import start_server

PASSWORD = "bench-pass-123"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gib", type=float, default=2.0)
    parser.add_argument("--chunk-mib", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    size = int(args.gib * (1 << 30))
    with tempfile.TemporaryDirectory(prefix="palabre-tus-bench-") as scratch:
        root = Path(scratch)
        server = start_server(root / "data")
        try:
            print(json.dumps(run(server, root, size, args.chunk_mib << 20)) if args.json
                  else report(run(server, root, size, args.chunk_mib << 20)))  # fmt: skip
        finally:
            server.stop()


def run(server: object, root: Path, size: int, chunk: int) -> dict[str, float]:
    url = server.http_url  # type: ignore[attr-defined]
    subprocess.run([sys.executable, "-m", "palabre", "user", "add", "bench", "--password-stdin",
                    "--database-url", f"sqlite:///{root / 'data' / 'palabre.db'}"],
                   input=PASSWORD + "\n", text=True, check=True, capture_output=True)  # fmt: skip
    client = httpx.Client(base_url=url, timeout=600)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/auth/login").text)
    assert csrf is not None
    client.post("/auth/login", data={"username": "bench", "password": PASSWORD,
                                     "csrf": csrf.group(1)})  # fmt: skip
    client.headers["x-csrf-token"] = client.get("/api/me").json()["csrf"]
    space = client.post("/api/spaces", json={"name": "Bench"}).json()["id"]
    token = client.post("/api/tokens", json={"name": "b", "scopes": "read write"}).json()["token"]
    source = root / "big.bin"
    with source.open("wb") as out:
        out.truncate(size)
    process = psutil.Process(server.process.pid)  # type: ignore[attr-defined]
    start_rss = process.memory_info().rss
    peak = [start_rss]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu0 = process.cpu_times()
    began = time.monotonic()
    tus = TusClient(f"{url}/api/spaces/{space}/files/tus",
                    headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    tus.uploader(str(source), chunk_size=chunk, upload_checksum=True,
                 metadata={"filename": "big.bin"}).upload()  # fmt: skip
    up = time.monotonic() - began
    cpu1 = process.cpu_times()
    item = client.get(f"/api/spaces/{space}/files").json()["items"][0]
    began = time.monotonic()
    digest = hashlib.sha256()
    with client.stream("GET", f"/api/files/{item['id']}/content",
                       headers={"Authorization": f"Bearer {token}"}) as response:  # fmt: skip
        for data in response.iter_bytes(1 << 20):
            digest.update(data)
    down = time.monotonic() - began
    done.set()
    sampler.join()
    gb = size / 1e9
    return {
        "bytes": size,
        "upload_mb_s": size / 1e6 / up,
        "download_mb_s": size / 1e6 / down,
        "upload_cpu_s_per_gb": (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / gb,
        "rss_start_mb": start_rss / 1e6,
        "rss_growth_mb": (peak[0] - start_rss) / 1e6,
        "sha256_ok": float(digest.hexdigest() == item["sha256"]),
    }


def report(result: dict[str, float]) -> str:
    return "\n".join(f"{k}: {v:.2f}" for k, v in result.items())


if __name__ == "__main__":
    main()
