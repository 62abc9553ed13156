"""/api/spaces/{id}/boards, /api/boards, /api/lists, /api/cards and /api/tasks/mine: task
boards of a space, their lists and cards (moved by drag and drop or from the keyboard, with
assignees, due dates, labels, checklists, comments, activity), filtered (mine, due soon,
label), files of the space attached to cards, and one's open tasks across spaces
(docs/planning.md). Every change goes to the space's open pages as `board.changed`."""

from __future__ import annotations

from datetime import datetime

import msgspec

from ...tasks import attachments, cards, store
from ...tasks.cards import CardChanges
from ...tasks.store import Filters
from ...tasks.views import (
    AttachmentView,
    BoardSummary,
    BoardView,
    CardDetail,
    CardView,
    CheckItem,
    CommentView,
    ListView,
    MyTask,
)  # fmt: skip
from .endpoints import ApiContext, Call, Endpoint, Id
from .jobs import JOBS, Job


class Title(msgspec.Struct, forbid_unknown_fields=True):
    title: str


class ListEdit(msgspec.Struct, forbid_unknown_fields=True):
    title: str | None = None
    # Move: right after the list `after` (None: first).
    after: Id | msgspec.UnsetType | None = msgspec.UNSET


class CardEdit(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    due_at: datetime | msgspec.UnsetType | None = msgspec.UNSET
    done: bool | msgspec.UnsetType = msgspec.UNSET
    labels: list[str] | msgspec.UnsetType = msgspec.UNSET
    checklist: list[CheckItem] | msgspec.UnsetType = msgspec.UNSET
    assignees: list[Id] | msgspec.UnsetType = msgspec.UNSET
    # Move: into `list` (absent: the same list), right after the card `after` (None: first).
    list_id: Id | msgspec.UnsetType = msgspec.field(default=msgspec.UNSET, name="list")
    after: Id | msgspec.UnsetType | None = msgspec.UNSET


class NewComment(msgspec.Struct, forbid_unknown_fields=True):
    body: str


def _changes(body: CardEdit) -> CardChanges:
    changes = CardChanges()
    for name in ("title", "description", "due_at", "done", "labels", "checklist", "assignees"):
        value = getattr(body, name)
        if value is not msgspec.UNSET:
            changes.given.add(name)
            setattr(changes, name, value)
    if body.list_id is not msgspec.UNSET or body.after is not msgspec.UNSET:
        changes.given.add("move")
        changes.list_id = None if isinstance(body.list_id, msgspec.UnsetType) else body.list_id
        changes.after = None if isinstance(body.after, msgspec.UnsetType) else body.after
    return changes


async def list_boards(call: Call) -> list[BoardSummary]:
    return await call.ctx.run(store.list_boards, call.me.user_id, call.param("space_id"))


async def create_board(call: Call) -> BoardSummary:
    return await call.ctx.apply(
        store.create_board, call.me.user_id, call.param("space_id"), call.body.title
    )


async def get_board(call: Call) -> BoardView:
    label = call.query("label")
    filters = Filters(
        mine=call.query("mine") in ("1", "true"),
        due_days=call.int_query("due", -1, -1, 366) if call.query("due") else None,
        label=label or None,
    )
    return await call.ctx.run(store.get_board, call.me.user_id, call.param("board_id"), filters)


async def edit_board(call: Call) -> BoardSummary:
    return await call.ctx.apply(
        store.edit_board, call.me.user_id, call.param("board_id"), call.body.title
    )


async def delete_board(call: Call) -> None:
    await call.ctx.apply(store.delete_board, call.me.user_id, call.param("board_id"))


async def create_list(call: Call) -> ListView:
    return await call.ctx.apply(
        store.create_list, call.me.user_id, call.param("board_id"), call.body.title
    )


async def edit_list(call: Call) -> ListView:
    body: ListEdit = call.body
    move = body.after is not msgspec.UNSET
    after = None if isinstance(body.after, msgspec.UnsetType) else body.after
    return await call.ctx.apply(
        store.edit_list, call.me.user_id, call.param("list_id"), body.title, move, after
    )


async def delete_list(call: Call) -> None:
    await call.ctx.apply(store.delete_list, call.me.user_id, call.param("list_id"))


async def create_card(call: Call) -> CardView:
    return await call.ctx.apply(
        cards.create_card, call.me.user_id, call.param("list_id"), call.body.title
    )


async def get_card(call: Call) -> CardDetail:
    return await call.ctx.run(cards.get_card, call.me.user_id, call.param("card_id"))


async def edit_card(call: Call) -> CardView:
    return await call.ctx.apply(
        cards.edit_card, call.me.user_id, call.param("card_id"), _changes(call.body)
    )


async def delete_card(call: Call) -> None:
    await call.ctx.apply(cards.delete_card, call.me.user_id, call.param("card_id"))


async def add_comment(call: Call) -> CommentView:
    return await call.ctx.apply(
        cards.add_comment, call.me.user_id, call.param("card_id"), call.body.body
    )


class NewAttachment(msgspec.Struct, forbid_unknown_fields=True):
    file: str  # the id of a file of the card's space


async def attach_file(call: Call) -> AttachmentView:
    return await call.ctx.apply(
        attachments.attach, call.me.user_id, call.param("card_id"), call.body.file
    )


async def detach_file(call: Call) -> None:
    await call.ctx.apply(
        attachments.detach, call.me.user_id, call.param("card_id"), call.param("file_id")
    )


async def my_tasks(call: Call) -> list[MyTask]:
    return await call.ctx.run(cards.my_tasks, call.me.user_id)


B = "/api/boards/{board_id:int}"
L = "/api/lists/{list_id:int}"
K = "/api/cards/{card_id:int}"
T = ("tasks",)
ENDPOINTS = [
    Endpoint("GET", "/api/spaces/{space_id:int}/boards", "A space's boards", list_boards,
             response=list[BoardSummary], tags=T),
    Endpoint("POST", "/api/spaces/{space_id:int}/boards", "Make a board", create_board,
             body=Title, response=BoardSummary, status=201, tags=T),
    Endpoint("GET", B, "A board, its lists and cards (?mine=1, ?due=days, ?label=)", get_board,
             response=BoardView, tags=T),
    Endpoint("PATCH", B, "Rename a board", edit_board, body=Title, response=BoardSummary, tags=T),
    Endpoint("DELETE", B, "Delete a board", delete_board, tags=T),
    Endpoint("POST", B + "/lists", "Add a list", create_list, body=Title, response=ListView,
             status=201, tags=T),
    Endpoint("PATCH", L, "Rename or move a list", edit_list, body=ListEdit, response=ListView,
             tags=T),
    Endpoint("DELETE", L, "Delete a list and its cards", delete_list, tags=T),
    Endpoint("POST", L + "/cards", "Add a card", create_card, body=Title, response=CardView,
             status=201, tags=T),
    Endpoint("GET", K, "A card, its comments and activity", get_card, response=CardDetail,
             tags=T),
    Endpoint("PATCH", K, "Change or move a card", edit_card, body=CardEdit, response=CardView,
             tags=T),
    Endpoint("DELETE", K, "Delete a card", delete_card, tags=T),
    Endpoint("POST", K + "/comments", "Comment on a card", add_comment, body=NewComment,
             response=CommentView, status=201, tags=T),
    Endpoint("POST", K + "/attachments", "Attach a file of the space to a card", attach_file,
             body=NewAttachment, response=AttachmentView, status=201, tags=T),
    Endpoint("DELETE", K + "/attachments/{file_id}", "Detach a file from a card", detach_file,
             tags=T),
    Endpoint("GET", "/api/tasks/mine", "One's open cards across spaces", my_tasks,
             response=list[MyTask], tags=T),
]  # fmt: skip


async def remind_due(ctx: ApiContext) -> None:
    """The reminders job: assignees hear of their cards due within a day."""
    events = await ctx.run(cards.remind_due)
    await ctx.publish(events)


REMINDERS = Job("task reminders", 600.0, remind_due)
JOBS.append(REMINDERS)
