"""Fixtures of the store tests.

A fresh SQLite store in a temporary folder, with a clock the test moves by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from patrol.config import Settings
from patrol.store.db import Store, open_store


@dataclass
class FakeClock:
    """A clock that stands still until the test advances it."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 15, 0, 0, 123456, tzinfo=UTC))


@pytest.fixture
def store_settings(tmp_path: Path) -> Settings:
    return Settings().replace(store={"data_dir": str(tmp_path / "data")})


@pytest.fixture
def store(store_settings: Settings, clock: FakeClock) -> Iterator[Store]:
    opened = open_store(store_settings, clock=clock)
    yield opened
    opened.close()
