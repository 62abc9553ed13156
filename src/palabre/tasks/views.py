"""What the API sees of boards, lists and cards: msgspec structs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class BoardSummary(msgspec.Struct, kw_only=True):
    id: int
    space: int
    title: str
    created_at: datetime


class CheckItem(msgspec.Struct):
    text: str
    done: bool = False


class CardView(msgspec.Struct, kw_only=True):
    id: int
    board: int
    list_id: int
    title: str
    description: str
    position: float
    due_at: datetime | None
    done_at: datetime | None
    labels: list[str]
    checklist: list[CheckItem]
    assignees: list[int]
    created_at: datetime
    updated_at: datetime


class ListView(msgspec.Struct, kw_only=True):
    id: int
    title: str
    position: float
    cards: list[CardView]


class BoardView(msgspec.Struct, kw_only=True):
    id: int
    space: int
    title: str
    writable: bool
    lists: list[ListView]


class CommentView(msgspec.Struct, kw_only=True):
    id: int
    author: int | None
    body: str
    created_at: datetime


class ActivityView(msgspec.Struct, kw_only=True):
    actor: int | None
    verb: str
    detail: str
    created_at: datetime


class AttachmentView(msgspec.Struct, kw_only=True):
    """A space file attached to a card; `url` downloads it (the files API)."""

    file: str
    name: str
    size: int
    content_type: str
    url: str
    added_by: int | None
    added_at: datetime


class CardDetail(msgspec.Struct, kw_only=True):
    card: CardView
    comments: list[CommentView]
    activity: list[ActivityView]
    # Only for one who may read the space's files (else empty); trashed files left out.
    attachments: list[AttachmentView] = msgspec.field(default_factory=list)


class MyTask(msgspec.Struct, kw_only=True):
    card: CardView
    space: int
    board_title: str


def checklist(items: list[Any]) -> list[CheckItem]:
    return [CheckItem(str(i.get("text", "")), bool(i.get("done"))) for i in items]
