"""A stock y-websocket client (Node, the npm package) and a Python pycrdt client edit one
Palabre document at once and converge; a stock client holding a read-only token is refused."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from palabre.bot.yjs import YClient
from served import Served
from workspace import Workspace

from .kit import Team, team

CLIENT = Path(__file__).resolve().parents[2] / "client"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None or not (CLIENT / "node_modules" / "y-websocket").is_dir(),
    reason="needs node and client/node_modules (npm ci in client/)",
)


@pytest.fixture
def crew(sqlite_workspace: Workspace) -> Iterator[Team]:
    with Served(sqlite_workspace.app) as served:
        yield team(sqlite_workspace, served)


@pytest.fixture
def script(tmp_path: Path) -> Path:
    """The script beside a link to client/node_modules, so that Node finds the packages."""
    (tmp_path / "node_modules").symlink_to(CLIENT / "node_modules")
    target = tmp_path / "ystock.mjs"
    shutil.copy(Path(__file__).with_name("ystock.mjs"), target)
    return target


def token(t: Team, name: str, scopes: str) -> str:
    response = t[name].post("/api/tokens", json={"name": "node", "scopes": scopes})
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


async def node(script: Path, t: Team, doc_id: str, secret: str, text: str, mode: str) -> dict:
    assert NODE is not None
    process = await asyncio.create_subprocess_exec(
        NODE, str(script), f"{t.served.ws_url}/api/yjs", doc_id, secret, text, mode,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ},
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    return json.loads(out.decode().strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_stock_client_and_a_pycrdt_client_converge(crew: Team, script: Path) -> None:
    t = crew
    doc_id = t.new_document()
    secret = token(t, "member", "read write")

    async def scenario() -> tuple[dict, str]:
        async with YClient(t.yjs_url(doc_id), t.cookie("owner")) as python:
            await asyncio.wait_for(python.synced.wait(), 10)
            python.add_paragraph("depuis Python")
            await python.flush()
            result = await node(script, t, doc_id, secret, "from Node", "2")
            deadline = asyncio.get_running_loop().time() + 20
            while len(python.paragraphs()) < 2:
                assert asyncio.get_running_loop().time() < deadline, python.paragraphs()
                await asyncio.sleep(0.02)
            return result, str(python.fragment)

    result, python_xml = asyncio.run(scenario())
    assert result["xml"] == python_xml
    assert "depuis Python" in python_xml and "from Node" in python_xml

    # A third client, joining afterwards, reads the same from the server.
    async def late() -> str:
        async with YClient(t.yjs_url(doc_id), t.cookie("guest")) as reader:
            await asyncio.wait_for(reader.synced.wait(), 10)
            return str(reader.fragment)

    assert asyncio.run(late()) == python_xml


def test_a_stock_client_with_a_read_only_token_is_refused(crew: Team, script: Path) -> None:
    t = crew
    doc_id = t.new_document()
    secret = token(t, "member", "read")
    result = asyncio.run(node(script, t, doc_id, secret, "pirate", "write-refused"))
    assert result["code"] == 4403

    async def check() -> list[str]:
        async with YClient(t.yjs_url(doc_id), t.cookie("owner")) as owner:
            await asyncio.wait_for(owner.synced.wait(), 10)
            return owner.paragraphs()

    assert asyncio.run(check()) == []
