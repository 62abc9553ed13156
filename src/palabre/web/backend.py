"""What the web app needs from whatever holds the rooms: the `Backend` interface.

Two implementations: `LocalBackend` (the hub in this process) and the worker cluster's
`Front` (cluster/front.py: rooms in media worker processes, WebSockets relayed to them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from starlette.websockets import WebSocket

from ..config import Settings
from ..meeting.admission import JoinRights
from ..meeting.codes import MeetingCodes
from ..signaling.counts import MeetingUsage
from ..signaling.hub import Hub
from ..signaling.media import media_packets
from ..signaling.observer import RoomObserver
from ..signaling.session import Session
from ..stats.sample import Sample, node_sample


class Backend(Protocol):
    @property
    def codes(self) -> MeetingCodes:
        """The installation's meeting codes (the main process alone writes them)."""
        ...

    async def connect(self, websocket: WebSocket, rights: Callable[[str], JoinRights]) -> None:
        """Serve one signaling WebSocket until it ends; `rights(room)` says what the
        client's identity proves in the room it asks to join."""
        ...

    async def participants(self, room: str) -> int:
        """How many people are in the room now (0 if it is not open)."""
        ...

    def observe(self, observer: RoomObserver) -> None:
        """Tell `observer` who comes and goes in the rooms, and when a meeting ends."""
        ...

    async def roster(self, room: str) -> list[str]:
        """The display names of the people in the room now (for its space's members)."""
        ...

    async def health(self) -> dict[str, Any]:
        """`/healthz`'s report: `status` is "ok" when every part serves."""
        ...

    async def metrics(self) -> Sample:
        """The figures of `/metrics` (stats/sample.py), every process's summed."""
        ...

    async def ended_meetings(self) -> list[MeetingUsage]:
        """The meetings that ended since the last call, as counts, each told once."""
        ...


class LocalBackend:
    """The rooms in this process's hub."""

    def __init__(self, hub: Hub, settings: Settings) -> None:
        self.hub = hub
        self.settings = settings

    @property
    def codes(self) -> MeetingCodes:
        return self.hub.codes

    async def connect(self, websocket: WebSocket, rights: Callable[[str], JoinRights]) -> None:
        settings = self.settings
        await Session(self.hub, websocket, settings.rate_limit, settings.rate_burst, rights).run()

    async def participants(self, room: str) -> int:
        return len(self.hub.present(room))

    def observe(self, observer: RoomObserver) -> None:
        self.hub.observer = observer

    async def roster(self, room: str) -> list[str]:
        return [p.name for p in self.hub.present(room)]

    async def health(self) -> dict[str, Any]:
        return {
            "status": "ok",
            "rooms": len(self.hub.rooms),
            "participants": len(self.hub.members),
            "media_connections": self.hub.sfu.connection_count,
            **media_packets(self.hub.sfu.packet_counts()),
        }

    async def metrics(self) -> Sample:
        return node_sample(self.hub)

    async def ended_meetings(self) -> list[MeetingUsage]:
        return self.hub.counts.take_ended()
