"""Background effects benchmark: what blurring or replacing the camera's background costs in
the browser (client/src/effects), in Debian's headless Chromium with its fake camera.

It starts one `palabre serve`, opens a prejoin page and, for each effect in turn (none,
blur, an image), lets it run for --seconds, then reports:
- frames drawn and sent per second and the time to draw one (mask, blur or image), frames
  segmented per second and the model's time per frame, and its first frame's (setting the
  model up), as `window.__palabreBackground.stats()` gives them;
- the CPU (user + system) of every process of the browser, in cores, over the window.

Headless here means no GPU: the model's WebGL runs on SwiftShader, on the CPU, so these are
the figures of a machine without graphics acceleration, the worst case.

    .venv/bin/python bench/background.py                 # 15 s per effect
    .venv/bin/python bench/background.py --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
CHROMIUM = os.environ.get("PALABRE_CHROMIUM", "/usr/bin/chromium")
TICK = os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process under `pid` (the browser's, through Playwright's driver)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out: list[int] = []
    todo = [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


async def measure(page: Any, seconds: float) -> dict[str, Any]:
    me = os.getpid()
    stats0 = await page.evaluate("() => window.__palabreBackground.stats()")
    cpu0, t0 = cpu_seconds(descendants(me)), time.monotonic()
    await asyncio.sleep(seconds)
    stats1 = await page.evaluate("() => window.__palabreBackground.stats()")
    cpu1, t1 = cpu_seconds(descendants(me)), time.monotonic()
    out: dict[str, Any] = {"browser_cpu_cores": round((cpu1 - cpu0) / (t1 - t0), 2)}
    if stats1:

        def rate(key: str) -> float:
            n = stats1[0][key] - (stats0[0][key] if stats0 else 0)
            return round(n / (t1 - t0), 1)

        out |= {
            "fps": rate("frames"),
            "ms_per_frame": stats1[0]["msPerFrame"],
            "segmentations_per_s": rate("segmentations"),
            "ms_per_segmentation": stats1[0]["msPerSegmentation"],
            "first_segmentation_ms": stats1[0]["firstSegmentationMs"],
        }
    return out


async def choose(page: Any, value: str) -> None:
    await page.click(f'#prejoin-background input[value="{value}"]', force=True)
    if value == "none":
        await page.wait_for_function("() => window.__palabreBackground.stats().length === 0")
    else:
        await page.wait_for_function(
            "(v) => { const s = window.__palabreBackground.stats();"
            " return s.length === 1 && s[0].background === v && s[0].segmentations >= 3; }",
            arg=value,
            timeout=120_000,
        )


async def run(seconds: float) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    from conftest import CHROMIUM_FLAGS
    from palabre.bot.harness import start_server

    results: dict[str, Any] = {"load_average": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "data")
        try:
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                page = await browser.new_page()
                await page.goto(server.http_url + "/bench-background")
                await page.wait_for_function(
                    "() => document.querySelector('video.preview')?.videoWidth > 0"
                )
                for effect in ("none", "blur", "image:sky"):
                    await choose(page, effect)
                    results[effect] = await measure(page, seconds)
                results["camera"] = await page.evaluate(
                    "() => { const v = document.querySelector('video.preview');"
                    " return `${v.videoWidth}x${v.videoHeight}`; }"
                )
                await browser.close()
        finally:
            server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = asyncio.run(run(args.seconds))
    if args.json:
        print(json.dumps(results))
        return
    print(f"camera {results['camera']}, load average {results['load_average']:.1f}")
    for effect in ("none", "blur", "image:sky"):
        print(f"{effect:10} {results[effect]}")


if __name__ == "__main__":
    main()
