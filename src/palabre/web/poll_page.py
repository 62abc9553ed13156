"""/poll/{token}: the page of a poll's invitation link, without script (the CSP allows
'self' only, and an invitee may have any browser): the slots in the organiser's time zone,
a name, yes / if need be / no per slot and a comment; then the others' answers unless
hidden. It shows no e-mail address and nothing of the organiser's calendar. The poll's
organisation link sends whoever is not signed in to the sign-in page, and back."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..calendars.ical import zone
from ..errors import Refusal
from ..polls import store
from ..polls.rules import ANSWERS
from ..polls.views import VoterView
from .api.calendars import base_url
from .api.endpoints import ApiContext, identify_caller
from .auth import language

TEXT = {
    "en": {"title": "Meeting poll", "by": "Asked by {organizer}. Times in {tz}.",
           "name": "Your name", "comment": "Comment (optional)", "send": "Send my answer",
           "yes": "Yes", "maybe": "If need be", "no": "No", "thanks": "Thank you: your answer "
           "is recorded. You may change it until the poll closes.", "closed": "This poll is "
           "closed.", "chosen": "Chosen: {slot}.", "join": "Join the meeting",
           "others": "Answers", "hidden": "The organiser alone sees the answers.",
           "gone": "This poll does not exist (or no longer).", "slot": "Slot",
           "deadline": "Answers until {date}."},
    "fr": {"title": "Sondage de réunion", "by": "Proposé par {organizer}. Heures de {tz}.",
           "name": "Votre nom", "comment": "Commentaire (facultatif)",
           "send": "Envoyer ma réponse", "yes": "Oui", "maybe": "Si besoin", "no": "Non",
           "thanks": "Merci : votre réponse est enregistrée. Vous pouvez la changer tant que le "
           "sondage est ouvert.", "closed": "Ce sondage est clos.", "chosen": "Retenu : {slot}.",
           "join": "Rejoindre la réunion", "others": "Réponses",
           "hidden": "Seul l'organisateur voit les réponses.",
           "gone": "Ce sondage n'existe pas (ou plus).", "slot": "Créneau",
           "deadline": "Réponses jusqu'au {date}."},
}  # fmt: skip
STYLE = """main{max-width:40rem}.table{overflow-x:auto}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
fieldset{border:0;padding:0;margin:.8rem 0}legend{font-weight:600}
label.choice{display:inline-block;margin:.3rem .8rem .3rem 0}
label.choice input{width:1.5rem;height:1.5rem;vertical-align:middle}
textarea{width:100%;box-sizing:border-box}
"""


def _label(start: datetime, end: datetime, tz: str) -> str:
    zone_info = zone(tz)
    a, b = start.astimezone(zone_info), end.astimezone(zone_info)
    return f"{a:%d/%m/%Y %H:%M}\u2013{b:%H:%M}"


# Shows each slot in the voter's own time zone too, where it differs (the page works without).
LOCAL_JS = """for (const t of document.querySelectorAll("time[data-end]")) {
  const a = new Date(t.getAttribute("datetime")), b = new Date(t.dataset.end);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === t.dataset.zone) continue;
  const day = {dateStyle: "medium", timeStyle: "short"}, hour = {timeStyle: "short"};
  const lang = document.documentElement.lang;
  const local = new Intl.DateTimeFormat(lang, day).format(a) + "\u2013" +
    new Intl.DateTimeFormat(lang, hour).format(b);
  const note = document.createElement("small");
  note.textContent = " (" + local + ", " + zone + ")";
  t.after(note);
}
"""


def _slot(start: datetime, end: datetime, tz: str) -> str:
    """A slot's label in the poll's time zone, marked up for LOCAL_JS."""
    return (f'<time datetime="{start.isoformat()}" data-end="{end.isoformat()}" '
            f'data-zone="{html.escape(tz, quote=True)}">{html.escape(_label(start, end, tz))}'
            "</time>")  # fmt: skip


def _page(lang: str, body: str, status: int = 200) -> HTMLResponse:
    t = TEXT[lang]
    return HTMLResponse(
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(t['title'])} · Palabre</title>"
        '<link rel="stylesheet" href="/auth/style.css">'
        '<link rel="stylesheet" href="/poll/style.css"></head>'
        f'<body><main>{body}</main><script src="/poll/local.js"></script></body></html>',
        status_code=status,
        headers={"cache-control": "no-store", "referrer-policy": "no-referrer"},
    )


def _form(t: dict[str, str], view: VoterView, token: str) -> str:
    mine = view.mine
    given = mine.name if mine else (view.as_account or "")
    rows = []
    for slot in view.slots:
        chosen = mine.choices.get(str(slot.id), "no") if mine else "no"
        label = _slot(slot.start, slot.end, view.timezone)
        options = "".join(
            f'<label class="choice"><input type="radio" name="slot-{slot.id}" value="{a}"'
            f"{' checked' if a == chosen else ''}> {html.escape(t[a])}</label>"
            for a in ANSWERS
        )
        rows.append(f"<fieldset><legend>{label}</legend>{options}</fieldset>")
    name = html.escape(given, quote=True)
    comment = html.escape(mine.comment if mine else "")
    action = html.escape(f"/poll/{token}", quote=True)
    return (
        f'<form method="post" action="{action}">'
        f'<label for="name">{html.escape(t["name"])}</label>'
        f'<input id="name" name="name" required maxlength="64" value="{name}" autocomplete="name">'
        f"{''.join(rows)}"
        f'<label for="comment">{html.escape(t["comment"])}</label>'
        f'<textarea id="comment" name="comment" maxlength="2000" rows="3">{comment}</textarea>'
        f'<button type="submit">{html.escape(t["send"])}</button></form>'
    )


def _table(t: dict[str, str], view: VoterView) -> str:
    if view.hidden_results:
        return f"<p>{html.escape(t['hidden'])}</p>"
    people = ([view.mine] if view.mine else []) + view.others
    head = "".join(f"<th>{html.escape(_label(s.start, s.end, view.timezone))}</th>"
                   for s in view.slots)  # fmt: skip
    body = "".join(
        f"<tr><th>{html.escape(p.name)}</th>"
        + "".join(f"<td>{html.escape(t[p.choices.get(str(s.id), 'no')])}</td>" for s in view.slots)
        + "</tr>"
        for p in people
    )
    totals = "".join(f"<td>{s.yes}</td>" for s in view.slots)
    return (f"<h2>{html.escape(t['others'])}</h2><div class=\"table\"><table>"
            f"<tr><th scope=\"col\">{html.escape(t['name'])}</th>{head}</tr>{body}"
            f"<tr><th>{html.escape(t['yes'])}</th>{totals}</tr>"
            "</table></div>")  # fmt: skip


def render(lang: str, view: VoterView, token: str, notice: str = "") -> HTMLResponse:
    t = TEXT[lang]
    parts = [f"<h1>{html.escape(view.title)}</h1>"]
    if view.description:
        parts.append(f"<p>{html.escape(view.description)}</p>")
    parts.append(
        f"<p>{html.escape(t['by'].format(organizer=view.organizer, tz=view.timezone))}</p>"
    )
    if notice:
        parts.append(f'<p role="status">{html.escape(notice)}</p>')
    if view.open:
        if view.deadline is not None:
            date = f"{view.deadline.astimezone(zone(view.timezone)):%d/%m/%Y %H:%M}"
            parts.append(f"<p>{html.escape(t['deadline'].format(date=date))}</p>")
        parts.append(_form(t, view, token))
    else:
        parts.append(f"<p>{html.escape(t['closed'])}</p>")
        chosen = next((s for s in view.slots if s.id == view.chosen_slot), None)
        if chosen is not None:
            slot = _label(chosen.start, chosen.end, view.timezone)
            parts.append(f"<p>{html.escape(t['chosen'].format(slot=slot))}</p>")
        if view.room_link:
            href = html.escape(view.room_link, quote=True)
            parts.append(f'<p><a class="button" href="{href}">{html.escape(t["join"])}</a></p>')
    parts.append(_table(t, view))
    return _page(lang, "".join(parts))


def routes(ctx: ApiContext) -> list[Route]:
    async def poll_page(request: Request) -> Response:
        lang = language(request)
        lang = lang if lang in TEXT else "en"
        token = request.path_params["token"]
        base = base_url(ctx, request)
        notice = ""
        try:
            caller = await identify_caller(request, ctx)
            me = caller.user_id if caller is not None else None
            if request.method == "POST":
                async with request.form(max_files=0, max_fields=200) as form:
                    fields: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
                choices = {k.removeprefix("slot-"): v for k, v in fields.items()
                           if k.startswith("slot-")}  # fmt: skip
                view = await ctx.apply(store.answer, token, fields.get("name", ""), choices,
                                       fields.get("comment", ""), base, me)  # fmt: skip
                notice = TEXT[lang]["thanks"]
            else:
                view = await ctx.run(store.voter_view, token, base, me)
        except Refusal as refusal:
            if refusal.status == 404:
                return _page(lang, f"<p>{html.escape(TEXT[lang]['gone'])}</p>", 404)
            if refusal.status == 401:  # the organisation link: sign in, then back here
                return RedirectResponse(f"/auth/login?next=/poll/{token}", status_code=303)
            view = await ctx.run(store.voter_view, token, base, me)
            return render(lang, view, token, str(refusal))
        return render(lang, view, token, notice)

    async def style(request: Request) -> Response:
        return Response(STYLE, media_type="text/css", headers={"cache-control": "max-age=3600"})

    async def local_js(request: Request) -> Response:
        return Response(LOCAL_JS, media_type="text/javascript",
                        headers={"cache-control": "max-age=3600"})  # fmt: skip

    return [
        Route("/poll/style.css", style, methods=["GET"]),
        Route("/poll/local.js", local_js, methods=["GET"]),
        Route("/poll/{token}", poll_page, methods=["GET", "POST"]),
    ]
