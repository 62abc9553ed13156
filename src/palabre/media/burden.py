"""Tests only (setting media_test_burden): make each RTP packet the SFU sends cost more CPU,
so that a test can overload a server on purpose, on any machine, and watch it shed
(overload.py). Nothing of this runs unless the setting is set."""

from __future__ import annotations

import time

from .connection import MediaConnection

_burdened: list[float] = []


def burden_sends(seconds: float) -> None:
    """Every MediaConnection.send_rtp spins `seconds` first (once per process)."""
    if _burdened:
        _burdened[0] = seconds
        return
    _burdened.append(seconds)
    original = MediaConnection.send_rtp
    clock = time.perf_counter

    def send_rtp(self: MediaConnection, packet: bytes) -> bool:
        end = clock() + _burdened[0]
        while clock() < end:
            pass
        return original(self, packet)

    MediaConnection.send_rtp = send_rtp  # type: ignore[method-assign]


__all__ = ["burden_sends"]
