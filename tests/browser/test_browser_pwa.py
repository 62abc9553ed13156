"""Installable as an app: Chromium finds the manifest and the service worker good enough to
install Palabre (CDP `Page.getInstallabilityErrors` says nothing against it); the worker
keeps the application shell only (never an API response), and the shell opens offline."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

CACHED_JS = """async () => {
  const urls = [];
  for (const name of await caches.keys())
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  return {names: await caches.keys(), urls};
}"""

# The page's CSP forbids eval, which wait_for_function uses: poll from a function instead.
CONTROLLED_JS = """async () => {
  await navigator.serviceWorker.ready;
  while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 50));
  return navigator.serviceWorker.controller.scriptURL;
}"""

SHELL_FILES = {"/", "/manifest.webmanifest", "/icon.svg", "/icon-192.png", "/icon-512.png",
               "/icon-maskable-512.png"}  # fmt: skip


async def test_installable_with_a_shell_only_service_worker(profile: Any, web_server: Any) -> None:
    base = web_server.http_url
    context = profile
    page = context.pages[0] if context.pages else await context.new_page()
    await page.goto(base + "/")
    await asyncio.wait_for(page.evaluate(CONTROLLED_JS), 30)
    cdp = await context.new_cdp_session(page)
    manifest = await cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    assert manifest["url"] == base + "/manifest.webmanifest"
    errors = await cdp.send("Page.getInstallabilityErrors")
    assert errors["installabilityErrors"] == [], errors

    # The page asks the API (signed in or not): the answer is not kept.
    status = await page.evaluate("async () => (await fetch('/api/me')).status")
    assert status == 200
    cached = await page.evaluate(CACHED_JS)
    assert cached["names"] and all(n.startswith("palabre-shell-") for n in cached["names"])
    paths = {urlparse(url).path for url in cached["urls"]}
    assert "/" in paths and any(p.startswith("/assets/index-") for p in paths)
    for path in paths:
        assert path in SHELL_FILES or path.startswith("/assets/"), path
    assert not any(p.startswith(("/api/", "/ws", "/auth/", "/healthz")) for p in paths)

    # Offline, the app still opens: its page and scripts come from the cache.
    await context.set_offline(True)
    await page.reload()
    await page.wait_for_selector("#app *", timeout=10_000)
    assert await page.evaluate("() => navigator.serviceWorker.controller !== null")


async def test_the_service_worker_and_manifest_are_served_fresh(web_server: Any) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=web_server.http_url) as client:
        sw = await client.get("/sw.js")
        assert sw.status_code == 200 and sw.headers["cache-control"] == "no-cache"
        assert "javascript" in sw.headers["content-type"]
        assert "__PALABRE_" not in sw.text and "palabre-shell-" in sw.text
        assert "push" not in sw.text.replace("no push service", "")
        manifest = await client.get("/manifest.webmanifest")
        assert manifest.json()["display"] == "standalone"
        for icon in manifest.json()["icons"]:
            response = await client.get(icon["src"])
            assert response.status_code == 200, icon
            assert response.headers["content-type"] == icon["type"]
