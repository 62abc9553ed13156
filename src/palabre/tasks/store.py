"""Boards, lists and cards of a space: made, listed with filters, moved, changed, commented,
deleted; and "my tasks" across spaces. Each operation takes the caller's session; those that
change return the bus events (`board.changed` to the space) published once committed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..bus import Event, space_topic
from ..db import utcnow
from ..errors import Invalid, NotFound
from ..notify.store import add_notification
from ..spaces.models import Member
from . import rules
from .models import Board, Card, CardActivity, CardAssignee, CardComment, TaskList
from .policy import board_access, card_access, list_access, space_tasks
from .todos import remove_todo, write_todo
from .views import (
    ActivityView,
    BoardSummary,
    BoardView,
    CardDetail,
    CardView,
    CommentView,
    ListView,
    MyTask,
    checklist,
)  # fmt: skip

Events = list[tuple[str, Event]]


def changed(board: Board, card: int | None = None) -> Events:
    event: Event = {"type": "board.changed", "space": board.space_id, "board": board.id}
    if card is not None:
        event["card"] = card
    return [(space_topic(board.space_id), event)]


def _assignees(session: Session, card_ids: list[int]) -> dict[int, list[int]]:
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
    assigned = _assignees(session, [c.id for c in cards])
    now = utcnow()
    views = [card_view(c, assigned[c.id]) for c in cards]
    views = [v for v in views if _keep(v, user_id, filters, now)]
    return BoardView(id=board.id, space=board.space_id, title=board.title, writable=writable,
                     lists=[ListView(id=tl.id, title=tl.title, position=tl.position,
                                     cards=[v for v in views if v.list_id == tl.id])
                            for tl in lists])  # fmt: skip


def _neighbours(
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
                     position=rules.position_between(last, None))  # fmt: skip
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
        found.position = rules.position_between(*_neighbours([(i, p) for i, p in rows],
                                                             found.id, after))  # fmt: skip
    session.flush()
    return ListView(id=found.id, title=found.title, position=found.position, cards=[]), changed(
        board
    )


def delete_list(session: Session, user_id: int, list_id: int) -> tuple[None, Events]:
    board, found = list_access(session, user_id, list_id, "write")
    session.delete(found)
    return None, changed(board)


def _log(session: Session, card: Card, user_id: int | None, verb: str, detail: str = "") -> None:
    session.add(CardActivity(card_id=card.id, actor_id=user_id, verb=verb, detail=detail[:256]))


def create_card(
    session: Session, user_id: int, list_id: int, title: str
) -> tuple[CardView, Events]:
    board, found = list_access(session, user_id, list_id, "write")
    last = session.scalar(select(func.max(Card.position)).where(Card.list_id == found.id))
    card = Card(board_id=board.id, list_id=found.id,
                title=rules.clean_title(title, rules.MAX_CARD_TITLE),
                position=rules.position_between(last, None), created_by=user_id)  # fmt: skip
    session.add(card)
    session.flush()
    _log(session, card, user_id, "created", card.title)
    return card_view(card, []), changed(board, card.id)


@dataclass
class CardChanges:
    """What a PATCH of a card changes: only the fields given (`given`)."""

    given: set[str] = field(default_factory=set)
    title: str = ""
    description: str = ""
    due_at: datetime | None = None
    done: bool = False
    labels: list[str] = field(default_factory=list)
    checklist: list[Any] = field(default_factory=list)
    assignees: list[int] = field(default_factory=list)
    list_id: int | None = None  # a move: to this list (None: the same) ...
    after: int | None = None  # ... after this card (None: first)


def _set_assignees(session: Session, board: Board, card: Card, user_ids: list[int]) -> set[int]:
    """Who is assigned the card now that was not before."""
    query = select(Member.user_id).where(
        Member.space_id == board.space_id, Member.user_id.in_(user_ids)
    )
    members = set(session.scalars(query))
    if members != set(user_ids):
        raise Invalid("an assignee is not a member of this space")
    before = set(_assignees(session, [card.id])[card.id])
    session.execute(delete(CardAssignee).where(CardAssignee.card_id == card.id))
    for uid in sorted(members):
        session.add(CardAssignee(card_id=card.id, user_id=uid))
    return members - before


def _move(session: Session, board: Board, card: Card, changes: CardChanges) -> None:
    target = card.list_id if changes.list_id is None else changes.list_id
    found = session.get(TaskList, target)
    if found is None or found.board_id != board.id:
        raise Invalid("no such list on this board")
    rows = session.execute(select(Card.id, Card.position).where(Card.list_id == target)
                           .order_by(Card.position, Card.id))  # fmt: skip
    card.position = rules.position_between(*_neighbours([(i, p) for i, p in rows], card.id,
                                                        changes.after))  # fmt: skip
    card.list_id = target
    _log(session, card, None, "moved", found.title)


def _apply(session: Session, board: Board, card: Card, c: CardChanges, user_id: int) -> set[int]:
    """The changes made; who was newly assigned."""
    assigned: set[int] = set()
    if "title" in c.given:
        card.title = rules.clean_title(c.title, rules.MAX_CARD_TITLE)
    if "description" in c.given:
        if len(c.description) > rules.MAX_DESCRIPTION:
            raise Invalid(f"a description has at most {rules.MAX_DESCRIPTION} characters")
        card.description = c.description
    if "due_at" in c.given:
        if c.due_at is not None and c.due_at.tzinfo is None:
            raise Invalid("a due date carries its offset")
        card.due_at = c.due_at
        card.reminded_at = None  # a new due date: a new reminder
    if "done" in c.given and c.done != (card.done_at is not None):
        card.done_at = utcnow() if c.done else None
        _log(session, card, user_id, "done" if c.done else "reopened")
    if "labels" in c.given:
        card.labels = rules.clean_labels(c.labels)
    if "checklist" in c.given:
        card.checklist = rules.clean_checklist(c.checklist)
    if "assignees" in c.given:
        assigned = _set_assignees(session, board, card, c.assignees)
    if "move" in c.given:
        _move(session, board, card, c)
    return assigned


def edit_card(
    session: Session, user_id: int, card_id: int, changes: CardChanges
) -> tuple[CardView, Events]:
    board, card = card_access(session, user_id, card_id, "write")
    assigned = _apply(session, board, card, changes, user_id)
    card.updated_at = utcnow()
    write_todo(session, board, card)
    told: Events = []
    for uid in sorted(assigned - {user_id}):
        _, event = add_notification(session, uid, "task", text=card.title, actor_id=user_id,
                                    space_id=board.space_id)  # fmt: skip
        told.append(event)
    if changes.given - {"move", "done"}:
        _log(session, card, user_id, "edited", ", ".join(sorted(changes.given - {"move"})))
    session.flush()
    view = card_view(card, _assignees(session, [card.id])[card.id])
    return view, [*changed(board, card.id), *told]


def delete_card(session: Session, user_id: int, card_id: int) -> tuple[None, Events]:
    board, card = card_access(session, user_id, card_id, "write")
    remove_todo(session, board, card.id)
    session.delete(card)
    return None, changed(board, card_id)


def get_card(session: Session, user_id: int, card_id: int) -> CardDetail:
    _, card = card_access(session, user_id, card_id, "read")
    comments = session.scalars(select(CardComment).where(CardComment.card_id == card.id)
                               .order_by(CardComment.id))  # fmt: skip
    activity = session.scalars(select(CardActivity).where(CardActivity.card_id == card.id)
                               .order_by(CardActivity.id))  # fmt: skip
    return CardDetail(
        card=card_view(card, _assignees(session, [card.id])[card.id]),
        comments=[CommentView(id=c.id, author=c.author_id, body=c.body, created_at=c.created_at)
                  for c in comments],
        activity=[ActivityView(actor=a.actor_id, verb=a.verb, detail=a.detail,
                               created_at=a.created_at) for a in activity],
    )  # fmt: skip


def add_comment(
    session: Session, user_id: int, card_id: int, body: str
) -> tuple[CommentView, Events]:
    board, card = card_access(session, user_id, card_id, "write")
    text = body.strip()
    if not 1 <= len(text) <= rules.MAX_COMMENT:
        raise Invalid(f"a comment has 1 to {rules.MAX_COMMENT} characters")
    comment = CardComment(card_id=card.id, author_id=user_id, body=text)
    session.add(comment)
    session.flush()
    _log(session, card, user_id, "commented")
    return CommentView(id=comment.id, author=user_id, body=text,
                       created_at=comment.created_at), changed(board, card.id)  # fmt: skip


def my_tasks(session: Session, user_id: int) -> list[MyTask]:
    """The open cards assigned to the person, in the spaces whose boards they read, by due
    date (those without one last)."""
    rows = session.execute(
        select(Card, Board)
        .join(CardAssignee, CardAssignee.card_id == Card.id)
        .join(Board, Board.id == Card.board_id)
        .where(CardAssignee.user_id == user_id, Card.done_at.is_(None))
    ).all()
    found = []
    for card, board in rows:
        try:
            space_tasks(session, user_id, board.space_id, "read")
        except NotFound:  # no longer theirs to see
            continue
        view = card_view(card, _assignees(session, [card.id])[card.id])
        found.append(MyTask(card=view, space=board.space_id, board_title=board.title))
    return sorted(
        found, key=lambda t: (t.card.due_at is None, t.card.due_at or utcnow(), t.card.id)
    )


REMIND_BEFORE = timedelta(hours=24)


def remind_due(session: Session, now: datetime | None = None) -> Events:
    """Tell the assignees of each open card due within a day, once per due date (a card
    another process claims first is left to it)."""
    now = now or utcnow()
    due = session.scalars(
        select(Card.id).where(
            Card.done_at.is_(None), Card.reminded_at.is_(None), Card.due_at.is_not(None),
            Card.due_at <= now + REMIND_BEFORE, Card.due_at > now,
        ).limit(500)
    ).all()  # fmt: skip
    told: Events = []
    for card_id in due:
        claimed = session.execute(
            update(Card).where(Card.id == card_id, Card.reminded_at.is_(None))
            .values(reminded_at=now)
        )  # fmt: skip
        card = session.get(Card, card_id)
        board = session.get(Board, card.board_id) if card is not None else None
        if getattr(claimed, "rowcount", 0) != 1 or card is None or board is None:
            continue
        for uid in _assignees(session, [card_id])[card_id]:
            _, event = add_notification(session, uid, "task", text=f"⏰ {card.title}",
                                        space_id=board.space_id)  # fmt: skip
            told.append(event)
    return told
