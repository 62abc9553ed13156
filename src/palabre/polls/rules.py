"""The rules of a meeting poll, pure: answers, names, slots, the tally and its best slots,
the CSV of the table."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..errors import Invalid

ANSWERS = ("yes", "maybe", "no")  # "maybe": if need be
MAX_SLOTS = 60
MAX_INVITES = 200
MAX_TITLE = 256
MAX_NAME = 64
MAX_COMMENT = 2000
MAX_DESCRIPTION = 10_000
MAX_SLOT_LENGTH = timedelta(days=14)


def clean_text(text: str, most: int, what: str, required: bool = False) -> str:
    cleaned = unicodedata.normalize("NFC", text).strip()
    cleaned = "".join(c for c in cleaned if c in "\n\t" or unicodedata.category(c)[0] != "C")
    if len(cleaned) > most:
        raise Invalid(f"{what}: at most {most} characters")
    if required and not cleaned:
        raise Invalid(f"{what}: required")
    return cleaned


def clean_name(text: str) -> str:
    return " ".join(clean_text(text, MAX_NAME, "name", required=True).split())


def check_slots(slots: Sequence[tuple[datetime, datetime]]) -> None:
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise Invalid(f"a poll offers 1 to {MAX_SLOTS} slots")
    for start, end in slots:
        if not start < end <= start + MAX_SLOT_LENGTH:
            raise Invalid("a slot ends after it starts, within 14 days")
    if len(set(slots)) != len(slots):
        raise Invalid("the same slot twice")


def clean_choices(choices: Mapping[str, str], slot_ids: Sequence[int]) -> dict[str, str]:
    """One answer per slot of the poll, every slot answered ("no" when left out)."""
    known = {str(i) for i in slot_ids}
    unknown = set(choices) - known
    if unknown:
        raise Invalid("an answer names a slot this poll does not offer")
    if any(value not in ANSWERS for value in choices.values()):
        raise Invalid(f"an answer is one of {', '.join(ANSWERS)}")
    return {str(i): choices.get(str(i), "no") for i in slot_ids}


@dataclass(frozen=True)
class Count:
    slot_id: int
    yes: int
    maybe: int
    no: int

    @property
    def key(self) -> tuple[int, int]:
        return (self.yes, self.yes + self.maybe)


def tally(slot_ids: Sequence[int], answers: Sequence[Mapping[str, str]]) -> list[Count]:
    counts = []
    for slot_id in slot_ids:
        given = [a.get(str(slot_id), "no") for a in answers]
        counts.append(Count(slot_id, given.count("yes"), given.count("maybe"),
                            given.count("no")))  # fmt: skip
    return counts


def best_slots(counts: Sequence[Count]) -> list[int]:
    """The slots with most yes, then most yes or if-need-be; none if nobody said yes or
    maybe anywhere."""
    if not counts:
        return []
    top = max(c.key for c in counts)
    if top == (0, 0):
        return []
    return [c.slot_id for c in counts if c.key == top]


def table_csv(
    slots: Sequence[tuple[int, str]],
    rows: Sequence[tuple[str, Mapping[str, str], str]],
) -> str:
    """`slots`: (id, label); `rows`: (name, choices, comment). One line per voter, then the
    counts of yes."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", *[label for _, label in slots], "comment"])
    for name, choices, comment in rows:
        writer.writerow([_safe(name), *[choices.get(str(i), "no") for i, _ in slots],
                         _safe(comment)])  # fmt: skip
    answers = [choices for _, choices, _ in rows]
    writer.writerow(["yes", *[c.yes for c in tally([i for i, _ in slots], answers)], ""])
    return out.getvalue()


def _safe(cell: str) -> str:
    """No formula for a spreadsheet to run (CSV injection)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
