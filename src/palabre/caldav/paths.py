"""What a CalDAV path names, pure: "" the root, "alice" a principal, "alice/personal" her
own calendar, "alice/space-3" space 3's calendar as she sees it, "alice/personal/x.ics" an
object. The calendar's name in the path is its address, not its id, so that a space's
calendar keeps its place in every member's home."""

from __future__ import annotations

from dataclasses import dataclass

PERSONAL = "personal"
SPACE_PREFIX = "space-"


@dataclass(frozen=True)
class Place:
    user: str | None = None  # the principal
    space_id: int | None = None  # a space's calendar; None with `calendar`: one's own
    calendar: bool = False
    href: str | None = None  # an object of the calendar


def parse(path: str) -> Place | None:
    """The place of a sanitized path (no leading or trailing '/'); None if it names
    nothing that can exist."""
    parts = [p for p in path.strip("/").split("/") if p] if path.strip("/") else []
    if not parts:
        return Place()
    if len(parts) > 3:
        return None
    user = parts[0]
    if len(parts) == 1:
        return Place(user=user)
    name = parts[1]
    space_id: int | None = None
    if name.startswith(SPACE_PREFIX) and name[len(SPACE_PREFIX) :].isdigit():
        space_id = int(name[len(SPACE_PREFIX) :])
    elif name != PERSONAL:
        return None
    href = parts[2] if len(parts) == 3 else None
    return Place(user=user, space_id=space_id, calendar=True, href=href)


def calendar_name(space_id: int | None) -> str:
    return PERSONAL if space_id is None else f"{SPACE_PREFIX}{space_id}"
