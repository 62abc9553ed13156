"""Meeting recordings, served and kept (docs/recording.md).

- GET /api/recordings/{id}/{key}/recording.webm: a recording's composed file, for whoever
  holds its link: the hub sends it to the meeting's moderators only (`recording_status`),
  and anything else (another key, a recording not ready) answers 404. Range is honoured.
- The `recordings` job: a space's meeting's recording, once composed, is saved into the
  space's files as the moderator who started it (if they still may write there); and every
  recording is removed from the data directory when `recording_retention` is over.

The recordings are written by whichever process holds the room (this one, or a media
worker) into the data directory's recordings/, which this process reads.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from ...accounts.users import User
from ...errors import Refusal
from ...files.blobs import Blob
from ...files.content import Target, add_content, upload_target
from ...meeting.names import SPACE_ROOM_PREFIX
from ...recording import manifest as mf
from ...recording import store
from ...recording.recorder import compose_recording
from ...spaces.store import space_of_room
from .endpoints import ApiContext
from .jobs import JOBS, Job

log = logging.getLogger(__name__)

KEEP_INTERVAL = 5.0  # seconds between two looks for recordings to keep or remove
CHUNK = 1 << 20
TITLES = ("Enregistrement de réunion du %d-%m-%Y %Hh%M UTC.webm",
          "Meeting recording, %Y-%m-%d %H.%M UTC.webm")  # fmt: skip


def recordings_root(ctx: ApiContext) -> Path:
    return Path(ctx.settings.data_dir) / mf.RECORDINGS


def routes(ctx: ApiContext) -> list[Route]:
    root = recordings_root(ctx)

    async def download(request: Request) -> Response:
        found = await ctx.run_blocking(
            store.composed, root, request.path_params["id"], request.path_params["key"]
        )
        if found is None:
            error = {"code": "not_found", "message": "no such recording, or not ready"}
            return JSONResponse({"error": error}, status_code=404)
        path, manifest = found
        started = datetime.fromtimestamp(manifest.started_at, UTC)
        name = started.strftime("palabre-%Y%m%d-%H%M.webm")
        return FileResponse(path, media_type="video/webm", filename=name,
                            headers={"cache-control": "private, no-store"})  # fmt: skip

    return [Route("/api/recordings/{id}/{key}/recording.webm", download, methods=["GET"])]


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            yield chunk


def _target(session: Session, manifest: mf.Manifest) -> tuple[int, Target] | str:
    """The account and upload target of a space meeting's recording, or why there is none."""
    user = session.scalar(select(User).where(User.name == manifest.by))
    space_id = space_of_room(session, manifest.room)
    if user is None or space_id is None:
        return "no signed-in moderator or no space"
    started = datetime.fromtimestamp(manifest.started_at, UTC)
    title = TITLES[0] if (user.language or "fr") == "fr" else TITLES[1]
    try:
        return user.id, upload_target(session, user.id, space_id, None, started.strftime(title))
    except Refusal as refusal:
        return f"refused: {refusal}"


async def keep(ctx: ApiContext, directory: Path, manifest: mf.Manifest) -> str:
    """Save a space meeting's composed recording into the space's files; what became of it."""
    found = await ctx.run(_target, manifest)
    if isinstance(found, str):
        return found
    user_id, target = found
    blob: Blob = await ctx.run_blocking(ctx.blobs.put, _chunks(directory / mf.COMPOSED))
    try:
        _, events = await ctx.run(add_content, user_id, target, blob)
    except Refusal as refusal:
        await ctx.run_blocking(ctx.blobs.delete, blob.key)
        return f"refused: {refusal}"
    except BaseException:
        await ctx.run_blocking(ctx.blobs.delete, blob.key)
        raise
    await ctx.publish(events)
    return "saved"


async def keep_and_purge(ctx: ApiContext) -> None:
    root = recordings_root(ctx)
    removed = await ctx.run_blocking(store.purge, root, time.time(),
                                     ctx.settings.recording_retention)  # fmt: skip
    if removed:
        log.info("recordings: %d past their retention were removed", removed)
    now = time.time()
    for directory, manifest in await ctx.run_blocking(lambda: list(store.listing(root))):
        if store.orphaned(directory, manifest, now):
            await _compose_orphan(directory, manifest)
        if manifest.state != "ready" or manifest.kept is not None:
            continue
        if not manifest.room.startswith(SPACE_ROOM_PREFIX) or manifest.by is None:
            continue
        if not await ctx.run_blocking(store.claim, directory):
            continue
        try:
            outcome = await keep(ctx, directory, manifest)
            current = await ctx.run_blocking(mf.read, directory)
            current.kept = outcome
            await ctx.run_blocking(mf.write, directory, current)
            log.info("a space meeting's recording: %s", outcome)
        finally:
            await ctx.run_blocking(store.release, directory)


async def _compose_orphan(directory: Path, manifest: mf.Manifest) -> None:
    """A recording whose process stopped before composing it: composed here."""
    if not await asyncio.to_thread(store.claim, directory):
        return
    try:
        await asyncio.to_thread(store.lock, directory)
        manifest.tracks = [t for t in manifest.tracks if t.frames]
        reason = await compose_recording(directory, manifest, "ffmpeg")
        log.info("an interrupted recording was composed: %s", reason or "ready")
    finally:
        await asyncio.to_thread(store.unlock, directory)
        await asyncio.to_thread(store.release, directory)


KEEP = Job("recordings", KEEP_INTERVAL, keep_and_purge)
JOBS.append(KEEP)
