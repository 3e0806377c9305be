"""The Sampler: samples the machine every few seconds and keeps the last hour for charts.

Sampling is its own actor so that the gateway answers `GET /metrics` from memory (a sample reads
several /proc files) and so that CPU percentages cover a steady period. It never sleeps: the
Timekeeper tells it `Tick` on a fixed cadence.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from actors import messages as m
from actors.base import Actor
from orchestrator.log import get_logger
from orchestrator.metrics import system

log = get_logger("orchestrator.metrics")


class SamplerActor(Actor):
    """Replies: `LatestSample` → the newest sample (a dict, see `metrics.system.sample`);
    `SampleHistory` → `{"items": [samples, oldest first], "period": seconds}`."""

    def __init__(
        self,
        data_dir: Path,
        timekeeper: Any,
        period: float = 5.0,
        keep: float = 3600.0,
        on_sample: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.timekeeper = timekeeper
        self.period = period
        self.keep = keep
        self.on_sample = on_sample
        self.samples: deque[tuple[float, dict[str, Any]]] = deque()
        self.due = 0.0
        self.token: int | None = None

    def on_start(self) -> None:
        self.due = time.time()
        self._tick()

    def on_stop(self) -> None:
        if self.token is not None:
            self.timekeeper.cancel(self.token)

    def on_receive(self, message: Any) -> Any:
        match message:
            case m.Tick():
                self._tick()
            case m.LatestSample():
                return self.samples[-1][1] if self.samples else None
            case m.SampleHistory():
                return {"items": [sample for _, sample in self.samples], "period": self.period}
            case _:
                raise TypeError(f"Sampler cannot handle {type(message).__name__}")

    def _tick(self) -> None:
        """Sample, then arm the next tick on the cadence (skipping beats missed while busy)."""
        try:
            self._sample()
        finally:
            # A failed sample must not stop the clock: the next one may well succeed.
            now = time.time()
            self.due += self.period
            if self.due <= now:
                self.due = now + self.period
            self.token = self.timekeeper.wake_at(self.due, self.actor_ref, m.Tick())

    def _sample(self) -> None:
        try:
            sample = system.sample(self.data_dir)
        except Exception:  # noqa: BLE001 - a platform quirk must not kill the sampler
            log.exception("system sample failed")
            return
        stamp = time.time()
        self.samples.append((stamp, sample))
        while self.samples and self.samples[0][0] < stamp - self.keep:
            self.samples.popleft()
        if self.on_sample is not None:
            try:
                self.on_sample(sample)
            except Exception:  # noqa: BLE001 - the listener's failure is not the sampler's
                log.exception("sample listener failed")
