"""Which protocol version a connection speaks, chosen in `join` (docs/protocol.md, "Versions").

As in Galène's handshake, the client names the versions it speaks and the server answers with
the one it chose, in `joined` (or `lobby_waiting`), or refuses the join with an
`unsupported_version` error that names the versions it speaks. A client that names none
speaks version 1, the protocol as it was before versions were negotiated.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

Version = Annotated[int, msgspec.Meta(ge=1, le=1000)]
Versions = Annotated[list[Version], msgspec.Meta(min_length=1, max_length=16)]

SPOKEN: tuple[int, ...] = (1,)  # by this server, oldest first
CURRENT = SPOKEN[-1]
UNNAMED = 1  # what a client that names no version speaks


class UnsupportedVersion(Exception):
    def __init__(self, offered: list[int]) -> None:
        spoken = ", ".join(map(str, SPOKEN))
        asked = ", ".join(map(str, offered))
        super().__init__(
            f"versions: this server speaks protocol version {spoken}, the client {asked}"
        )


def negotiate(offered: list[int] | None) -> int:
    """The newest version both sides speak; UnsupportedVersion if there is none."""
    common = set(SPOKEN) & set([UNNAMED] if offered is None else offered)
    if not common:
        raise UnsupportedVersion(offered or [])
    return max(common)
