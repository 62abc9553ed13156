"""Cards: made, changed (title, description, due date, done, labels, checklist, assignees),
moved, commented, deleted; one's open cards across spaces; the reminders of cards due soon.
A card's assignees hear of it (notify), and its VTODO follows it (todos.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Invalid, NotFound
from ..notify.store import add_notification
from ..positions import position_between
from ..spaces.models import Member
from . import rules
from .attachments import attachments_of
from .models import Board, Card, CardActivity, CardAssignee, CardComment, TaskList
from .policy import card_access, list_access, space_tasks
from .store import Events, assignees_of, card_view, changed, neighbours
from .todos import remove_todo, write_todo
from .views import ActivityView, CardDetail, CardView, CommentView, MyTask


def _log(session: Session, card: Card, user_id: int | None, verb: str, detail: str = "") -> None:
    session.add(CardActivity(card_id=card.id, actor_id=user_id, verb=verb, detail=detail[:256]))


def create_card(
    session: Session, user_id: int, list_id: int, title: str
) -> tuple[CardView, Events]:
    board, found = list_access(session, user_id, list_id, "write")
    last = session.scalar(select(func.max(Card.position)).where(Card.list_id == found.id))
    card = Card(board_id=board.id, list_id=found.id,
                title=rules.clean_title(title, rules.MAX_CARD_TITLE),
                position=position_between(last, None), created_by=user_id)  # fmt: skip
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


def _setassignees_of(session: Session, board: Board, card: Card, user_ids: list[int]) -> set[int]:
    """Who is assigned the card now that was not before."""
    query = select(Member.user_id).where(
        Member.space_id == board.space_id, Member.user_id.in_(user_ids)
    )
    members = set(session.scalars(query))
    if members != set(user_ids):
        raise Invalid("an assignee is not a member of this space")
    before = set(assignees_of(session, [card.id])[card.id])
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
    card.position = position_between(*neighbours([(i, p) for i, p in rows], card.id,
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
        assigned = _setassignees_of(session, board, card, c.assignees)
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
    view = card_view(card, assignees_of(session, [card.id])[card.id])
    return view, [*changed(board, card.id), *told]


def delete_card(session: Session, user_id: int, card_id: int) -> tuple[None, Events]:
    board, card = card_access(session, user_id, card_id, "write")
    remove_todo(session, board, card.id)
    session.delete(card)
    return None, changed(board, card_id)


def get_card(session: Session, user_id: int, card_id: int) -> CardDetail:
    board, card = card_access(session, user_id, card_id, "read")
    comments = session.scalars(select(CardComment).where(CardComment.card_id == card.id)
                               .order_by(CardComment.id))  # fmt: skip
    activity = session.scalars(select(CardActivity).where(CardActivity.card_id == card.id)
                               .order_by(CardActivity.id))  # fmt: skip
    return CardDetail(
        card=card_view(card, assignees_of(session, [card.id])[card.id]),
        comments=[CommentView(id=c.id, author=c.author_id, body=c.body, created_at=c.created_at)
                  for c in comments],
        activity=[ActivityView(actor=a.actor_id, verb=a.verb, detail=a.detail,
                               created_at=a.created_at) for a in activity],
        attachments=attachments_of(session, user_id, board, card.id),
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
        view = card_view(card, assignees_of(session, [card.id])[card.id])
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
        for uid in assignees_of(session, [card_id])[card_id]:
            _, event = add_notification(session, uid, "task", text=f"⏰ {card.title}",
                                        space_id=board.space_id)  # fmt: skip
            told.append(event)
    return told
