"""/api/live: one WebSocket per open page, carrying every event the person may see
(docs/workspace-api.md, "Live updates").

The caller is identified as by the API frame (endpoints.identify_caller): the session cookie,
honoured only when the Origin is absent or this server's, or `Authorization: Bearer` for
scripts. The page is subscribed to `user:{me}`, `space:{id}` for each of their spaces and
`channel:{id}` for each channel they may read, as the policies say (spaces.policy.authorize,
messaging.policy.channel_access): `audience_of` asks them, never the tables' roles.

The subscriptions are computed again from the database when an event says access may have
changed (space.joined, access.revoked, channel.created, channel.changed, and member.changed
when it is about the person) and after a resync. On `access.revoked` the space's topics are
dropped before anything else is forwarded, and events already waiting for a dropped topic are
not sent. A page that fell
behind (its queue overflowed) or whose bus lost events gets a `resync`, then catches up by its
cursors. Heartbeat: the server sends `ping` every PING_INTERVAL seconds and closes (4408) a
page that did not answer the previous one with `pong`; it checks the sign-in each time too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from ...accounts.principal import Principal, principal_for_token
from ...accounts.users import User
from ...bus import (
    RESYNC_TOPIC,
    Event,
    Subscription,
    channel_topic,
    documents_topic,
    space_topic,
    user_topic,
)
from ...documents.policy import space_documents
from ...errors import Forbidden, NotFound, Unauthenticated
from ...messaging.models import Channel, ChannelMember
from ...messaging.policy import channel_access
from ...spaces.models import Member
from ...spaces.policy import authorize
from .endpoints import ApiContext, bearer_token, identify_caller

log = logging.getLogger(__name__)

PING_INTERVAL = 20.0  # seconds between pings; a page that misses answering one is closed
MAX_INBOUND = 4096  # bytes: a page sends only pongs
# Events after which the subscriptions are read again from the database.
ACCESS_EVENTS = frozenset(
    {"space.joined", "access.revoked", "channel.created", "channel.changed", "member.changed"}
)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NO_PONG = 4408


@dataclass
class Audience:
    """The topics a person may hear, and for each of their spaces the topics it brings."""

    user_id: int
    spaces: dict[int, set[str]] = field(default_factory=dict)
    direct: set[str] = field(default_factory=set)  # their direct conversations

    @property
    def topics(self) -> set[str]:
        topics = {user_topic(self.user_id), *self.direct}
        for space_topics in self.spaces.values():
            topics |= space_topics
        return topics


def audience_of(session: Session, user_id: int) -> Audience | None:
    """What the person may hear now (None if the account is gone), as the policies decide."""
    if session.get(User, user_id) is None:
        return None
    audience = Audience(user_id)
    candidates = session.scalars(select(Member.space_id).where(Member.user_id == user_id))
    for space_id in candidates.all():
        try:
            authorize(session, user_id, space_id, "view")
        except (NotFound, Forbidden):
            continue
        audience.spaces[space_id] = {space_topic(space_id)}
        with contextlib.suppress(NotFound, Forbidden):
            space_documents(session, user_id, space_id, "read")
            audience.spaces[space_id].add(documents_topic(space_id))
    listed = select(ChannelMember.channel_id).where(ChannelMember.user_id == user_id)
    channels = session.scalars(
        select(Channel).where(
            or_(Channel.space_id.in_(list(audience.spaces)), Channel.id.in_(listed))
        )
    )
    for channel in channels.all():
        try:
            access = channel_access(session, user_id, channel.id, "read")
        except (NotFound, Forbidden):
            continue
        home = access.channel.space_id
        if home is None:
            audience.direct.add(channel_topic(channel.id))
        elif home in audience.spaces:
            audience.spaces[home].add(channel_topic(channel.id))
    return audience


class Inbound(msgspec.Struct):
    type: str


def frame(event: Event) -> str:
    return msgspec.json.encode(event).decode()


class LivePage:
    """One open page: its subscription, and the three loops that serve it."""

    def __init__(self, websocket: WebSocket, ctx: ApiContext, principal: Principal) -> None:
        self.websocket = websocket
        self.ctx = ctx
        self.principal = principal
        self.subscription: Subscription = ctx.bus.subscribe()
        self.audience = Audience(principal.user_id)
        self.topics: set[str] = set()
        self.answered = True  # the last ping was answered (none sent yet)
        self.sending = asyncio.Lock()

    async def serve(self) -> None:
        try:
            if not await self.refresh():
                return
            hello = {"type": "hello", "user": self.principal.user_id, "ping": PING_INTERVAL}
            await self.send(hello)
            await _first_done(self.forward(), self.listen(), self.heartbeat())
        except WebSocketDisconnect:
            pass
        finally:
            await self.subscription.close()

    async def send(self, event: Event) -> None:
        async with self.sending:
            await self.websocket.send_text(frame(event))

    async def close(self, code: int, message: str) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.send({"type": "closing", "message": message}), 2)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.websocket.close(code), 2)

    async def refresh(self) -> bool:
        """Subscribe to what the person may hear now; False (and closed) if nothing."""
        audience = await self.ctx.run(audience_of, self.principal.user_id)
        if audience is None:
            await self.close(CLOSE_UNAUTHENTICATED, "this account no longer exists")
            return False
        topics = audience.topics
        # Drop first: a topic the person lost is never heard again, even for an instant.
        gone, new = self.topics - topics, topics - self.topics
        self.topics, self.audience = topics, audience
        if gone:
            await self.subscription.remove(*gone)
        if new:
            await self.subscription.add(*new)
        return True

    async def revoke(self, space_id: int) -> None:
        topics = self.audience.spaces.pop(space_id, set())
        self.topics -= topics
        if topics:
            await self.subscription.remove(*topics)

    async def forward(self) -> None:
        me_id = self.principal.user_id
        me = user_topic(me_id)
        while True:
            topic, event = await self.subscription.get()
            if topic == RESYNC_TOPIC:
                if not await self.refresh():
                    return
                await self.send(event)
                continue
            if topic not in self.topics:
                continue  # waiting when its topic was dropped
            kind = event.get("type")
            if kind == "access.revoked" and topic == me:
                space = event.get("space")
                if isinstance(space, int):
                    await self.revoke(space)
                await self.send(event)
                if not await self.refresh():
                    return
            elif kind == "member.changed" and event.get("user") not in (None, me_id):
                await self.send(event)  # someone else's standing: not the page's access
            elif kind in ACCESS_EVENTS:
                # Subscribed before the page hears of it, so what it fetches next is live.
                if not await self.refresh():
                    return
                await self.send(event)
            else:
                await self.send(event)

    async def listen(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("text")
            if data is None:
                data = message.get("bytes") or b""
            try:
                if len(data) > MAX_INBOUND:
                    raise ValueError(f"at most {MAX_INBOUND} bytes")
                inbound = msgspec.json.decode(data, type=Inbound)
                if inbound.type != "pong":
                    raise ValueError(f"unknown message type {inbound.type!r} (only pong)")
            except (ValueError, msgspec.DecodeError) as exc:
                await self.send({"type": "error", "code": "invalid", "message": str(exc)})
                continue
            self.answered = True

    async def heartbeat(self) -> None:
        while True:
            await asyncio.sleep(PING_INTERVAL)
            if not self.answered:
                await self.close(CLOSE_NO_PONG, "no pong")
                return
            if not await self.signed_in():
                await self.close(CLOSE_UNAUTHENTICATED, "signed out, or the token was revoked")
                return
            self.answered = False
            await self.send({"type": "ping"})

    async def signed_in(self) -> bool:
        """Whether the sign-in this page came with still holds."""
        if self.principal.via_token:
            token = bearer_token(self.websocket)
            if token is None:
                return False
            return await self.ctx.run(principal_for_token, token) is not None
        user = await run_in_threadpool(self.ctx.auth.session_user, self.websocket.session)
        return user is not None and user.name == self.principal.name


async def _first_done(*work: Coroutine[Any, Any, None]) -> None:
    """Run them together until one ends (or fails); the others are cancelled."""
    tasks = [asyncio.ensure_future(w) for w in work]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()  # a failure is raised here
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def refuse(websocket: WebSocket, code: int, status: str, message: str) -> None:
    """Browsers cannot read why a handshake failed: accept, say why, close."""
    await websocket.accept()
    await websocket.send_text(frame({"type": "error", "code": status, "message": message}))
    await websocket.close(code)


def endpoint(ctx: ApiContext) -> Callable[[WebSocket], Coroutine[Any, Any, None]]:
    async def live(websocket: WebSocket) -> None:
        try:
            principal = await identify_caller(websocket, ctx)
        except Unauthenticated as exc:
            await refuse(websocket, CLOSE_UNAUTHENTICATED, exc.code, str(exc))
            return
        if principal is None:
            await refuse(websocket, CLOSE_UNAUTHENTICATED, "unauthenticated", "sign in first")
            return
        if principal.via_token and not principal.can("read"):
            await refuse(websocket, CLOSE_FORBIDDEN, "forbidden", "this token may not read")
            return
        await websocket.accept()
        await LivePage(websocket, ctx, principal).serve()

    return live


def routes(ctx: ApiContext) -> list[WebSocketRoute]:
    return [WebSocketRoute("/api/live", endpoint(ctx))]
