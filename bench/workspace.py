"""Workspace benchmark: messages per second one Palabre process sustains while every message
fans out to N open pages, and the delivery latency, on SQLite and on PostgreSQL.

For each database it starts one `palabre serve` (a SQLite file in a fresh data directory, or a
fresh database on a private PostgreSQL server started like the tests' one, or --database-url),
makes the people directly in the database (accounts without password, a personal access token
each), then through the API (docs/workspace-api.md): a space, its members
(`POST /api/spaces/{id}/members`), its `general` channel (`GET /api/spaces/{id}/channels`).
N pages connect to `/api/live` (one person each, Bearer token) and wait for their `hello`.
W writers then post to the channel as fast as the server acknowledges
(`POST /api/channels/{cid}/messages` `{body, client_id}`, each writer one request at a time),
for a warm-up and then a measured window. Each page notes when each `message.posted` arrives.

It reports, for the window:
- messages per second acknowledged (201) by the server;
- the delivery latency of every (message, page) pair: from the moment the writer sent the
  post to the moment the page received its event (p50, p99, max), and the share delivered;
- the post's own latency (until its 201), p50 and p99;
- the server's CPU (user + system) per second of window, and per message;
- this process's CPU, since the pages and writers share the machine's cores with the server.

    .venv/bin/python bench/workspace.py                        # SQLite and PostgreSQL, 100 pages
    .venv/bin/python bench/workspace.py --databases sqlite --pages 20 --duration 5
    .venv/bin/python bench/workspace.py --database-url postgresql+psycopg://u@host/db
    .venv/bin/python bench/workspace.py --json                 # a JSON line at the end

It needs the messaging endpoints (POST /api/channels/{cid}/messages); the server it starts
says whether it has them in /api/openapi.json, and the benchmark stops with a clear message
if not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))  # postgres_server.py, the tests' private PostgreSQL

from palabre.bot.harness import ServerProcess, free_port, start_server  # noqa: E402
from palabre.bot.people import add_members, make_people  # noqa: E402

POST_PATH = re.compile(r"/api/channels/\{\w+\}/messages")
MEMBERS_PATH = re.compile(r"/api/spaces/\{\w+\}/members")


def serves(paths: dict[str, Any], method: str, pattern: re.Pattern[str]) -> bool:
    return any(pattern.fullmatch(path) and method in ops for path, ops in paths.items())


class Unsupported(RuntimeError):
    """The server lacks what the benchmark needs."""


@dataclass
class Run:
    database: str
    pages: int
    writers: int
    warmup: float
    duration: float
    sent: dict[str, float] = field(default_factory=dict)  # client_id -> when sent
    acked: dict[str, float] = field(default_factory=dict)  # client_id -> when its 201 came
    window: tuple[float, float] = (0.0, 0.0)
    received: list[dict[str, float]] = field(default_factory=list)  # per page: client_id -> t
    resyncs: int = 0
    errors: list[str] = field(default_factory=list)


def client(server: ServerProcess, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=server.http_url, headers={"authorization": f"Bearer {token}"}, timeout=60
    )


async def prepare(server: ServerProcess, url: str, people: list[tuple[str, str]]) -> int:
    """The space (people[0] its owner), the others its members, its channel; the channel's
    id."""
    owner = client(server, people[0][1])
    async with owner:
        paths = (await owner.get("/api/openapi.json")).json()["paths"]
        if not serves(paths, "post", POST_PATH):
            raise Unsupported(
                "this server has no POST /api/channels/{cid}/messages (the messaging branch)"
            )
        response = await owner.post("/api/spaces", json={"name": "Bench"})
        response.raise_for_status()
        space = response.json()["id"]
        if not serves(paths, "post", MEMBERS_PATH):
            # No members endpoint on this server (the spaces branch): in the database.
            await asyncio.to_thread(add_members, url, space, [name for name, _ in people[1:]])
        for name, _ in people[1:] if serves(paths, "post", MEMBERS_PATH) else []:
            added = await owner.post(
                f"/api/spaces/{space}/members", json={"user": name, "role": "member"}
            )
            if added.status_code not in (200, 201):
                raise Unsupported(f"adding a member: {added.status_code} {added.text[:200]}")
        channels = (await owner.get(f"/api/spaces/{space}/channels")).json()
        if not channels:
            made = await owner.post(f"/api/spaces/{space}/channels", json={"name": "general"})
            made.raise_for_status()
            return int(made.json()["id"])
        return int(channels[0]["id"])


async def open_page(server: ServerProcess, token: str) -> ClientConnection:
    ws = await connect(
        server.http_url.replace("http", "ws", 1) + "/api/live",
        additional_headers={"authorization": f"Bearer {token}"},
        open_timeout=60,
        max_queue=None,  # the page reads everything; the server's queue is what is measured
        ping_interval=None,
    )
    hello = json.loads(await asyncio.wait_for(ws.recv(), 60))
    if hello.get("type") != "hello":
        raise RuntimeError(f"the page was not let in: {hello}")
    return ws


async def read_page(ws: ClientConnection, received: dict[str, float], run: Run) -> None:
    with contextlib.suppress(Exception):
        async for frame in ws:
            now = time.perf_counter()
            event = json.loads(frame)
            kind = event.get("type")
            if kind == "message.posted":
                client_id = event["message"].get("client_id")
                if client_id:
                    received.setdefault(client_id, now)
            elif kind == "ping":
                await ws.send('{"type":"pong"}')
            elif kind == "resync":
                run.resyncs += 1


async def write(server: ServerProcess, token: str, channel: int, run: Run, until: float) -> None:
    async with client(server, token) as http:
        n = 0
        while time.perf_counter() < until:
            client_id = uuid.uuid4().hex
            body = {"body": f"message {n} of the benchmark", "client_id": client_id}
            started = time.perf_counter()
            run.sent[client_id] = started
            try:
                response = await http.post(f"/api/channels/{channel}/messages", json=body)
            except httpx.HTTPError as exc:
                run.errors.append(str(exc))
                continue
            if response.status_code == 201:
                run.acked[client_id] = time.perf_counter()
            else:
                run.errors.append(f"{response.status_code} {response.text[:200]}")
            n += 1


async def drive(server: ServerProcess, url: str, people: list[tuple[str, str]], run: Run) -> None:
    """people[0] makes the space; the pages and the writers are the others."""
    channel = await prepare(server, url, people)
    members = people[1:]
    pages = await asyncio.gather(*(open_page(server, token) for _, token in members[: run.pages]))
    run.received = [{} for _ in pages]
    readers = [
        asyncio.create_task(read_page(ws, got, run))
        for ws, got in zip(pages, run.received, strict=True)
    ]
    writers = members[: run.writers]
    start = time.perf_counter()
    until = start + run.warmup + run.duration
    run.window = (start + run.warmup, until)
    await asyncio.gather(*(write(server, token, channel, run, until) for _, token in writers))
    # What was acknowledged in the window should reach every page: give it time to.
    deadline = time.perf_counter() + 10
    wanted = [c for c, t in run.sent.items() if c in run.acked and t >= run.window[0]]
    while time.perf_counter() < deadline:
        if all(all(c in got for c in wanted) for got in run.received):
            break
        await asyncio.sleep(0.05)
    for ws in pages:
        await ws.close()
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(run: Run, server_cpu: float, own_cpu: float) -> dict[str, Any]:
    low, high = run.window
    in_window = [c for c, t in run.sent.items() if low <= t < high and c in run.acked]
    seconds = high - low
    delivery = [got[c] - run.sent[c] for c in in_window for got in run.received if c in got]
    pairs = len(in_window) * len(run.received)
    posts = [run.acked[c] - run.sent[c] for c in in_window]
    return {
        "database": run.database,
        "pages": run.pages,
        "writers": run.writers,
        "window_s": round(seconds, 2),
        "messages": len(in_window),
        "messages_per_s": round(len(in_window) / seconds, 1) if seconds else 0.0,
        "events_delivered_per_s": round(len(delivery) / seconds, 1) if seconds else 0.0,
        "delivered_share": round(len(delivery) / pairs, 4) if pairs else 0.0,
        "delivery_p50_ms": round(1000 * statistics.median(delivery), 2) if delivery else None,
        "delivery_p99_ms": round(1000 * percentile(delivery, 0.99), 2) if delivery else None,
        "delivery_max_ms": round(1000 * max(delivery), 2) if delivery else None,
        "post_p50_ms": round(1000 * statistics.median(posts), 2) if posts else None,
        "post_p99_ms": round(1000 * percentile(posts, 0.99), 2) if posts else None,
        "server_cpu_percent": round(100 * server_cpu / seconds, 1) if seconds else 0.0,
        "server_cpu_ms_per_message": round(1000 * server_cpu / len(in_window), 3)
        if in_window
        else None,
        "bench_cpu_percent": round(100 * own_cpu / seconds, 1) if seconds else 0.0,
        "resyncs": run.resyncs,
        "errors": len(run.errors),
        "first_error": run.errors[0] if run.errors else None,
    }


def cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def bench_one(database: str, url: str | None, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="palabre-bench-") as tmp:
        data = Path(tmp) / "data"
        url = url or f"sqlite:///{data / 'palabre.db'}"
        people = make_people(url, max(args.pages, args.writers) + 1)
        extra = ["--database-url", url, "--log-level", "warning"]
        server = start_server(data, *extra, die_with_parent=True)
        try:
            process = psutil.Process(server.pid)
            me = psutil.Process()
            run = Run(database, args.pages, args.writers, args.warmup, args.duration)
            task = asyncio.create_task(drive(server, url, people, run))
            # CPU over the window only: sampled when it opens and when it closes.
            while run.window == (0.0, 0.0) and not task.done():
                await asyncio.sleep(0.01)
            if task.done():
                await task
            await asyncio.sleep(max(0.0, run.window[0] - time.perf_counter()))
            server_before, own_before = cpu(process), cpu(me)
            await asyncio.sleep(max(0.0, run.window[1] - time.perf_counter()))
            server_cpu, own_cpu = cpu(process) - server_before, cpu(me) - own_before
            await task
            return measure(run, server_cpu, own_cpu)
        finally:
            server.stop()


def print_result(result: dict[str, Any]) -> None:
    print(f"== {result['database']}: {result['pages']} pages, {result['writers']} writers, "
          f"{result['window_s']} s window")  # fmt: skip
    rows = [
        ("messages acknowledged", f"{result['messages_per_s']:,} /s"),
        ("events delivered to pages", f"{result['events_delivered_per_s']:,} /s"),
        ("delivered", f"{100 * result['delivered_share']:.2f} %"),
        ("delivery p50 / p99 / max", f"{result['delivery_p50_ms']} / "
         f"{result['delivery_p99_ms']} / {result['delivery_max_ms']} ms"),
        ("post until 201, p50 / p99", f"{result['post_p50_ms']} / {result['post_p99_ms']} ms"),
        ("server CPU", f"{result['server_cpu_percent']} % "
         f"({result['server_cpu_ms_per_message']} ms per message)"),
        ("benchmark's own CPU", f"{result['bench_cpu_percent']} %"),
        ("resyncs, errors", f"{result['resyncs']}, {result['errors']}"),
    ]  # fmt: skip
    for name, value in rows:
        print(f"  {name:<28} {value}")
    if result["first_error"]:
        print(f"  first error: {result['first_error']}")


async def main(args: argparse.Namespace) -> int:
    results = []
    postgres = None
    try:
        for database in args.databases:
            url = args.database_url if database == "postgresql" else None
            if database == "postgresql" and url is None:
                try:
                    from postgres_server import PostgresServer

                    postgres = postgres or PostgresServer.start(free_port())
                    url = postgres.new_database()
                except (RuntimeError, OSError) as exc:
                    print(f"== postgresql: skipped, the server could not start: {exc}")
                    continue
            try:
                result = await bench_one(database, url, args)
            except Unsupported as exc:
                print(f"cannot run: {exc}", file=sys.stderr)
                return 2
            print_result(result)
            results.append(result)
    finally:
        if postgres is not None:
            postgres.stop()
    if args.json:
        print(json.dumps({"results": results}))
    return 0


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])  # fmt: skip
    parser.add_argument("--database-url", help="PostgreSQL URL to use instead of a private one")
    parser.add_argument("--pages", type=int, default=100, help="open /api/live pages")
    parser.add_argument("--writers", type=int, default=10, help="concurrent posting clients")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before the window")
    parser.add_argument("--duration", type=float, default=15.0, help="the window, seconds")
    parser.add_argument("--json", action="store_true", help="a JSON line of results at the end")
    args = parser.parse_args(argv)
    if args.pages < 1 or args.writers < 1:
        parser.error("at least one page and one writer")
    if args.database_url:
        args.databases = ["postgresql"]
    return args


if __name__ == "__main__":
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover
        runner = asyncio.run
    sys.exit(runner(main(parse())))
