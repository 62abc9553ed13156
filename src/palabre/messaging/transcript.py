"""A meeting's chat, kept in its space's channel when a moderator asked: Markdown messages,
each within a message's size, in the language of the person who kept it. Pure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from .rules import MAX_BODY

HEADINGS = {
    "fr": "**Discussion de la réunion** du {date}, de {start} à {end} (UTC)",
    "en": "**Meeting chat** of {date}, {start} to {end} (UTC)",
}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<@])")


def escape(text: str) -> str:
    """Text shown as written, not read as Markdown."""
    return _MARKDOWN.sub(r"\\\1", text)


def transcript(
    lines: Sequence[tuple[str, str, float]],  # (name, text, epoch seconds)
    opened_at: float,
    ended_at: float,
    language: str = "fr",
    limit: int = MAX_BODY,
) -> list[str]:
    """The chat as one or more message bodies, oldest line first; [] when nobody wrote."""
    if not lines:
        return []
    start, end = (datetime.fromtimestamp(t, UTC) for t in (opened_at, ended_at))
    date = start.strftime("%d/%m/%Y") if language == "fr" else start.strftime("%Y-%m-%d")
    heading = HEADINGS.get(language, HEADINGS["en"]).format(
        date=date, start=start.strftime("%H:%M"), end=end.strftime("%H:%M")
    )
    bodies: list[str] = []
    current = heading
    for name, text, moment in lines:
        when = datetime.fromtimestamp(moment, UTC).strftime("%H:%M")
        line = f"- **{escape(name)}** ({when}) : {escape(text)}"
        line = " ".join(line.splitlines())[: limit - len(heading) - 2]
        if len(current) + 2 + len(line) > limit:
            bodies.append(current)
            current = heading
        current += "\n\n" + line if current == heading else "\n" + line
    bodies.append(current)
    return bodies
