"""Mentions in a message's text: `@name` names a person by their account name, `@channel`
the whole channel. Pure: which names the text holds, not who they are (store.py resolves
them among the people who may read the channel).

An account name is a-z, 0-9 and `.`, `_`, `-`, `@` (accounts/users.py), so `@jean.dupont`
and `@ana@example.org` are mentions; a name's trailing punctuation is taken as the
sentence's ("thanks @bob." names bob), and an `@` inside a word is no mention
("bob@example.org" names nobody).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHANNEL = "channel"  # @channel: everyone who may read the channel
MAX_NAME = 64

_TOKEN = re.compile(r"@([A-Za-z0-9][A-Za-z0-9._@-]*)")
_TRAILING = re.compile(r"[._@-]+$")


@dataclass(frozen=True)
class Mention:
    start: int  # the index of the `@`
    end: int  # just past the name
    name: str  # lowercase, without the `@`

    @property
    def channel(self) -> bool:
        return self.name == CHANNEL


def mention_at(text: str, index: int) -> Mention | None:
    """The mention starting at `text[index]` (an `@`), if there is one."""
    if index > 0 and (text[index - 1].isalnum() or text[index - 1] in "@._-`/\\"):
        return None
    match = _TOKEN.match(text, index)
    if match is None:
        return None
    name = _TRAILING.sub("", match.group(1))
    if not name or len(name) > MAX_NAME:
        return None
    return Mention(index, index + 1 + len(name), name.lower())


def find_mentions(text: str) -> list[Mention]:
    """Every mention in `text`, in order."""
    found = []
    index = text.find("@")
    while index != -1:
        mention = mention_at(text, index)
        if mention is not None:
            found.append(mention)
            index = text.find("@", mention.end)
        else:
            index = text.find("@", index + 1)
    return found
