"""/api/channels, /api/direct, /api/messages, /api/search: channels, direct conversations,
messages, read markers, search (docs/workspace-api.md, "Messaging")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import msgspec
from sqlalchemy.exc import IntegrityError
from starlette.responses import Response

from ...messaging import channels, store
from ...messaging.search import search_messages
from ...messaging.views import (
    Changes,
    ChannelView,
    MessagePage,
    MessageView,
    PersonView,
    ReadMarker,
    SearchHit,
)
from .endpoints import MAX_ID, Call, Endpoint, Id

T = TypeVar("T")


class NewChannel(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    topic: str = ""
    private: bool = False
    members: list[Id] = msgspec.field(default_factory=list)


class ChannelEdit(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    topic: str | None = None


class NewChannelMember(msgspec.Struct, forbid_unknown_fields=True):
    user: Id  # a user id


class NewDirect(msgspec.Struct, forbid_unknown_fields=True):
    users: list[Id]  # the others (the caller is always in)


class NewMessage(msgspec.Struct, forbid_unknown_fields=True):
    body: str
    client_id: str  # the client's own id for this post: a retry with it is the same post
    thread_id: Id | None = None
    attachments: list[str] = msgspec.field(default_factory=list)  # ids of the space's files


class MessageEdit(msgspec.Struct, forbid_unknown_fields=True):
    body: str


class ReadUpTo(msgspec.Struct, forbid_unknown_fields=True):
    seq: Id


class NotifyLevel(msgspec.Struct, forbid_unknown_fields=True):
    level: str  # default, all, mentions, none


async def once_more(call: Call, operation: Callable[..., T], *args: Any) -> T:
    """Run the operation; if a concurrent twin made the same row first (a unique
    constraint refused ours), run it again: it now finds that row."""
    try:
        return await call.ctx.run(operation, *args)
    except IntegrityError:
        return await call.ctx.run(operation, *args)


def _json(value: Any, status: int) -> Response:
    return Response(
        msgspec.json.encode(value),
        status_code=status,
        media_type="application/json",
        headers={"cache-control": "no-store"},
    )


# Channels


async def list_channels(call: Call) -> list[ChannelView]:
    return await call.ctx.run(channels.list_channels, call.me.user_id, call.param("space_id"))


async def create_channel(call: Call) -> ChannelView:
    body: NewChannel = call.body
    view, events = await once_more(
        call, channels.create_channel, call.me.user_id, call.param("space_id"), body.name,
        body.topic, body.private, body.members,
    )  # fmt: skip
    await call.ctx.publish(events)
    return view


async def get_channel(call: Call) -> ChannelView:
    return await call.ctx.run(channels.get_channel, call.me.user_id, call.param("channel_id"))


async def edit_channel(call: Call) -> ChannelView:
    body: ChannelEdit = call.body
    view, events = await once_more(
        call, channels.edit_channel, call.me.user_id, call.param("channel_id"), body.name,
        body.topic,
    )  # fmt: skip
    await call.ctx.publish(events)
    return view


async def archive_channel(call: Call) -> ChannelView:
    view = await call.ctx.apply(
        channels.archive_channel, call.me.user_id, call.param("channel_id"), True
    )
    return view


async def unarchive_channel(call: Call) -> ChannelView:
    view = await call.ctx.apply(
        channels.archive_channel, call.me.user_id, call.param("channel_id"), False
    )
    return view


async def channel_members(call: Call) -> list[PersonView]:
    return await call.ctx.run(channels.channel_members, call.me.user_id, call.param("channel_id"))


async def add_channel_member(call: Call) -> list[PersonView]:
    body: NewChannelMember = call.body
    listed, events = await once_more(
        call, channels.add_channel_member, call.me.user_id, call.param("channel_id"), body.user
    )
    await call.ctx.publish(events)
    return listed


async def remove_channel_member(call: Call) -> list[PersonView]:
    listed = await call.ctx.apply(
        channels.remove_channel_member, call.me.user_id, call.param("channel_id"),
        call.param("user_id"),
    )  # fmt: skip
    return listed


async def open_direct(call: Call) -> Response:
    body: NewDirect = call.body
    view, made, events = await once_more(call, channels.open_direct, call.me.user_id, body.users)
    await call.ctx.publish(events)
    return _json(view, 201 if made else 200)


async def list_direct(call: Call) -> list[ChannelView]:
    return await call.ctx.run(channels.list_direct, call.me.user_id)


async def mark_read(call: Call) -> ReadMarker:
    body: ReadUpTo = call.body
    marker, events = await once_more(
        call, channels.mark_read, call.me.user_id, call.param("channel_id"), body.seq
    )
    await call.ctx.publish(events)
    return marker


async def typing(call: Call) -> None:
    events = await call.ctx.run(channels.typing, call.me.user_id, call.param("channel_id"))
    await call.ctx.publish(events)


async def set_notify(call: Call) -> ChannelView:
    body: NotifyLevel = call.body
    return await once_more(
        call, channels.set_notify, call.me.user_id, call.param("channel_id"), body.level
    )


# Messages


async def list_messages(call: Call) -> MessagePage:
    limit = call.int_query("limit", 50, 1, store.MAX_PAGE)
    root = call.query("thread")
    if root is not None:
        return await call.ctx.run(
            store.thread, call.me.user_id, call.param("channel_id"),
            call.int_query("thread", 0, 1, MAX_ID), _optional(call, "after"), limit,
        )  # fmt: skip
    return await call.ctx.run(
        store.history, call.me.user_id, call.param("channel_id"), _optional(call, "before"),
        limit,
    )  # fmt: skip


def _optional(call: Call, name: str) -> int | None:
    if call.query(name) is None:
        return None
    return call.int_query(name, 0, 0, MAX_ID)


async def channel_changes(call: Call) -> Changes:
    return await call.ctx.run(
        store.changes, call.me.user_id, call.param("channel_id"),
        call.int_query("after", 0, 0, MAX_ID), call.int_query("limit", 200, 1, store.MAX_PAGE),
    )  # fmt: skip


async def post_message(call: Call) -> Response:
    body: NewMessage = call.body
    view, made, events = await once_more(
        call, store.post_message, call.me.user_id, call.param("channel_id"), body.body,
        body.client_id, body.thread_id, body.attachments,
    )  # fmt: skip
    await call.ctx.publish(events)
    return _json(view, 201 if made else 200)


async def edit_message(call: Call) -> MessageView:
    body: MessageEdit = call.body
    view = await call.ctx.apply(
        store.edit_message, call.me.user_id, call.param("message_id"), body.body
    )
    return view


async def delete_message(call: Call) -> MessageView:
    view = await call.ctx.apply(store.delete_message, call.me.user_id, call.param("message_id"))
    return view


async def detach_file(call: Call) -> MessageView:
    view = await call.ctx.apply(
        store.detach_file, call.me.user_id, call.param("message_id"), call.param("file_id")
    )
    return view


async def add_reaction(call: Call) -> MessageView:
    view, events = await once_more(
        call, store.react, call.me.user_id, call.param("message_id"), call.param("emoji"), True
    )
    await call.ctx.publish(events)
    return view


async def remove_reaction(call: Call) -> MessageView:
    view = await call.ctx.apply(
        store.react, call.me.user_id, call.param("message_id"), call.param("emoji"), False
    )
    return view


async def pin_message(call: Call) -> MessageView:
    view = await call.ctx.apply(store.pin, call.me.user_id, call.param("message_id"), True)
    return view


async def unpin_message(call: Call) -> MessageView:
    view = await call.ctx.apply(store.pin, call.me.user_id, call.param("message_id"), False)
    return view


async def list_pins(call: Call) -> list[MessageView]:
    return await call.ctx.run(store.pins, call.me.user_id, call.param("channel_id"))


async def search(call: Call) -> list[SearchHit]:
    space = call.query("space")
    return await call.ctx.run(
        search_messages, call.me.user_id, call.query("q", "") or "",
        call.int_query("space", 0, 1, MAX_ID) if space is not None else None,
        call.int_query("limit", 20, 1, 50),
    )  # fmt: skip


SPACE = "/api/spaces/{space_id:int}"
CHANNEL = "/api/channels/{channel_id:int}"
MESSAGE = "/api/messages/{message_id:int}"
TAGS = ("messaging",)
ENDPOINTS = [
    Endpoint("GET", SPACE + "/channels", "The space's channels the caller may read",
             list_channels, response=list[ChannelView], tags=TAGS),
    Endpoint("POST", SPACE + "/channels", "Make a channel (members; a private one lists "
             "its members)", create_channel, body=NewChannel, response=ChannelView,
             status=201, tags=TAGS),
    Endpoint("GET", CHANNEL, "One channel", get_channel, response=ChannelView, tags=TAGS),
    Endpoint("PATCH", CHANNEL, "Rename a channel or set its topic (managers)", edit_channel,
             body=ChannelEdit, response=ChannelView, tags=TAGS),
    Endpoint("POST", CHANNEL + "/archive", "Archive a channel: read-only (managers)",
             archive_channel, response=ChannelView, tags=TAGS),
    Endpoint("POST", CHANNEL + "/unarchive", "Take a channel out of the archive (managers)",
             unarchive_channel, response=ChannelView, tags=TAGS),
    Endpoint("GET", CHANNEL + "/members", "A private channel's people (its readers)",
             channel_members, response=list[PersonView], tags=TAGS),
    Endpoint("POST", CHANNEL + "/members", "Add a member of the space to a private channel "
             "(managers)", add_channel_member, body=NewChannelMember,
             response=list[PersonView], tags=TAGS),
    Endpoint("DELETE", CHANNEL + "/members/{user_id:int}", "Take someone off a private "
             "channel (managers), or leave it", remove_channel_member,
             response=list[PersonView], tags=TAGS),
    Endpoint("POST", "/api/direct", "The direct conversation of exactly these people (found "
             "200, or made 201)", open_direct, body=NewDirect, response=ChannelView,
             status=201, tags=TAGS),
    Endpoint("GET", "/api/direct", "The caller's direct conversations, latest first",
             list_direct, response=list[ChannelView], tags=TAGS),
    Endpoint("GET", CHANNEL + "/messages", "History, newest first (before=<seq>), or a "
             "thread's replies, oldest first (thread=<id>, after=<seq>)", list_messages,
             response=MessagePage, tags=TAGS),
    Endpoint("GET", CHANNEL + "/changes", "Every message changed after the cursor "
             "(after=<changed_seq>), oldest change first", channel_changes,
             response=Changes, tags=TAGS),
    Endpoint("POST", CHANNEL + "/messages", "Post (201 once durable; the same client_id "
             "again: the same message, 200)", post_message, body=NewMessage,
             response=MessageView, status=201, tags=TAGS),
    Endpoint("PATCH", MESSAGE, "Edit one's message", edit_message, body=MessageEdit,
             response=MessageView, tags=TAGS),
    Endpoint("DELETE", MESSAGE, "Delete a message (its author, or the space's admins)",
             delete_message, response=MessageView, tags=TAGS),
    Endpoint("DELETE", MESSAGE + "/attachments/{file_id}", "Take a file off a message (its "
             "author, or the space's admins)", detach_file, response=MessageView, tags=TAGS),
    Endpoint("PUT", MESSAGE + "/reactions/{emoji}", "React with one emoji", add_reaction,
             response=MessageView, tags=TAGS),
    Endpoint("DELETE", MESSAGE + "/reactions/{emoji}", "Take one's reaction back",
             remove_reaction, response=MessageView, tags=TAGS),
    Endpoint("POST", MESSAGE + "/pin", "Pin a message", pin_message, response=MessageView,
             tags=TAGS),
    Endpoint("DELETE", MESSAGE + "/pin", "Unpin a message", unpin_message,
             response=MessageView, tags=TAGS),
    Endpoint("GET", CHANNEL + "/pins", "The channel's pinned messages", list_pins,
             response=list[MessageView], tags=TAGS),
    Endpoint("POST", CHANNEL + "/read", "Move the caller's read marker (never back)",
             mark_read, body=ReadUpTo, response=ReadMarker, tags=TAGS),
    Endpoint("POST", CHANNEL + "/typing", "Tell the channel the caller is typing (not "
             "stored)", typing, tags=TAGS),
    Endpoint("PUT", CHANNEL + "/notify", "The caller's notification level in the channel",
             set_notify, body=NotifyLevel, response=ChannelView, tags=TAGS),
    Endpoint("GET", "/api/search", "Full-text search over the messages the caller may read",
             search, response=list[SearchHit], tags=("search",)),
]  # fmt: skip
