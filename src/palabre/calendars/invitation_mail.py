"""The e-mail of an invitation to an event, its update or its cancellation, in French or
English: plain text and HTML with the RSVP links (the iMIP part rides beside it). Pure."""

from __future__ import annotations

import html
from datetime import date, datetime

from ..spaces.invitation_mail import Mail, long_date

TEXT = {
    "en": {
        "REQUEST": "Invitation: {summary}",
        "CANCEL": "Cancelled: {summary}",
        "invites": "{organizer} invites you to “{summary}”.",
        "cancels": "{organizer} cancelled “{summary}”.",
        "when": "When: {when}",
        "where": "Where: {where}",
        "answer": "Your answer:",
        "ACCEPTED": "Yes, I will come",
        "TENTATIVE": "Maybe",
        "DECLINED": "No",
        "someone": "Someone",
    },
    "fr": {
        "REQUEST": "Invitation : {summary}",
        "CANCEL": "Annulé : {summary}",
        "invites": "{organizer} vous invite à « {summary} ».",
        "cancels": "{organizer} a annulé « {summary} ».",
        "when": "Quand : {when}",
        "where": "Où : {where}",
        "answer": "Votre réponse :",
        "ACCEPTED": "Oui, je viendrai",
        "TENTATIVE": "Peut-être",
        "DECLINED": "Non",
        "someone": "Quelqu'un",
    },
}
ANSWERS = ("ACCEPTED", "TENTATIVE", "DECLINED")


def when(moment: datetime | date, lang: str) -> str:
    if isinstance(moment, datetime):
        zone = moment.tzname() or "UTC"
        return f"{long_date(moment, lang)} ({zone})"
    return long_date(datetime(moment.year, moment.month, moment.day), lang).rsplit(",", 1)[0]


def event_mail(
    lang: str,
    method: str,
    summary: str,
    organizer: str,
    start: datetime | date,
    location: str,
    links: dict[str, str],
) -> Mail:
    """`links`: the RSVP link of each answer (ACCEPTED, TENTATIVE, DECLINED), for REQUEST."""
    t = TEXT[lang if lang in TEXT else "en"]
    who = organizer or t["someone"]
    lead = (t["cancels"] if method == "CANCEL" else t["invites"]).format(
        organizer=who, summary=summary
    )
    lines = [lead, "", t["when"].format(when=when(start, lang))]
    parts = [f"<p>{html.escape(lead)}</p>",
             f"<p>{html.escape(t['when'].format(when=when(start, lang)))}</p>"]  # fmt: skip
    if location:
        lines.append(t["where"].format(where=location))
        parts.append(f"<p>{html.escape(t['where'].format(where=location))}</p>")
    if method == "REQUEST" and links:
        lines += ["", t["answer"]]
        parts.append(f"<p>{html.escape(t['answer'])}</p><ul>")
        for answer in ANSWERS:
            lines.append(f"- {t[answer]}: {links[answer]}")
            href = html.escape(links[answer], quote=True)
            parts.append(f'<li><a href="{href}">{html.escape(t[answer])}</a></li>')
        parts.append("</ul>")
    return Mail(
        subject=t[method if method in ("REQUEST", "CANCEL") else "REQUEST"].format(summary=summary),
        text="\n".join(lines) + "\n",
        html="".join(parts),
    )
