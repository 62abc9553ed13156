"""The meeting's chat: public messages kept for late joiners, private ones delivered only.

Nothing is kept once the meeting ends: the log lives and dies with its Room.
"""

from __future__ import annotations

import itertools
import time
import unicodedata
from collections import deque
from dataclasses import dataclass

MAX_TEXT = 2000
HISTORY = 500  # public messages a late joiner receives


class InvalidMessage(ValueError):
    pass


@dataclass(frozen=True)
class ChatMessage:
    id: int
    sender: str
    sender_name: str
    text: str
    time: float
    to: str | None = None  # a participant id for a private message


def clean_text(text: str) -> str:
    """Trimmed, without control characters other than line breaks; 1 to MAX_TEXT characters.

    Markup is not removed here: clients render chat as text, never as HTML.
    """
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()
    if not text:
        raise InvalidMessage("must not be empty")
    if len(text) > MAX_TEXT:
        raise InvalidMessage(f"must be at most {MAX_TEXT} characters")
    return text


class ChatLog:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.history: deque[ChatMessage] = deque(maxlen=HISTORY)

    def post(self, sender: str, sender_name: str, text: str, to: str | None = None) -> ChatMessage:
        message = ChatMessage(
            next(self._ids), sender, sender_name, clean_text(text), time.time(), to
        )
        if to is None:
            self.history.append(message)
        return message
