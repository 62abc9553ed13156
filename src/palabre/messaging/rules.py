"""The pure rules of messaging: what a channel's name, a message, a reaction may be, which
conversation a set of people holds, and who hears of a message (notification levels)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

import emoji

from ..errors import Invalid

MAX_CHANNEL_NAME = 80
MAX_TOPIC = 500
MAX_BODY = 20_000  # characters of Markdown source
MAX_CLIENT_ID = 64
MAX_EMOJI = 32  # characters (the column's size)
MAX_REACTIONS = 50  # different emoji on one message
MAX_DIRECT = 16  # people in one direct conversation, the caller included
MAX_PRIVATE_MEMBERS = 1000  # people named when a private channel is made

GENERAL = "general"  # the channel every space is made with

# A person's setting per channel: "default" follows their setting for the space.
CHANNEL_LEVELS = ("default", "all", "mentions", "none")
SPACE_LEVELS = ("all", "mentions", "none")

_CHANNEL_NAME = re.compile(r"[\w.-]+")
_CLIENT_ID = re.compile(r"[!-~]+")  # printable ASCII, no space


def clean_channel_name(text: str) -> str:
    """Lowercase, words joined by `-`: "Projet Alpha" is "projet-alpha". Letters of any
    script, digits, `-`, `_`, `.`; 1 to 80 characters."""
    name = "-".join(unicodedata.normalize("NFKC", text).split()).lower()
    if not 1 <= len(name) <= MAX_CHANNEL_NAME or not _CHANNEL_NAME.fullmatch(name):
        raise Invalid(
            f"a channel's name has 1 to {MAX_CHANNEL_NAME} letters, digits, '-', '_' or '.'"
        )
    return name


def clean_topic(text: str) -> str:
    topic = " ".join(text.split())
    if len(topic) > MAX_TOPIC:
        raise Invalid(f"a channel's topic has at most {MAX_TOPIC} characters")
    return topic


def clean_body(text: str, empty: bool = False) -> str:
    """The text as written, without trailing spaces; never empty unless `empty` (a message
    carrying files may have no text)."""
    body = text.rstrip()
    if not body.strip() and not empty:
        raise Invalid("a message cannot be empty")
    if len(body) > MAX_BODY:
        raise Invalid(f"a message has at most {MAX_BODY} characters")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in body):
        raise Invalid("a message cannot hold control characters")
    return body


def check_client_id(client_id: str) -> str:
    if not 1 <= len(client_id) <= MAX_CLIENT_ID or not _CLIENT_ID.fullmatch(client_id):
        raise Invalid(f"client_id is 1 to {MAX_CLIENT_ID} printable ASCII characters")
    return client_id


def check_emoji(text: str) -> str:
    """One emoji (a sequence such as 👍🏽 or 👨‍👩‍👧 counts as one)."""
    if not 1 <= len(text) <= MAX_EMOJI or not emoji.is_emoji(text):
        raise Invalid("a reaction is one emoji")
    return text


def check_channel_level(level: str) -> str:
    if level not in CHANNEL_LEVELS:
        raise Invalid("the level is default, all, mentions or none")
    return level


def direct_key(user_ids: Iterable[int]) -> str:
    """The key of the direct conversation of exactly these people, in any order."""
    ids = sorted(set(user_ids))
    return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()


def effective_level(channel_level: str | None, space_level: str | None) -> str:
    """A person's level in a channel: the channel's setting unless "default", then the
    space's; "all" when neither says (a direct conversation has no space)."""
    if channel_level and channel_level != "default":
        return channel_level
    return space_level if space_level in SPACE_LEVELS else "all"


def notification_kind(
    level: str, *, named: bool, everyone: bool, direct: bool, in_thread: bool
) -> str | None:
    """What a message makes for one reader (never its author), or None.

    `named`: the message mentions them by name; `everyone`: it says @channel; `direct`: it
    is in a direct conversation; `in_thread`: it replies in a thread they began or replied
    in. "all" hears of all of these, "mentions" only of being named, "none" of nothing.
    """
    if level == "none":
        return None
    if named:
        return "mention"
    if level != "all":
        return None
    if everyone:
        return "mention"
    if direct:
        return "direct"
    if in_thread:
        return "reply"
    return None
