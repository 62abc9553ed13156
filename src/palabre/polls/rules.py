"""The rules of a meeting poll, pure: answers, names, slots, the tally and its best slots,
the CSV of the table."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

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


MAX_SUGGESTED = 20


def free_slots(
    busy: Sequence[tuple[datetime, datetime]], start: datetime, end: datetime, minutes: int,
    tz: ZoneInfo, day_start: int = 9, day_end: int = 18,
) -> list[tuple[datetime, datetime]]:  # fmt: skip
    """Slots of `minutes` between `start` and `end`, on weekdays between `day_start` and
    `day_end` o'clock in `tz`, on the half hour, that overlap none of `busy`."""
    if not 15 <= minutes <= 8 * 60:
        raise Invalid("a slot lasts 15 minutes to 8 hours")
    found: list[tuple[datetime, datetime]] = []
    step = timedelta(minutes=30)
    local = start.astimezone(tz)
    moment = local.replace(minute=0 if local.minute == 0 else 30, second=0, microsecond=0)
    if moment < local:
        moment += step
    while moment < end and len(found) < MAX_SUGGESTED:
        finish = moment + timedelta(minutes=minutes)
        opening = moment.replace(hour=day_start, minute=0)
        closing = moment.replace(hour=day_end, minute=0)
        workday = moment.weekday() < 5 and opening <= moment and finish <= closing
        clear = all(finish <= b or moment >= e for b, e in busy)
        if workday and clear and finish <= end:
            found.append((moment, finish))
            moment = finish
        else:
            moment += step
        moment = moment.astimezone(tz)
    return found
