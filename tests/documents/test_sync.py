"""The Yjs sync server over real WebSockets: convergence, durability before anyone sees an
update, the "saved" acknowledgment, read-only members refused, strangers kept out."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from palabre.bot.yjs import YClient
from palabre.documents import content, log
from palabre.documents.models import DocumentUpdate
from served import Served
from space_kit import count
from workspace import Workspace

from .kit import Team, team


@pytest.fixture
def crew(workspace: Workspace) -> Iterator[tuple[Workspace, Team]]:
    with Served(workspace.app) as served:
        yield workspace, team(workspace, served)


async def _until(check: object, timeout: float = 20) -> None:
    async def wait() -> None:
        while not check():  # type: ignore[operator]
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)


def stored_paragraphs(ws: Workspace, document_id: str) -> list[str]:
    with ws.db.session() as session:
        doc = content.load(log.current_state(session, document_id))
    return content.plain_text(doc).splitlines()


def test_two_clients_converge_and_the_content_is_stored(crew: tuple[Workspace, Team]) -> None:
    ws, t = crew
    doc_id = t.new_document()

    async def scenario() -> None:
        async with (
            YClient(t.yjs_url(doc_id), t.cookie("owner")) as alice,
            YClient(t.yjs_url(doc_id), t.cookie("member")) as bob,
        ):
            await asyncio.wait_for(alice.synced.wait(), 10)
            await asyncio.wait_for(bob.synced.wait(), 10)
            alice.add_paragraph("Bonjour")
            bob.add_paragraph("Hello")
            await alice.flush()
            await bob.flush()
            await _until(lambda: len(alice.paragraphs()) == 2 and len(bob.paragraphs()) == 2)
            assert alice.paragraphs() == bob.paragraphs()
            assert sorted(alice.paragraphs()) == ["Bonjour", "Hello"]
        # A late joiner gets everything from the server.
        async with YClient(t.yjs_url(doc_id), t.cookie("guest")) as carol:
            await asyncio.wait_for(carol.synced.wait(), 10)
            assert sorted(carol.paragraphs()) == ["Bonjour", "Hello"]

    asyncio.run(scenario())
    assert sorted(stored_paragraphs(ws, doc_id)) == ["Bonjour", "Hello"]


def test_saved_comes_after_the_update_is_in_the_database(crew: tuple[Workspace, Team]) -> None:
    ws, t = crew
    doc_id = t.new_document()

    async def scenario() -> None:
        async with YClient(t.yjs_url(doc_id), t.cookie("member")) as bob:
            await asyncio.wait_for(bob.synced.wait(), 10)
            for i in range(5):
                bob.add_paragraph(f"line {i}")
                await bob.flush()
                # Acknowledged: it is in the log (or already folded into the snapshot).
                assert f"line {i}" in stored_paragraphs(ws, doc_id)

    asyncio.run(scenario())
    assert count(ws, DocumentUpdate, DocumentUpdate.document_id == doc_id) <= 5


def test_a_read_only_member_receives_but_their_update_is_refused(
    crew: tuple[Workspace, Team],
) -> None:
    ws, t = crew
    doc_id = t.new_document()

    async def scenario() -> None:
        async with YClient(t.yjs_url(doc_id), t.cookie("owner")) as alice:
            await asyncio.wait_for(alice.synced.wait(), 10)
            alice.add_paragraph("Ordre du jour")
            await alice.flush()
            for name in ("reader", "guest"):
                async with YClient(t.yjs_url(doc_id), t.cookie(name)) as reader:
                    await asyncio.wait_for(reader.synced.wait(), 10)
                    assert reader.paragraphs() == ["Ordre du jour"]
                    reader.add_paragraph("pirate")
                    await asyncio.wait_for(reader.closed.wait(), 10)
                    assert reader.close_code == 4403
                    assert any("not change" in e for e in reader.errors)
            alice.add_paragraph("suite")
            await alice.flush()
            assert alice.paragraphs() == ["Ordre du jour", "suite"]

    asyncio.run(scenario())
    assert stored_paragraphs(ws, doc_id) == ["Ordre du jour", "suite"]


def test_a_stranger_and_a_wrong_token_are_kept_out(crew: tuple[Workspace, Team]) -> None:
    _, t = crew
    doc_id = t.new_document()

    async def scenario() -> None:
        for url, cookie, code in (
            (t.yjs_url(doc_id), t.cookie("stranger"), 4404),
            (t.yjs_url(doc_id), None, 4401),
            (t.yjs_url(doc_id) + "?token=plb_wrong", None, 4401),
            (t.yjs_url("0" * 32), t.cookie("owner"), 4404),
        ):
            async with YClient(url, cookie) as intruder:
                await asyncio.wait_for(intruder.closed.wait(), 10)
                assert intruder.close_code == code, (url, intruder.errors)
                assert intruder.paragraphs() == []

    asyncio.run(scenario())


def test_an_api_token_connects_and_a_read_token_may_not_write(
    crew: tuple[Workspace, Team],
) -> None:
    ws, t = crew
    doc_id = t.new_document()
    tokens = {}
    for scopes in ("read", "read write"):
        response = t["member"].post("/api/tokens", json={"name": scopes, "scopes": scopes})
        assert response.status_code == 201, response.text
        tokens[scopes] = response.json()["token"]

    async def scenario() -> None:
        async with YClient(t.yjs_url(doc_id) + f"?token={tokens['read write']}") as writer:
            await asyncio.wait_for(writer.synced.wait(), 10)
            writer.add_paragraph("par jeton")
            await writer.flush()
        async with YClient(t.yjs_url(doc_id) + f"?token={tokens['read']}") as reader:
            await asyncio.wait_for(reader.synced.wait(), 10)
            assert reader.paragraphs() == ["par jeton"]
            reader.add_paragraph("refusé")
            await asyncio.wait_for(reader.closed.wait(), 10)
            assert reader.close_code == 4403

    asyncio.run(scenario())
    assert stored_paragraphs(ws, doc_id) == ["par jeton"]
