"""May this person read or change this board, list or card? A board follows its space's
`tasks` module (spaces/rules.py): "read" (a guest's default) sees the boards live, "write"
makes, moves and changes lists and cards, comments and assigns. An object of a space the
person does not see is NotFound, whatever it is."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..errors import Forbidden, NotFound
from ..spaces.policy import Access, membership
from .models import Board, Card, TaskList


def space_tasks(session: Session, user_id: int, space_id: int, action: str) -> Access:
    """The person's access to a space's boards: NotFound unless they read them, Forbidden if
    they may not `action` ("read" or "write")."""
    try:
        access = membership(session, user_id, space_id)
    except NotFound:
        raise NotFound("no such space") from None
    if not access.may("tasks.read"):
        raise NotFound("no such space")
    if action == "write" and not access.may("tasks.write"):
        raise Forbidden("you may read this space's boards but not change them")
    return access


def board_access(session: Session, user_id: int, board_id: int, action: str) -> Board:
    board = session.get(Board, board_id)
    if board is None:
        raise NotFound("no such board")
    try:
        space_tasks(session, user_id, board.space_id, action)
    except NotFound:
        raise NotFound("no such board") from None
    return board


def list_access(
    session: Session, user_id: int, list_id: int, action: str
) -> tuple[Board, TaskList]:
    found = session.get(TaskList, list_id)
    if found is None:
        raise NotFound("no such list")
    try:
        return board_access(session, user_id, found.board_id, action), found
    except NotFound:
        raise NotFound("no such list") from None


def card_access(session: Session, user_id: int, card_id: int, action: str) -> tuple[Board, Card]:
    card = session.get(Card, card_id)
    if card is None:
        raise NotFound("no such card")
    try:
        return board_access(session, user_id, card.board_id, action), card
    except NotFound:
        raise NotFound("no such card") from None
