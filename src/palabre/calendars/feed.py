"""A calendar as one iCalendar file and back: the feed of a subscription URL (read-only,
secret: signed with the installation's secret, and good while its holder may read the
calendar and has not regenerated it: the token then carries the new key) and the import of a
file (each UID one object). Pure, but for the signature."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import icalendar
from itsdangerous import BadSignature, URLSafeSerializer

from ..errors import Invalid, NotFound
from .ical import COMPONENTS, load, wrap

SALT = "palabre.calendars.feed"
MAX_IMPORT = 2000  # objects in one file


def feed_token(secret: bytes, calendar_id: int, user_id: int, key: str | None = None) -> str:
    """The token of a subscription address; `key`: the one its holder last regenerated
    (None: never, the first address)."""
    value: list[int | str] = [calendar_id, user_id] if key is None else [calendar_id, user_id, key]
    return str(URLSafeSerializer(secret, salt=SALT).dumps(value))


def read_feed_token(secret: bytes, token: str) -> tuple[int, int, str | None]:
    """The calendar, the holder and the key a token names; NotFound if forged."""
    try:
        value = URLSafeSerializer(secret, salt=SALT).loads(token) if len(token) < 512 else None
    except BadSignature:
        value = None
    if not (isinstance(value, list) and len(value) in (2, 3)
            and all(isinstance(v, int) for v in value[:2])
            and all(isinstance(v, str) for v in value[2:])):  # fmt: skip
        raise NotFound("no such calendar")
    return value[0], value[1], value[2] if len(value) == 3 else None


def merged(texts: Iterable[str], name: str) -> str:
    """One VCALENDAR holding every object's components, each time zone once."""
    zones: dict[str, Any] = {}
    components: list[Any] = []
    for text in texts:
        for component in load(text).subcomponents:
            if component.name == "VTIMEZONE":
                zones.setdefault(str(component.get("tzid")), component)
            elif component.name in COMPONENTS:
                components.append(component)
    calendar = wrap(*zones.values(), *components)
    calendar.add("x-wr-calname", name)
    return str(calendar.to_ical().decode())


def split(text: str) -> list[str]:
    """The objects of an imported file: one VCALENDAR per UID (its master and overridden
    instances), with the time zones they use."""
    calendar = load(text)
    zones = {str(c.get("tzid")): c for c in calendar.subcomponents if c.name == "VTIMEZONE"}
    by_uid: dict[str, list[Any]] = {}
    for component in calendar.subcomponents:
        if component.name in COMPONENTS:
            uid = str(component.get("uid", ""))
            if not uid:
                raise Invalid("every event and to-do of the file has a UID")
            by_uid.setdefault(uid, []).append(component)
    if len(by_uid) > MAX_IMPORT:
        raise Invalid(f"at most {MAX_IMPORT} events and to-dos in one file")
    objects = []
    for parts in by_uid.values():
        used = {str(p["dtstart"].params.get("TZID")) for p in parts if "dtstart" in p}
        own: list[icalendar.Component] = [zones[z] for z in used if z in zones]
        objects.append(str(wrap(*own, *parts).to_ical().decode()))
    return objects
