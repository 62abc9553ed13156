"""Peer-to-peer for two: when a room's media may go from browser to browser, and the pair.

While exactly two people are in a room, both connected and both able, their browsers send
media to each other directly (docs/protocol.md, "Peer-to-peer"); the SFU connections stay up
and carry nothing. The rule, decided here without I/O:

- the server allows it (the `p2p` setting, on by default, as Jitsi's);
- exactly two participants hold a seat, both connected: a seat kept for someone reconnecting
  counts (they would need the SFU on their return), and so does its absence;
- both browsers said at join they can (`"p2p": true`; bots and audio-only joins do not);
- the meeting is not encrypted end to end. Encoded-frame transforms would work on a direct
  connection too, but the client's E2EE attaches its keys to the SFU's receivers (whose
  m-section names the sender), and an encrypted meeting's media already reaches the server
  as ciphertext only: it keeps the one, verified, path (turning E2EE on ends peer-to-peer);
- people waiting in the lobby do not count: they receive nothing until admitted, and a third
  admitted from the lobby ends peer-to-peer as any third joining does;
- the room is not being recorded: the recorder writes what the SFU forwards, so starting a
  recording ends peer-to-peer, and stopping it lets the pair meet directly again.

Each new pair gets a new `session` number, so that signals of an earlier pair (an ICE
candidate still on its way) are told from the current one's.

A pair formed as the second person arrives is `held`: the SFU forwards nothing between the two
(whatever their browsers send it before they know), until one of them says the direct path
does not carry the media (`p2p_fallback`). A pair formed as a third leaves is not: the two
were seeing each other through the SFU, and keep doing so until the direct media flows (their
browsers then stop sending to the SFU).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol


class Seat(Protocol):
    """What the rule reads of a participant."""

    @property
    def id(self) -> str: ...
    @property
    def p2p(self) -> bool: ...
    @property
    def reconnecting(self) -> bool: ...


def eligible_pair(
    seats: Sequence[Seat],
    connected: Collection[str],
    *,
    enabled: bool,
    e2ee: bool,
    recording: bool = False,
) -> tuple[str, str] | None:
    """The two participants who may meet peer to peer (the one seated longest first, who
    offers), or None. Never while the room is recorded: the recorder writes what the SFU
    forwards."""
    if not enabled or e2ee or recording or len(seats) != 2:
        return None
    if any(not s.p2p or s.reconnecting or s.id not in connected for s in seats):
        return None
    return seats[0].id, seats[1].id


@dataclass
class PeerToPeer:
    """A room's peer-to-peer state: the pair meeting directly, if any."""

    pair: tuple[str, str] | None = None
    session: int = 0  # one more for each new pair
    held: bool = False  # the SFU forwards nothing between the pair

    def choose(self, pair: tuple[str, str] | None, *, hold: bool = False) -> tuple[str, ...]:
        """Make `pair` the current one (`hold`: the SFU holds its media back); the
        participants to tell (the old pair's and the new one's), none if nothing changed."""
        if pair == self.pair:
            return ()
        old = self.pair or ()
        self.pair = pair
        self.held = hold and pair is not None
        if pair is not None:
            self.session += 1
        return tuple(dict.fromkeys((*old, *(pair or ()))))

    def fall_back(self, participant_id: str, session: int) -> bool:
        """One of the pair says its direct connection carries nothing: the SFU carries their
        media (they stay a pair). Whether that changed anything."""
        if not self.held or session != self.session or self.peer_of(participant_id) is None:
            return False
        self.held = False
        return True

    def held_from(self, participant_id: str) -> set[str]:
        """Whose media the SFU holds back from this participant."""
        peer = self.peer_of(participant_id)
        return {peer} if self.held and peer is not None else set()

    def peer_of(self, participant_id: str) -> str | None:
        """The other one of the pair, if this participant is in it."""
        if self.pair is None or participant_id not in self.pair:
            return None
        first, second = self.pair
        return second if participant_id == first else first

    def offerer(self, participant_id: str) -> bool:
        return self.pair is not None and self.pair[0] == participant_id
