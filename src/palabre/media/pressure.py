"""The load on the media plane, measured: the event loop's lag and the UDP socket's receive
queue (the signals of overload.py), and the socket's receive buffer, sized from the rate.

Linux's SO_MEMINFO gives a socket's queued bytes (as the kernel charges them), its buffer
size and the datagrams it dropped for want of room, in one getsockopt; elsewhere the queue
and drops read as zero and the loop's lag alone tells the overload.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time
from collections.abc import Callable

from .overload import Signals, receive_buffer_size

SO_MEMINFO = getattr(socket, "SO_MEMINFO", 55)  # Linux 4.6
_MEMINFO = struct.Struct("9I")  # SK_MEMINFO_RMEM_ALLOC, _RCVBUF, ..., _DROPS (the 9th)
INTERVAL = 0.05  # seconds between two samples of the loop's lag


def initial_receive_buffer() -> int:
    return receive_buffer_size(0.0, 0.0)


def set_receive_buffer(sock: socket.socket, size: int) -> int:
    """Set SO_RCVBUF (the kernel doubles it and caps it at net.core.rmem_max); the size the
    socket has now."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)
    try:
        return int(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
    except OSError:
        return 0


def meminfo(sock: socket.socket) -> tuple[int, int, int] | None:
    """(bytes queued, buffer size, datagrams dropped since the socket opened), if known."""
    try:
        raw = sock.getsockopt(socket.SOL_SOCKET, SO_MEMINFO, _MEMINFO.size)
    except OSError:
        return None
    if len(raw) < _MEMINFO.size:
        return None
    fields = _MEMINFO.unpack(raw)
    return fields[0], fields[1], fields[8]


class Pressure:
    """Samples the signals every INTERVAL and hands them to `on_sample`."""

    def __init__(
        self,
        sock: Callable[[], socket.socket | None],
        on_sample: Callable[[float, Signals], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sock = sock
        self._on_sample = on_sample
        self._clock = clock
        self._drops: int | None = None
        self.lag = 0.0  # the last sample's
        self.queue = 0.0
        self.drops = 0  # datagrams the kernel dropped at our socket, since we watch
        self.peak_lag = 0.0  # the largest lag since the last take_peak_lag

    def take_peak_lag(self) -> float:
        peak, self.peak_lag = self.peak_lag, self.lag
        return peak

    def signals(self, lag: float) -> Signals:
        queue, new_drops = 0.0, 0
        sock = self._sock()
        found = None if sock is None else meminfo(sock)
        if found is not None:
            queued, size, drops = found
            queue = queued / size if size else 0.0
            if self._drops is not None:
                new_drops = (drops - self._drops) & 0xFFFFFFFF
            self._drops = drops
        self.lag, self.queue = lag, queue
        self.drops += new_drops
        self.peak_lag = max(self.peak_lag, lag)
        return Signals(lag, queue, new_drops)

    async def run(self) -> None:
        clock = self._clock
        last = clock()
        while True:
            await asyncio.sleep(INTERVAL)
            now = clock()
            lag = max(0.0, now - last - INTERVAL)
            last = now
            self._on_sample(now, self.signals(lag))


__all__ = ["INTERVAL", "Pressure", "initial_receive_buffer", "meminfo", "set_receive_buffer"]
