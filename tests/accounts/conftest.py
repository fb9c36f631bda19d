"""A fresh accounts store in a temporary SQLite file, with a clock the test moves."""

from __future__ import annotations

import pytest

from accounts.store import AgentStore


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    made = AgentStore(f"sqlite:///{tmp_path / 'db' / 'agents.db'}", clock=clock)
    yield made
    made.dispose()
