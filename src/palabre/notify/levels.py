"""How much a person hears from a space: every message (all), only what mentions them or
replies to them (mentions), or nothing (none). Messaging reads the level when it decides
whom a message notifies; a channel may override it (messaging's channel setting)."""

from __future__ import annotations

import msgspec
from sqlalchemy.orm import Session

from ..bus import Event, user_topic
from ..errors import Invalid
from ..spaces.policy import authorize

SPACE_LEVELS = ("all", "mentions", "none")


class SpaceLevel(msgspec.Struct, kw_only=True):
    space: int
    level: str


def set_space_level(
    session: Session, user_id: int, space_id: int, level: str
) -> tuple[SpaceLevel, list[tuple[str, Event]]]:
    """Any member sets their own level (an archived space too: it changes nothing of it)."""
    if level not in SPACE_LEVELS:
        raise Invalid(f"level must be one of {', '.join(SPACE_LEVELS)}")
    access = authorize(session, user_id, space_id, "view")
    access.member.notify = level
    session.flush()
    # Their other pages read the space again (its view carries the level).
    event: Event = {"type": "space.changed", "space": space_id}
    return SpaceLevel(space=space_id, level=level), [(user_topic(user_id), event)]
