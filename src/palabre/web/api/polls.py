"""/api/polls (the organiser's) and /api/poll-invites/{token} (an invitee's, by link, or
a signed-in account's by the poll's organisation link):
meeting polls made, answered, tallied, exported as CSV and closed on a slot, which makes the
event, its meeting room with the lobby on and the invitations (docs/planning.md). The
invitation link's page, /poll/{token}, works without script: `routes`."""

from __future__ import annotations

import logging
from datetime import datetime
from email.utils import parseaddr

import msgspec
from starlette.responses import Response

from ...errors import Invalid
from ...notify.mail import MailError
from ...polls import store
from ...polls.views import InviteView, PollSummary, PollView, VoterView
from ..auth import language
from .calendars import base_url, moment_query, send_mailings
from .endpoints import Call, Endpoint, Id

log = logging.getLogger(__name__)


class SlotIn(msgspec.Struct, forbid_unknown_fields=True):
    start: datetime  # with its offset
    end: datetime


class InviteIn(msgspec.Struct, forbid_unknown_fields=True):
    label: str = ""
    email: str | None = None  # the organiser's note: never shown to invitees


class NewPoll(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: str
    description: str = ""
    timezone: str = "UTC"  # the organiser's
    slots: list[SlotIn]
    deadline: datetime | None = None
    hidden_results: bool = False
    space: Id | None = None  # the event goes to this space's calendar
    invites: list[InviteIn] = []
    agents_link: bool = False  # a link too for the organisation's accounts: one answer each


class Close(msgspec.Struct, forbid_unknown_fields=True):
    slot: Id


class NewAnswer(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    choices: dict[str, str]  # slot id -> yes, maybe, no
    comment: str = ""


TEXT = {
    "en": ("{organizer} asks when you can meet: “{title}”", "Please answer here:"),
    "fr": ("{organizer} vous demande vos disponibilités : « {title} »", "Répondez ici :"),
}


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise Invalid("times carry their offset (2026-12-07T10:00:00+01:00)")
    return moment


async def _mail_links(call: Call, view: PollView, invites: list[InviteView]) -> None:
    lang = language(call.request)
    subject, ask = TEXT[lang if lang in TEXT else "en"]
    organizer = call.me.display_name
    for invite in invites:
        if invite.email is None:
            continue
        text = f"{subject.format(organizer=organizer, title=view.title)}\n\n{ask}\n{invite.link}\n"
        try:
            await call.ctx.mail.send(invite.email, subject.format(organizer=organizer,
                                     title=view.title), text)  # fmt: skip
        except MailError as exc:
            log.warning("a poll's invitation was not sent: %s", type(exc).__name__)


async def create_poll(call: Call) -> PollView:
    body: NewPoll = call.body
    slots = [(_aware(s.start), _aware(s.end)) for s in body.slots]
    view = await call.ctx.run(
        store.create_poll, call.me.user_id, body.title, body.description, body.timezone, slots,
        _aware(body.deadline) if body.deadline else None, body.hidden_results, body.space,
        [(i.label, i.email) for i in body.invites], base_url(call.ctx, call.request),
        body.agents_link,
    )  # fmt: skip
    await _mail_links(call, view, view.invites)
    return view


async def list_polls(call: Call) -> list[PollSummary]:
    return await call.ctx.run(store.list_polls, call.me.user_id)


async def get_poll(call: Call) -> PollView:
    return await call.ctx.run(
        store.get_poll, call.me.user_id, call.param("poll_id"), base_url(call.ctx, call.request)
    )


async def add_invite(call: Call) -> InviteView:
    body: InviteIn = call.body
    base = base_url(call.ctx, call.request)
    invite = await call.ctx.run(
        store.add_invite, call.me.user_id, call.param("poll_id"), body.label, body.email, base
    )
    view = await call.ctx.run(store.get_poll, call.me.user_id, call.param("poll_id"), base)
    await _mail_links(call, view, [invite])
    return invite


async def delete_poll(call: Call) -> None:
    await call.ctx.run(store.delete_poll, call.me.user_id, call.param("poll_id"))


async def export_csv(call: Call) -> Response:
    text = await call.ctx.run(store.answers_csv, call.me.user_id, call.param("poll_id"))
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": 'attachment; filename="poll.csv"',
            "cache-control": "no-store",
        },
    )


async def close_poll(call: Call) -> PollView:
    body: Close = call.body
    view, mailings, events = await call.ctx.run(
        store.close_poll, call.me.user_id, call.param("poll_id"), body.slot,
        base_url(call.ctx, call.request), parseaddr(call.ctx.settings.mail_from)[1],
    )  # fmt: skip
    await call.ctx.publish(events)
    await send_mailings(call.ctx, call.request, mailings)
    return view


async def suggest_slots(call: Call) -> list[SlotIn]:
    start, end = moment_query(call, "start"), moment_query(call, "end")
    minutes = call.int_query("minutes", 60, 15, 480)
    found = await call.ctx.run(
        store.suggest_slots, call.me.user_id, start, end, minutes, call.query("timezone") or "UTC"
    )
    return [SlotIn(start=a, end=b) for a, b in found]


async def get_invite(call: Call) -> VoterView:
    me = call.principal.user_id if call.principal is not None else None
    return await call.ctx.run(
        store.voter_view, call.param("token"), base_url(call.ctx, call.request), me
    )


async def answer(call: Call) -> VoterView:
    body: NewAnswer = call.body
    me = call.principal.user_id if call.principal is not None else None
    return await call.ctx.apply(
        store.answer, call.param("token"), body.name, body.choices, body.comment,
        base_url(call.ctx, call.request), me,
    )  # fmt: skip


P = "/api/polls/{poll_id}"
T = ("polls",)
ENDPOINTS = [
    Endpoint("POST", "/api/polls", "Make a meeting poll (organisation accounts)", create_poll,
             body=NewPoll, response=PollView, status=201, tags=T),
    Endpoint("GET", "/api/polls/free-slots",
             "Slots free in one's calendars (?start=&end=&minutes=&timezone=), to offer",
             suggest_slots, response=list[SlotIn], tags=T),
    Endpoint("GET", "/api/polls", "One's polls", list_polls, response=list[PollSummary], tags=T),
    Endpoint("GET", P, "A poll as its organiser sees it: the table, the best slots",
             get_poll, response=PollView, tags=T),
    Endpoint("DELETE", P, "Delete a poll", delete_poll, tags=T),
    Endpoint("POST", P + "/invites", "Another invitation link", add_invite, body=InviteIn,
             response=InviteView, status=201, tags=T),
    Endpoint("GET", P + "/answers.csv", "The table as CSV", export_csv,
             media_type="text/csv", tags=T),
    Endpoint("POST", P + "/close", "Close on a slot: the event, its room, the invitations",
             close_poll, body=Close, response=PollView, tags=T),
    Endpoint("GET", "/api/poll-invites/{token}", "A poll as an invitation link shows it",
             get_invite, response=VoterView, public=True, tags=T),
    Endpoint("PUT", "/api/poll-invites/{token}/answer", "Answer a poll by its link",
             answer, body=NewAnswer, response=VoterView, public=True, tags=T),
]  # fmt: skip
