"""Fixtures for the network-namespace tests: a Lab (netns.py) torn down after each test, and
Playwright's Chromium launched inside a namespace through a wrapper executable."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))

from netns import CHROMIUM, Lab, unavailable_reason


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (make deps-system installs it)")
    with Lab(tmp_path) as the_lab:
        yield the_lab


@pytest.fixture
async def playwright() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        yield pw
