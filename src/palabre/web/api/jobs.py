"""Periodic jobs of the workspace (deleting spaces whose grace has ended, e-mail digests):
each runs every `interval` seconds while the app serves, in the app's lifespan. A job that
fails is logged and tried again at its next turn; several processes may run the same job,
so a job must be safe to run concurrently (claim rows in a transaction)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .endpoints import ApiContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    interval: float  # seconds between the end of one run and the start of the next
    run: Callable[[ApiContext], Awaitable[None]]


# Each package's jobs, added by the module that defines them.
JOBS: list[Job] = []


async def run_jobs(ctx: ApiContext, jobs: list[Job] | None = None) -> None:
    """Run every job forever (until cancelled)."""
    await asyncio.gather(*(_every(job, ctx) for job in (JOBS if jobs is None else jobs)))


async def _every(job: Job, ctx: ApiContext) -> None:
    while True:
        try:
            await job.run(ctx)
        except Exception:
            log.exception("job %s failed; it runs again in %.0f s", job.name, job.interval)
        await asyncio.sleep(job.interval)
