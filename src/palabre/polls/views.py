"""What the organiser and the invitees see of a poll: msgspec structs. The invitee's view
holds no e-mail address and no account detail: names given, slots and answers."""

from __future__ import annotations

from datetime import datetime

import msgspec


class SlotView(msgspec.Struct, kw_only=True):
    id: int
    start: datetime
    end: datetime
    yes: int | None = None  # None: results hidden from this viewer
    maybe: int | None = None
    no: int | None = None


class AnswerView(msgspec.Struct, kw_only=True):
    name: str
    choices: dict[str, str]  # slot id -> yes, maybe, no
    comment: str


class InviteView(msgspec.Struct, kw_only=True):
    id: int
    label: str
    email: str | None
    link: str
    answered: bool


class PollView(msgspec.Struct, kw_only=True):
    """The organiser's view."""

    id: str
    title: str
    description: str
    timezone: str
    deadline: datetime | None
    hidden_results: bool
    space: int | None
    created_at: datetime
    closed_at: datetime | None
    chosen_slot: int | None
    event_uid: str | None
    calendar: int | None
    room: str | None
    slots: list[SlotView]
    best_slots: list[int]
    invites: list[InviteView]
    answers: list[AnswerView]
    agents_link: str | None = None  # signed-in accounts answer there as themselves


class PollSummary(msgspec.Struct, kw_only=True):
    id: str
    title: str
    created_at: datetime
    closed_at: datetime | None
    answers: int


class VoterView(msgspec.Struct, kw_only=True):
    """What an invitation link shows."""

    title: str
    description: str
    organizer: str  # a display name
    timezone: str
    deadline: datetime | None
    open: bool
    hidden_results: bool
    chosen_slot: int | None
    room_link: str | None  # once closed: the meeting's link
    slots: list[SlotView]
    mine: AnswerView | None
    others: list[AnswerView]  # empty when results are hidden
    # By the organisation link: the display name of the account answering (else None).
    as_account: str | None = None
