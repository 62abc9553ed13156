"""Room names as people type them, display names, and generated meeting names."""

from __future__ import annotations

import re
import secrets
import unicodedata

MAX_ROOM_NAME = 64
MAX_DISPLAY_NAME = 64
# Rooms whose name starts so are spaces' meetings (spaces/store.py makes them): members
# enter directly, anyone else through the lobby, and no one else may open one.
SPACE_ROOM_PREFIX = "space-"
# Rooms whose name starts so were made for a meeting planned by a poll (polls/store.py):
# their lobby is on from the start, so only hosts and the invited enter without a knock.
LOBBY_ROOM_PREFIX = "rdv-"
# Paths of the client that are not meetings (the workspace's pages, the server's routes).
RESERVED_ROOM_NAMES = frozenset(
    {"spaces", "invite", "api", "auth", "assets", "healthz", "ws", "caldav", "calendar", "poll"}
)


class InvalidName(ValueError):
    """A name a person typed that we refuse; the message says why, for them to read."""


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


def _room_char(ch: str) -> bool:
    # Combining marks belong to letters: Devanagari vowel signs, or the dot that casefold()
    # leaves after the 'i' of 'İstanbul'.
    return ch.isalnum() or ch in "-_." or _is_mark(ch)


def normalize_room_name(text: str) -> str:
    """NFKC, case folded, runs of spaces become one '-'; letters, digits, '-', '_', '.' only."""
    name = unicodedata.normalize("NFKC", text).casefold().strip()
    name = re.sub(r"\s+", "-", name).strip("-")
    if not 1 <= len(name) <= MAX_ROOM_NAME or not all(map(_room_char, name)) or _is_mark(name[0]):
        raise InvalidName(f"must be 1 to {MAX_ROOM_NAME} letters, digits, '-', '_' or '.'")
    if name in (".", "..") or name.startswith("."):
        raise InvalidName("must not start with '.'")
    if name in RESERVED_ROOM_NAMES:
        raise InvalidName(f"{name!r} is the name of one of Palabre's pages, not of a meeting")
    return name


def clean_display_name(text: str) -> str:
    """Trimmed, NFC, without control characters; 1 to 64 characters."""
    name = unicodedata.normalize("NFC", text)
    # Whitespace controls (tab, newline) separate words; the other controls go. Trim last, so
    # that a name made of invisible characters and spaces ends up empty.
    name = "".join(ch for ch in name if ch.isspace() or unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip()
    if not 1 <= len(name) <= MAX_DISPLAY_NAME:
        raise InvalidName(f"must be 1 to {MAX_DISPLAY_NAME} characters")
    return name


# Four words from lists of about 60 (2^23 combinations) and a 4-digit suffix: about 2^36
# names, hard to find by scanning, easy to read aloud.
_ADJECTIVES = (
    "amber azure bold brave bright calm clever coral cosmic crisp daring eager early "
    "fancy fast fierce gentle glad golden grand happy hidden humble icy jolly keen kind "
    "lively lucky merry mighty misty modest noble odd patient polite proud quick quiet "
    "rapid rare royal rusty shy silent silver sleek smart snowy solar spicy steady "
    "sunny swift tidy tiny urban vivid warm wild wise witty young zesty"
).split()
_NOUNS = (
    "badger beacon birch canyon cedar comet coyote dolphin eagle falcon fern fjord "
    "forest fox galaxy glacier harbor hawk heron island jaguar lagoon lantern lemur "
    "lighthouse lynx maple meadow meteor nebula oak ocean orchid otter owl panda "
    "pebble pine planet prairie quartz raven reef river robin salmon sequoia sparrow "
    "spruce summit thunder tiger tulip valley violet walrus willow wolf zebra"
).split()
_VERBS = (
    "bakes builds calls carries chases climbs dances digs dreams drifts finds flies "
    "follows gathers glows grows guards hums jumps knits laughs leads learns lifts "
    "listens moves nods opens paints plays ponders reads rests rides rings rolls "
    "runs sails sings skips sleeps smiles speaks spins swims talks teaches thinks "
    "travels turns visits waits walks waves whistles wins wonders writes yawns"
).split()


def generate_room_name() -> str:
    adjective = secrets.choice(_ADJECTIVES)
    noun = secrets.choice(_NOUNS)
    verb = secrets.choice(_VERBS)
    adverb = _adverb(secrets.choice(_ADJECTIVES))
    return f"{adjective}-{noun}-{verb}-{adverb}-{secrets.randbelow(10000):04d}"


def _adverb(adjective: str) -> str:
    """happy -> happily, gentle -> gently, calm -> calmly."""
    if adjective.endswith("y") and adjective not in ("shy", "coy", "sly"):
        return adjective[:-1] + "ily"
    if adjective.endswith("le"):
        return adjective[:-1] + "y"
    return adjective + "ly"
