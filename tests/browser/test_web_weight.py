"""First loads stay light, as served (compressed): the meeting page under 250 KB, the
workspace (/spaces, signed in) under 150 KB; neither contacts another origin."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_helpers import join_from_prejoin, new_page
from workspace_helpers import add_account, sign_in

pytestmark = pytest.mark.browser

BUDGET = 250 * 1024
WORKSPACE_BUDGET = 150 * 1024
COUNTED = {"document", "script", "stylesheet", "image", "font", "manifest", "other"}


async def served_size(client: httpx.AsyncClient, url: str) -> tuple[int, str]:
    """Bytes on the wire for url with gzip accepted, and the content encoding used."""
    async with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as r:
        r.raise_for_status()
        size = 0
        async for chunk in r.aiter_raw():
            size += len(chunk)
        return size, r.headers.get("content-encoding", "identity")


async def weigh(base: str, urls: list[str], report: Path) -> dict[str, dict[str, Any]]:
    """Each URL's bytes as served (compressed) and its encoding, written to `report`."""
    files: dict[str, dict[str, Any]] = {}
    async with httpx.AsyncClient() as client:
        for url in urls:
            size, encoding = await served_size(client, url)
            files[url.removeprefix(base)] = {"bytes": size, "encoding": encoding}
    total = sum(f["bytes"] for f in files.values())
    await asyncio.to_thread(
        report.write_text, json.dumps({"total_bytes": total, "files": files}, indent=2)
    )
    return files


async def test_meeting_first_load_under_budget(
    browser: Any, web_server: Any, artifacts: Path
) -> None:
    base = web_server.http_url
    page, _ = await new_page(browser, "weight")
    urls: list[str] = []

    def on_response(resp: Any) -> None:
        req = resp.request
        url = resp.url
        if (
            url.startswith(base)
            and req.method == "GET"
            and req.resource_type in COUNTED
            and "/api/" not in url
            and url not in urls
        ):
            urls.append(url)

    page.on("response", on_response)
    requested: list[str] = []
    page.on("request", lambda req: requested.append(req.url))
    page.on("websocket", lambda ws: requested.append(ws.url))
    # A person opens a meeting link and joins: everything fetched until the meeting is up.
    await page.goto(base + "/weight-room")
    await join_from_prejoin(page, "Wanda")
    await page.wait_for_load_state("networkidle")

    # The page contacts no origin but the server's own.
    ws_base = "ws" + base.removeprefix("http")
    own = (base + "/", ws_base + "/", "data:", "blob:")
    foreign = [u for u in requested if not u.startswith(own)]
    assert foreign == []

    files = await weigh(base, urls, artifacts / "web-weight.json")
    total = sum(f["bytes"] for f in files.values())
    print(f"meeting page first load: {total} bytes compressed ({total / 1024:.1f} KiB)")

    kinds = {Path(u.split("?")[0]).suffix for u in files}
    assert {".js", ".css"} <= kinds, files
    # The workspace's code is not part of the meeting page's load.
    assert not any("/assets/workspace-" in f for f in files), files
    assert any(f == "/weight-room" for f in files), files
    for name, f in files.items():
        if name.endswith((".js", ".css")) or name == "/weight-room":
            assert f["encoding"] == "gzip", (name, f)
    assert total < BUDGET, files


async def test_workspace_first_load_under_budget(
    browser: Any, server_factory: Callable[..., Any], tmp_path: Path, artifacts: Path
) -> None:
    add_account(tmp_path / "data", "wanda", "Wanda")
    server = server_factory()
    base = server.http_url
    page, log = await new_page(browser, "workspace-weight")
    await sign_in(page, base, "wanda", "/")  # the sign-in itself is not the workspace's load
    urls: list[str] = []
    requested: list[str] = []

    def on_response(resp: Any) -> None:
        req = resp.request
        if (
            resp.url.startswith(base)
            and req.method == "GET"
            and req.resource_type in COUNTED
            and "/api/" not in resp.url
            and resp.url not in urls
        ):
            urls.append(resp.url)

    page.on("response", on_response)
    page.on("request", lambda req: requested.append(req.url))
    page.on("websocket", lambda ws: requested.append(ws.url))
    # A fresh load of the workspace's home, as after a bookmark; the cache is not counted.
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    await page.goto(base + "/spaces")
    await page.wait_for_selector("#new-space-name")
    await page.wait_for_load_state("networkidle")

    ws_base = "ws" + base.removeprefix("http")
    own = (base + "/", ws_base + "/", "data:", "blob:")
    assert [u for u in requested if not u.startswith(own)] == []
    assert log.csp_violations() == []

    files = await weigh(base, urls, artifacts / "workspace-weight.json")
    total = sum(f["bytes"] for f in files.values())
    print(f"workspace first load: {total} bytes compressed ({total / 1024:.1f} KiB)")
    # The workspace's own code came (loaded lazily: it is not in the meeting page's load).
    assert any("/assets/workspace-" in f and f.endswith(".js") for f in files), files
    for name, f in files.items():
        if name.endswith((".js", ".css")):
            assert f["encoding"] == "gzip", (name, f)
    assert total < WORKSPACE_BUDGET, files


async def test_installable_manifest(web_server: Any) -> None:
    async with httpx.AsyncClient(base_url=web_server.http_url) as client:
        page = await client.get("/some-room")
        assert '<link rel="manifest" href="/manifest.webmanifest"' in page.text
        r = await client.get("/manifest.webmanifest")
        assert r.status_code == 200
        manifest = r.json()
        assert manifest["name"] == "Palabre" and manifest["start_url"] == "/"
        for icon in manifest["icons"]:
            # Each icon is served as the type the manifest says (SVG, and PNGs for installers).
            assert (await client.get(icon["src"])).headers["content-type"] == icon["type"]
