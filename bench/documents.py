"""Documents benchmark: Yjs updates per second one Palabre process merges and persists from E
concurrent editors of one document, and the latency from one editor's keystroke to another's
screen (issue 14's bar), on loopback.

It starts one `palabre serve` (SQLite in a fresh data directory, or --database-url), makes E
accounts with a token each (palabre.bot.people), a space with them as members and one
document, then connects E editors and one watcher to /api/yjs/{id} (palabre.bot.yjs: pycrdt
over the y-websocket protocol, what a stock client speaks). Each editor types one character
at a time at the end of its own paragraph, an update per keystroke, keeping at most
--in-flight keystrokes not yet acknowledged as saved (the server's SAVED message says which
state is in the database: an acknowledged update is durable). With --rate, each editor types
at most that many keystrokes per second (a person types 5 to 10).

It reports, over the window after a warm-up:
- updates per second acknowledged as saved (all editors together);
- the keystroke latency: from the moment an editor made the keystroke to the moment the
  watcher applied it (p50, p99, max); the watcher's clock is the editors' (one process);
- the save latency (keystroke until the SAVED that covers it), p50 and p99;
- the server's CPU (user + system) per second and per update, and this process's CPU (the
  editors share the machine's cores with the server).

    .venv/bin/python bench/documents.py                       # 20 editors, 10 s
    .venv/bin/python bench/documents.py --editors 20 --rate 8 # people typing
    .venv/bin/python bench/documents.py --json                # a JSON line at the end
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
from pycrdt import XmlElement, XmlText

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from palabre.bot.harness import ServerProcess, start_server  # noqa: E402
from palabre.bot.people import add_members, make_people  # noqa: E402
from palabre.bot.yjs import YClient, clock_of  # noqa: E402


@dataclass
class Editor:
    """One editor: when each of its keystrokes was made, by its clock after it."""

    client: YClient
    name: str
    made: dict[int, float] = field(default_factory=dict)  # clock -> perf_counter
    saved: dict[int, float] = field(default_factory=dict)  # clock -> when its SAVED came
    seen: dict[int, float] = field(default_factory=dict)  # clock -> when the watcher had it

    @property
    def client_id(self) -> int:
        return self.client.doc.client_id

    def acknowledged_clock(self) -> int:
        states = self.client.saved_states
        return clock_of(states[-1], self.client_id) if states else 0


async def type_on(editor: Editor, until: float, in_flight: int, rate: float | None) -> None:
    doc = editor.client.doc
    with doc.transaction():
        paragraph = editor.client.fragment.children.append(XmlElement("paragraph"))
        text = paragraph.children.append(XmlText(""))
    gap = 1.0 / rate if rate else 0.0
    next_at = time.perf_counter()
    while time.perf_counter() < until and not editor.client.closed.is_set():
        mine = clock_of(doc.get_state(), editor.client_id)
        if mine - editor.acknowledged_clock() >= in_flight:
            await asyncio.sleep(0.001)
            continue
        if gap:
            delay = next_at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            next_at += gap
        text.insert(len(text), "a")
        editor.made[clock_of(doc.get_state(), editor.client_id)] = time.perf_counter()
        await asyncio.sleep(0)  # let the writer send it


def watch(watcher: YClient, editors: list[Editor]) -> None:
    """On each remote update the watcher applies: note which keystrokes it brought."""
    known = {e.client_id: 0 for e in editors}
    by_id = {e.client_id: e for e in editors}

    def on_remote() -> None:
        now = time.perf_counter()
        state = watcher.doc.get_state()
        for client_id, before in known.items():
            after = clock_of(state, client_id)
            if after > before:
                editor = by_id[client_id]
                for clock in range(before + 1, after + 1):
                    editor.seen.setdefault(clock, now)
                known[client_id] = after

    watcher.on_remote.append(on_remote)


def note_saves(editor: Editor) -> None:
    """When each keystroke's SAVED came (polled: the client keeps the states it got)."""
    clock = editor.acknowledged_clock()
    now = time.perf_counter()
    for c in range(max(editor.saved, default=0) + 1, clock + 1):
        editor.saved[c] = now


async def poll_saves(editors: list[Editor], until: float) -> None:
    while time.perf_counter() < until:
        for editor in editors:
            note_saves(editor)
        await asyncio.sleep(0.002)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def prepare(server: ServerProcess, url: str, people: list[tuple[str, str]]) -> str:
    """A space owned by people[0], the others members; one document in it: its id."""
    async with httpx.AsyncClient(
        base_url=server.http_url, headers={"authorization": f"Bearer {people[0][1]}"}, timeout=60
    ) as owner:
        space = (await owner.post("/api/spaces", json={"name": "Bench"})).json()["id"]
        await asyncio.to_thread(add_members, url, space, [name for name, _ in people[1:]])
        made = await owner.post(f"/api/spaces/{space}/documents", json={"title": "Bench"})
        made.raise_for_status()
        return str(made.json()["id"])


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="palabre-bench-docs-") as tmp:
        data = Path(tmp) / "data"
        url = args.database_url or f"sqlite:///{Path(tmp) / 'palabre.db'}"
        people = make_people(url, args.editors + 1, prefix="editor")
        server = start_server(data, "--database-url", url, "--log-level", "warning",
                              die_with_parent=True)  # fmt: skip
        try:
            doc_id = await prepare(server, url, people)
            ws = server.http_url.replace("http", "ws", 1) + f"/api/yjs/{doc_id}"
            return await measure(server, ws, people, args)
        finally:
            server.stop()


async def measure(
    server: ServerProcess, ws: str, people: list[tuple[str, str]], args: argparse.Namespace
) -> dict[str, Any]:
    clients = [YClient(ws, token=token) for _, token in people[1:]]
    watcher = YClient(ws, token=people[0][1], saved=False)
    for c in [*clients, watcher]:
        await c.__aenter__()
    try:
        await asyncio.wait_for(asyncio.gather(*(c.synced.wait() for c in [*clients, watcher])), 60)
        editors = [Editor(c, name) for c, (name, _) in zip(clients, people[1:], strict=True)]
        watch(watcher, editors)
        process = psutil.Process(server.pid)
        me = psutil.Process()
        started = time.perf_counter()
        window_start = started + args.warmup
        until = window_start + args.duration
        saves = asyncio.create_task(poll_saves(editors, until + 5))
        typing = [
            asyncio.create_task(type_on(e, until, args.in_flight, args.rate)) for e in editors
        ]
        await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
        cpu0, my0 = process.cpu_times(), me.cpu_times()
        acked0 = sum(e.acknowledged_clock() for e in editors)
        await asyncio.sleep(max(0.0, until - time.perf_counter()))
        cpu1, my1 = process.cpu_times(), me.cpu_times()
        acked1 = sum(e.acknowledged_clock() for e in editors)
        await asyncio.gather(*typing)
        await asyncio.sleep(2)  # the last keystrokes reach the watcher and are saved
        saves.cancel()
    finally:
        for c in [*clients, watcher]:
            await c.__aexit__()
    server_cpu = (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)
    my_cpu = (my1.user + my1.system) - (my0.user + my0.system)
    updates = acked1 - acked0
    latency, save_latency, made, unseen = [], [], 0, 0
    for e in editors:
        for clock, at in e.made.items():
            if not window_start <= at < until:
                continue
            made += 1
            if clock in e.seen:
                latency.append(e.seen[clock] - at)
            else:
                unseen += 1
            if clock in e.saved:
                save_latency.append(e.saved[clock] - at)
    return {
        "editors": args.editors,
        "rate": args.rate,
        "in_flight": args.in_flight,
        "duration": args.duration,
        "updates_per_s": updates / args.duration,
        "keystrokes_in_window": made,
        "not_seen_by_watcher": unseen,
        "latency_ms": {
            "p50": 1000 * percentile(latency, 0.5),
            "p99": 1000 * percentile(latency, 0.99),
            "max": 1000 * max(latency, default=float("nan")),
        },
        "save_latency_ms": {
            "p50": 1000 * percentile(save_latency, 0.5),
            "p99": 1000 * percentile(save_latency, 0.99),
        },
        "server_cpu_per_s": server_cpu / args.duration,
        "server_cpu_us_per_update": 1e6 * server_cpu / updates if updates else float("nan"),
        "bench_cpu_per_s": my_cpu / args.duration,
        "mean_latency_ms": 1000 * statistics.fmean(latency) if latency else float("nan"),
    }


def print_result(r: dict[str, Any]) -> None:
    pace = f"{r['rate']:g} keystrokes/s each" if r["rate"] else "as fast as acknowledged"
    print(f"== {r['editors']} editors, {pace}, {r['in_flight']} in flight, {r['duration']:g} s")
    print(f"  updates saved per second        {r['updates_per_s']:,.0f}")
    lat, save = r["latency_ms"], r["save_latency_ms"]
    print(f"  keystroke -> other screen        p50 {lat['p50']:.1f} ms  p99 {lat['p99']:.1f} ms  "
          f"max {lat['max']:.1f} ms ({r['not_seen_by_watcher']} of "
          f"{r['keystrokes_in_window']} not seen)")  # fmt: skip
    print(f"  keystroke -> saved               p50 {save['p50']:.1f} ms  p99 {save['p99']:.1f} ms")
    print(f"  server CPU                       {100 * r['server_cpu_per_s']:.0f} % of a core, "
          f"{r['server_cpu_us_per_update']:.0f} µs per update")  # fmt: skip
    print(f"  benchmark's own CPU              {100 * r['bench_cpu_per_s']:.0f} % of a core")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--editors", type=int, default=20, help="concurrent editors")
    parser.add_argument("--rate", type=float, default=None,
                        help="keystrokes per second per editor (default: as saved)")  # fmt: skip
    parser.add_argument("--in-flight", type=int, default=4,
                        help="keystrokes an editor may have unacknowledged")  # fmt: skip
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before the window")
    parser.add_argument("--duration", type=float, default=10.0, help="the window, seconds")
    parser.add_argument("--database-url", help="a database to use instead of a fresh SQLite")
    parser.add_argument("--json", action="store_true", help="a JSON line of results at the end")
    args = parser.parse_args(argv)
    if args.editors < 1 or args.in_flight < 1:
        parser.error("at least one editor and one keystroke in flight")
    return args


async def main(args: argparse.Namespace) -> int:
    result = await run(args)
    print_result(result)
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
