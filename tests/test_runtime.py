"""runtime.py: where a serving process says people open Palabre, on its last line at start."""

from __future__ import annotations

from collections.abc import Callable

from palabre.bot.harness import ServerProcess
from palabre.config import Settings
from palabre.runtime import public_url


def test_public_url() -> None:
    assert public_url(Settings()) == "http://localhost:8000"
    assert public_url(Settings(host="0.0.0.0", port=80)) == "http://0.0.0.0:80"
    assert public_url(Settings(host="::", port=8000)) == "http://[::]:8000"
    assert public_url(Settings(public_url="https://meet.example.org")) == "https://meet.example.org"


def test_serve_says_where_it_serves_once_listening(
    server_factory: Callable[..., ServerProcess],
) -> None:
    server = server_factory()
    port = server.http_url.rsplit(":", 1)[1]
    lines = [line for line in server.log().splitlines() if "Palabre is serving at" in line]
    assert lines and lines[-1].endswith(f"http://localhost:{port}")
