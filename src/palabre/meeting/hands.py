"""Raised hands, in the order they went up."""

from __future__ import annotations


class Hands:
    def __init__(self) -> None:
        self._order: list[str] = []

    def raise_hand(self, participant_id: str) -> bool:
        if participant_id in self._order:
            return False
        self._order.append(participant_id)
        return True

    def lower(self, participant_id: str) -> bool:
        if participant_id not in self._order:
            return False
        self._order.remove(participant_id)
        return True

    @property
    def order(self) -> list[str]:
        return list(self._order)
