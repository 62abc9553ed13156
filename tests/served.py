"""An app served for real in this process: uvicorn on a free loopback port, in a thread of
its own with one event loop (as in production), so that pages on real WebSockets and calls on
real HTTP meet on the same bus. People sign in with httpx clients of their own."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Coroutine
from typing import Any

import httpx
import uvicorn
from starlette.types import ASGIApp

from palabre.bot.harness import free_port
from workspace import PASSWORD


class Served:
    def __init__(self, app: ASGIApp) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self.server.serve())

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def call(self, work: Coroutine[Any, Any, Any]) -> Any:
        """Run `work` on the server's event loop and return its result."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(30)

    def sign_in(self, name: str) -> httpx.Client:
        """A client signed in as `name` (an existing account with the test PASSWORD), with
        its X-CSRF-Token set."""
        client = httpx.Client(base_url=self.url, timeout=30)
        page = client.get("/auth/login").text
        match = re.search(r'name="csrf" value="([^"]+)"', page)
        assert match, page
        response = client.post(
            "/auth/login", data={"username": name, "password": PASSWORD, "csrf": match.group(1)}
        )
        assert response.status_code in (200, 303), response.text
        client.headers["x-csrf-token"] = client.get("/api/me").json()["csrf"]
        return client

    @staticmethod
    def cookie(client: httpx.Client) -> str:
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())
