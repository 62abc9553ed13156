"""The e-mail digest of what a person missed, in French or English: pure composition (no
database, no SMTP), a plain-text body and the same as simple HTML, every link to the page
where the person reads it.

Links follow the workspace client's routes: a channel's message at
/spaces/{space}/channels/{channel}?message={id}, a direct conversation's at
/spaces/direct/{channel}?message={id}, a card's at /spaces/tasks (one's tasks), a poll's at
/spaces/polls, an event's at /spaces/calendar, a space at /spaces/{space}, and the settings
(where the person chooses what they hear) at /spaces/settings.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

MAX_LISTED = 50  # notifications shown one by one; the rest are counted

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "subject_one": "Palabre\u00a0: 1 notification en attente",
        "subject_many": "Palabre\u00a0: {n} notifications en attente",
        "hello": "Bonjour {name},",
        "intro_one": "Voici ce que vous avez manqué sur Palabre\u00a0:",
        "intro_many": "Voici les {n} notifications que vous avez manquées sur Palabre\u00a0:",
        "mention": "{actor} vous a mentionné dans {where}",
        "reply": "{actor} a répondu dans un fil de {where}",
        "invitation": "{actor} vous a invité dans l'espace {space}",
        "direct": "{actor} vous a écrit dans une conversation privée",
        "task": "{actor} vous a confié une carte dans {where}",
        "task_due": "Une de vos cartes arrive à échéance dans {where}",
        "poll": "Du nouveau sur un sondage de réunion",
        "event": "{actor} vous a invité à un événement",
        "other": "Nouvelle notification dans {where}",
        "someone": "Quelqu'un",
        "in_channel": "#{channel} ({space})",
        "in_direct": "une conversation privée",
        "somewhere": "Palabre",
        "quote": "«\u00a0{text}\u00a0»",
        "more_one": "… et 1 autre notification.",
        "more_many": "… et {n} autres notifications.",
        "all_label": "Toutes vos notifications",
        "settings_label": "Choisir ce que vous recevez",
        "all": "Toutes vos notifications\u00a0: {link}",
        "settings": "Pour choisir ce que vous recevez\u00a0: {link}",
        "why": "Vous recevez ce message parce que ces notifications n'ont pas été lues.",
    },
    "en": {
        "subject_one": "Palabre: 1 notification you missed",
        "subject_many": "Palabre: {n} notifications you missed",
        "hello": "Hello {name},",
        "intro_one": "Here is what you missed on Palabre:",
        "intro_many": "Here are the {n} notifications you missed on Palabre:",
        "mention": "{actor} mentioned you in {where}",
        "reply": "{actor} replied in a thread in {where}",
        "invitation": "{actor} invited you to the space {space}",
        "direct": "{actor} wrote to you in a direct conversation",
        "task": "{actor} assigned you a card in {where}",
        "task_due": "A card of yours is due soon in {where}",
        "poll": "News of a meeting poll",
        "event": "{actor} invited you to an event",
        "other": "New notification in {where}",
        "someone": "Someone",
        "in_channel": "#{channel} ({space})",
        "in_direct": "a direct conversation",
        "somewhere": "Palabre",
        "quote": "“{text}”",
        "more_one": "… and 1 more notification.",
        "more_many": "… and {n} more notifications.",
        "all_label": "All your notifications",
        "settings_label": "Choose what you receive",
        "all": "All your notifications: {link}",
        "settings": "To choose what you receive: {link}",
        "why": "You receive this message because these notifications were not read.",
    },
}


@dataclass(frozen=True)
class Missed:
    """One notification as the digest tells it."""

    kind: str  # notify.models.KINDS
    text: str  # the excerpt
    actor: str | None  # who did it (display name), None if unknown or gone
    space: str | None  # the space's name
    channel: str | None  # the channel's name; None for a direct conversation or none
    link: str


@dataclass(frozen=True)
class Digest:
    subject: str
    text: str
    html: str


# The page of the notifications that are not about a message (notify.models.KINDS).
PAGES = {"task": "/spaces/tasks", "poll": "/spaces/polls", "event": "/spaces/calendar"}


def link_for(
    base: str,
    space_id: int | None,
    channel_id: int | None,
    message_id: int | None,
    kind: str = "mention",
) -> str:
    """The page where the notification's subject is read."""
    base = base.rstrip("/")
    if kind in PAGES:
        return base + PAGES[kind]
    suffix = f"?message={message_id}" if message_id is not None else ""
    if channel_id is not None and space_id is not None:
        return f"{base}/spaces/{space_id}/channels/{channel_id}{suffix}"
    if channel_id is not None:
        return f"{base}/spaces/direct/{channel_id}{suffix}"
    if space_id is not None:
        return f"{base}/spaces/{space_id}"
    return f"{base}/spaces/notifications"


def line(item: Missed, language: str) -> str:
    """What happened, in one sentence."""
    t = TEXT[language]
    if item.channel is not None:
        where = t["in_channel"].format(channel=item.channel, space=item.space or "")
    elif item.space is not None:
        where = item.space
    elif item.kind == "direct":
        where = t["in_direct"]
    else:
        where = t["somewhere"]
    key = "task_due" if item.kind == "task" and item.actor is None else item.kind
    return t.get(key, t["other"]).format(
        actor=item.actor or t["someone"], where=where, space=item.space or ""
    )


def compose(language: str, name: str, items: list[Missed], base: str) -> Digest:
    """The digest for one person (`items` newest first, at least one)."""
    if not items:
        raise ValueError("a digest tells of at least one notification")
    language = language if language in TEXT else "fr"
    t = TEXT[language]
    n = len(items)
    subject = t["subject_one"] if n == 1 else t["subject_many"].format(n=n)
    intro = t["intro_one"] if n == 1 else t["intro_many"].format(n=n)
    shown, hidden = items[:MAX_LISTED], n - min(n, MAX_LISTED)
    more = "" if not hidden else (t["more_one"] if hidden == 1 else t["more_many"].format(n=hidden))
    base = base.rstrip("/")
    everything = f"{base}/spaces/notifications"
    settings = f"{base}/spaces/settings"

    text_lines = [t["hello"].format(name=name), "", intro, ""]
    for item in shown:
        text_lines.append(f"- {line(item, language)}")
        if item.text:
            text_lines.append("  " + t["quote"].format(text=item.text))
        text_lines.append(f"  {item.link}")
    if more:
        text_lines.append(more)
    text_lines += [
        "",
        t["all"].format(link=everything),
        t["settings"].format(link=settings),
        "",
        t["why"],
    ]

    e = html.escape
    rows = []
    for item in shown:
        quote = f"<br><q>{e(item.text)}</q>" if item.text else ""
        rows.append(f'<li><a href="{e(item.link)}">{e(line(item, language))}</a>{quote}</li>')
    body = "".join(rows)
    document = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{e(subject)}</title></head><body>"
        f"<p>{e(t['hello'].format(name=name))}</p><p>{e(intro)}</p><ul>{body}</ul>"
        + (f"<p>{e(more)}</p>" if more else "")
        + f'<p><a href="{e(everything)}">{e(t["all_label"])}</a></p>'
        f'<p><a href="{e(settings)}">{e(t["settings_label"])}</a></p>'
        f"<p><small>{e(t['why'])}</small></p></body></html>"
    )
    return Digest(subject=subject, text="\n".join(text_lines) + "\n", html=document)
