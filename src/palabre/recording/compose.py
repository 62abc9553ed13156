"""The composed file of a recording: every camera and screen in a grid, the active speaker's
tile framed, every microphone mixed, on the recording's timeline, made by ffmpeg
(Debian's `ffmpeg`) in a child process, niced, one at a time (recorder.py).

`command` is pure (tested without ffmpeg); `compose` runs it without blocking the loop and
returns None once `composed.webm` is in place, else the reason it is not.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .manifest import COMPOSED, Manifest, TrackEntry

WIDTH, HEIGHT, FPS = 960, 540, 15
BORDER = 4  # pixels around each tile: the active speaker's frame
MAX_INTERVALS = 200  # speaker turns drawn per tile (ffmpeg's expressions stay short)
# libopus takes 20 ms frames at most (ffmpeg 5.1 refuses more): apad makes 4096 samples.
OPUS_FRAMES = "asetnsamples=n=960"
BACKGROUND, TILE, SPEAKER = "0x202020", "0x3a3a3a", "0xf5c518"


@dataclass(frozen=True)
class Tile:
    participant: str
    x: int
    y: int
    width: int
    height: int
    start: float  # seconds on the recording's timeline
    end: float
    video: int | None  # the input index of its video track, if any


def tiles(manifest: Manifest) -> list[Tile]:
    """One tile per video track (a camera, a screen) and per participant heard but not seen,
    in the order they first appear, laid out in the most square grid that holds them."""
    video = [(i, t) for i, t in enumerate(manifest.tracks) if t.kind == "video"]
    seen = {t.participant for _, t in video}
    heard: dict[str, TrackEntry] = {}
    for track in manifest.tracks:
        if track.kind == "audio" and track.participant not in seen:
            first = heard.get(track.participant)
            if first is None or track.start < first.start:
                heard[track.participant] = track
    entries: list[tuple[int | None, TrackEntry]] = [*video, *((None, t) for t in heard.values())]
    entries.sort(key=lambda item: item[1].start)
    count = len(entries)
    if not count:
        return []
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    width, height = WIDTH // columns // 2 * 2, HEIGHT // rows // 2 * 2
    spans = _presence(manifest)
    out = []
    for n, (index, track) in enumerate(entries):
        row, column = divmod(n, columns)
        start, end = (track.start, track.end) if index is not None else spans[track.participant]
        out.append(Tile(track.participant, column * width, row * height, width, height,
                        start, end, index))  # fmt: skip
    return out


def _presence(manifest: Manifest) -> dict[str, tuple[float, float]]:
    spans: dict[str, tuple[float, float]] = {}
    for track in manifest.tracks:
        start, end = spans.get(track.participant, (track.start, track.end))
        spans[track.participant] = (min(start, track.start), max(end, track.end))
    return spans


def speaking(manifest: Manifest) -> dict[str, list[tuple[float, float]]]:
    """Each participant's turns as the dominant speaker, on the recording's timeline."""
    turns: dict[str, list[tuple[float, float]]] = {}
    changes = sorted(manifest.speakers, key=lambda s: s.at)
    for n, change in enumerate(changes):
        end = changes[n + 1].at if n + 1 < len(changes) else manifest.duration
        if end > change.at:
            turns.setdefault(change.participant, []).append((change.at, end))
    return turns


def _between(spans: list[tuple[float, float]]) -> str:
    return "+".join(f"between(t,{a:.2f},{b:.2f})" for a, b in spans[:MAX_INTERVALS])


def filter_graph(manifest: Manifest) -> tuple[str, bool]:
    """The filter graph (inputs are the manifest's tracks in order) ending in [v] and [a];
    and whether any audio is mixed (else [a] is silence)."""
    duration = max(manifest.duration, 0.1)
    parts = [f"color=c={BACKGROUND}:s={WIDTH}x{HEIGHT}:r={FPS}:d={duration:.3f}[v0]"]
    last = "v0"
    turns = speaking(manifest)
    for n, tile in enumerate(tiles(manifest)):
        inner_w, inner_h = tile.width - 2 * BORDER, tile.height - 2 * BORDER
        box = f"{tile.x + BORDER}:{tile.y + BORDER}:{inner_w}:{inner_h}"
        presence = _between([(tile.start, tile.end)])
        parts.append(f"[{last}]drawbox={box}:color={TILE}:t=fill:enable='{presence}'[t{n}]")
        last = f"t{n}"
        if tile.video is not None:
            parts.append(
                f"[{tile.video}:v]setpts=PTS-STARTPTS+{tile.start:.3f}/TB,"
                f"scale={inner_w}:{inner_h}:force_original_aspect_ratio=decrease,"
                f"pad={inner_w}:{inner_h}:(ow-iw)/2:(oh-ih)/2,setsar=1[in{n}]"
            )
            parts.append(
                f"[{last}][in{n}]overlay={tile.x + BORDER}:{tile.y + BORDER}:eof_action=pass[o{n}]"
            )
            last = f"o{n}"
        spans = turns.get(tile.participant)
        if spans:
            frame = f"{tile.x}:{tile.y}:{tile.width}:{tile.height}"
            parts.append(
                f"[{last}]drawbox={frame}:color={SPEAKER}:t={BORDER}:enable='{_between(spans)}'"
                f"[s{n}]"
            )
            last = f"s{n}"
    parts.append(f"[{last}]format=yuv420p[v]")
    audio = [(i, t) for i, t in enumerate(manifest.tracks) if t.kind == "audio"]
    for i, track in audio:
        delay = round(track.start * 1000)
        parts.append(
            f"[{i}:a]asetpts=PTS-STARTPTS,aresample=48000,adelay=delays={delay}:all=1[a{i}]"
        )
    if len(audio) > 1:
        inputs = "".join(f"[a{i}]" for i, _ in audio)
        parts.append(f"{inputs}amix=inputs={len(audio)}:duration=longest:dropout_transition=0"
                     f":normalize=0,apad,{OPUS_FRAMES}[a]")  # fmt: skip
    elif audio:
        parts.append(f"[a{audio[0][0]}]apad,{OPUS_FRAMES}[a]")
    else:
        parts.append(f"anullsrc=r=48000:cl=stereo,{OPUS_FRAMES}[a]")
    return ";".join(parts), bool(audio)


def command(directory: Path, manifest: Manifest, ffmpeg: str = "ffmpeg") -> list[str]:
    """ffmpeg's arguments: the tracks in, the composed file (to a temporary name) out."""
    graph, _ = filter_graph(manifest)
    args = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    for track in manifest.tracks:
        args += ["-i", str(directory / track.file)]
    args += [
        "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
        "-t", f"{max(manifest.duration, 0.1):.3f}",
        "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M",
        "-g", str(FPS * 4), "-c:a", "libopus", "-b:a", "64k",
        "-f", "webm", str(directory / (COMPOSED + ".tmp")),
    ]  # fmt: skip
    return args


async def compose(directory: Path, manifest: Manifest, ffmpeg: str = "ffmpeg") -> str | None:
    """Make `composed.webm`; None when done, else why not."""
    if shutil.which(ffmpeg) is None:
        return "ffmpeg is not installed on the server"
    args = command(directory, manifest, ffmpeg)
    if shutil.which("nice"):  # the SFU in the same process tree comes first
        args = ["nice", "-n", "10", *args]
    process = await asyncio.create_subprocess_exec(
        *args, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    timeout = 120 + 4 * manifest.duration
    try:
        _, errors = await asyncio.wait_for(process.communicate(), timeout)
    except (TimeoutError, asyncio.CancelledError):
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    if process.returncode != 0:
        text = errors.decode(errors="replace").strip().splitlines()
        return "ffmpeg failed: " + (text[-1] if text else f"exit {process.returncode}")
    os.replace(directory / (COMPOSED + ".tmp"), directory / COMPOSED)
    return None
