"""Task boards through the API: lists and cards in order, moves (what drag and drop and the
keyboard send), assignees, due dates, labels, checklists, comments, activity, filters, my
tasks across spaces, and the live event to the space."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calendars.kit import add_member
from palabre.bus import space_topic
from space_kit import join, new_space, published, user_id
from workspace import Workspace

from .kit import board_with_lists, card, made, titles


def test_cards_move_between_and_within_lists(workspace: Workspace) -> None:
    olga = workspace.person("olga")
    space = new_space(olga)["id"]
    board, (todo, doing) = board_with_lists(olga, space, "To do", "Doing")
    a, b, c = (card(olga, todo, t) for t in ("A", "B", "C"))
    assert titles(olga, board) == [["A", "B", "C"], []]
    seen = published(workspace)
    # C first, then B into "Doing", then A after B there.
    assert olga.patch(f"/api/cards/{c}", json={"after": None}).status_code == 200
    assert olga.patch(f"/api/cards/{b}", json={"list": doing}).status_code == 200
    assert olga.patch(f"/api/cards/{a}", json={"list": doing, "after": b}).status_code == 200
    assert titles(olga, board) == [["C"], ["B", "A"]]
    assert {e["type"] for _, e in seen} == {"board.changed"}
    assert seen and {topic for topic, _ in seen} == {space_topic(space)}
    # Lists move too; a card cannot go to another board's list.
    assert olga.patch(f"/api/lists/{doing}", json={"after": None}).status_code == 200
    assert titles(olga, board) == [["B", "A"], ["C"]]
    other, (elsewhere,) = board_with_lists(olga, space, "Other")
    assert olga.patch(f"/api/cards/{a}", json={"list": elsewhere}).status_code == 400
    assert olga.patch(f"/api/cards/{a}", json={"after": 999999}).status_code == 400
    assert other != board


def test_card_details_filters_and_my_tasks(workspace: Workspace) -> None:
    olga, mia = workspace.person("olga"), workspace.person("mia")
    space = new_space(olga, "Projet")["id"]
    join(olga, space, "mia")
    board, (todo,) = board_with_lists(olga, space, "To do")
    first, second = card(olga, todo, "Rapport"), card(olga, todo, "Budget")
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    edit = olga.patch(f"/api/cards/{first}", json={
        "description": "**Avant** vendredi", "due_at": soon, "labels": ["urgent", "Urgent", "rh"],
        "checklist": [{"text": "Plan"}, {"text": "Relire", "done": True}],
        "assignees": [user_id(workspace, "mia")]})  # fmt: skip
    assert edit.status_code == 200, edit.text
    view = edit.json()
    assert view["labels"] == ["urgent", "rh"] and view["checklist"][1]["done"] is True
    assert olga.patch(f"/api/cards/{second}", json={"assignees": [999]}).status_code == 400
    assert made(mia.post(f"/api/cards/{first}/comments", json={"body": "Je m'en occupe"}))
    detail = mia.get(f"/api/cards/{first}").json()
    assert [c["body"] for c in detail["comments"]] == ["Je m'en occupe"]
    assert [a["verb"] for a in detail["activity"]] == ["created", "edited", "commented"]
    told = mia.get("/api/notifications").json()["notifications"]
    assert [(n["kind"], n["text"]) for n in told] == [("task", "Rapport")]
    assert titles(mia, board, mine=1) == [["Rapport"]]
    assert titles(mia, board, due=2) == [["Rapport"]]
    assert titles(mia, board, label="URGENT") == [["Rapport"]]
    assert titles(olga, board, mine=1) == [[]]
    mine = mia.get("/api/tasks/mine").json()
    assert [(t["card"]["title"], t["space"], t["board_title"]) for t in mine] == [
        ("Rapport", space, "Sprint")
    ]
    done = mia.patch(f"/api/cards/{first}", json={"done": True})
    assert done.json()["done_at"] is not None
    assert mia.get("/api/tasks/mine").json() == []
    assert titles(mia, board, due=2) == [[]]


def test_guests_read_boards_and_strangers_see_nothing(workspace: Workspace) -> None:
    olga = workspace.person("olga")
    gus, sam = workspace.person("gus", guest=True), workspace.person("sam")
    space = new_space(olga, "Secret Projet")["id"]
    add_member(workspace, space, "gus", "guest")
    board, (todo,) = board_with_lists(olga, space, "To do")
    first = card(olga, todo, "Secret card")
    assert titles(gus, board) == [["Secret card"]]
    assert gus.get(f"/api/boards/{board}").json()["writable"] is False
    assert gus.patch(f"/api/cards/{first}", json={"done": True}).status_code == 403
    assert gus.post(f"/api/lists/{todo}/cards", json={"title": "x"}).status_code == 403
    for path in (f"/api/boards/{board}", f"/api/cards/{first}", f"/api/spaces/{space}/boards"):
        answer = sam.get(path)
        assert answer.status_code == 404 and "Secret" not in answer.text


def test_assignees_hear_of_cards_due_within_a_day_once(workspace: Workspace) -> None:
    from palabre.tasks.cards import remind_due

    olga, mia = workspace.person("olga"), workspace.person("mia")
    space = new_space(olga)["id"]
    join(olga, space, "mia")
    board, (todo,) = board_with_lists(olga, space, "To do")
    soon, later = card(olga, todo, "Soon"), card(olga, todo, "Later")
    now = datetime.now(UTC)
    mia_id = user_id(workspace, "mia")
    for each, due in ((soon, now + timedelta(hours=5)), (later, now + timedelta(days=3))):
        olga.patch(f"/api/cards/{each}", json={"due_at": due.isoformat(), "assignees": [mia_id]})
    for _ in range(2):  # a second run tells nobody again
        with workspace.db.session() as session:
            remind_due(session)
    told = [n["text"] for n in mia.get("/api/notifications").json()["notifications"]]
    assert sorted(told) == ["Later", "Soon", "⏰ Soon"]
    assert board
