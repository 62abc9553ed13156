"""/api/calendars, /api/freebusy and /api/rsvp: calendars a person sees, the occurrences of a
range, events made, replaced and deleted (with their iMIP invitations, updates and
cancellations by e-mail), a colleague's busy times, and the answer to an invitation by its
signed link (docs/planning.md). The link's page, /calendar/rsvp/{token}, is `routes`."""

from __future__ import annotations

import html
import logging
from datetime import datetime
from email.utils import parseaddr

import msgspec
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ...calendars import events as event_ops
from ...calendars import freebusy, store
from ...calendars.events import Mailing
from ...calendars.feed import feed_token, read_feed_token
from ...calendars.ical import Attendee, EventFields, parse_moment
from ...calendars.invitation_mail import event_mail
from ...calendars.policy import calendar_access
from ...calendars.rsvp import read_rsvp, rsvp_token
from ...calendars.views import BusyView, CalendarView, EventDetail, EventView
from ...errors import Invalid, Refusal
from ...notify.mail import MailError
from ...spaces.models import Space
from ..auth import language
from .endpoints import ApiContext, Call, Endpoint

log = logging.getLogger(__name__)

MAX_TEXT = 10_000
MAX_IMPORT_BYTES = 10 << 20


class AttendeeIn(msgspec.Struct, forbid_unknown_fields=True):
    email: str
    name: str = ""


class NewEvent(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    summary: str
    start: str  # "2026-12-03T10:00" in `timezone` (or with its offset); "2026-12-03" all day
    end: str
    timezone: str = "UTC"
    all_day: bool = False
    description: str = ""
    location: str = ""
    url: str = ""
    rrule: str | None = None
    exdates: list[str] = []
    attendees: list[AttendeeIn] = []
    meeting_link: bool = False  # a space's calendar: its meeting's link as the location
    reminder_minutes: int | None = None  # a VALARM this long before the start


class Subscription(msgspec.Struct, kw_only=True):
    url: str  # read-only and secret: whoever holds it reads the calendar


class Imported(msgspec.Struct, kw_only=True):
    imported: int


class Rsvp(msgspec.Struct, forbid_unknown_fields=True):
    partstat: str  # ACCEPTED, TENTATIVE or DECLINED


class RsvpView(msgspec.Struct, kw_only=True):
    summary: str
    start: str
    partstat: str


def base_url(ctx: ApiContext, request: Request) -> str:
    return (ctx.settings.public_url or str(request.base_url)).rstrip("/")


def moment_query(call: Call, name: str) -> datetime:
    raw = call.query(name)
    if raw is None:
        raise Invalid(f"give {name} (ISO 8601 with its offset)")
    try:
        return datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError:
        raise Invalid(f"{name} is ISO 8601 (2026-12-03T00:00:00+01:00)") from None


def _meeting_link(session: Session, user_id: int, calendar_id: int) -> str | None:
    access = calendar_access(session, user_id, calendar_id, "write")
    if access.calendar.space_id is None:
        return None
    space = session.get(Space, access.calendar.space_id)
    return space.room if space is not None else None


async def _fields(call: Call, body: NewEvent, calendar_id: int) -> EventFields:
    if len(body.description) > MAX_TEXT or len(body.location) > 1000 or len(body.url) > 1000:
        raise Invalid("the description, location or link is too long")
    location, url = body.location, body.url
    if body.meeting_link:
        room = await call.ctx.run(_meeting_link, call.me.user_id, calendar_id)
        if room is None:
            raise Invalid("only a space's calendar has a meeting link")
        url = f"{base_url(call.ctx, call.request)}/{room}"
        location = location or url
    organizer = await call.ctx.run(
        event_ops.organizer_of, call.me.user_id, parseaddr(call.ctx.settings.mail_from)[1]
    )
    return EventFields(
        summary=body.summary,
        start=parse_moment(body.start, body.timezone, body.all_day),
        end=parse_moment(body.end, body.timezone, body.all_day),
        timezone=body.timezone,
        all_day=body.all_day,
        description=body.description,
        location=location,
        url=url,
        rrule=body.rrule,
        exdates=[parse_moment(d, body.timezone, body.all_day) for d in body.exdates],
        attendees=[_attendee(a) for a in body.attendees],
        organizer=organizer,
        reminder_minutes=body.reminder_minutes,
    )


def _attendee(given: AttendeeIn) -> Attendee:
    email = given.email.strip()
    if "@" not in email or len(email) > 320 or any(c in email for c in ' \r\n<>,;:"'):
        raise Invalid(f"{given.email!r} is not an e-mail address")
    return Attendee(email, " ".join(given.name.split())[:128])


async def send_mailings(ctx: ApiContext, request: Request, mailings: list[Mailing]) -> int:
    """The invitations, updates and cancellations, each with its signed RSVP links; a mail
    the SMTP server refuses is logged, the change stays made. How many went."""
    sent = 0
    lang = language(request)
    base = base_url(ctx, request)
    for mailing in mailings:
        for attendee in mailing.to:
            token = rsvp_token(ctx.secret, mailing.object_id, attendee.email)
            links = {answer: f"{base}/calendar/rsvp/{token}?answer={answer.lower()}"
                     for answer in ("ACCEPTED", "TENTATIVE", "DECLINED")}  # fmt: skip
            mail = event_mail(lang, mailing.method, mailing.summary, mailing.organizer,
                              mailing.start, mailing.location, links)  # fmt: skip
            try:
                await ctx.mail.send(attendee.email, mail.subject, mail.text, mail.html,
                                    calendar=mailing.ics)  # fmt: skip
                sent += 1
            except MailError as exc:
                log.warning("an invitation was not sent: %s", type(exc).__name__)
    return sent


async def list_calendars(call: Call) -> list[CalendarView]:
    return await call.ctx.run(store.list_calendars, call.me.user_id)


async def list_events(call: Call) -> list[EventView]:
    start, end = moment_query(call, "start"), moment_query(call, "end")
    return await call.ctx.run(
        store.list_events, call.me.user_id, call.param("calendar_id"), start, end
    )


async def create_event(call: Call) -> EventDetail:
    calendar_id = call.param("calendar_id")
    fields = await _fields(call, call.body, calendar_id)
    detail, mailings, events = await call.ctx.run(
        event_ops.create_event, call.me.user_id, calendar_id, fields
    )
    await call.ctx.publish(events)
    await send_mailings(call.ctx, call.request, mailings)
    return detail


async def get_event(call: Call) -> EventDetail:
    return await call.ctx.run(
        store.get_event, call.me.user_id, call.param("calendar_id"), call.param("uid")
    )


async def replace_event(call: Call) -> EventDetail:
    calendar_id = call.param("calendar_id")
    fields = await _fields(call, call.body, calendar_id)
    detail, mailings, events = await call.ctx.run(
        event_ops.replace_event, call.me.user_id, calendar_id, call.param("uid"), fields
    )
    await call.ctx.publish(events)
    await send_mailings(call.ctx, call.request, mailings)
    return detail


async def delete_event(call: Call) -> None:
    mailings, events = await call.ctx.run(
        event_ops.delete_event, call.me.user_id, call.param("calendar_id"), call.param("uid"),
        call.query("occurrence"),
    )  # fmt: skip
    await call.ctx.publish(events)
    await send_mailings(call.ctx, call.request, mailings)


async def subscription(call: Call) -> Subscription:
    calendar_id = call.param("calendar_id")
    key = await call.ctx.run(store.feed_key, call.me.user_id, calendar_id)
    token = feed_token(call.ctx.secret, calendar_id, call.me.user_id, key)
    return Subscription(url=f"{base_url(call.ctx, call.request)}/calendar/ics/{token}")


async def regenerate_subscription(call: Call) -> Subscription:
    calendar_id = call.param("calendar_id")
    key = await call.ctx.run(store.regenerate_feed, call.me.user_id, calendar_id)
    token = feed_token(call.ctx.secret, calendar_id, call.me.user_id, key)
    return Subscription(url=f"{base_url(call.ctx, call.request)}/calendar/ics/{token}")


async def import_ics(call: Call) -> Imported:
    data = bytearray()
    async for chunk in call.request.stream():
        data += chunk
        if len(data) > MAX_IMPORT_BYTES:
            raise Invalid(f"a file has at most {MAX_IMPORT_BYTES} bytes")
    try:
        text = data.decode()
    except UnicodeDecodeError:
        raise Invalid("the file is not UTF-8 text") from None
    count = await call.ctx.apply(
        store.import_file, call.me.user_id, call.param("calendar_id"), text
    )
    return Imported(imported=count)


async def free_busy(call: Call) -> list[BusyView]:
    start, end = moment_query(call, "start"), moment_query(call, "end")
    return await call.ctx.run(freebusy.busy, call.me.user_id, call.param("name"), start, end)


def _answer_view(answer: event_ops.Answer) -> RsvpView:
    return RsvpView(summary=answer.summary, start=answer.start, partstat=answer.partstat)


async def get_rsvp(call: Call) -> RsvpView:
    object_id, email = read_rsvp(call.ctx.secret, call.param("token"))
    return _answer_view(await call.ctx.run(event_ops.rsvp_state, object_id, email))


async def answer_rsvp(call: Call) -> RsvpView:
    body: Rsvp = call.body
    if body.partstat.upper() not in ("ACCEPTED", "TENTATIVE", "DECLINED"):
        raise Invalid("partstat is ACCEPTED, TENTATIVE or DECLINED")
    object_id, email = read_rsvp(call.ctx.secret, call.param("token"))
    answer = await call.ctx.apply(event_ops.answer_rsvp, object_id, email, body.partstat)
    return _answer_view(answer)


C = "/api/calendars/{calendar_id:int}"
T = ("calendars",)
ENDPOINTS = [
    Endpoint("GET", "/api/calendars", "The calendars one sees: one's own, one's spaces'",
             list_calendars, response=list[CalendarView], tags=T),
    Endpoint("GET", C + "/events", "The occurrences of ?start= to ?end= (recurrences expanded)",
             list_events, response=list[EventView], tags=T),
    Endpoint("POST", C + "/events", "Make an event; its attendees get an iMIP invitation",
             create_event, body=NewEvent, response=EventDetail, status=201, tags=T),
    Endpoint("GET", C + "/events/{uid}", "An event: its master, rule and exceptions",
             get_event, response=EventDetail, tags=T),
    Endpoint("PUT", C + "/events/{uid}", "Replace an event; its attendees get the update",
             replace_event, body=NewEvent, response=EventDetail, tags=T),
    Endpoint("DELETE", C + "/events/{uid}",
             "Delete an event (or, with ?occurrence=, one occurrence); attendees are told",
             delete_event, tags=T),
    Endpoint("GET", C + "/subscription", "A secret read-only ICS address of the calendar",
             subscription, response=Subscription, tags=T),
    Endpoint("POST", C + "/subscription", "A new secret ICS address: the earlier ones stop",
             regenerate_subscription, response=Subscription, tags=T),
    Endpoint("POST", C + "/import", "Import an .ics file (the body, text/calendar)",
             import_ics, response=Imported, tags=T),
    Endpoint("GET", "/api/freebusy/{name}", "When a colleague is busy, ?start= to ?end=",
             free_busy, response=list[BusyView], tags=T),
    Endpoint("GET", "/api/rsvp/{token}", "An invitation by its signed link: the answer given",
             get_rsvp, response=RsvpView, public=True, tags=T),
    Endpoint("POST", "/api/rsvp/{token}", "Answer an invitation by its signed link",
             answer_rsvp, body=Rsvp, response=RsvpView, public=True, tags=T),
]  # fmt: skip

PAGE = {
    "en": {"title": "Your answer", "ask": "Answer “{summary}” ({start}):", "send": "Send",
           "done": "Your answer is recorded: {answer}.", "gone": "This invitation is not valid.",
           "ACCEPTED": "Yes", "TENTATIVE": "Maybe", "DECLINED": "No"},
    "fr": {"title": "Votre réponse", "ask": "Répondre à « {summary} » ({start}) :",
           "send": "Envoyer", "done": "Votre réponse est enregistrée : {answer}.",
           "gone": "Cette invitation n'est pas valable.",
           "ACCEPTED": "Oui", "TENTATIVE": "Peut-être", "DECLINED": "Non"},
}  # fmt: skip


def _page(lang: str, body: str, status: int = 200) -> HTMLResponse:
    t = PAGE[lang]
    return HTMLResponse(
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(t['title'])} · Palabre</title>"
        '<link rel="stylesheet" href="/auth/style.css"></head>'
        f"<body><main><h1>{html.escape(t['title'])}</h1>{body}</main></body></html>",
        status_code=status,
        headers={"cache-control": "no-store", "referrer-policy": "no-referrer"},
    )


def routes(ctx: ApiContext) -> list[Route]:
    """The page of an RSVP link: opening it changes nothing (mail scanners open links); its
    form sends the answer."""

    async def rsvp_page(request: Request) -> Response:
        lang = language(request)
        lang = lang if lang in PAGE else "en"
        t = PAGE[lang]
        token = request.path_params["token"]
        try:
            object_id, email = read_rsvp(ctx.secret, token)
            if request.method == "POST":
                async with request.form(max_files=0, max_fields=4) as form:
                    partstat = str(form.get("answer", "")).upper()
                if partstat not in ("ACCEPTED", "TENTATIVE", "DECLINED"):
                    raise Invalid("no answer")
                answer = await ctx.apply(event_ops.answer_rsvp, object_id, email, partstat)
                done = t["done"].format(answer=t[answer.partstat])
                return _page(lang, f'<p role="status">{html.escape(done)}</p>')
            answer = await ctx.run(event_ops.rsvp_state, object_id, email)
        except Refusal:
            return _page(lang, f"<p>{html.escape(t['gone'])}</p>", 404)
        asked = (request.query_params.get("answer") or answer.partstat).upper()
        options = "".join(
            f'<label><input type="radio" name="answer" value="{value}"'
            f"{' checked' if value == asked else ''}> {html.escape(t[value])}</label>"
            for value in ("ACCEPTED", "TENTATIVE", "DECLINED")
        )
        ask = t["ask"].format(summary=answer.summary, start=answer.start)
        action = html.escape(f"/calendar/rsvp/{token}", quote=True)
        return _page(lang, f'<form method="post" action="{action}"><p>{html.escape(ask)}</p>'
                           f'{options}<button type="submit">{html.escape(t["send"])}</button>'
                           "</form>")  # fmt: skip

    async def ics_feed(request: Request) -> Response:
        try:
            calendar_id, user_id, key = read_feed_token(ctx.secret, request.path_params["token"])
            text = await ctx.run(store.feed, user_id, calendar_id, key)
        except Refusal:
            return Response("not found\n", status_code=404, media_type="text/plain")
        return Response(text, media_type="text/calendar; charset=utf-8",
                        headers={"cache-control": "no-store"})  # fmt: skip

    return [
        Route("/calendar/rsvp/{token}", rsvp_page, methods=["GET", "POST"]),
        Route("/calendar/ics/{token}", ics_feed, methods=["GET"]),
    ]
