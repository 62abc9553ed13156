"""Boards and lists of a space: made, listed (a board with its cards, filtered), renamed,
moved, deleted; cards.py holds the cards. Each operation takes the caller's session; those
that change return the bus events (`board.changed` to the space) published once committed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..bus import Event, space_topic
from ..db import utcnow
from ..errors import Invalid
from ..positions import position_between
from . import rules
from .models import Board, Card, CardAssignee, TaskList
from .policy import board_access, list_access, space_tasks
from .views import (
    BoardSummary,
    BoardView,
    CardView,
    ListView,
    checklist,
)  # fmt: skip

Events = list[tuple[str, Event]]


def changed(board: Board, card: int | None = None) -> Events:
    event: Event = {"type": "board.changed", "space": board.space_id, "board": board.id}
    if card is not None:
        event["card"] = card
    return [(space_topic(board.space_id), event)]


def assignees_of(session: Session, card_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {i: [] for i in card_ids}
    if card_ids:
        rows = session.execute(select(CardAssignee.card_id, CardAssignee.user_id)
                               .where(CardAssignee.card_id.in_(card_ids)))  # fmt: skip
        for card_id, user_id in rows:
            found[card_id].append(user_id)
    return found


def card_view(card: Card, assignees: list[int]) -> CardView:
    return CardView(
        id=card.id, board=card.board_id, list_id=card.list_id, title=card.title,
        description=card.description, position=card.position, due_at=card.due_at,
        done_at=card.done_at, labels=list(card.labels), checklist=checklist(card.checklist),
        assignees=sorted(assignees), created_at=card.created_at, updated_at=card.updated_at,
    )  # fmt: skip


def _summary(board: Board) -> BoardSummary:
    return BoardSummary(id=board.id, space=board.space_id, title=board.title,
                        created_at=board.created_at)  # fmt: skip


def list_boards(session: Session, user_id: int, space_id: int) -> list[BoardSummary]:
    space_tasks(session, user_id, space_id, "read")
    boards = session.scalars(select(Board).where(Board.space_id == space_id).order_by(Board.id))
    return [_summary(b) for b in boards]


def create_board(
    session: Session, user_id: int, space_id: int, title: str
) -> tuple[BoardSummary, Events]:
    space_tasks(session, user_id, space_id, "write")
    board = Board(space_id=space_id, title=rules.clean_title(title), created_by=user_id)
    session.add(board)
    session.flush()
    return _summary(board), changed(board)


def edit_board(
    session: Session, user_id: int, board_id: int, title: str
) -> tuple[BoardSummary, Events]:
    board = board_access(session, user_id, board_id, "write")
    board.title = rules.clean_title(title)
    return _summary(board), changed(board)


def delete_board(session: Session, user_id: int, board_id: int) -> tuple[None, Events]:
    board = board_access(session, user_id, board_id, "write")
    events = changed(board)
    session.delete(board)
    return None, events


@dataclass(frozen=True)
class Filters:
    mine: bool = False
    due_days: int | None = None
    label: str | None = None


def _keep(card: CardView, user_id: int, filters: Filters, now: datetime) -> bool:
    if filters.mine and user_id not in card.assignees:
        return False
    if filters.due_days is not None and (
        card.done_at is not None or not rules.due_soon(card.due_at, now, filters.due_days)
    ):
        return False
    return filters.label is None or filters.label.casefold() in {
        lbl.casefold() for lbl in card.labels
    }


def get_board(
    session: Session, user_id: int, board_id: int, filters: Filters = Filters()
) -> BoardView:
    board = board_access(session, user_id, board_id, "read")
    writable = space_tasks(session, user_id, board.space_id, "read").may("tasks.write")
    lists = list(session.scalars(
        select(TaskList).where(TaskList.board_id == board.id)
        .order_by(TaskList.position, TaskList.id)
    ))  # fmt: skip
    cards = list(session.scalars(
        select(Card).where(Card.board_id == board.id).order_by(Card.position, Card.id)
    ))  # fmt: skip
    assigned = assignees_of(session, [c.id for c in cards])
    now = utcnow()
    views = [card_view(c, assigned[c.id]) for c in cards]
    views = [v for v in views if _keep(v, user_id, filters, now)]
    return BoardView(id=board.id, space=board.space_id, title=board.title, writable=writable,
                     lists=[ListView(id=tl.id, title=tl.title, position=tl.position,
                                     cards=[v for v in views if v.list_id == tl.id])
                            for tl in lists])  # fmt: skip


def neighbours(
    positions: list[tuple[int, float]], moving: int, after: int | None
) -> tuple[float | None, float | None]:
    """The positions around the place right after `after` (None: first), `moving` left out."""
    others = [(i, p) for i, p in positions if i != moving]
    if after is None:
        return None, others[0][1] if others else None
    index = next((n for n, (i, _) in enumerate(others) if i == after), None)
    if index is None:
        raise Invalid("`after` names nothing in that list")
    following = others[index + 1][1] if index + 1 < len(others) else None
    return others[index][1], following


def create_list(
    session: Session, user_id: int, board_id: int, title: str
) -> tuple[ListView, Events]:
    board = board_access(session, user_id, board_id, "write")
    last = session.scalar(select(func.max(TaskList.position)).where(TaskList.board_id == board.id))
    found = TaskList(board_id=board.id, title=rules.clean_title(title),
                     position=position_between(last, None))  # fmt: skip
    session.add(found)
    session.flush()
    return ListView(id=found.id, title=found.title, position=found.position, cards=[]), changed(
        board
    )


def edit_list(
    session: Session, user_id: int, list_id: int, title: str | None, move: bool,
    after: int | None,
) -> tuple[ListView, Events]:  # fmt: skip
    board, found = list_access(session, user_id, list_id, "write")
    if title is not None:
        found.title = rules.clean_title(title)
    if move:
        rows = session.execute(select(TaskList.id, TaskList.position)
                               .where(TaskList.board_id == board.id)
                               .order_by(TaskList.position, TaskList.id))  # fmt: skip
        found.position = position_between(*neighbours([(i, p) for i, p in rows],
                                                             found.id, after))  # fmt: skip
    session.flush()
    return ListView(id=found.id, title=found.title, position=found.position, cards=[]), changed(
        board
    )


def delete_list(session: Session, user_id: int, list_id: int) -> tuple[None, Events]:
    board, found = list_access(session, user_id, list_id, "write")
    session.delete(found)
    return None, changed(board)
