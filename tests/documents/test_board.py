"""Boards (issue 14 item 7): two Yjs clients draw on one board through the server and
converge, the board is stored (its shapes' text searchable), and a read-only member's update
is refused; the client's board model (client/src/board/model.ts) keeps undo per person and
connectors on the shapes they join (Node, with the stock yjs)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Array, Map

from palabre.bot.yjs import YClient
from palabre.documents import content, log
from served import Served
from workspace import Workspace

from .kit import Team, team

CLIENT = Path(__file__).resolve().parents[2] / "client"
NODE = shutil.which("node")


@pytest.fixture
def crew(workspace: Workspace) -> Iterator[tuple[Workspace, Team]]:
    with Served(workspace.app) as served:
        yield workspace, team(workspace, served)


def draw(client: YClient, shape_id: str, **fields: Any) -> None:
    """A shape as the board client adds one: its Map in "shapes", its id at the end of "order"."""
    with client.doc.transaction():
        client.doc.get("shapes", type=Map)[shape_id] = Map(fields)
        client.doc.get("order", type=Array).append(shape_id)


def board_of(client: YClient) -> dict[str, Any]:
    shapes = client.doc.get("shapes", type=Map)
    return {
        "order": list(client.doc.get("order", type=Array)),
        "shapes": {key: dict(value.items()) for key, value in shapes.items()},
    }


async def _until(check: Any, timeout: float = 20) -> None:
    async def wait() -> None:
        while not check():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)


def test_two_people_draw_on_one_board_and_converge(crew: tuple[Workspace, Team]) -> None:
    ws, t = crew
    board = t.new_document("Atelier", kind="board")

    async def scenario() -> None:
        async with (
            YClient(t.yjs_url(board), t.cookie("owner")) as alice,
            YClient(t.yjs_url(board), t.cookie("member")) as bob,
        ):
            await asyncio.wait_for(alice.synced.wait(), 10)
            await asyncio.wait_for(bob.synced.wait(), 10)
            draw(alice, "a1", kind="rect", x=0, y=0, w=120, h=80, color="#1f2937")
            draw(bob, "b1", kind="sticky", x=300, y=0, w=160, h=120, text="Idée de Bob")
            draw(alice, "a2", kind="connector", **{"from": "a1", "to": "b1"})
            draw(bob, "b2", kind="path", x=10, y=200, w=50, h=20, points=[0, 0, 25, 20, 50, 0])
            await alice.flush()
            await bob.flush()
            await _until(lambda: len(board_of(alice)["order"]) == 4 == len(board_of(bob)["order"]))
            assert board_of(alice) == board_of(bob)
            assert board_of(alice)["shapes"]["b1"]["text"] == "Idée de Bob"
            # Alice moves Bob's note; both see it moved.
            with alice.doc.transaction():
                alice.doc.get("shapes", type=Map)["b1"]["x"] = 500
            await alice.flush()
            await _until(lambda: board_of(bob)["shapes"]["b1"]["x"] == 500)
            # A read-only member sees the board but may not draw.
            async with YClient(t.yjs_url(board), t.cookie("reader")) as reader:
                await asyncio.wait_for(reader.synced.wait(), 10)
                assert board_of(reader) == board_of(alice)
                draw(reader, "r1", kind="rect", x=0, y=0, w=10, h=10)
                await asyncio.wait_for(reader.closed.wait(), 10)
                assert reader.close_code == 4403
            await asyncio.sleep(0.2)
            assert "r1" not in board_of(alice)["shapes"]

    asyncio.run(scenario())
    with ws.db.session() as session:
        stored = content.load(log.current_state(session, board))
    assert sorted(stored.get("shapes", type=Map).keys()) == ["a1", "a2", "b1", "b2"]
    assert content.plain_text(stored, "board") == "Idée de Bob"
    # The board's text is found by search once compacted.
    with ws.db.session() as session:
        log.compact(session, board)
    hits = t["member"].get("/api/search/documents", params={"q": "idée"}).json()
    assert [h["document"]["id"] for h in hits] == [board]


@pytest.mark.skipif(
    NODE is None or not (CLIENT / "node_modules" / "yjs").is_dir(),
    reason="needs node and client/node_modules",
)
def test_the_board_model_keeps_undo_per_person_and_connectors_on_shapes(tmp_path: Path) -> None:
    tsc = CLIENT / "node_modules" / ".bin" / "tsc"
    compiled = subprocess.run(
        [str(tsc), str(CLIENT / "src" / "board" / "model.ts"), "--outDir", str(tmp_path),
         "--module", "esnext", "--target", "es2022", "--moduleResolution", "bundler",
         "--skipLibCheck"],
        capture_output=True, text=True, timeout=120, cwd=CLIENT,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    (tmp_path / "node_modules").symlink_to(CLIENT / "node_modules")
    (tmp_path / "package.json").write_text('{"type": "module"}')
    script = tmp_path / "check.mjs"
    shutil.copy(Path(__file__).with_name("board_model_check.mjs"), script)
    done = subprocess.run([NODE, str(script)], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)  # type: ignore[list-item]  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
