"""The e-mail an invitation sends, in French or English (the inviter's language): plain text
and HTML, the link and until when it works. Pure: composing, not sending."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

LANGUAGES = ("en", "fr")

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
}  # fmt: skip

TEXT = {
    "en": {
        "subject": "{inviter} invites you to “{space}” on Palabre",
        "hello": "Hello,",
        "invites": "{inviter} invites you to join the space “{space}” on Palabre, as {role}.",
        "open": "To accept, open this link:",
        "button": "Accept the invitation",
        "until": "The link works until {date} (UTC), once.",
        "ignore": "If you did not expect this invitation, ignore this message.",
        "member": "a member",
        "guest": "a guest",
    },
    "fr": {
        "subject": "{inviter} vous invite dans « {space} » sur Palabre",
        "hello": "Bonjour,",
        "invites": "{inviter} vous invite à rejoindre l'espace « {space} » sur Palabre, "
        "en tant que {role}.",
        "open": "Pour accepter, ouvrez ce lien :",
        "button": "Accepter l'invitation",
        "until": "Le lien fonctionne jusqu'au {date} (UTC), une seule fois.",
        "ignore": "Si vous n'attendiez pas cette invitation, ignorez ce message.",
        "member": "membre",
        "guest": "invité·e",
    },
}


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


def _one_line(text: str) -> str:
    return " ".join(text.split())


def long_date(moment: datetime, lang: str) -> str:
    """3 January 2025 / 3 janvier 2025, 14:05."""
    month = MONTHS[lang][moment.month - 1]
    return f"{moment.day} {month} {moment.year}, {moment:%H:%M}"


def invitation_mail(
    lang: str, inviter: str, space: str, role: str, link: str, expires_at: datetime
) -> Mail:
    t = TEXT[lang if lang in LANGUAGES else "en"]
    inviter, space = _one_line(inviter), _one_line(space)
    role_text = t["guest"] if role == "guest" else t["member"]
    invites = t["invites"].format(inviter=inviter, space=space, role=role_text)
    until = t["until"].format(date=long_date(expires_at, lang if lang in LANGUAGES else "en"))
    text = "\n\n".join([t["hello"], invites, f"{t['open']}\n{link}", until, t["ignore"]]) + "\n"
    e = html.escape
    body = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"></head><body>'
        f"<p>{e(t['hello'])}</p><p>{e(invites)}</p>"
        f'<p><a href="{e(link, quote=True)}">{e(t["button"])}</a></p>'
        f"<p>{e(t['open'])}<br>{e(link)}</p><p>{e(until)}</p><p>{e(t['ignore'])}</p>"
        "</body></html>"
    )
    return Mail(t["subject"].format(inviter=inviter, space=space), text, body)
