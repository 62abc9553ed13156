"""The rules of task boards, pure: titles, labels, checklists and the filters (mine, due soon,
label); positions between neighbours are palabre.positions'."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from ..errors import Invalid

MAX_TITLE = 256
MAX_CARD_TITLE = 512
MAX_DESCRIPTION = 20_000
MAX_LABELS = 20
MAX_LABEL = 32
MAX_CHECKLIST = 100
MAX_COMMENT = 5000


def clean_title(text: str, most: int = MAX_TITLE) -> str:
    title = " ".join(text.split())
    if not 1 <= len(title) <= most:
        raise Invalid(f"a title has 1 to {most} characters")
    return title


def clean_labels(labels: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for label in labels:
        name = " ".join(label.split())
        if not 1 <= len(name) <= MAX_LABEL:
            raise Invalid(f"a label has 1 to {MAX_LABEL} characters")
        if name.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(name)
    if len(cleaned) > MAX_LABELS:
        raise Invalid(f"at most {MAX_LABELS} labels")
    return cleaned


def clean_checklist(items: Sequence[Any]) -> list[dict[str, Any]]:
    if len(items) > MAX_CHECKLIST:
        raise Invalid(f"at most {MAX_CHECKLIST} checklist items")
    cleaned = []
    for item in items:
        text = " ".join(str(getattr(item, "text", "")).split())
        if not 1 <= len(text) <= 512:
            raise Invalid("a checklist item has 1 to 512 characters")
        cleaned.append({"text": text, "done": bool(getattr(item, "done", False))})
    return cleaned


def due_soon(due_at: datetime | None, now: datetime, days: int) -> bool:
    return due_at is not None and due_at <= now + timedelta(days=days)
