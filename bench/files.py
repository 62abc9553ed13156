"""Files benchmark: one large file up through tus and back down, against nginx as the ceiling.

A real `palabre serve` on embedded defaults (local blob store, SQLite) in a temporary
directory; an account with a read-write token made in its database (palabre.bot.people);
a space (`POST /api/spaces`). The file (--size, default 5 GiB) is generated on disk first, in
a stream of 8 MiB pseudo-random chunks (AES-128-CTR keyed by --seed: nothing compresses,
nothing is held in memory) and its SHA-256 kept. Then:

1. Palabre, upload: tuspy sends it to `/api/spaces/{id}/files/tus` in --chunk-mib chunks,
   each with its Upload-Checksum (SHA-1), as a tus client does; the last PATCH's answer
   (the file made: one SHA-256 pass over it, a rename into the blob store) ends the clock.
2. Palabre, download: `GET /api/files/{id}/content` streamed, its SHA-256 compared with the
   generated file's and with the one the server recorded.
3. nginx (Debian's, started on a private loopback port with a configuration in the temporary
   directory, `daemon off`, its pid and logs there too): the same blob file of Palabre's blob
   store served from the same disk (GET, sendfile), and the same source file PUT through its
   dav module (the body spooled to a temporary file, then renamed: no fsync), as ceilings.

The servers' processes (the process and its descendants) are sampled every --sample seconds
from /proc: resident memory (VmRSS) and CPU time (utime + stime, and the reaped children's).
Reported: MB/s up and down, the server's and this client's CPU seconds per GB, the server's
RSS before, at its peak and its growth during each transfer (issue 15's bar: under 50 MB
during a 5 GB upload), and every SHA-256 check.

    .venv/bin/python bench/files.py                           # 5 GiB, then nginx
    .venv/bin/python bench/files.py --size 512MiB --json out.json
    .venv/bin/python bench/files.py --size 8MiB --no-nginx    # Palabre only
    .venv/bin/python bench/files.py --size 2GiB --kill-at 0.5  # SIGKILL mid-upload, resume

`make deps-bench` installs nginx. The temporary directory (--workdir, default the system's)
needs about three times --size free: the source, the upload (renamed into the blob store, not
copied) and nginx's copy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from tusclient.client import TusClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from palabre.bot.harness import ServerProcess, free_port, start_server  # noqa: E402
from palabre.bot.people import make_people  # noqa: E402

MiB = 1 << 20
GiB = 1 << 30
PIECE = 8 * MiB  # generated, read and hashed at a time
TICK = os.sysconf("SC_CLK_TCK")
UNITS = {"": 1, "B": 1, "K": 1000, "KB": 1000, "KIB": 1 << 10, "M": 10**6, "MB": 10**6,
         "MIB": MiB, "G": 10**9, "GB": 10**9, "GIB": GiB}  # fmt: skip


def parse_size(text: str) -> int:
    found = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]*)\s*", text)
    if found is None or found.group(2).upper() not in UNITS:
        raise argparse.ArgumentTypeError(f"a size such as 5GiB, 512MiB or 8388608, not {text!r}")
    return int(float(found.group(1)) * UNITS[found.group(2).upper()])


# --- the file ---------------------------------------------------------------------------


def generate(path: Path, size: int, seed: int) -> str:
    """`size` pseudo-random bytes written to `path` in PIECE chunks; their SHA-256."""
    key = hashlib.sha256(f"palabre-bench-files-{seed}".encode()).digest()[:16]
    stream = Cipher(algorithms.AES(key), modes.CTR(bytes(16))).encryptor()
    zeros = bytes(PIECE)
    digest = hashlib.sha256()
    left = size
    with path.open("wb") as out:
        while left > 0:
            piece = stream.update(zeros if left >= PIECE else bytes(left))
            digest.update(piece)
            out.write(piece)
            left -= len(piece)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while piece := handle.read(PIECE):
            digest.update(piece)
    return digest.hexdigest()


def pieces(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while piece := handle.read(PIECE):
            yield piece


# --- sampling a process tree from /proc -----------------------------------------------------


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def tree(root: int) -> list[int]:
    """`root` and its living descendants."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(_stat(int(entry))[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parents.items() if ppid in frontier]
        found += frontier
    return found


def cpu_seconds(pid: int, own_children: bool) -> float:
    """utime + stime (fields 14, 15), with cutime + cstime (16, 17) if `own_children`."""
    fields = _stat(pid)
    ticks = int(fields[11]) + int(fields[12])
    if own_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICK


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0  # a zombie


@dataclass
class Sample:
    at: float
    rss: int  # bytes, the whole tree
    cpu: float  # seconds, the whole tree (and what it has reaped)


def sample(root: int) -> Sample:
    rss, cpu = 0, 0.0
    for pid in tree(root):
        try:
            rss += rss_bytes(pid)
            cpu += cpu_seconds(pid, own_children=pid == root)
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return Sample(time.monotonic(), rss, cpu)


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


@dataclass
class Sampler:
    """Samples a process tree every `every` seconds in a thread; `phase` measures a span."""

    pid: int
    every: float
    samples: list[Sample] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def __enter__(self) -> Sampler:
        self.samples.append(sample(self.pid))
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join()

    def _run(self) -> None:
        while not self.stopping.wait(self.every):
            self.samples.append(sample(self.pid))


@dataclass
class Phase:
    """One transfer: its duration, and the server's and client's CPU and RSS over it."""

    sampler: Sampler
    size: int
    began: Sample | None = None
    ended: Sample | None = None
    client_cpu: float = 0.0
    seconds: float = 0.0

    def __enter__(self) -> Phase:
        self.began = sample(self.sampler.pid)
        self.sampler.samples.append(self.began)
        self.client_cpu = own_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.ended = sample(self.sampler.pid)
        self.sampler.samples.append(self.ended)
        self.client_cpu = own_cpu() - self.client_cpu
        assert self.began is not None
        self.seconds = self.ended.at - self.began.at

    def figures(self) -> dict[str, float]:
        assert self.began is not None and self.ended is not None
        during = [s for s in self.sampler.samples if self.began.at <= s.at <= self.ended.at]
        peak = max(s.rss for s in during)
        gb = self.size / 1e9
        return {
            "seconds": round(self.seconds, 3),
            "mb_s": round(self.size / 1e6 / self.seconds, 1),
            "server_cpu_s": round(self.ended.cpu - self.began.cpu, 2),
            "server_cpu_s_per_gb": round((self.ended.cpu - self.began.cpu) / gb, 2),
            "client_cpu_s_per_gb": round(self.client_cpu / gb, 2),
            "rss_before_mb": round(self.began.rss / 1e6, 1),
            "rss_peak_mb": round(peak / 1e6, 1),
            "rss_growth_mb": round((peak - self.began.rss) / 1e6, 1),
            "rss_after_mb": round(self.ended.rss / 1e6, 1),
            "samples": len(during),
        }


def download(base: str, path: str, headers: dict[str, str]) -> tuple[int, str]:
    """GET `path` on one plain HTTP/1.1 connection, the body read into one 1 MiB buffer and
    hashed as it comes: (bytes received, their SHA-256). The same lean client for Palabre and
    nginx (an HTTP library's own parsing and copies would be what is measured on 2 cores)."""
    host, _, port = base.removeprefix("http://").partition(":")
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    digest = hashlib.sha256()
    buffer = bytearray(MiB)
    view = memoryview(buffer)
    with socket.create_connection((host, int(port)), timeout=600) as connection:
        request = f"GET {path} HTTP/1.1\r\nhost: {host}\r\n{head}connection: close\r\n\r\n"
        connection.sendall(request.encode())
        raw = b""
        while b"\r\n\r\n" not in raw:
            more = connection.recv(65536)
            if not more:
                raise ConnectionError(f"no answer to GET {path}")
            raw += more
        top, _, body = raw.partition(b"\r\n\r\n")
        status, *lines = top.decode("latin-1").split("\r\n")
        if status.split()[1] != "200":
            raise RuntimeError(f"GET {path}: {status}")
        fields = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
        if "content-length" not in fields:
            raise RuntimeError(f"GET {path}: no Content-Length ({fields})")
        length = int(fields["content-length"])
        digest.update(body)
        received = len(body)
        while received < length:
            got = connection.recv_into(view, min(MiB, length - received))
            if not got:
                break
            digest.update(view[:got])
            received += got
    return received, digest.hexdigest()


# --- Palabre ------------------------------------------------------------------------------


def served_space(data: Path, size: int) -> tuple[ServerProcess, dict[str, str], int]:
    """A `palabre serve` on the new data directory `data` (its log beside it), the bearer
    header of an account made in its database, and a space that account made."""
    data.mkdir()
    # The space's quota must hold the file (10 GiB by default).
    os.environ["PALABRE_FILES_QUOTA"] = str(max(10 * GiB, 2 * size))
    server = start_server(data, log_path=data.parent / "palabre.log")
    try:
        ((_, token),) = make_people(f"sqlite:///{data / 'palabre.db'}", 1)
        auth = {"Authorization": f"Bearer {token}"}
        made = httpx.post(f"{server.http_url}/api/spaces", json={"name": "Bench"}, headers=auth)
        made.raise_for_status()
    except BaseException:
        server.stop()
        raise
    return server, auth, int(made.json()["id"])


def palabre(root: Path, source: Path, size: int, sha256: str, args: argparse.Namespace) -> tuple[
    dict[str, Any], Path
]:  # fmt: skip
    """Palabre's figures, and the blob file its store made of the upload."""
    data = root / "data"
    server, auth, space = served_space(data, size)
    try:
        with httpx.Client(base_url=server.http_url, headers=auth, timeout=600) as api:
            with Sampler(server.pid, args.sample) as sampler:
                upload = tus_upload(server, space, auth, source, size, args)
                with Phase(sampler, size) as up:
                    chunk_times = upload()
                (item,) = api.get(f"/api/spaces/{space}/files").json()["items"]
                with Phase(sampler, size) as down:
                    received, digest = download(
                        server.http_url, f"/api/files/{item['id']}/content", auth
                    )
            result = {
                "upload": {**up.figures(), "chunks": len(chunk_times),
                           "last_chunk_s": round(chunk_times[-1], 3) if chunk_times else 0.0,
                           "median_chunk_s": round(sorted(chunk_times)[len(chunk_times) // 2], 3)
                           if chunk_times else 0.0},
                "download": {**down.figures(), "bytes": received},
                "sha256_recorded_ok": item["sha256"] == sha256 and item["size"] == size,
                "sha256_download_ok": digest == sha256 and received == size,
                "samples": [(round(s.at - sampler.samples[0].at, 2), s.rss, round(s.cpu, 2))
                            for s in sampler.samples],
            }  # fmt: skip
    finally:
        server.stop()
    blobs = [p for p in (data / "blobs").glob("??/*") if p.is_file() and p.stat().st_size == size]
    if len(blobs) != 1:
        raise RuntimeError(f"expected one blob of {size} bytes in {data / 'blobs'}: {blobs}")
    return result, blobs[0]


def new_upload(
    base: str, space: int, auth: dict[str, str], source: Path, args: argparse.Namespace
) -> Any:  # tuspy is untyped
    """tuspy's uploader of source into the space, its upload made (POST) at offset 0."""
    client = TusClient(f"{base}/api/spaces/{space}/files/tus", headers=auth)
    uploader = client.uploader(str(source), chunk_size=args.chunk_mib * MiB,
                               upload_checksum=True, metadata={"filename": "big.bin"})  # fmt: skip
    uploader.set_url(uploader.create_url())
    uploader.offset = 0
    return uploader


def tus_upload(
    server: ServerProcess,
    space: int,
    auth: dict[str, str],
    source: Path,
    size: int,
    args: argparse.Namespace,
) -> Callable[[], list[float]]:
    """The upload made (POST, outside the clock); what sends its chunks when called (how
    long each took)."""
    uploader = new_upload(server.http_url, space, auth, source, args)

    def send() -> list[float]:
        times = []
        while uploader.offset < size:
            began = time.monotonic()
            uploader.upload_chunk()
            times.append(time.monotonic() - began)
        return times

    return send


def killed_upload(root: Path, source: Path, size: int, sha256: str, args: argparse.Namespace) -> (
    dict[str, Any]
):  # fmt: skip
    """Issue 15's bar: SIGKILL the server in the middle of a chunk once --kill-at of the file
    is acknowledged, start it again on the same data directory, and let tuspy resume from the
    offset the server reports (HEAD); the file made must have the source's SHA-256, and so
    must its download."""
    data = root / "data"
    server, auth, space = served_space(data, size)
    try:
        uploader = new_upload(server.http_url, space, auth, source, args)
        url = str(uploader.url)
        began = time.monotonic()
        while uploader.offset < args.kill_at * size:
            uploader.upload_chunk()
        acknowledged = uploader.offset
        cut = threading.Thread(target=_quietly, args=(uploader.upload_chunk,))
        cut.start()
        time.sleep(0.05)  # the next chunk on its way
        server.process.kill()
        server.process.wait()
        cut.join()
        killed_at = time.monotonic() - began
        server = start_server(data, log_path=root / "palabre-restarted.log")
        restarted = time.monotonic() - began
        base = server.http_url
        uploader.client = TusClient(f"{base}/api/spaces/{space}/files/tus", headers=auth)
        uploader.set_url(base + url[url.index("/api/") :])
        uploader.offset = uploader.get_offset()
        resumed_from = uploader.offset
        while uploader.offset < size:
            uploader.upload_chunk()
        finished = time.monotonic() - began
        listed = httpx.get(f"{base}/api/spaces/{space}/files", headers=auth, timeout=60)
        (item,) = listed.json()["items"]
        received, digest = download(base, f"/api/files/{item['id']}/content", auth)
    finally:
        server.stop()
    return {
        "acknowledged_before_kill": acknowledged,
        "killed_after_s": round(killed_at, 2),
        "restarted_after_s": round(restarted, 2),
        "resumed_from": resumed_from,
        "resumed_at_acknowledged": resumed_from >= acknowledged,
        "upload_s": round(finished, 2),
        "sha256_recorded_ok": item["sha256"] == sha256 and item["size"] == size,
        "sha256_download_ok": digest == sha256 and received == size,
    }


KILL_CHECKS = ("resumed_at_acknowledged", "sha256_recorded_ok", "sha256_download_ok")


def _quietly(call: Callable[[], object]) -> None:
    """Call, and let the error of a chunk cut by the kill pass."""
    try:
        call()
    except Exception as error:  # tuspy's TusCommunicationError, requests' ConnectionError
        print(f"the chunk cut by the kill: {type(error).__name__}", file=sys.stderr)


# --- nginx --------------------------------------------------------------------------------

NGINX_CONF = """\
{user}worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        location /blobs/ {{ alias {blobs}/; }}
        location /put/ {{
            alias {dir}/put/;
            dav_methods PUT;
            client_max_body_size 0;
            client_body_buffer_size 1m;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


def start_nginx(binary: str, where: Path, blobs: Path) -> tuple[subprocess.Popen[bytes], str]:
    where.mkdir()
    (where / "put").mkdir()
    port = free_port()
    # As root, nginx's worker would become "nobody" and could not read the temporary
    # directory: it stays the user running the benchmark.
    user = f"user {pwd.getpwuid(os.getuid()).pw_name};\n" if os.geteuid() == 0 else ""
    conf = where / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, dir=where, port=port, blobs=blobs))
    log = (where / "stderr.log").open("wb")
    with log:
        process = subprocess.Popen(
            [binary, "-p", str(where), "-c", str(conf), "-e", str(where / "error.log")],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {(where / 'stderr.log').read_text()}"
                               f"{(where / 'error.log').read_text()}")  # fmt: skip
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("nginx did not listen in 30 s")


def nginx(
    binary: str, root: Path, source: Path, blob: Path, size: int, sha256: str, every: float
) -> dict[str, Any]:
    where = root / "nginx"
    process, url = start_nginx(binary, where, blob.parent.parent)
    try:
        with httpx.Client(base_url=url, timeout=600) as web, Sampler(process.pid, every) as s:
            with Phase(s, size) as down:
                path = f"/blobs/{blob.parent.name}/{blob.name}"
                received, digest = download(url, path, {})
            with Phase(s, size) as up:
                put = web.put("/put/big.bin", content=pieces(source),
                              headers={"content-length": str(size)})  # fmt: skip
                put.raise_for_status()
        stored = where / "put" / "big.bin"
        return {
            "download": {**down.figures(), "bytes": received},
            "upload": {**up.figures(), "status": put.status_code},
            "sha256_download_ok": digest == sha256 and received == size,
            "sha256_upload_ok": stored.stat().st_size == size and file_sha256(stored) == sha256,
            "version": subprocess.run([binary, "-v"], capture_output=True, text=True)
            .stderr.strip()
            .removeprefix("nginx version: "),
        }
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


# --- report -------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "bench"],
                           capture_output=True, text=True).stdout.strip()  # fmt: skip
    model = next((line.split(":", 1)[1].strip()
                  for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "")  # fmt: skip
    return {
        "commit": commit + ("+changes" if dirty else ""),
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1),
        "python": sys.version.split()[0],
        "started_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
    }


def table(result: dict[str, Any]) -> str:
    p, n = result["palabre"], result.get("nginx")

    def row(label: str, ours: Any, ceiling: Any = None, ratio: bool = False) -> str:
        cells = [label, f"{ours}", "" if ceiling is None else f"{ceiling}"]
        cells.append(f"{ours / ceiling:.0%}" if ratio and ceiling else "")
        return "| " + " | ".join(cells) + " |"

    lines = [
        f"{result['size_bytes'] / GiB:.3g} GiB file, {result['chunk_mib']} MiB tus chunks, "
        f"commit {result['machine']['commit']}, {result['machine']['cpus']} CPUs, load average "
        f"{' '.join(f'{x:.2f}' for x in result['load_before'])} before, "
        f"{' '.join(f'{x:.2f}' for x in result['load_after'])} after",
        "",
        "| measure | Palabre | nginx (ceiling) | Palabre / nginx |",
        "| --- | --- | --- | --- |",
    ]
    nu, nd = (n["upload"], n["download"]) if n else ({}, {})
    pu, pd = p["upload"], p["download"]
    lines += [
        row("upload, MB/s", pu["mb_s"], nu.get("mb_s"), ratio=True),
        row("download, MB/s", pd["mb_s"], nd.get("mb_s"), ratio=True),
        row("server CPU per GB uploaded, s", pu["server_cpu_s_per_gb"],
            nu.get("server_cpu_s_per_gb")),
        row("server CPU per GB downloaded, s", pd["server_cpu_s_per_gb"],
            nd.get("server_cpu_s_per_gb")),
        row("client CPU per GB uploaded, s", pu["client_cpu_s_per_gb"],
            nu.get("client_cpu_s_per_gb")),
        row("client CPU per GB downloaded, s", pd["client_cpu_s_per_gb"],
            nd.get("client_cpu_s_per_gb")),
        row("server RSS before upload, MB", pu["rss_before_mb"], nu.get("rss_before_mb")),
        row("server RSS peak during upload, MB", pu["rss_peak_mb"], nu.get("rss_peak_mb")),
        row("**server RSS growth during upload, MB**", pu["rss_growth_mb"],
            nu.get("rss_growth_mb")),
        row("server RSS growth during download, MB", pd["rss_growth_mb"],
            nd.get("rss_growth_mb")),
        row("SHA-256 recorded = generated", "yes" if p["sha256_recorded_ok"] else "NO",
            ("yes" if n["sha256_upload_ok"] else "NO") if n else None),
        row("SHA-256 downloaded = generated", "yes" if p["sha256_download_ok"] else "NO",
            ("yes" if n["sha256_download_ok"] else "NO") if n else None),
    ]  # fmt: skip
    lines.append("")
    lines.append(f"tus: {pu['chunks']} PATCHes, median {pu['median_chunk_s']} s, the last "
                 f"(the file made) {pu['last_chunk_s']} s")  # fmt: skip
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--size", type=parse_size, default=5 * GiB, help="e.g. 5GiB, 8MiB")
    parser.add_argument("--chunk-mib", type=int, default=8, help="tus chunk size")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--sample", type=float, default=0.5, help="seconds between samples")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where the temporary directory goes"
    )
    parser.add_argument("--no-nginx", action="store_true", help="Palabre only")
    parser.add_argument(
        "--kill-at", type=float, default=None, metavar="FRACTION",
        help="instead: SIGKILL the server once this much is uploaded, restart, resume",
    )  # fmt: skip
    parser.add_argument(
        "--json", type=Path, default=None, help="write the figures here ('-': stdout)"
    )
    args = parser.parse_args()  # fmt: skip
    binary = None if args.no_nginx or args.kill_at is not None else nginx_binary()
    if not args.no_nginx and args.kill_at is None and binary is None:
        parser.error("no nginx (make deps-bench installs it), or --no-nginx")
    with tempfile.TemporaryDirectory(prefix="palabre-files-bench-", dir=args.workdir) as scratch:
        root = Path(scratch)
        free = shutil.disk_usage(root).free
        needed = args.size * (2 if args.no_nginx or args.kill_at else 3) + GiB
        if free < needed:
            parser.error(f"{root} has {free / GiB:.1f} GiB free, {needed / GiB:.1f} needed")
        result: dict[str, Any] = {"size_bytes": args.size, "chunk_mib": args.chunk_mib,
                                  "seed": args.seed, "machine": machine(),
                                  "load_before": list(os.getloadavg())}  # fmt: skip
        source = root / "source.bin"
        began = time.monotonic()
        sha256 = generate(source, args.size, args.seed)
        result["generated_mb_s"] = round(args.size / 1e6 / (time.monotonic() - began), 1)
        result["sha256"] = sha256
        if args.kill_at is not None:
            result["killed"] = killed_upload(root, source, args.size, sha256, args)
            print(json.dumps(result, indent=1))
            return 0 if all(result["killed"][k] for k in KILL_CHECKS) else 1
        result["palabre"], blob = palabre(root, source, args.size, sha256, args)
        if binary is not None:
            result["nginx"] = nginx(binary, root, source, blob, args.size, sha256, args.sample)
        result["load_after"] = list(os.getloadavg())
    print(table(result))
    if args.json is not None:
        text = json.dumps(result, indent=1)
        if str(args.json) == "-":
            print(text)
        else:
            args.json.write_text(text + "\n")
    checks = [result["palabre"]["sha256_recorded_ok"], result["palabre"]["sha256_download_ok"]]
    if "nginx" in result:
        checks += [result["nginx"]["sha256_upload_ok"], result["nginx"]["sha256_download_ok"]]
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
