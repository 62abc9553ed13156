"""Radicale's `rights` plugin: what the signed-in caller may do at a path, asked of the
calendars package's policy. One's own principal is read ("R": it lists one's calendars;
nobody makes or deletes collections); one's own calendar is read and written ("rw"); a
space's calendar as the space's `calendar` module allows ("r" or "rw"); a "read" token never
writes; anything else, nothing."""

from __future__ import annotations

from typing import Any

from radicale.rights import BaseRights

from ..calendars.policy import calendar_access, personal_calendar, space_calendar
from ..errors import Refusal
from ..spaces.policy import membership
from .context import Binding
from .paths import parse


class Rights(BaseRights):
    binding: Binding | None = None  # set by server.py

    def __init__(self, configuration: Any) -> None:
        super().__init__(configuration)

    def authorization(self, user: str, user_groups: set[str], path: str) -> str:
        binding = self.binding
        assert binding is not None
        caller = binding.caller
        place = parse(path)
        if caller is None or not user or user != caller.user_name or place is None:
            return ""
        if place.user is None:
            return "R"  # the root: it lists only one's own principal (storage.py)
        if place.user != caller.user_name:
            return ""
        if not place.calendar:
            return "R"
        with binding.any_session() as session:
            try:
                if place.space_id is None:
                    calendar = personal_calendar(session, caller.user_id)
                else:
                    membership(session, caller.user_id, place.space_id)
                    calendar = space_calendar(session, place.space_id)
                access = calendar_access(session, caller.user_id, calendar.id, "read")
            except Refusal:
                return ""
        return "rw" if access.writable and caller.writable else "r"
