"""/api/notifications and /api/spaces/{id}/notify: a person's notifications, read and
marked, and how much they hear from each space (docs/workspace-api.md); and the job that
e-mails what people missed, in a digest (notify/pending.py claims, notify/digest.py writes).
"""

from __future__ import annotations

import logging
import secrets

import msgspec
from sqlalchemy.orm import Session

from ...db import utcnow
from ...errors import Forbidden, NotFound
from ...messaging.policy import channel_access
from ...notify import inbox
from ...notify.digest import compose
from ...notify.levels import SpaceLevel, set_space_level
from ...notify.mail import MailError
from ...notify.models import Notification
from ...notify.pending import claim_due, mark_sent, release
from ...notify.views import NotificationPage
from ...spaces.policy import authorize
from .endpoints import ApiContext, Call, Endpoint
from .jobs import JOBS, Job

log = logging.getLogger(__name__)

DIGEST_INTERVAL = 60.0  # seconds between two runs of the digest job


class MarkRead(msgspec.Struct, forbid_unknown_fields=True):
    ids: list[int] | None = None
    everything: bool = msgspec.field(default=False, name="all")


class Unread(msgspec.Struct):
    unread: int


class Level(msgspec.Struct, forbid_unknown_fields=True):
    level: str


async def list_notifications(call: Call) -> NotificationPage:
    before = call.int_query("before", 0, 1, 2**62) or None
    limit = call.int_query("limit", 50, 1, inbox.MAX_PAGE)
    return await call.ctx.run(inbox.list_notifications, call.me.user_id, before, limit)


async def mark_read(call: Call) -> Unread:
    body: MarkRead = call.body
    unread = await call.ctx.apply(inbox.mark_read, call.me.user_id, body.ids, body.everything)
    return Unread(unread)


async def set_level(call: Call) -> SpaceLevel:
    body: Level = call.body
    view = await call.ctx.apply(
        set_space_level, call.me.user_id, call.param("space_id"), body.level
    )
    return view


ENDPOINTS = [
    Endpoint("GET", "/api/notifications", "The caller's notifications, newest first",
             list_notifications, response=NotificationPage, tags=("notifications",)),
    Endpoint("POST", "/api/notifications/read", "Mark notifications read (ids, or all)",
             mark_read, body=MarkRead, response=Unread, tags=("notifications",)),
    Endpoint("PUT", "/api/spaces/{space_id:int}/notify",
             "How much the caller hears from a space: all, mentions or none", set_level,
             body=Level, response=SpaceLevel, tags=("notifications",)),
]  # fmt: skip


def may_see(session: Session, row: Notification) -> bool:
    """Whether its subject is still the person's to read, as the policies say (an invitation
    is, being addressed to someone not in the space yet)."""
    if row.kind == "invitation":
        return True
    try:
        if row.channel_id is not None:
            channel_access(session, row.user_id, row.channel_id, "read")
        elif row.space_id is not None:
            authorize(session, row.user_id, row.space_id, "view")
    except (NotFound, Forbidden):
        return False
    return True


def public_base(ctx: ApiContext) -> str:
    s = ctx.settings
    return s.public_url or f"http://{s.host}:{s.port}"


async def send_digests(ctx: ApiContext) -> int:
    """E-mail each person what they missed (one digest each); how many were accepted by the
    SMTP server. Nothing at all without smtp_host."""
    if not ctx.settings.smtp_host:
        return 0
    claim = secrets.token_hex(8)
    base = public_base(ctx)
    due = await ctx.run(claim_due, claim, utcnow(), ctx.settings.digest_delay, base, may_see)
    sent = 0
    for person in due:
        digest = compose(person.language, person.name, person.items, base)
        try:
            await ctx.mail.send(person.email, digest.subject, digest.text, digest.html)
        except MailError as exc:
            log.warning("digest not sent (tried again at the next run): %s", exc)
            await ctx.run(release, claim, person.ids)
            continue
        await ctx.run(mark_sent, claim, person.ids, utcnow())
        sent += 1
    return sent


async def digest_job(ctx: ApiContext) -> None:
    await send_digests(ctx)


DIGESTS = Job("notify.digests", DIGEST_INTERVAL, digest_job)
JOBS.append(DIGESTS)
