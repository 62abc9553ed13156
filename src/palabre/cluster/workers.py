"""Spawning and supervising the SFU worker processes.

Each worker is `python -m palabre.cluster.worker` in its own session (a terminal's Ctrl-C goes
to the main process, which stops the workers in order). Its configuration and secrets go
through its standard input, never its command line; it answers on its standard output
(src/palabre/cluster/worker.py). A worker notices the main process's death by the end of its
standard input, whatever killed the main process. A worker that dies is started again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import msgspec

from ..config import Settings
from ..signaling.counts import MeetingUsage
from .worker import WorkerConfig

log = logging.getLogger(__name__)

START_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0
RESTART_DELAY = 1.0


class WorkerError(Exception):
    pass


def media_ports(settings: Settings, index: int) -> tuple[int, int | None]:
    """Worker `index` takes media_port + index (0 stays 0: a free port), same for ICE-TCP."""
    udp = settings.media_port + index if settings.media_port else 0
    tcp = settings.media_tcp_port
    if tcp:
        tcp += index
    return udp, tcp


class Worker:
    def __init__(self, config: WorkerConfig) -> None:
        self.config = config
        self.index = config.index
        self.socket = config.socket
        self.pid: int | None = None
        self.udp_port: int | None = None
        self.tcp_port: int | None = None
        self.running = False
        self._process: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()
        self._ref = 0
        self.usage_seen = 0  # the last ended meeting this life of the worker told us of
        self.leftover: list[MeetingUsage] = []  # told at its stop, not yet taken

    async def start(self) -> None:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "palabre.cluster.worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        self._process = process
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(msgspec.json.encode(self.config) + b"\n")
        await process.stdin.drain()
        try:
            line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT)
            ready = json.loads(line)
        except (TimeoutError, ValueError):
            ready = {}
        if not ready.get("ready"):
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise WorkerError(f"media worker {self.index} did not start")
        self.pid = process.pid
        self.usage_seen = 0
        self.udp_port = ready["udp_port"]
        self.tcp_port = ready["tcp_port"]
        self.running = True

    async def request(
        self, op: str, timeout: float = 2.0, **fields: object
    ) -> dict[str, Any] | None:
        """One control request and its reply; None when the worker does not answer."""
        process = self._process
        if process is None or not self.running:
            return None
        assert process.stdin is not None and process.stdout is not None
        async with self._lock:
            self._ref += 1
            try:
                line = json.dumps({**fields, "op": op, "ref": self._ref}).encode()
                process.stdin.write(line + b"\n")
                await process.stdin.drain()
                async with asyncio.timeout(timeout):
                    while True:
                        line = await process.stdout.readline()
                        if not line:  # it died; the supervisor will hear of it
                            self.running = False
                            return None
                        reply: dict[str, Any] = json.loads(line)
                        # A reply that came too late for an earlier request is skipped.
                        if reply.pop("ref", None) == self._ref:
                            return reply
            except (OSError, TimeoutError, ValueError):
                return None

    async def ended_meetings(self) -> list[MeetingUsage]:
        """The meetings that ended on this worker since the last call (counts only)."""
        taken, self.leftover = self.leftover, []
        if self.running:
            taken.extend(self._new_meetings(await self.request("usage", after=self.usage_seen)))
        return taken

    def _new_meetings(self, reply: dict[str, Any] | None) -> list[MeetingUsage]:
        found: list[MeetingUsage] = []
        rows = reply.get("meetings") if reply else None
        for row in rows if isinstance(rows, list) else []:
            try:
                seq, opened, ended, participants, seconds = row
                if int(seq) <= self.usage_seen:
                    continue
                found.append(MeetingUsage(float(opened), float(ended), int(participants),
                                          float(seconds)))  # fmt: skip
                self.usage_seen = int(seq)
            except (TypeError, ValueError):
                continue
        return found

    async def wait(self) -> int:
        assert self._process is not None
        return await self._process.wait()

    async def stop(self) -> None:
        """Ask the worker to say goodbye to its participants and exit; kill it if it hangs."""
        process = self._process
        if process is None or process.returncode is not None:
            return
        reply = await self.request("shutdown", after=self.usage_seen)
        self.leftover.extend(self._new_meetings(reply))
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            log.warning("media worker %d did not stop: killing it", self.index)
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        self.running = False

    def kill(self) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()


class Workers:
    """The N workers of this run: their private socket directory, grant key and supervision."""

    def __init__(
        self,
        settings: Settings,
        server_secret: bytes,
        grant_key: bytes,
    ) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="palabre-workers-"))  # mode 0700
        self.workers: list[Worker] = []
        # Workers hold no accounts, sign-in or token secrets: the main process uses those.
        settings = msgspec.structs.replace(
            settings, oidc_client_secret=None, jwt_secret=None, database_url=None
        )
        for index in range(settings.media_workers):
            udp, tcp = media_ports(settings, index)
            config = WorkerConfig(
                index=index,
                settings=settings,
                server_secret=server_secret.hex(),
                grant_key=grant_key.hex(),
                socket=str(self._dir / f"worker-{index}.sock"),
                media_port=udp,
                media_tcp_port=tcp,
            )
            self.workers.append(Worker(config))
        self._stopping = False
        self._supervisors: list[asyncio.Task[None]] = []

    def __len__(self) -> int:
        return len(self.workers)

    def __getitem__(self, index: int) -> Worker:
        return self.workers[index]

    async def start(self) -> None:
        try:
            await asyncio.gather(*(worker.start() for worker in self.workers))
        except BaseException:
            await self.close()
            raise
        for worker in self.workers:
            log.info(
                "media worker %d (pid %s): udp/%s tcp/%s",
                worker.index,
                worker.pid,
                worker.udp_port,
                worker.tcp_port,
            )
            self._supervisors.append(asyncio.create_task(self._supervise(worker)))

    async def _supervise(self, worker: Worker) -> None:
        while True:
            code = await worker.wait()
            worker.running = False
            if self._stopping:
                return
            log.error("media worker %d exited (%s): starting it again", worker.index, code)
            while not self._stopping:
                await asyncio.sleep(RESTART_DELAY)
                try:
                    await worker.start()
                except WorkerError as exc:
                    log.error("%s", exc)
                    continue
                break

    async def stop(self) -> None:
        """Every worker says goodbye to its participants and exits."""
        self._stopping = True
        for task in self._supervisors:
            task.cancel()
        await asyncio.gather(*(worker.stop() for worker in self.workers))

    async def close(self) -> None:
        self._stopping = True
        for task in self._supervisors:
            task.cancel()
        for worker in self.workers:
            worker.kill()
        shutil.rmtree(self._dir, ignore_errors=True)
