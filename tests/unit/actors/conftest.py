"""Unit tests of actors: each drives one actor alone; whatever it started is stopped after."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pykka
import pytest


class FakeClock:
    """Stands in for the Timekeeper: keeps what was armed; `fire()` delivers it at once."""

    def __init__(self) -> None:
        self.armed: list[tuple[float, Any, Any, int]] = []
        self.cancelled: set[int] = set()
        self.tokens = 0

    def wake_in(self, seconds: float, ref: Any, message: Any) -> int:
        self.tokens += 1
        self.armed.append((seconds, ref, message, self.tokens))
        return self.tokens

    def wake_at(self, when: Any, ref: Any, message: Any) -> int:
        return self.wake_in(0.0, ref, message)

    def cancel(self, token: int) -> None:
        self.cancelled.add(token)

    def fire(self) -> int:
        """Deliver everything armed and not cancelled; returns how many."""
        due, self.armed = self.armed, []
        live = [(ref, message) for _, ref, message, token in due if token not in self.cancelled]
        for ref, message in live:
            ref.tell(message)
        return len(live)


class Recorder:
    """A subscriber (anything with `tell`) that keeps what it was told."""

    def __init__(self) -> None:
        self.told: list[Any] = []

    def tell(self, message: Any) -> None:
        self.told.append(message)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def _stop_actors() -> Iterator[None]:
    yield
    pykka.ActorRegistry.stop_all()
